/** Chit verification: mint, attenuate, verify, discharges, the verified-chain cache. */
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  attenuate,
  bindDischarge,
  caveat,
  createMacaroon,
  createVerifiedChainCache,
  decode,
  encode,
  encodeBinary,
  fingerprint,
  type Macaroon,
  mint,
  parseToken,
  utf8Encode,
  verify,
  verifyChain,
} from '../src/index.js';

const NOW = 1767225600;
const clock = () => NOW * 1000;
const K1 = new Uint8Array(32).fill(1);
const K2 = new Uint8Array(32).fill(2);
const keyring = new Map<string, Uint8Array>([
  ['k1', K1],
  ['k2', K2],
]);
const keys = (kid: string) => keyring.get(kid);
let counter = 0;
function tid(): Uint8Array {
  const t = new Uint8Array(16);
  t[15] = ++counter;
  return t;
}
const CONDITIONS = [
  caveat.tenant('42'),
  caveat.resource('orders/*'),
  caveat.action(['read', 'write']),
  caveat.expires(NOW + 3600),
  caveat.attribute('customer_id', '7'),
];
const CONTEXT = {
  tenant: '42',
  resource: 'orders/17',
  action: 'read',
  attributes: { customer_id: '7' },
};
function token(extra: Partial<Parameters<typeof mint>[0]> = {}) {
  return mint({ key: K1, kid: 'k1', tokenId: tid(), issuedAt: NOW, caveats: CONDITIONS, ...extra });
}
/** The status of each code is @chit/protocol's concern (its http-status test); here, the code. */
function expectCode(fn: () => unknown, code: string) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ code });
}

