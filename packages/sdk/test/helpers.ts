// Shared test fixtures: a fixed master key, clock and token ids (no randomness in tests).
import { ChitError, caveat, encode, mint, type RequestContext, verify } from '@chit/token';

export const KEY = new Uint8Array(32).map((_, i) => i + 1);
export const KID = 'k1';
export const NOW_S = 1_800_000_000;
export const clock = () => NOW_S * 1000;
export const keys = (kid: string) => (kid === KID ? KEY : undefined);

let counter = 0;
/** A token minted with the fixed key at NOW_S, with the given conditions. */
export function mintToken(conditions: readonly string[], session?: string): string {
  const tokenId = new Uint8Array(16);
  tokenId[15] = ++counter;
  return encode(
    mint({
      key: KEY,
      kid: KID,
      tokenId,
      issuedAt: NOW_S - 10,
      caveats: conditions,
      ...(session !== undefined && { session }),
    }),
  );
}

/** The standard wide token of the tests. */
export function wideToken(): string {
  return mintToken([
    caveat.tenant(['41', '42']),
    caveat.resource('orders/**'),
    caveat.action(['read', 'write']),
    caveat.expires(NOW_S + 3600),
    caveat.uses(100),
  ]);
}

/** Verifies on the Node side with the fixed key (throws the core's errors). */
export function check(token: string, context: RequestContext, nowS = NOW_S) {
  return verify(token, { keys, context, clock: () => nowS * 1000 });
}

/** The code of the ChitError `fn` throws (anything else, or no throw, fails the test). */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChitError) return e.code;
    throw e;
  }
  throw new Error('did not throw');
}
