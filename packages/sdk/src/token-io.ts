/**
 * The SDK's few touch points with the core's wire format: read a token's first-party
 * conditions (unverified) and append conditions to it.
 */
import { attenuate, CaveatUnknownError, decode, encode, parseToken } from '@chit/token';

/**
 * The first-party conditions of `token`, in chain order, UNVERIFIED. A condition that
 * is not UTF-8 text cannot be judged: `CaveatUnknownError`.
 */
export function firstPartyConditions(token: string): string[] {
  const out: string[] = [];
  for (const c of decode(token).unsafeCaveats) {
    if (c.kind !== 'first-party') continue;
    if (c.text === null) throw new CaveatUnknownError('a caveat of the token is not text');
    out.push(c.text);
  }
  return out;
}

/** Appends conditions (already judged) and returns the canonical text form. */
export function appendConditions(token: string, conditions: readonly string[]): string {
  return encode(attenuate(parseToken(token), conditions));
}