describe('mint + verify', () => {
  it('verifies and resolves the capability', () => {
    const m = token({ session: 's-1' });
    const cap = verify(encode(m), { keys, context: CONTEXT, clock });
    expect(cap.kid).toBe('k1');
    expect(cap.tokenId).toBe(decode(m).chit!.tokenId);
    expect(cap.issuedAt).toBe(NOW);
    expect(cap.session).toBe('s-1');
    expect(cap.tenants).toEqual(['42']);
    expect(cap.caveats).toEqual(CONDITIONS);
    expect(cap.fingerprints).toHaveLength(6);
    expect(cap.fingerprints.at(-1)).toBe(fingerprint(m));
    expect(new Set(cap.fingerprints).size).toBe(6);
    for (const fp of cap.fingerprints) expect(fp).toMatch(/^[0-9a-f]{32}$/);
    // a Macaroon object verifies like its text
    expect(verify(m, { keys, context: CONTEXT, clock }).fingerprints).toEqual(cap.fingerprints);
  });
  it('a token under 240 characters for id + 5 caveats', () => {
    expect(encode(token()).length).toBeLessThanOrEqual(240);
  });
  it('attenuation narrows and keeps the parent fingerprints as a prefix', () => {
    const parent = token();
    const child = attenuate(encode(parent), [caveat.resource('orders/17')]);
    const pc = verifyChain(parent, { keys });
    const cc = verify(child, { keys, context: CONTEXT, clock });
    expect(cc.fingerprints.slice(0, 6)).toEqual(pc.fingerprints);
    expect(cc.fingerprints).toHaveLength(7);
    expectCode(
      () => verify(child, { keys, context: { ...CONTEXT, resource: 'orders/18' }, clock }),
      'ERR_CAVEAT_UNSATISFIED',
    );
    expect(() =>
      verify(parent, { keys, context: { ...CONTEXT, resource: 'orders/18' }, clock }),
    ).not.toThrow();
  });
  it('attenuation gives the same bytes from a parsed token, a text, a minted object and a chain of attenuations', () => {
    const extra = [caveat.resource('orders/17'), caveat.attribute('note', 'x')];
    const root = mint({ key: K1, kid: 'k1', tokenId: tid(), issuedAt: NOW, caveats: CONDITIONS });
    const text = encode(root);
    // reference: the general path (a Macaroon built without any cached binary or text)
    let reference: Macaroon = root;
    for (const c of extra) reference = addFirstPartyCaveat(reference, utf8Encode(c));
    const expected = encode(reference);
    const fromParsed = attenuate(parseToken(text), extra);
    const fromText = attenuate(text, extra);
    const fromObject = attenuate(root, extra);
    const chained = attenuate(attenuate(parseToken(text), [extra[0]!]), [extra[1]!]);
    const chainedTwice = attenuate(attenuate(attenuate(text, []), [extra[0]!]), [extra[1]!]);
    for (const m of [fromParsed, fromText, fromObject, chained, chainedTwice]) {
      expect(encode(m)).toBe(expected);
      expect(encodeBinary(m)).toEqual(encodeBinary(reference));
      expect(m.signature).toEqual(reference.signature);
      expect(m.caveats.map((c) => Array.from(c.id))).toEqual(
        reference.caveats.map((c) => Array.from(c.id)),
      );
      expect(Object.isFrozen(m.caveats)).toBe(true);
    }
    // children do not share the parent's or each other's caveat bytes
    const a = attenuate(text, [extra[0]!]);
    const b = attenuate(text, [extra[1]!]);
    expect(new TextDecoder().decode(a.caveats[5]!.id)).toBe(extra[0]);
    expect(new TextDecoder().decode(b.caveats[5]!.id)).toBe(extra[1]);
    expect(
      verify(chained, {
        keys,
        context: {
          ...CONTEXT,
          resource: 'orders/17',
          attributes: { ...CONTEXT.attributes, note: 'x' },
        },
        clock,
      }).caveats,
    ).toHaveLength(7);
  });
  it('attenuate and mint reject non-canonical or unknown conditions (never normalise)', () => {
    const m = token();
    expectCode(() => attenuate(m, ['tenant=42']), 'ERR_CAVEAT_MALFORMED');
    expectCode(() => attenuate(m, ['tenant  = 42']), 'ERR_CAVEAT_MALFORMED');
    expectCode(() => attenuate(m, ['frobnicate ~ 1']), 'ERR_CAVEAT_UNKNOWN');
    expectCode(
      () =>
        mint({
          key: K1,
          kid: 'k1',
          tokenId: tid(),
          issuedAt: NOW,
          caveats: ['action in [write,read]'],
        }),
      'ERR_CAVEAT_MALFORMED',
    );
    expect(() => attenuate(m, [5 as unknown as string])).toThrow(/conditions\[0\]/);
  });
  it('budgets key on the fingerprint after their condition', () => {
    const m = attenuate(token(), [caveat.uses(3)]);
    const cap = verify(m, { keys, context: CONTEXT, clock });
    expect(cap.budgets).toEqual([{ key: cap.fingerprints[6], limit: 3, expiresAt: NOW + 3600 }]);
  });
});

