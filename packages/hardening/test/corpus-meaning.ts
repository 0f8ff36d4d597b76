/**
 * Verifier corpus, part: caveat meaning, time, resources and discharges.
 */
import { bindDischarge, caveat, encode } from '@chit/token';
import { NOW_S } from '../src/index.js';
import type { HostileCase } from './corpus-fixtures.js';
import {
  approved,
  auth,
  CM,
  cyclic,
  discharge,
  M,
  narrower,
  other,
  S,
  signed,
  strayDischarge,
  T,
  U,
  withApproval,
} from './corpus-fixtures.js';

export const MEANING_CASES: readonly HostileCase[] = [
  // caveat semantics
  {
    name: 'unknown caveat type',
    headers: auth(encode(signed(['Color = red']))),
    status: 403,
    code: 'ERR_CAVEAT_UNKNOWN',
  },
  {
    name: 'known type, operator it does not take',
    headers: auth(encode(signed(['tenant == 42']))),
    status: 403,
    code: 'ERR_CAVEAT_UNKNOWN',
  },
  {
    name: 'attribute caveat the route does not supply',
    headers: auth(encode(signed(['color = red']))),
    status: 403,
    code: U,
  },
  {
    name: 'unparseable expires value',
    headers: auth(encode(signed(['expires = soon']))),
    status: 403,
    code: CM,
  },
  {
    name: 'expires non-numeric (1e9)',
    headers: auth(encode(signed(['expires = 1e9']))),
    status: 403,
    code: CM,
  },
  {
    name: 'expires negative',
    headers: auth(encode(signed(['expires = -5']))),
    status: 403,
    code: CM,
  },
  {
    name: 'expires huge',
    headers: auth(encode(signed(['expires = 99999999999999999999']))),
    status: 403,
    code: CM,
  },
  {
    name: 'contradictory tenants',
    headers: auth(encode(signed([caveat.tenant('43')]))),
    status: 403,
    code: U,
  },
  {
    name: 'widening tenant by attenuation',
    headers: { ...auth(encode(signed([caveat.tenant(['42', '43'])]))), 'x-tenant': '43' },
    status: 403,
    code: U,
  },
  {
    name: 'widening action by attenuation',
    method: 'POST',
    url: '/orders/7/refund',
    payload: { amount: 5 },
    headers: auth(encode(signed([caveat.action(['read', 'refund'])]))),
    status: 403,
    code: U,
  },
  {
    name: 'widening resource by attenuation',
    url: '/users/1',
    headers: auth(encode(signed([caveat.resource('*')]))),
    status: 403,
    code: U,
  },
  {
    name: 'audience of another service',
    headers: auth(encode(signed([caveat.audience('billing')]))),
    status: 403,
    code: U,
  },
  {
    name: 'delegated via, wrong audience',
    headers: auth(encode(signed([caveat.via('billing'), caveat.audience('billing')]))),
    status: 403,
    code: U,
  },
  // time (the app's leeway is 30 s, its clock at NOW_S)
  {
    name: 'expired past the leeway',
    headers: auth(encode(signed([caveat.expires(NOW_S - 31)]))),
    status: 401,
    code: 'ERR_TOKEN_EXPIRED',
  },
  {
    name: 'expired exactly at the leeway',
    headers: auth(encode(signed([caveat.expires(NOW_S - 30)]))),
    status: 401,
    code: 'ERR_TOKEN_EXPIRED',
  },
  {
    name: 'not-before past the leeway',
    headers: auth(encode(signed([caveat.notBefore(NOW_S + 31)]))),
    status: 401,
    code: 'ERR_TOKEN_NOT_YET_VALID',
  },
  // resources
  {
    name: 'dot segment',
    url: '/orders/.',
    headers: auth(encode(signed([caveat.resource('orders/7')]))),
    status: 403,
    code: U,
  },
  {
    name: 'percent-encoded dot segment',
    url: '/orders/%2E',
    headers: auth(encode(signed([caveat.resource('orders/7')]))),
    status: 403,
    code: U,
  },
  {
    name: 'dot-dot into another collection',
    url: '/orders/../users/1',
    headers: auth(T),
    status: 403,
    code: U,
  },
  {
    name: 'percent-encoded traversal',
    url: '/orders/7%2F..%2F8',
    headers: auth(encode(signed([caveat.resource('orders/7')]))),
    status: 403,
    code: U,
  },
  {
    name: 'case trick',
    url: '/orders/ABC',
    headers: auth(encode(signed([caveat.resource('orders/abc')]))),
    status: 403,
    code: U,
  },
  {
    name: 'encoded trailing slash',
    url: '/orders/7%2F',
    headers: auth(encode(signed([caveat.resource('orders/7')]))),
    status: 403,
    code: U,
  },
  // discharges
  {
    name: 'discharge missing',
    headers: auth(approved.token),
    status: 403,
    code: 'ERR_DISCHARGE_MISSING',
  },
  {
    name: 'discharge bound to another token',
    headers: { ...auth(encode(other)), 'chit-discharges': approved.discharge },
    status: 401,
    code: S,
  },
  {
    name: 'discharge bound to a less-attenuated token',
    headers: { ...auth(encode(narrower)), 'chit-discharges': approved.discharge },
    status: 401,
    code: S,
  },
  {
    name: 'discharge not bound at all',
    headers: { ...auth(approved.token), 'chit-discharges': encode(discharge) },
    status: 401,
    code: S,
  },
  {
    name: 'unused extra discharge',
    headers: {
      ...auth(approved.token),
      'chit-discharges': `${approved.discharge},${strayDischarge}`,
    },
    status: 401,
    code: 'ERR_DISCHARGE_INVALID',
  },
  {
    name: 'discharge duplicated',
    headers: {
      ...auth(approved.token),
      'chit-discharges': `${approved.discharge},${approved.discharge}`,
    },
    status: 401,
    code: 'ERR_DISCHARGE_INVALID',
  },
  {
    name: 'cyclic discharge',
    headers: {
      ...auth(approved.token),
      'chit-discharges': encode(bindDischarge(withApproval, cyclic)),
    },
    status: 401,
    code: 'ERR_DISCHARGE_INVALID',
  },
  {
    name: 'discharge presented as the primary',
    headers: auth(approved.discharge),
    status: 401,
    code: M,
  },
  {
    name: 'empty Chit-Discharges header',
    headers: { ...auth(T), 'chit-discharges': '' },
    status: 401,
    code: M,
  },
];
