/**
 * The SDK's few touch points with the core's wire format: read a token's first-party
 * conditions (unverified) and append conditions to it.
 */
import { attenuate, CaveatUnknownError, decode, encode, parseToken } from '@chit/token';

/**
 * The first-party conditions of `token`, in chain order, UNVERIFIED. A condition that
 * is not UTF-8 text cannot be judged: `CaveatUnknownError`.
 * @example firstPartyConditions(token) // ['tenant = 42', 'action = read']
 */
export function firstPartyConditions(token: string): string[] {
  return readToken(token).conditions;
}

/**
 * The first-party conditions (as {@link firstPartyConditions}) and the session carried in
 * a Chit identifier, UNVERIFIED.
 * @example const { conditions, session } = readToken(token)
 */
export function readToken(token: string): {
  conditions: string[];
  session: string | undefined;
  /** The identifier's count of the minter's caveats (0 for a non-Chit identifier). */
  sealed: number;
} {
  const d = decode(token);
  const out: string[] = [];
  for (const c of d.unsafeCaveats) {
    if (c.kind !== 'first-party') continue;
    if (c.text === null) throw new CaveatUnknownError('a caveat of the token is not text');
    out.push(c.text);
  }
  return { conditions: out, session: d.chit?.session, sealed: d.chit?.sealed ?? 0 };
}

/**
 * Appends conditions (already judged) and returns the canonical text form.
 * @example appendConditions(token, ['action = read']) // the narrowed token text
 */
export function appendConditions(token: string, conditions: readonly string[]): string {
  return encode(attenuate(parseToken(token), conditions));
}