describe('rejections', () => {
  it('unknown kid -> ERR_KEY_UNKNOWN', () => {
    const m = mint({ key: K1, kid: 'retired', tokenId: tid(), issuedAt: NOW });
    expectCode(() => verify(m, { keys, context: CONTEXT, clock }), 'ERR_KEY_UNKNOWN');
  });
  it('a different root key -> ERR_SIGNATURE_INVALID', () => {
    const m = mint({ key: K2, kid: 'k1', tokenId: tid(), issuedAt: NOW, caveats: CONDITIONS });
    expectCode(() => verify(m, { keys, context: CONTEXT, clock }), 'ERR_SIGNATURE_INVALID');
  });
  it('a plain (non-Chit) macaroon -> ERR_TOKEN_MALFORMED', () => {
    const m = createMacaroon({ rootKey: K1, identifier: 'keyid' });
    expectCode(() => verify(m, { keys, context: CONTEXT, clock }), 'ERR_TOKEN_MALFORMED');
  });
  it('an unknown caveat is judged only after the signature verified', () => {
    const m = addFirstPartyCaveat(token(), 'frobnicate ~ 1');
    expectCode(() => verify(m, { keys, context: CONTEXT, clock }), 'ERR_CAVEAT_UNKNOWN');
    const forged = addFirstPartyCaveat(
      mint({ key: K2, kid: 'k1', tokenId: tid(), issuedAt: NOW }),
      'frobnicate ~ 1',
    );
    expectCode(() => verify(forged, { keys, context: CONTEXT, clock }), 'ERR_SIGNATURE_INVALID');
    const notUtf8 = addFirstPartyCaveat(token(), new Uint8Array([0xff]));
    expectCode(() => verify(notUtf8, { keys, context: CONTEXT, clock }), 'ERR_CAVEAT_MALFORMED');
  });
  it('expiry with leeway', () => {
    const m = token();
    const at = (s: number) => () => s * 1000;
    expect(() => verify(m, { keys, context: CONTEXT, clock: at(NOW + 3600 + 29) })).not.toThrow();
    expectCode(
      () => verify(m, { keys, context: CONTEXT, clock: at(NOW + 3600 + 30) }),
      'ERR_TOKEN_EXPIRED',
    );
    expectCode(
      () => verify(m, { keys, context: CONTEXT, clock: at(NOW + 3600), leeway: 0 }),
      'ERR_TOKEN_EXPIRED',
    );
  });
  it('a request outside the token -> ERR_CAVEAT_UNSATISFIED', () => {
    const m = token();
    expectCode(
      () => verify(m, { keys, context: { ...CONTEXT, tenant: '43' }, clock }),
      'ERR_CAVEAT_UNSATISFIED',
    );
    expectCode(
      () => verify(m, { keys, context: { ...CONTEXT, action: 'delete' }, clock }),
      'ERR_CAVEAT_UNSATISFIED',
    );
    expectCode(
      () => verify(m, { keys, context: { ...CONTEXT, attributes: { customer_id: '8' } }, clock }),
      'ERR_CAVEAT_UNSATISFIED',
    );
  });
});

