/**
 * Differential test: the verifier's fast path (text tokens without discharges) must accept
 * and reject exactly like the general path (parseToken + the chain walk), with the same
 * error codes and the same capability.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastWalk } from '../src/fast-walk.js';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  base64UrlEncode,
  ChitError,
  caveat,
  DEFAULT_LIMITS,
  encode,
  encodeBinary,
  mint,
  parseToken,
  verifyChain,
} from '../src/index.js';

const SEED = 99;
const KEY = new Uint8Array(32).fill(0x33);
const keyring = new Map([['k1', KEY]]);
const keys = (kid: string) => keyring.get(kid);

function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (e) {
    return { code: e instanceof ChitError ? e.code : `${(e as Error).name}` };
  }
}

const base = mint({
  key: KEY,
  kid: 'k1',
  tokenId: new Uint8Array(16).fill(7),
  issuedAt: 1767225600,
  session: 's-1',
  caveats: [
    caveat.tenant('42'),
    caveat.resource('orders/*'),
    caveat.uses(5),
    caveat.expires(1767229200),
  ],
});
const variants = [
  base,
  addFirstPartyCaveat(base, 'unknown-caveat ~ x'),
  addFirstPartyCaveat(base, new Uint8Array([0xff, 0x00])),
  addThirdPartyCaveat(base, {
    caveatKey: KEY,
    caveatId: 'tp',
    nonce: new Uint8Array(24),
    location: 'l',
  }),
  mint({ key: KEY, kid: 'k1', tokenId: new Uint8Array(16), issuedAt: 0, location: 'https://x' }),
  mint({ key: KEY, kid: 'nope', tokenId: new Uint8Array(16), issuedAt: 0 }),
];

describe('fast path == general path', () => {
  it('on every variant and on random mutations of their binary and text forms', () => {
    const bins = variants.map((m) => encodeBinary(m));
    const texts = variants.map((m) => encode(m));
    const limitsChoices = [
      undefined,
      { maxCaveats: 3 },
      { maxConditionBytes: 10 },
      { maxTokenBytes: 100 },
    ];
    const arb = fc.record({
      which: fc.integer({ min: 0, max: variants.length - 1 }),
      mode: fc.integer({ min: 0, max: 3 }),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
      limits: fc.constantFrom(...limitsChoices),
    });
    fc.assert(
      fc.property(arb, ({ which, mode, at, value, limits }) => {
        const bin = bins[which]!.slice();
        let text: string;
        if (mode === 0) text = texts[which]!;
        else if (mode === 1) {
          bin[at % bin.length] = value;
          text = base64UrlEncode(bin);
        } else if (mode === 2) text = base64UrlEncode(bin.subarray(0, at % bin.length));
        else text = Buffer.from(bin).toString('base64'); // standard alphabet, padded
        const opts = limits ? { keys, limits } : { keys };
        const fast = outcome(() => verifyChain(text, opts));
        const general = outcome(() => verifyChain(parseToken(text, limits), opts));
        expect(fast).toEqual(general);
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });
  it('the unmutated variants give the expected outcomes (the comparison is not vacuous)', () => {
    const codes = variants.map((m) => outcome(() => verifyChain(encode(m), { keys })));
    expect(codes.map((c) => (c as { code?: string }).code)).toEqual([
      undefined,
      'ERR_CAVEAT_UNKNOWN',
      'ERR_CAVEAT_MALFORMED',
      'ERR_DISCHARGE_MISSING',
      undefined,
      'ERR_KEY_UNKNOWN',
    ]);
    // and the fast path really is taken for plain first-party tokens, not for the others
    expect(fastWalk(encode(base), DEFAULT_LIMITS, keys)).not.toBeNull();
    expect(fastWalk(encode(variants[3]!), DEFAULT_LIMITS, keys)).toBeNull();
    expect(fastWalk(encode(variants[4]!), DEFAULT_LIMITS, keys)).toBeNull();
    expect(fastWalk(JSON.stringify({ i: 'x' }), DEFAULT_LIMITS, keys)).toBeNull();
  });
});
