/**
 * Tamper resistance: every single-bit flip, every truncation, caveat removal, reordering,
 * duplication, and splicing of two tokens is rejected, for generated Chit tokens with and
 * without a third-party caveat and its discharge. At least 100,000 cases.
 *
 * Locations are unsigned hints in the macaroon format (see docs/protocol.md), so the
 * generated tokens carry none: a changed location is not a forgery of authority.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addThirdPartyCaveat,
  base64UrlEncode,
  bindDischarge,
  ChitError,
  caveat,
  createMacaroon,
  encode,
  encodeBinary,
  type Macaroon,
  mint,
  verifyChain,
} from '../src/index.js';
import { asMacaroon } from '../src/macaroon.js';

const SEED = 1_000_003;
const KEY = new Uint8Array(32).fill(0x5a);
const AUTH = new Uint8Array(32).fill(0xa5);
// Any kid resolves to the key: a changed kid must be caught by the signature, not the resolver.
const keys = () => KEY;
const TOKEN_CODES = new Set([
  'ERR_TOKEN_MALFORMED',
  'ERR_TOKEN_TOO_LARGE',
  'ERR_SIGNATURE_INVALID',
]);
const DISCHARGE_CODES = new Set([...TOKEN_CODES, 'ERR_DISCHARGE_MISSING', 'ERR_DISCHARGE_INVALID']);

const POOL = [
  caveat.tenant('42'),
  caveat.resource('orders/*'),
  caveat.action(['read', 'write']),
  caveat.expires(1767229200),
  caveat.attribute('customer_id', '7'),
  caveat.audience('orders'),
  caveat.uses(100),
  caveat.principal('user-1'),
  caveat.notBefore(1767225000),
  caveat.resource('orders/**'),
];

interface Case {
  primary: Macaroon;
  discharge?: Macaroon;
}

const arbCase = fc
  .record({
    tokenId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    issuedAt: fc.integer({ min: 0, max: 2 ** 40 - 1 }),
    kid: fc.stringMatching(/^[a-z0-9]{1,8}$/),
    session: fc.option(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { nil: undefined }),
    picks: fc.uniqueArray(fc.integer({ min: 0, max: POOL.length - 1 }), {
      minLength: 2,
      maxLength: 6,
    }),
    thirdParty: fc.boolean(),
    nonce: fc.uint8Array({ minLength: 24, maxLength: 24 }),
  })
  .map((r): Case => {
    const primary0 = mint({
      key: KEY,
      kid: r.kid,
      tokenId: r.tokenId,
      issuedAt: r.issuedAt,
      ...(r.session !== undefined ? { session: r.session } : {}),
      caveats: r.picks.map((i) => POOL[i]!),
    });
    if (!r.thirdParty) return { primary: primary0 };
    const primary = addThirdPartyCaveat(primary0, {
      caveatKey: AUTH,
      caveatId: 'tp-1',
      nonce: r.nonce,
    });
    const d = createMacaroon({ rootKey: AUTH, identifier: 'tp-1' });
    return { primary, discharge: bindDischarge(primary, d) };
  });

let cases = 0;
function expectRejected(primary: string, discharge: string | undefined, allowed: Set<string>) {
  cases++;
  try {
    verifyChain(primary, { keys, ...(discharge !== undefined ? { discharges: [discharge] } : {}) });
  } catch (e) {
    if (!(e instanceof ChitError) || !allowed.has(e.code)) {
      throw new Error(`unexpected rejection ${(e as Error).name}: ${(e as ChitError).code}`);
    }
    return;
  }
  throw new Error(`a tampered token was accepted: ${primary} | ${discharge}`);
}

function rebuilt(m: Macaroon, caveats: Macaroon['caveats'], sig: Uint8Array = m.signature): string {
  return encode(asMacaroon({ identifier: m.identifier, caveats, signature: sig }, 'm'));
}

function sameCaveats(a: Macaroon['caveats'], b: Macaroon['caveats']): boolean {
  return (
    a.length === b.length && a.every((c, i) => base64UrlEncode(c.id) === base64UrlEncode(b[i]!.id))
  );
}

function bitFlips(bin: Uint8Array, each: (text: string) => void) {
  for (let i = 0; i < bin.length; i++) {
    for (let b = 0; b < 8; b++) {
      const t = bin.slice();
      t[i]! ^= 1 << b;
      each(base64UrlEncode(t));
    }
  }
}

describe('tamper', () => {
  const generated = fc.sample(arbCase, { seed: SEED, numRuns: 48 });

  it('the untampered tokens verify (so the rejections below mean something)', () => {
    for (const c of generated) {
      const discharges = c.discharge ? [encode(c.discharge)] : [];
      expect(verifyChain(encode(c.primary), { keys, discharges }).caveats.length).toBeGreaterThan(
        1,
      );
    }
  });

  it('rejects every bit flip, truncation, removal, reordering, duplication and splice', () => {
    cases = 0;
    for (let n = 0; n < generated.length; n++) {
      const { primary, discharge } = generated[n]!;
      const dText = discharge ? encode(discharge) : undefined;
      const allowed = dText ? DISCHARGE_CODES : TOKEN_CODES;
      const bin = encodeBinary(primary);
      const text = encode(primary);
      // every single-bit flip of the primary (and of the discharge)
      bitFlips(bin, (t) => expectRejected(t, dText, allowed));
      if (discharge && dText)
        bitFlips(encodeBinary(discharge), (t) => expectRejected(text, t, allowed));
      // every truncation of the binary form and of the text form
      for (let len = 0; len < bin.length; len++)
        expectRejected(base64UrlEncode(bin.subarray(0, len)), dText, allowed);
      for (let len = 0; len < text.length; len++)
        expectRejected(text.slice(0, len), dText, allowed);
      const cav = primary.caveats;
      // removal of each caveat
      for (let i = 0; i < cav.length; i++)
        expectRejected(
          rebuilt(
            primary,
            cav.filter((_, j) => j !== i),
          ),
          dText,
          allowed,
        );
      // every reordering by a swap
      for (let i = 0; i < cav.length; i++) {
        for (let j = i + 1; j < cav.length; j++) {
          const c2 = cav.slice();
          [c2[i], c2[j]] = [c2[j]!, c2[i]!];
          expectRejected(rebuilt(primary, c2), dText, allowed);
        }
      }
      // duplication of each caveat at every position
      for (let i = 0; i < cav.length; i++) {
        for (let at = 0; at <= cav.length; at++) {
          const c2 = cav.slice();
          c2.splice(at, 0, cav[i]!);
          expectRejected(rebuilt(primary, c2), dText, allowed);
        }
      }
      // splicing with the next token: A's head + B's tail, with A's or B's signature
      const other = generated[(n + 1) % generated.length]!.primary;
      for (let i = 0; i <= cav.length; i++) {
        for (let j = 0; j <= other.caveats.length; j++) {
          const c2 = [...cav.slice(0, i), ...other.caveats.slice(j)];
          // a splice that reproduces A's own caveat list is A itself, not a forgery
          if (!sameCaveats(c2, cav)) expectRejected(rebuilt(primary, c2), dText, allowed);
          expectRejected(rebuilt(primary, c2, other.signature), dText, allowed);
          expectRejected(rebuilt(other, c2, primary.signature), dText, allowed);
        }
      }
      // a discharge presented without its binding, or a token without its discharge
      if (discharge) {
        expectRejected(text, undefined, allowed);
        expectRejected(
          text,
          encode(createMacaroon({ rootKey: AUTH, identifier: 'tp-1' })),
          allowed,
        );
      }
    }
    expect(cases).toBeGreaterThanOrEqual(100_000);
  });

  it('a location is an unsigned hint: changing it keeps the same authority', () => {
    const m = mint({
      key: KEY,
      kid: 'k',
      tokenId: new Uint8Array(16),
      issuedAt: 1,
      location: 'https://a',
    });
    const moved = asMacaroon(
      {
        identifier: m.identifier,
        caveats: m.caveats,
        signature: m.signature,
        location: 'https://b',
      },
      'm',
    );
    expect(verifyChain(moved, { keys }).fingerprints).toEqual(
      verifyChain(m, { keys }).fingerprints,
    );
  });
});
