/**
 * Interop with js-macaroon (npm `macaroon` 3.0.4) in both directions, including a
 * third-party caveat and its bound discharge. Its binary export is broken (see
 * docs/protocol.md), so js-macaroon -> Chit goes through its V2J JSON export; Chit ->
 * js-macaroon uses its binary import of our text and its JSON import.
 */
import macaroon from 'macaroon';
import { describe, expect, it } from 'vitest';
import type { Macaroon } from '../src/index.js';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  attenuate,
  base64UrlEncode,
  bindDischarge,
  caveat,
  createMacaroon,
  encode,
  encodeIdentifier,
  mint,
  parseToken,
  toHex,
  utf8Encode,
  verify,
  verifyMacaroon,
} from '../src/index.js';

const NOW = 1767225600;
const masterKey = new Uint8Array(32).map((_, i) => i * 7);
const authKey = utf8Encode('auth service shared key');
const tokenId = new Uint8Array(16).fill(0xab);
const CONTEXT = {
  tenant: '42',
  resource: 'orders/9',
  action: 'read',
  attributes: { customer_id: '7' },
};
const conditions = [
  caveat.tenant('42'),
  caveat.resource('orders/*'),
  caveat.action('read'),
  caveat.expires(NOW + 60),
];

interface JsMacaroon {
  verify(rootKey: Uint8Array, check: (c: string) => string | null, discharges?: JsMacaroon[]): void;
  exportJSON(): Record<string, unknown>;
  addFirstPartyCaveat(c: string | Uint8Array): void;
  addThirdPartyCaveat(key: Uint8Array, id: string | Uint8Array, loc?: string): void;
  bindToRoot(sig: Uint8Array): void;
  readonly signature: Uint8Array;
  readonly identifier: Uint8Array;
}
const js = macaroon as unknown as {
  newMacaroon(o: {
    rootKey: Uint8Array;
    identifier: string | Uint8Array;
    location?: string;
    version?: number;
  }): JsMacaroon;
  importMacaroon(o: unknown): JsMacaroon;
};

function toV2J(m: Macaroon): string {
  return JSON.stringify({
    v: 2,
    ...(m.location !== undefined ? { l: m.location } : {}),
    i64: base64UrlEncode(m.identifier),
    c: m.caveats.map((c) => ({
      i64: base64UrlEncode(c.id),
      ...(c.vid ? { v64: base64UrlEncode(c.vid) } : {}),
      ...(c.location !== undefined ? { l: c.location } : {}),
    })),
    s64: base64UrlEncode(m.signature),
  });
}

describe('Chit -> js-macaroon', () => {
  it('js-macaroon verifies a Chit token (binary import and JSON import) with a discharge', () => {
    let m = mint({ key: masterKey, kid: 'k1', tokenId, issuedAt: NOW, caveats: conditions });
    m = attenuate(m, [caveat.attribute('customer_id', '7')]);
    m = addThirdPartyCaveat(m, {
      location: 'https://auth',
      caveatKey: authKey,
      caveatId: 'is-alice',
      nonce: new Uint8Array(24).fill(9),
    });
    const d = bindDischarge(
      m,
      attenuate(createMacaroon({ rootKey: authKey, identifier: 'is-alice' }), [
        caveat.principal('alice'),
      ]),
    );
    const seen: string[] = [];
    const check = (c: string) => {
      seen.push(c);
      return null;
    };
    const jm = js.importMacaroon(encode(m));
    jm.verify(masterKey, check, [js.importMacaroon(encode(d))]);
    expect(seen).toEqual([...conditions, 'customer_id = 7', 'principal = alice']);
    const jm2 = js.importMacaroon(JSON.parse(toV2J(m)));
    jm2.verify(masterKey, () => null, [js.importMacaroon(JSON.parse(toV2J(d)))]);
    // and it refuses what we would refuse
    expect(() =>
      jm.verify(new Uint8Array(32), () => null, [js.importMacaroon(encode(d))]),
    ).toThrow();
    expect(() => jm.verify(masterKey, () => null, [])).toThrow();
    expect(() =>
      jm.verify(masterKey, (c) => (c === 'principal = alice' ? 'no' : null), [
        js.importMacaroon(encode(d)),
      ]),
    ).toThrow();
  });
});

describe('js-macaroon -> Chit', () => {
  it('Chit verifies a token js-macaroon built with a Chit identifier, a third-party caveat and a bound discharge', () => {
    const identifier = encodeIdentifier({
      kid: 'k1',
      tokenId,
      issuedAt: NOW,
      sealed: conditions.length,
    });
    const jm = js.newMacaroon({ rootKey: masterKey, identifier, version: 2 });
    for (const c of conditions) jm.addFirstPartyCaveat(c);
    jm.addThirdPartyCaveat(authKey, 'is-alice', 'https://auth');
    const jd = js.newMacaroon({
      rootKey: authKey,
      identifier: 'is-alice',
      location: 'https://auth',
      version: 2,
    });
    jd.addFirstPartyCaveat('customer_id = 7');
    jd.bindToRoot(jm.signature);
    const primary = JSON.stringify(jm.exportJSON());
    const discharge = JSON.stringify(jd.exportJSON());
    const cap = verify(primary, {
      keys: (kid) => (kid === 'k1' ? masterKey : undefined),
      context: CONTEXT,
      clock: () => NOW * 1000,
      discharges: [discharge],
    });
    expect(cap.tokenId).toBe(toHex(tokenId));
    expect(cap.attributes).toEqual({ customer_id: ['7'] });
    expect(() =>
      verifyMacaroon(primary, {
        rootKey: masterKey,
        discharges: [discharge],
        satisfies: () => true,
      }),
    ).not.toThrow();
    expect(() =>
      verify(primary, { keys: () => masterKey, context: CONTEXT, clock: () => NOW * 1000 }),
    ).toThrow(expect.objectContaining({ code: 'ERR_DISCHARGE_MISSING' }));
    expect(() =>
      verify(primary, {
        keys: () => new Uint8Array(32),
        context: CONTEXT,
        clock: () => NOW * 1000,
        discharges: [discharge],
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_SIGNATURE_INVALID' }));
  });
  it('same root key, identifier and caveats give the same signature and bytes in both libraries', () => {
    const jm = js.newMacaroon({
      rootKey: masterKey,
      identifier: 'plain',
      location: 'loc',
      version: 2,
    });
    jm.addFirstPartyCaveat('a = 1');
    jm.addFirstPartyCaveat('b = 2');
    const m = addFirstPartyCaveat(
      addFirstPartyCaveat(
        createMacaroon({ rootKey: masterKey, identifier: 'plain', location: 'loc' }),
        'a = 1',
      ),
      'b = 2',
    );
    expect(toHex(m.signature)).toBe(toHex(jm.signature));
    expect(encode(parseToken(JSON.stringify(jm.exportJSON())))).toBe(encode(m));
  });
});
