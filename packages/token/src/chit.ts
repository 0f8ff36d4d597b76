/**
 * Chit tokens: `mint` (a macaroon whose identifier is a Chit identifier and whose root key
 * is the kid's master key through the standard derivation) and `attenuate` (append
 * conditions, each validated against the Chit caveat grammar first).
 */
import { appendConditions } from './append.js';
import { createFromIdentifier, toLocation, toRootKey } from './build.js';
import { parseCondition } from './caveats/index.js';
import { encodeIdentifier } from './identifier.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { MacaroonV2 } from './macaroon.js';
import { toMacaroon } from './parse.js';
import type { Bytes, Macaroon } from './types.js';

/**
 * Options of {@link mint}.
 * @example mint({ key, kid: 'k1', tokenId, issuedAt: 1767225600, session: 's-1', caveats: [caveat.tenant('42')] })
 */
export interface MintOptions {
  /** The master key of `kid` (at least 32 bytes recommended). */
  readonly key: Bytes;
  /** Key id: 1-64 characters of `[A-Za-z0-9._-]`. */
  readonly kid: string;
  /** 16 random bytes (randomness is an input: `crypto.getRandomValues(new Uint8Array(16))`). */
  readonly tokenId: Bytes;
  /** Issue time, Unix seconds. */
  readonly issuedAt: number;
  /** Session id carried in the identifier. */
  readonly session?: string;
  /** Unsigned location hint. */
  readonly location?: string;
  /** Canonical conditions to add at mint (e.g. from the `caveat` builders). */
  readonly caveats?: readonly string[];
}

function checkConditions(conditions: unknown, name: string): readonly string[] {
  if (!Array.isArray(conditions)) throw new TypeError(`${name} must be an array of strings`);
  for (let i = 0; i < conditions.length; i++) {
    const c: unknown = conditions[i];
    if (typeof c !== 'string') throw new TypeError(`${name}[${i}] must be a string`);
    parseCondition(c); // throws CaveatUnknownError / CaveatMalformedError: reject, never normalise
  }
  return conditions as readonly string[];
}

/**
 * Mints a Chit token.
 * @example
 * ```ts
 * const token = mint({
 *   key: masterKey, kid: 'k1', tokenId: crypto.getRandomValues(new Uint8Array(16)),
 *   issuedAt: Math.floor(Date.now() / 1000),
 *   caveats: [caveat.tenant('42'), caveat.action(['read'])],
 * });
 * encode(token);
 * ```
 */
export function mint(options: MintOptions): MacaroonV2 {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const key = toRootKey(options.key, 'options.key');
  const conditions =
    options.caveats === undefined ? [] : checkConditions(options.caveats, 'options.caveats');
  // The identifier seals how many caveats are the minter's: claims come only from those.
  const identifier = encodeIdentifier(
    {
      kid: options.kid,
      tokenId: options.tokenId,
      issuedAt: options.issuedAt,
      sealed: conditions.length,
      ...(options.session !== undefined ? { session: options.session } : {}),
    },
    'options',
  );
  const location = toLocation(options.location, 'options.location');
  const root = createFromIdentifier(key, identifier, location);
  return conditions.length === 0 ? root : appendConditions(root, conditions);
}

/**
 * Narrows a token by appending conditions. Anyone holding the token can do this offline;
 * nobody can remove a condition. Each condition must be in its canonical spelling
 * (CaveatUnknownError / CaveatMalformedError otherwise).
 * @example
 * ```ts
 * const narrow = attenuate(token, [caveat.attribute('customer_id', '7')]);
 * ```
 */
export function attenuate(token: Macaroon | string, conditions: readonly string[]): MacaroonV2 {
  const base = toMacaroon(token, 'token', DEFAULT_LIMITS);
  return appendConditions(base, checkConditions(conditions, 'conditions'));
}
