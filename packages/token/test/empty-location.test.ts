/**
 * An empty LOCATION field (type 1, length 0) means "no location", in the header and on a
 * caveat: pymacaroons writes one in every V2 macaroon it serialises. Chit accepts it on
 * the fast and the general path alike, never writes one, and still rejects every other
 * malformed location with ERR_TOKEN_MALFORMED. Locations are not signed, so none of
 * this changes a signature.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastWalk } from '../src/fast-walk.js';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  attenuate,
  base64UrlEncode,
  bindDischarge,
  ChitError,
  caveat,
  createMacaroon,
  createVerifiedChainCache,
  DEFAULT_LIMITS,
  decode,
  encode,
  encodeBinary,
  fingerprint,
  fromHex,
  type Macaroon,
  mint,
  parseToken,
  toHex,
  utf8Encode,
  verify,
  verifyChain,
  verifyMacaroon,
} from '../src/index.js';
import { pyStyle, writeV2 } from './v2-writer.js';

const NOW = 1767225600;
const clock = () => NOW * 1000;
const KEY = new Uint8Array(32).fill(0x5a);
const AUTH = utf8Encode('third party key');
const keys = (kid: string) => (kid === 'k1' ? KEY : undefined);
const CONTEXT = { tenant: '42', resource: 'orders/9', action: 'read' };
const all = () => true;

const base = mint({
  key: KEY,
  kid: 'k1',
  tokenId: new Uint8Array(16).fill(3),
  issuedAt: NOW,
  caveats: [caveat.tenant('42'), caveat.resource('orders/*'), caveat.action('read')],
});
const withThirdParty = addThirdPartyCaveat(attenuate(base, [caveat.expires(NOW + 60)]), {
  caveatKey: AUTH,
  caveatId: 'is-alice',
  nonce: new Uint8Array(24).fill(1),
});
const discharge = bindDischarge(
  withThirdParty,
  addFirstPartyCaveat(
    createMacaroon({ rootKey: AUTH, identifier: 'is-alice' }),
    'expires = 1767229200',
  ),
);

function outcome(fn: () => unknown): { ok: true } | { code: string } {
  try {
    fn();
    return { ok: true };
  } catch (e) {
    return {
      code: e instanceof ChitError ? e.code : `${(e as Error).name}: ${(e as Error).message}`,
    };
  }
}
const text = (bytes: Uint8Array) => base64UrlEncode(bytes);

describe('an empty location field is no location', () => {
  it('in the header: verifies on the fast path and on the general path', () => {
    const t = text(pyStyle(base));
    expect(toHex(pyStyle(base)).slice(0, 6)).toBe('020100');
    expect(fastWalk(t, DEFAULT_LIMITS, keys)).not.toBeNull();
    const fast = verifyChain(t, { keys });
    const general = verifyChain(parseToken(t), { keys });
    expect(fast.fingerprints).toEqual(verifyChain(encode(base), { keys }).fingerprints);
    expect(general.fingerprints).toEqual(fast.fingerprints);
    expect(verify(t, { keys, context: CONTEXT, clock }).tokenId).toBe('03'.repeat(16));
    expect(verify(parseToken(t), { keys, context: CONTEXT, clock }).tokenId).toBe('03'.repeat(16));
    expect(() => verifyMacaroon(t, { rootKey: KEY, satisfies: all })).not.toThrow();
    expect(parseToken(t).location).toBeUndefined();
    expect('location' in decode(t)).toBe(false);
  });
  it('in the header: a wrong key is still ERR_SIGNATURE_INVALID on both paths', () => {
    const t = text(pyStyle(base));
    const wrong = () => new Uint8Array(32);
    expect(outcome(() => verifyChain(t, { keys: wrong }))).toEqual({
      code: 'ERR_SIGNATURE_INVALID',
    });
    expect(outcome(() => verifyChain(parseToken(t), { keys: wrong }))).toEqual({
      code: 'ERR_SIGNATURE_INVALID',
    });
  });
  it('on a third-party caveat and in the discharge header: verifies with the discharge', () => {
    const t = text(pyStyle(withThirdParty));
    const d = text(pyStyle(discharge));
    expect(toHex(pyStyle(withThirdParty))).toContain(`01000208${toHex(utf8Encode('is-alice'))}04`);
    expect(fastWalk(t, DEFAULT_LIMITS, keys)).toBeNull(); // third-party: the general path decides
    const cap = verify(t, { keys, context: CONTEXT, clock, discharges: [d] });
    expect(cap.fingerprints).toEqual(
      verify(encode(withThirdParty), {
        keys,
        context: CONTEXT,
        clock,
        discharges: [encode(discharge)],
      }).fingerprints,
    );
    expect(() =>
      verifyMacaroon(t, { rootKey: KEY, discharges: [d], satisfies: all }),
    ).not.toThrow();
    expect('location' in decode(t).unsafeCaveats.at(-1)!).toBe(false);
    expect(outcome(() => verify(t, { keys, context: CONTEXT, clock }))).toEqual({
      code: 'ERR_DISCHARGE_MISSING',
    });
  });
  it('on a first-party caveat: no location, as for V2J `"l": ""` (both paths)', () => {
    const bytes = writeV2(base, { caveats: ['', undefined, ''] });
    expect(toHex(bytes)).toContain(`0100020b${toHex(utf8Encode('tenant = 42'))}00`);
    const t = text(bytes);
    expect(fastWalk(t, DEFAULT_LIMITS, keys)).not.toBeNull();
    expect(outcome(() => verify(t, { keys, context: CONTEXT, clock }))).toEqual({ ok: true });
    expect(outcome(() => verify(parseToken(t), { keys, context: CONTEXT, clock }))).toEqual({
      ok: true,
    });
    expect(parseToken(t).caveats.every((c) => c.location === undefined)).toBe(true);
  });
});

describe('one spelling when Chit writes', () => {
  const t = text(pyStyle(base));
  it('re-encoding a parsed token drops the empty field: other bytes, same signature', () => {
    const p = parseToken(t);
    expect(encode(p)).toBe(encode(base));
    expect(encode(p)).not.toBe(t);
    expect(toHex(encodeBinary(p))).toBe(toHex(encodeBinary(base)));
    expect(fingerprint(p)).toBe(fingerprint(base));
    expect(toHex(p.signature)).toBe(toHex(base.signature));
  });
  it('attenuating a parsed token writes no empty location', () => {
    const child = attenuate(parseToken(t), [caveat.expires(NOW + 60)]);
    expect(encode(child)).toBe(encode(attenuate(base, [caveat.expires(NOW + 60)])));
    expect(toHex(encodeBinary(child)).slice(0, 4)).toBe('0202');
    expect(outcome(() => verify(encode(child), { keys, context: CONTEXT, clock }))).toEqual({
      ok: true,
    });
  });
  it('a structural macaroon with empty locations encodes without them', () => {
    const m: Macaroon = {
      location: '',
      identifier: withThirdParty.identifier,
      caveats: withThirdParty.caveats.map((c) => ({ ...c, location: '' })),
      signature: withThirdParty.signature,
    };
    expect(encode(m)).toBe(encode(withThirdParty));
  });
  it('the verified-chain cache keys by text: both spellings verify to the same chain', () => {
    const cache = createVerifiedChainCache({ maxEntries: 8 });
    const a = verifyChain(t, { keys, cache });
    const b = verifyChain(encode(base), { keys, cache });
    expect(verifyChain(t, { keys, cache }).fingerprints).toEqual(a.fingerprints);
    expect(b.fingerprints).toEqual(a.fingerprints);
  });
});

/** Hex of one field (short payloads only: a one-byte length). */
const fieldHex = (type: number, data: Uint8Array) =>
  `0${type}${data.length.toString(16).padStart(2, '0')}${toHex(data)}`;
