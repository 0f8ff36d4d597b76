/**
 * Text to macaroon: `parseToken` (for verification and building) and `decode` (the
 * untrusted inspection view). Size limits are checked on the text before any decoding.
 */
import { base64Decode, lastDecodeWasCanonical, utf8Decode, utf8Encode } from './bytes.js';
import { TokenMalformedError, TokenTooLargeError } from './errors.js';
import { parseBinary } from './format.js';
import { decodeIdentifier } from './identifier.js';
import { parseJson } from './json.js';
import { resolveLimits } from './limits.js';
import { asMacaroon, type MacaroonV2 } from './macaroon.js';
import type { DecodedToken, Limits, Macaroon, UnsafeCaveat } from './types.js';

/**
 * Parses with already-resolved limits (internal hot path).
 * @example
 * ```ts
 * parseWithLimits(text, DEFAULT_LIMITS)
 * ```
 */
export function parseWithLimits(text: string, limits: Limits): MacaroonV2 {
  if (text.length > limits.maxTokenBytes)
    throw new TokenTooLargeError('token exceeds a size limit: too long');
  if (text.length === 0) throw new TokenMalformedError('token is malformed: empty');
  if (text.charCodeAt(0) === 123 /* '{' */) {
    if (utf8Encode(text).length > limits.maxTokenBytes) {
      throw new TokenTooLargeError('token exceeds a size limit: too long');
    }
    return parseJson(text, limits);
  }
  const bytes = base64Decode(text);
  if (bytes === null) throw new TokenMalformedError('token is malformed: not base64');
  // Only the canonical form (base64url, unpadded) is cached as the token's text.
  return parseBinary(bytes, limits, lastDecodeWasCanonical() ? text : undefined);
}

/**
 * Parses a token from its text form: base64 V2 binary (URL-safe or standard alphabet,
 * padded or not) or V2J JSON. Throws TokenMalformedError / TokenTooLargeError; the
 * result is NOT verified.
 * @example
 * ```ts
 * const m = parseToken(text); // then verify(m, ...) or attenuate(m, [...])
 * ```
 */
export function parseToken(text: string, limits?: Partial<Limits>): MacaroonV2 {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  return parseWithLimits(text, resolveLimits(limits));
}

/**
 * Accepts a token argument given as text or as a Macaroon object.
 * @example
 * ```ts
 * const m = toMacaroon(tokenOrText, 'token', limits);
 * ```
 */
export function toMacaroon(value: unknown, name: string, limits: Limits): MacaroonV2 {
  if (typeof value === 'string') return parseWithLimits(value, limits);
  return asMacaroon(value, name);
}

/**
 * Unverified inspection: location, identifier (decoded when it is a Chit identifier) and
 * caveats exactly as found, labelled `unsafeCaveats`. Never exposes the signature. Use
 * only for display and routing, never for an authorization decision.
 * @example
 * ```ts
 * const d = decode(text);
 * d.chit?.tokenId; d.unsafeCaveats.map((c) => c.text);
 * ```
 */
export function decode(token: string | Macaroon, limits?: Partial<Limits>): DecodedToken {
  const m = toMacaroon(token, 'token', resolveLimits(limits));
  const unsafeCaveats: UnsafeCaveat[] = m.caveats.map((c) => {
    const u: {
      kind: UnsafeCaveat['kind'];
      text: string | null;
      id: Uint8Array;
      location?: string;
    } = {
      kind: c.vid === undefined ? 'first-party' : 'third-party',
      text: utf8Decode(c.id),
      id: c.id.slice(),
    };
    if (c.location !== undefined) u.location = c.location;
    return Object.freeze(u);
  });
  const out: {
    location?: string;
    identifier: Uint8Array;
    chit: DecodedToken['chit'];
    unsafeCaveats: readonly UnsafeCaveat[];
  } = {
    identifier: m.identifier.slice(),
    chit: decodeIdentifier(m.identifier),
    unsafeCaveats: Object.freeze(unsafeCaveats),
  };
  if (m.location !== undefined) out.location = m.location;
  return Object.freeze(out);
}
