/**
 * The named hostile corpus for the HTTP verifier: each case is one request and the exact
 * answer it must get. Built from deterministic fixtures, so every byte reproduces.
 */
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  caveat,
  createMacaroon,
  encode,
  encodeBinary,
  type MacaroonV2,
  parseToken,
} from '@chit/token';
import {
  FOREIGN_KEY,
  mintMacaroon,
  mintToken,
  NOW_S,
  RETIRED_KEY,
  readerCaveats,
  toText,
  V2,
  varint,
  writeRaw,
} from '../src/index.js';

/** One hostile request and its expected answer. */
export interface HostileCase {
  readonly name: string;
  readonly method?: 'GET' | 'POST';
  readonly url?: string;
  readonly headers: Record<string, string | string[]>;
  readonly payload?: unknown;
  readonly status: number;
  readonly code: string;
}

const enc = new TextEncoder();
const signed = (
  conditions: (string | Uint8Array)[],
  base = mintMacaroon({ caveats: readerCaveats() }),
) => conditions.reduce<MacaroonV2>((m, c) => addFirstPartyCaveat(m, c), base);
const auth = (token: string) => ({ authorization: `Chit ${token}`, 'x-tenant': '42' });

export const valid = mintToken({ caveats: readerCaveats() });
const base = parseToken(valid.token) as MacaroonV2;
const bytes = encodeBinary(base);
const id = base.identifier;
const sig = base.signature;
const cav = (text: string) => [{ type: V2.IDENTIFIER, data: enc.encode(text) }];
const caveatFields = base.caveats.map((c) => [{ type: V2.IDENTIFIER, data: c.id }]);
const raw = (over: Partial<Parameters<typeof writeRaw>[0]>) =>
  toText(
    writeRaw({
      header: [{ type: V2.IDENTIFIER, data: id }],
      caveats: caveatFields,
      trailer: [{ type: V2.SIGNATURE, data: sig }],
      ...over,
    }),
  );
const flip = (b: Uint8Array, i: number) => {
  const c = b.slice();
  c[i] = c[i]! ^ 1;
  return toText(c);
};

// Third-party caveat and its discharge (an approval service holding CAVEAT_KEY).
const CAVEAT_KEY = enc.encode('approval-service-shared-key-0001');
const nonce = new Uint8Array(24).fill(9);
const withApproval = addThirdPartyCaveat(mintMacaroon({ caveats: readerCaveats() }), {
  caveatKey: CAVEAT_KEY,
  caveatId: 'approval-1',
  location: 'https://approvals.example',
  nonce,
});
const discharge = createMacaroon({ rootKey: CAVEAT_KEY, identifier: 'approval-1' });
export const approved = {
  token: encode(withApproval),
  discharge: encode(bindDischarge(withApproval, discharge)),
};
const narrower = addFirstPartyCaveat(withApproval, caveat.resource('orders/7'));
const other = addThirdPartyCaveat(mintMacaroon({ caveats: readerCaveats() }), {
  caveatKey: CAVEAT_KEY,
  caveatId: 'approval-1',
  nonce,
});
const strayDischarge = encode(
  bindDischarge(withApproval, createMacaroon({ rootKey: CAVEAT_KEY, identifier: 'approval-9' })),
);
// A discharge that itself demands a discharge of the same id: a cycle.
const cyclic = addThirdPartyCaveat(discharge, {
  caveatKey: CAVEAT_KEY,
  caveatId: 'approval-1',
  nonce,
});

const T = valid.token;
const M = 'ERR_TOKEN_MALFORMED';
const S = 'ERR_SIGNATURE_INVALID';
const U = 'ERR_CAVEAT_UNSATISFIED';
const CM = 'ERR_CAVEAT_MALFORMED';
const big = (n: number) => 'A'.repeat(n);