/** A token minted with the one caveat `tenant = 42`: the rows below respell it. */
const single = mint({
  key: KEY,
  kid: 'k1',
  tokenId: new Uint8Array(16).fill(4),
  issuedAt: NOW,
  caveats: [caveat.tenant('42')],
});
const ID = fieldHex(2, single.identifier);
const CAV = fieldHex(2, utf8Encode('tenant = 42'));
const E = '0100';
const SIG = fieldHex(6, single.signature);

describe('every other malformed location is still rejected, with the same code on both paths', () => {
  const M = 'ERR_TOKEN_MALFORMED';
  const rows: [string, string, string][] = [
    ['control: empty header and caveat locations', `02${E}${ID}00${E}${CAV}0000${SIG}`, 'ok'],
    ['location not UTF-8', `020101ff${ID}00${CAV}0000${SIG}`, M],
    ['caveat location not UTF-8', `02${ID}000101ff${CAV}0000${SIG}`, M],
    ['empty location twice', `02${E}${E}${ID}00${CAV}0000${SIG}`, M],
    ['empty then non-empty location', `02${E}010161${ID}00${CAV}0000${SIG}`, M],
    ['non-empty then empty location', `02010161${E}${ID}00${CAV}0000${SIG}`, M],
    ['empty location after the identifier', `02${ID}${E}00${CAV}0000${SIG}`, M],
    ['empty location twice on a caveat', `02${ID}00${E}${E}${CAV}0000${SIG}`, M],
    ['empty location after a caveat id', `02${ID}00${CAV}${E}0000${SIG}`, M],
    ['empty location after a VID', `02${ID}00${CAV}0401ff${E}0000${SIG}`, M],
    ['a caveat of only an empty location', `02${ID}00${E}0000${SIG}`, M],
    ['empty location in place of the signature', `02${ID}00${CAV}0000${E}${SIG}`, M],
    ['empty location, non-minimal length', `02018000${ID}00${CAV}0000${SIG}`, M],
    ['caveat empty location, non-minimal length', `02${ID}00018000${CAV}0000${SIG}`, M],
    ['location type as a non-minimal varint', `02810000${ID}00${CAV}0000${SIG}`, M],
    ['truncated after the location type', '0201', M],
    ['truncated after an empty location', `02${E}`, M],
    ['truncated after a caveat empty location', `02${ID}00${E}`, M],
  ];
  it.each(rows)('%s', (_name, hex, code) => {
    const t = text(fromHex(hex)!);
    const want = code === 'ok' ? { ok: true } : { code };
    expect(outcome(() => verifyChain(t, { keys }))).toEqual(want);
    expect(outcome(() => verifyChain(parseToken(t), { keys }))).toEqual(want);
  });
  it('caveats with empty locations still count against maxCaveats and maxConditionBytes', () => {
    const t = text(writeV2(base, { header: '', caveats: ['', '', ''] }));
    for (const limits of [{ maxCaveats: 2 }, { maxConditionBytes: 12 }]) {
      expect(outcome(() => verifyChain(t, { keys, limits }))).toEqual({
        code: 'ERR_TOKEN_TOO_LARGE',
      });
      expect(outcome(() => verifyChain(parseToken(t, limits), { keys, limits }))).toEqual({
        code: 'ERR_TOKEN_TOO_LARGE',
      });
    }
  });
});

