import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  caveat,
  createMacaroon,
  encode,
  parseToken,
  utf8Encode,
} from '@chit/token';
import { describe, expect, it } from 'vitest';
import { delegate } from '../src/delegate.js';
import { humanDuration, inspect } from '../src/inspect.js';
import { check, clock, codeOf, KEY, mintToken, NOW_S, wideToken } from './helpers.js';

describe('inspect', () => {
  it('shows the unverified view of a Chit token, never the signature', () => {
    const t = mintToken(
      [
        caveat.tenant('42'),
        caveat.audience('billing'),
        caveat.expires(NOW_S + 3725),
        caveat.principal('user-1'),
        caveat.via('orders'),
        caveat.uses(3),
      ],
      's-1',
    );
    const withTp = encode(
      addThirdPartyCaveat(parseToken(t), {
        location: 'https://approve.example',
        caveatKey: new Uint8Array(32).fill(9),
        caveatId: 'approval-17',
        nonce: new Uint8Array(24).fill(1),
      }),
    );
    const v = inspect(withTp, { clock });
    expect(v).toMatchObject({
      verified: false,
      chit: true,
      kid: 'k1',
      tokenId: `${'0'.repeat(30)}${v.tokenId?.slice(30)}`,
      issuedAt: NOW_S - 10,
      issuedAtIso: new Date((NOW_S - 10) * 1000).toISOString(),
      session: 's-1',
      expiresAt: NOW_S + 3725,
      expiresAtIso: new Date((NOW_S + 3725) * 1000).toISOString(),
      remainingSeconds: 3725,
      remaining: 'in 1h 2m',
      expired: false,
      audiences: ['billing'],
      tenants: ['42'],
      principal: 'user-1',
      via: ['orders'],
      budgets: [3],
      problem: null,
      thirdParty: [{ location: 'https://approve.example', id: 'approval-17' }],
    });
    expect(v.caveats).toHaveLength(6);
    const sig = parseToken(withTp).signature;
    const sigHex = Array.from(sig, (b) => b.toString(16).padStart(2, '0')).join('');
    const json = JSON.stringify(v);
    expect(json).not.toContain(sigHex);
    expect(json).not.toContain(Buffer.from(sig).toString('base64url'));
  });

  it('reports expiry in the past and a token without expiry', () => {
    const t = mintToken([caveat.expires(NOW_S - 90)]);
    expect(inspect(t, { clock })).toMatchObject({ expired: true, remaining: 'expired 1m 30s ago' });
    expect(inspect(mintToken([]), { clock })).toMatchObject({
      expiresAt: null,
      remaining: 'never',
      expired: false,
    });
  });

  it('shows plain macaroons and names the first caveat a verifier would not understand', () => {
    let m = createMacaroon({ rootKey: KEY, identifier: 'keyid', location: 'http://example.org/' });
    m = addFirstPartyCaveat(m, 'account = 3735928559');
    m = addFirstPartyCaveat(m, new Uint8Array([0xff, 0x00]));
    m = addFirstPartyCaveat(m, caveat.expires(NOW_S + 5));
    const v = inspect(encode(m), { clock });
    expect(v).toMatchObject({
      chit: false,
      identifier: 'keyid',
      location: 'http://example.org/',
      tokenId: null,
      kid: null,
      caveats: ['account = 3735928559', '0xff00', `expires = ${NOW_S + 5}`],
      expiresAt: NOW_S + 5,
      problem: 'ERR_CAVEAT_UNKNOWN',
    });
    const bad = encode(addFirstPartyCaveat(parseToken(mintToken([])), utf8Encode('tenant  = 4')));
    expect(inspect(bad, { clock }).problem).toBe('ERR_CAVEAT_MALFORMED');
  });

  it('rejects what is not a token', () => {
    expect(codeOf(() => inspect('@@@'))).toBe('ERR_TOKEN_MALFORMED');
    expect(() => inspect(undefined as unknown as string)).toThrow(TypeError);
  });

  it('formats durations with the two largest units', () => {
    expect(humanDuration(0)).toBe('0s');
    expect(humanDuration(59)).toBe('59s');
    expect(humanDuration(3600)).toBe('1h');
    expect(humanDuration(90061)).toBe('1d 1h');
    expect(humanDuration(-61)).toBe('1m 1s');
  });
});

describe('delegate', () => {
  it('sets the audience, shortens the expiry and records the hop', () => {
    const d = delegate(wideToken(), { audience: 'billing', via: 'orders', ttl: 30, clock });
    const v = inspect(d, { clock });
    expect(v.caveats.slice(5)).toEqual([
      'audience = billing',
      `expires = ${NOW_S + 30}`,
      'via = orders',
    ]);
    const cap = check(d, {
      tenant: '42',
      resource: 'orders/7',
      action: 'read',
      audience: 'billing',
    });
    expect(cap.via).toEqual(['orders']);
    expect(cap.expiresAt).toBe(NOW_S + 30);
    // A token delegated to billing is refused by any other service.
    expect(
      codeOf(() =>
        check(d, { tenant: '42', resource: 'orders/7', action: 'read', audience: 'shipping' }),
      ),
    ).toBe('ERR_CAVEAT_UNSATISFIED');
  });

  it('records several hops in order and keeps an earlier expiry', () => {
    const first = delegate(wideToken(), { audience: 'billing', via: 'orders', ttl: 30, clock });
    const second = delegate(first, { audience: 'billing', via: 'billing', ttl: 60, clock });
    const v = inspect(second, { clock });
    expect(v.via).toEqual(['orders', 'billing']);
    expect(v.expiresAt).toBe(NOW_S + 30);
    expect(v.caveats.slice(8)).toEqual(['via = billing']);
  });

  it('refuses an audience outside the token and an expired token', () => {
    const t = mintToken([caveat.audience(['billing', 'orders'])]);
    expect(codeOf(() => delegate(t, { audience: 'shipping', via: 'x', clock }))).toBe(
      'ERR_NOT_NARROWER',
    );
    const gone = mintToken([caveat.expires(NOW_S)]);
    expect(codeOf(() => delegate(gone, { audience: 'billing', via: 'x', clock }))).toBe(
      'ERR_NOT_NARROWER',
    );
    expect(() => delegate(t, { audience: 'bad name', via: 'x', clock })).toThrow(RangeError);
    expect(() => delegate(t, { audience: 'billing', via: 'x', ttl: 0, clock })).toThrow(RangeError);
    expect(() => delegate(t, null as never)).toThrow(TypeError);
  });
});