/** The corpus (each name is unique; the test asserts it). */
export const VERIFIER_CORPUS: readonly HostileCase[] = [
  // Authorization header
  {
    name: 'no Authorization',
    headers: { 'x-tenant': '42' },
    status: 401,
    code: 'ERR_TOKEN_MISSING',
  },
  {
    name: 'empty Authorization',
    headers: { authorization: '', 'x-tenant': '42' },
    status: 401,
    code: 'ERR_TOKEN_MISSING',
  },
  {
    name: 'duplicate Authorization',
    headers: { authorization: [`Chit ${T}`, `Chit ${T}`], 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'lowercase scheme',
    headers: { authorization: `chit ${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'uppercase scheme',
    headers: { authorization: `CHIT ${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'two spaces after scheme',
    headers: { authorization: `Chit  ${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'tab after scheme',
    headers: { authorization: `Chit\t${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'scheme without token',
    headers: { authorization: 'Chit', 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'scheme and a space only',
    headers: { authorization: 'Chit ', 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'foreign scheme (Basic)',
    headers: { authorization: 'Basic dXNlcjpwdw==', 'x-tenant': '42' },
    status: 401,
    code: 'ERR_TOKEN_MISSING',
  },
  {
    name: 'two tokens in one header',
    headers: { authorization: `Chit ${T},${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  // base64
  {
    name: 'base64 "+" inside a base64url token',
    headers: auth(`${T.slice(0, 10)}+${T.slice(11)}`),
    status: 401,
    code: M,
  },
  {
    name: 'base64 "/" inside a base64url token',
    headers: auth(`${T.slice(0, 10)}/${T.slice(11)}`),
    status: 401,
    code: M,
  },
  {
    name: 'base64 "." inside',
    headers: auth(`${T.slice(0, 10)}.${T.slice(11)}`),
    status: 401,
    code: M,
  },
  {
    name: 'base64 "!" inside',
    headers: auth(`${T.slice(0, 10)}!${T.slice(11)}`),
    status: 401,
    code: M,
  },
  { name: 'padding "=" appended', headers: auth(`${T}=`), status: 401, code: M },
  { name: 'padding "===" appended', headers: auth(`${T}===`), status: 401, code: M },
  {
    name: 'padding inside the token',
    headers: auth(`${T.slice(0, 8)}==${T.slice(8)}`),
    status: 401,
    code: M,
  },
  { name: 'truncated by 1', headers: auth(T.slice(0, -1)), status: 401, code: M },
  { name: 'truncated by 2', headers: auth(T.slice(0, -2)), status: 401, code: M },
  { name: 'truncated by 3', headers: auth(T.slice(0, -3)), status: 401, code: M },
  // sizes and limits
  { name: '8 KiB token', headers: auth(big(8193)), status: 401, code: 'ERR_TOKEN_TOO_LARGE' },
  {
    name: 'over-16 KiB token',
    headers: auth(big(16_500)),
    status: 401,
    code: 'ERR_TOKEN_TOO_LARGE',
  },
  {
    name: '65 caveats (limit 64)',
    headers: auth(encode(signed(Array(60).fill(caveat.tenant('42'))))),
    status: 401,
    code: 'ERR_TOKEN_TOO_LARGE',
  },
  {
    name: 'condition of 1025 bytes',
    headers: auth(encode(signed([`principal = ${'a'.repeat(1013)}`]))),
    status: 401,
    code: 'ERR_TOKEN_TOO_LARGE',
  },
  // characters inside validly signed conditions
  {
    name: 'invalid UTF-8 in a condition',
    headers: auth(encode(signed([Uint8Array.of(0x74, 0x65, 0xff, 0xfe)]))),
    status: 403,
    code: CM,
  },
  {
    name: 'NUL in a condition',
    headers: auth(encode(signed(['tenant = 42\u0000']))),
    status: 403,
    code: CM,
  },
  {
    name: 'CR/LF in a condition',
    headers: auth(encode(signed(['tenant = 42\r\nrole = admin']))),
    status: 403,
    code: CM,
  },
  {
    name: 'ESC control character in a condition',
    headers: auth(encode(signed(['principal = user\u001b1']))),
    status: 403,
    code: CM,
  },
  {
    name: 'confusable key (Cyrillic e in tenant)',
    headers: auth(encode(signed(['t\u0435nant = 42']))),
    status: 403,
    code: 'ERR_CAVEAT_UNKNOWN',
  },
  {
    name: 'confusable value (fullwidth digits)',
    headers: auth(encode(signed(['tenant = \uff14\uff12']))),
    status: 403,
    code: CM,
  },
  {
    name: 'non-NFC value (e + combining acute)',
    headers: auth(encode(signed(['principal = e\u0301']))),
    status: 403,
    code: CM,
  },
  // binary structure
  {
    name: 'unknown version byte',
    headers: auth(toText(Uint8Array.from([3, ...bytes.slice(1)]))),
    status: 401,
    code: M,
  },
  {
    name: 'fields out of order (signature before caveats)',
    headers: auth(
      raw({ caveats: [], trailer: [{ type: V2.SIGNATURE, data: sig }, ...caveatFields.flat()] }),
    ),
    status: 401,
    code: M,
  },
  {
    name: 'identifier field duplicated',
    headers: auth(
      raw({
        header: [
          { type: V2.IDENTIFIER, data: id },
          { type: V2.IDENTIFIER, data: id },
        ],
      }),
    ),
    status: 401,
    code: M,
  },
  {
    name: 'caveat with two identifiers',
    headers: auth(raw({ caveats: [[...cav('tenant = 42'), ...cav('tenant = 42')]] })),
    status: 401,
    code: M,
  },
  {
    name: 'location after identifier',
    headers: auth(
      raw({
        header: [
          { type: V2.IDENTIFIER, data: id },
          { type: V2.LOCATION, data: enc.encode('x') },
        ],
      }),
    ),
    status: 401,
    code: M,
  },
  {
    name: 'varint length overflow',
    headers: auth(
      toText(Uint8Array.from([2, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])),
    ),
    status: 401,
    code: M,
  },
  {
    name: 'length past the end',
    headers: auth(toText(Uint8Array.from([2, 2, ...varint(4000), 1, 2, 3]))),
    status: 401,
    code: M,
  },
  {
    name: '31-byte signature',
    headers: auth(raw({ trailer: [{ type: V2.SIGNATURE, data: sig.slice(0, 31) }] })),
    status: 401,
    code: M,
  },
  {
    name: '33-byte signature',
    headers: auth(raw({ trailer: [{ type: V2.SIGNATURE, data: Uint8Array.from([...sig, 0]) }] })),
    status: 401,
    code: M,
  },
  {
    name: 'trailing garbage after signature',
    headers: auth(toText(Uint8Array.from([...bytes, 0]))),
    status: 401,
    code: M,
  },
  // chain tampering
  {
    name: 'bit flip in the signature',
    headers: auth(flip(bytes, bytes.length - 1)),
    status: 401,
    code: S,
  },
  {
    name: 'bit flip in a caveat',
    headers: auth(raw({ caveats: [cav('tenant = 43'), ...caveatFields.slice(1)] })),
    status: 401,
    code: S,
  },
  {
    name: 'caveat stripped',
    headers: auth(raw({ caveats: caveatFields.slice(1) })),
    status: 401,
    code: S,
  },
  {
    name: 'caveats reordered',
    headers: auth(raw({ caveats: [...caveatFields].reverse() })),
    status: 401,
    code: S,
  },
  {
    name: 'caveat duplicated without re-chaining',
    headers: auth(raw({ caveats: [...caveatFields, caveatFields[0]!] })),
    status: 401,
    code: S,
  },
  {
    name: 'caveats spliced from another token',
    headers: auth(raw({ header: [{ type: V2.IDENTIFIER, data: mintMacaroon().identifier }] })),
    status: 401,
    code: S,
  },
  // keys
  {
    name: 'unknown kid',
    headers: auth(mintToken({ kid: 'k9', key: FOREIGN_KEY, caveats: readerCaveats() }).token),
    status: 401,
    code: 'ERR_KEY_UNKNOWN',
  },
  {
    name: 'retired kid',
    headers: auth(mintToken({ kid: 'k0', key: RETIRED_KEY, caveats: readerCaveats() }).token),
    status: 401,
    code: 'ERR_KEY_UNKNOWN',
  },
  {
    name: 'known kid, different root key',
    headers: auth(mintToken({ key: FOREIGN_KEY, caveats: readerCaveats() }).token),
    status: 401,
    code: S,
  },
  {
    name: 'plain macaroon, not a Chit identifier',
    headers: auth(encode(createMacaroon({ rootKey: FOREIGN_KEY, identifier: 'keyid' }))),
    status: 401,
    code: M,
  },
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