describe('third-party caveats and discharges', () => {
  const authKey = utf8Encode('shared with the auth service');
  const nonce = (n: number) => new Uint8Array(24).fill(n);
  function withThirdParty(id = 'user-is-alice', m: Macaroon = token()) {
    return addThirdPartyCaveat(m, {
      location: 'https://auth.example',
      caveatKey: authKey,
      caveatId: id,
      nonce: nonce(1),
    });
  }
  function discharge(id = 'user-is-alice', conditions: string[] = [caveat.action('read')]) {
    let d = createMacaroon({ rootKey: authKey, identifier: id, location: 'https://auth.example' });
    for (const c of conditions) d = addFirstPartyCaveat(d, c);
    return d;
  }
  it('verifies with a bound discharge; discharge conditions join the capability', () => {
    const p = withThirdParty();
    const cap = verify(encode(p), {
      keys,
      context: CONTEXT,
      clock,
      discharges: [encode(bindDischarge(p, discharge()))],
    });
    expect(cap.actions).toEqual(['read']);
    expect(cap.caveats).toEqual([...CONDITIONS, 'action = read']);
    expect(cap.thirdParty).toEqual([{ id: 'user-is-alice', location: 'https://auth.example' }]);
    expect(cap.fingerprints).toHaveLength(7);
  });
  it("a discharge's claim is a check: it must repeat the minter's sealed claim", () => {
    // Whoever added the third-party caveat chose its key: a discharge speaks for a holder.
    const p = withThirdParty();
    const bound = (m: Macaroon, d: Macaroon) => [encode(bindDischarge(m, d))];
    expectCode(
      () =>
        verify(p, {
          keys,
          context: CONTEXT,
          clock,
          discharges: bound(p, discharge(undefined, [caveat.principal('alice')])),
        }),
      'ERR_CAVEAT_UNSATISFIED',
    );
    const sealed = withThirdParty(
      undefined,
      token({ caveats: [...CONDITIONS, caveat.principal('alice')] }),
    );
    const ok = verify(sealed, {
      keys,
      context: CONTEXT,
      clock,
      discharges: bound(sealed, discharge(undefined, [caveat.principal('alice')])),
    });
    expect(ok.principal).toBe('alice');
    expectCode(
      () =>
        verify(sealed, {
          keys,
          context: CONTEXT,
          clock,
          discharges: bound(sealed, discharge(undefined, [caveat.principal('mallory')])),
        }),
      'ERR_CAVEAT_UNSATISFIED',
    );
  });
  it('missing discharge -> ERR_DISCHARGE_MISSING', () => {
    expectCode(
      () => verify(withThirdParty(), { keys, context: CONTEXT, clock }),
      'ERR_DISCHARGE_MISSING',
    );
  });
  it('unbound discharge, or bound to another token -> ERR_SIGNATURE_INVALID', () => {
    const p = withThirdParty();
    expectCode(
      () => verify(p, { keys, context: CONTEXT, clock, discharges: [discharge()] }),
      'ERR_SIGNATURE_INVALID',
    );
    const other = withThirdParty();
    expectCode(
      () =>
        verify(p, {
          keys,
          context: CONTEXT,
          clock,
          discharges: [bindDischarge(other, discharge())],
        }),
      'ERR_SIGNATURE_INVALID',
    );
    // bound to a less-attenuated parent, then presented with the attenuated child
    const child = attenuate(p, [caveat.resource('orders/17')]);
    expectCode(
      () =>
        verify(child, {
          keys,
          context: CONTEXT,
          clock,
          discharges: [bindDischarge(p, discharge())],
        }),
      'ERR_SIGNATURE_INVALID',
    );
    expect(() =>
      verify(child, {
        keys,
        context: CONTEXT,
        clock,
        discharges: [bindDischarge(child, discharge())],
      }),
    ).not.toThrow();
  });
  it('a discharge made with the wrong caveat key -> ERR_SIGNATURE_INVALID', () => {
    const p = withThirdParty();
    const d = createMacaroon({ rootKey: utf8Encode('wrong'), identifier: 'user-is-alice' });
    expectCode(
      () => verify(p, { keys, context: CONTEXT, clock, discharges: [bindDischarge(p, d)] }),
      'ERR_SIGNATURE_INVALID',
    );
  });
  it('unused, duplicated, cyclic and too many discharges -> ERR_DISCHARGE_INVALID / ERR_TOKEN_TOO_LARGE', () => {
    const p = withThirdParty();
    const d = bindDischarge(p, discharge());
    const extra = bindDischarge(p, discharge('unrelated'));
    expectCode(
      () => verify(p, { keys, context: CONTEXT, clock, discharges: [d, extra] }),
      'ERR_DISCHARGE_INVALID',
    );
    expectCode(
      () => verify(p, { keys, context: CONTEXT, clock, discharges: [d, d] }),
      'ERR_DISCHARGE_INVALID',
    );
    expectCode(
      () => verify(token(), { keys, context: CONTEXT, clock, discharges: [d] }),
      'ERR_DISCHARGE_INVALID',
    );
    // cycle: A's discharge needs B, B's discharge needs A again
    const dA = addThirdPartyCaveat(discharge('A', []), {
      caveatKey: authKey,
      caveatId: 'B',
      nonce: nonce(2),
    });
    const dB = addThirdPartyCaveat(discharge('B', []), {
      caveatKey: authKey,
      caveatId: 'A',
      nonce: nonce(3),
    });
    const pa = withThirdParty('A');
    expectCode(
      () =>
        verify(pa, {
          keys,
          context: CONTEXT,
          clock,
          discharges: [bindDischarge(pa, dA), bindDischarge(pa, dB)],
        }),
      'ERR_DISCHARGE_INVALID',
    );
    const many = Array.from({ length: 17 }, () => d);
    expectCode(
      () => verify(p, { keys, context: CONTEXT, clock, discharges: many }),
      'ERR_TOKEN_TOO_LARGE',
    );
  });
  it('a first-party caveat in the second of two discharges is checked (libmacaroons #48)', () => {
    let p = withThirdParty('one');
    p = addThirdPartyCaveat(p, { caveatKey: authKey, caveatId: 'two', nonce: nonce(4) });
    const d1 = bindDischarge(p, discharge('one', []));
    const d2 = bindDischarge(p, discharge('two', [caveat.tenant('43')]));
    expectCode(
      () => verify(p, { keys, context: CONTEXT, clock, discharges: [d1, d2] }),
      'ERR_CAVEAT_UNSATISFIED',
    );
    const d2ok = bindDischarge(p, discharge('two', [caveat.tenant('42')]));
    expect(() =>
      verify(p, { keys, context: CONTEXT, clock, discharges: [d1, d2ok] }),
    ).not.toThrow();
  });
});