describe('fast path == general path on pymacaroons-style bytes', () => {
  const variants = [
    pyStyle(base),
    writeV2(base, { header: '', caveats: ['', '', ''] }),
    pyStyle(withThirdParty),
  ];
  const genuine = new Set([encodeBinary(base), encodeBinary(withThirdParty)].map((b) => toHex(b)));
  it('under random byte edits and inserted empty location fields (seeded)', () => {
    const arb = fc.record({
      which: fc.integer({ min: 0, max: variants.length - 1 }),
      mode: fc.integer({ min: 0, max: 2 }),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(arb, ({ which, mode, at, value }) => {
        const src = variants[which]!;
        const i = at % src.length;
        let bin: Uint8Array;
        if (mode === 0) {
          bin = src.slice();
          bin[i] = value;
        } else if (mode === 1)
          bin = Uint8Array.from([...src.subarray(0, i), 1, 0, ...src.subarray(i)]);
        else bin = src.subarray(0, i);
        const t = text(bin);
        const fast = outcome(() => verifyChain(t, { keys }));
        const general = outcome(() => verifyChain(parseToken(t), { keys }));
        expect(fast).toEqual(general);
        if ('ok' in fast && which !== 2) {
          accepted++;
          // anything accepted is a genuine token in another spelling, never a new one
          expect(genuine.has(toHex(encodeBinary(parseToken(t))))).toBe(true);
        }
      }),
      { seed: 1111, numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