describe('verified-chain cache', () => {
  it('a hit returns the same capability; caveats are still evaluated per request', () => {
    const cache = createVerifiedChainCache({ maxEntries: 4 });
    const t = encode(token());
    const a = verify(t, { keys, context: CONTEXT, clock, cache });
    const b = verify(t, { keys, context: CONTEXT, clock, cache });
    expect(b).toBe(a);
    expect(cache.size).toBe(1);
    expectCode(
      () => verify(t, { keys, context: { ...CONTEXT, tenant: '43' }, clock, cache }),
      'ERR_CAVEAT_UNSATISFIED',
    );
    expectCode(
      () => verify(t, { keys, context: CONTEXT, clock: () => (NOW + 7200) * 1000, cache }),
      'ERR_TOKEN_EXPIRED',
    );
  });
  it('a retired kid fails even when cached; a replaced key fails; an equal key in a new array hits', () => {
    const cache = createVerifiedChainCache({ maxEntries: 4 });
    const t = encode(token());
    const ring = new Map([['k1', K1]]);
    const resolver = (kid: string) => ring.get(kid);
    verify(t, { keys: resolver, context: CONTEXT, clock, cache });
    ring.set('k1', K1.slice());
    expect(() => verify(t, { keys: resolver, context: CONTEXT, clock, cache })).not.toThrow();
    ring.delete('k1');
    expectCode(
      () => verify(t, { keys: resolver, context: CONTEXT, clock, cache }),
      'ERR_KEY_UNKNOWN',
    );
    ring.set('k1', K2);
    expectCode(
      () => verify(t, { keys: resolver, context: CONTEXT, clock, cache }),
      'ERR_SIGNATURE_INVALID',
    );
  });
  it('is bounded (LRU) and never caches failures', () => {
    const cache = createVerifiedChainCache({ maxEntries: 2 });
    const [t1, t2, t3] = [encode(token()), encode(token()), encode(token())];
    verify(t1, { keys, context: CONTEXT, clock, cache });
    verify(t2, { keys, context: CONTEXT, clock, cache });
    verify(t1, { keys, context: CONTEXT, clock, cache }); // t1 most recent
    verify(t3, { keys, context: CONTEXT, clock, cache }); // evicts t2
    expect(cache.size).toBe(2);
    const bad = encode(mint({ key: K2, kid: 'k1', tokenId: tid(), issuedAt: NOW }));
    expectCode(
      () => verify(bad, { keys, context: CONTEXT, clock, cache }),
      'ERR_SIGNATURE_INVALID',
    );
    expectCode(
      () => verify(bad, { keys, context: CONTEXT, clock, cache }),
      'ERR_SIGNATURE_INVALID',
    );
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
  });
  it('keys discharges into the cache key', () => {
    const cache = createVerifiedChainCache({ maxEntries: 4 });
    const authKey = utf8Encode('auth');
    const p = addThirdPartyCaveat(token(), {
      caveatKey: authKey,
      caveatId: 'x',
      nonce: new Uint8Array(24),
    });
    const d = encode(bindDischarge(p, createMacaroon({ rootKey: authKey, identifier: 'x' })));
    verify(encode(p), { keys, context: CONTEXT, clock, cache, discharges: [d] });
    expectCode(
      () => verify(encode(p), { keys, context: CONTEXT, clock, cache }),
      'ERR_DISCHARGE_MISSING',
    );
  });
  it('validates its options', () => {
    expect(() => createVerifiedChainCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => createVerifiedChainCache({ maxEntries: '1' as unknown as number })).toThrow(
      /maxEntries/,
    );
    expect(() => verify('x', { keys, context: CONTEXT, clock, cache: {} as never })).toThrow(
      /options.cache/,
    );
  });
});

describe('parsed tokens are immutable', () => {
  it('freezes the macaroon and its caveats; signature access returns a copy', () => {
    const m = parseToken(encode(token()));
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.caveats)).toBe(true);
    expect(Object.isFrozen(m.caveats[0])).toBe(true);
    m.signature.fill(0);
    expect(() => verify(m, { keys, context: CONTEXT, clock })).not.toThrow();
  });
});
