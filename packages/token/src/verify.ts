/**
 * Chit verification: `verifyChain` (signatures, then the caveats resolved into a
 * capability) and `verify` (that, then the capability judged against a request).
 */
import { base64UrlEncode, utf8Decode } from './bytes.js';
import {
  cacheDelete,
  cacheGet,
  cacheSet,
  checkCache,
  prefixStoreOf,
  type VerifiedChainCache,
} from './cache.js';
import { authorize } from './caveats/index.js';
import { resolveVerified } from './caveats/resolve.js';
import {
  CaveatMalformedError,
  KeyUnknownError,
  TokenMalformedError,
  TokenTooLargeError,
} from './errors.js';
import { fastWalk } from './fast-walk.js';
import { decodeIdentifier } from './identifier.js';
import { type DerivedKey, deriveKey, sameKey } from './keys.js';
import { LEEWAY_SECONDS } from './lifetimes.js';
import { resolveLimits } from './limits.js';
import type { MacaroonV2 } from './macaroon.js';
import { toMacaroon } from './parse.js';
import type {
  Clock,
  KeyResolver,
  Limits,
  Macaroon,
  RequestContext,
  ThirdPartyCaveatInfo,
  VerifiedCapability,
} from './types.js';
import { walkChain } from './walk.js';

/**
 * A token as presented: its text form or a parsed macaroon.
 * @example verify(req.headers['x-chit'] as TokenInput, opts)
 */
export type TokenInput = string | Macaroon;

/**
 * Options of {@link verifyChain}.
 * @example verifyChain(text, { keys: (kid) => ring.get(kid), discharges: [d], cache })
 */
export interface VerifyChainOptions {
  /** Resolves the identifier's kid to its master key (`undefined`: unknown or retired). */
  readonly keys: KeyResolver;
  /** Discharge macaroons, each bound to this token with `bindDischarge`. */
  readonly discharges?: readonly TokenInput[];
  /** Parsing bounds (defaults: {@link DEFAULT_LIMITS}). */
  readonly limits?: Partial<Limits>;
  /** A cache from `createVerifiedChainCache` (only used when every input is text). */
  readonly cache?: VerifiedChainCache;
}

/**
 * Options of {@link verify}.
 * @example verify(text, { keys, context: { tenant: '42', action: 'read' }, clock: Date.now })
 */
export interface VerifyOptions extends VerifyChainOptions {
  /** What the request asks to do. */
  readonly context: RequestContext;
  /** Current time in Unix milliseconds (`Date.now` fits). */
  readonly clock: Clock;
  /**
   * Clock-skew leeway for `expires` / `not-before`, seconds (default `LEEWAY_SECONDS`).
   * Services that keep state about tokens (revocations, budgets) derive its lifetime from
   * `LEEWAY_SECONDS`: never verify with a larger one there.
   */
  readonly leeway?: number;
}

function checkKeyResolver(value: unknown): KeyResolver {
  if (typeof value !== 'function') throw new TypeError('options.keys must be a function');
  return value as KeyResolver;
}

function resolveKey(keys: KeyResolver, kid: string): DerivedKey {
  const key = keys(kid);
  if (key === undefined || key === null) throw new KeyUnknownError();
  if (!(key instanceof Uint8Array) || key.length === 0) {
    throw new TypeError('options.keys must return a non-empty Uint8Array or undefined');
  }
  return deriveKey(key);
}

function cacheKeyOf(
  token: TokenInput,
  discharges: readonly TokenInput[],
  limits: Limits,
): string | null {
  if (typeof token !== 'string') return null;
  if (token.length > limits.maxTokenBytes)
    throw new TokenTooLargeError('token exceeds a size limit: too long');
  if (discharges.length === 0) return token;
  let key = token;
  for (const d of discharges) {
    if (typeof d !== 'string') return null;
    if (d.length > limits.maxTokenBytes)
      throw new TokenTooLargeError('token exceeds a size limit: too long');
    key += ` ${d}`;
  }
  return key;
}

function thirdPartyInfo(c: { id: Uint8Array; location?: string }): ThirdPartyCaveatInfo {
  const id = utf8Decode(c.id) ?? base64UrlEncode(c.id);
  return c.location === undefined
    ? Object.freeze({ id })
    : Object.freeze({ id, location: c.location });
}

const NO_DISCHARGES: readonly TokenInput[] = Object.freeze([]);
const NO_THIRD_PARTY: readonly ThirdPartyCaveatInfo[] = Object.freeze([]);

/**
 * Verifies a Chit token's signatures (and its discharges'), then resolves its caveats into
 * a capability. Does NOT judge the capability against a request: use {@link verify}, or
 * `authorize` yourself. Throws TokenMalformedError, TokenTooLargeError, KeyUnknownError,
 * SignatureInvalidError (says nothing more), DischargeMissingError, DischargeInvalidError,
 * then (only after every signature verified) CaveatUnknownError / CaveatMalformedError.
 * @example
 * ```ts
 * const cap = verifyChain(text, { keys: (kid) => masterKeys.get(kid) });
 * cap.tokenId; cap.fingerprints.at(-1);
 * ```
 */
export function verifyChain(token: TokenInput, options: VerifyChainOptions): VerifiedCapability {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const keys = checkKeyResolver(options.keys);
  const limits = resolveLimits(options.limits, 'options.limits');
  const discharges = options.discharges ?? NO_DISCHARGES;
  if (!Array.isArray(discharges)) throw new TypeError('options.discharges must be an array');
  if (discharges.length > limits.maxDischarges) {
    throw new TokenTooLargeError('token exceeds a size limit: too many discharges');
  }
  const cache = checkCache(options.cache, 'options.cache');
  let cacheKey: string | null = null;
  if (cache !== undefined) {
    cacheKey = cacheKeyOf(token, discharges, limits);
    if (cacheKey !== null) {
      const hit = cacheGet(cache, cacheKey);
      if (hit !== undefined) {
        const dk = resolveKey(keys, hit.kid);
        if (sameKey(dk, hit.key)) return hit.capability;
        cacheDelete(cache, cacheKey); // the kid now maps to another key: verify afresh
      }
    }
  }
  let capability: VerifiedCapability;
  let key: DerivedKey;
  let kid: string;
  // With a cache, the fast path resumes the chain at its longest verified prefix (held
  // with the same key); discharges and third-party caveats take the general path, walked
  // in full.
  const fast =
    discharges.length === 0 && typeof token === 'string'
      ? fastWalk(token, limits, keys, cache === undefined ? undefined : prefixStoreOf(cache))
      : null;
  if (fast !== null) {
    key = fast.key;
    kid = fast.identifier.kid;
    // The fast walk's arrays are fresh and referenced nowhere else: handed over as they are.
    capability = resolveVerified(
      fast.identifier,
      fast.conditions,
      fast.conditionFingerprints,
      fast.fingerprints,
      NO_THIRD_PARTY,
    );
  } else {
    const primary = toMacaroon(token, 'token', limits);
    const parsedDischarges: MacaroonV2[] = [];
    for (let i = 0; i < discharges.length; i++) {
      parsedDischarges.push(toMacaroon(discharges[i], `options.discharges[${i}]`, limits));
    }
    const identifier = decodeIdentifier(primary.identifier);
    if (identifier === null)
      throw new TokenMalformedError('token is malformed: not a Chit identifier');
    key = resolveKey(keys, identifier.kid);
    kid = identifier.kid;
    const walk = walkChain(primary, key, parsedDischarges, true);
    // Signatures verified: only now are the conditions read and judged.
    const conditions: string[] = [];
    for (const cid of walk.conditions) {
      const text = utf8Decode(cid);
      if (text === null) throw new CaveatMalformedError('caveat is malformed: not UTF-8');
      conditions.push(text);
    }
    capability = resolveVerified(
      identifier,
      conditions,
      walk.conditionFingerprints,
      walk.fingerprints,
      walk.thirdParty.map(thirdPartyInfo),
      walk.dischargeStarts,
    );
  }
  // A chain resumed from a held prefix with new caveats (a per-call narrowing, seen once)
  // enters the whole-chain LRU only when seen again (its whole chain is then held): tokens
  // seen once would only churn that LRU.
  if (
    cache !== undefined &&
    cacheKey !== null &&
    (fast === null || !fast.resumed || fast.fresh === 0)
  ) {
    cacheSet(cache, cacheKey, { capability, kid, key });
  }
  return capability;
}

/**
 * Verifies a Chit token and judges it against a request: {@link verifyChain}, then
 * `authorize(capability, context, now, leeway)`. Returns the verified capability (budgets
 * still to be consumed and revocation still to be checked by the caller) or throws a
 * ChitError with a stable code.
 * @example
 * ```ts
 * const cap = verify(req.headers.authorization.slice(7), {
 *   keys: (kid) => masterKeys.get(kid),
 *   context: { tenant: '42', resource: 'orders/17', action: 'read' },
 *   clock: Date.now,
 * });
 * ```
 */
export function verify(token: TokenInput, options: VerifyOptions): VerifiedCapability {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const { context, clock } = options;
  if (typeof context !== 'object' || context === null)
    throw new TypeError('options.context must be an object');
  if (typeof clock !== 'function') throw new TypeError('options.clock must be a function');
  const leeway = options.leeway ?? LEEWAY_SECONDS;
  if (typeof leeway !== 'number') throw new TypeError('options.leeway must be a number');
  if (!Number.isSafeInteger(leeway) || leeway < 0) {
    throw new RangeError('options.leeway must be a non-negative integer number of seconds');
  }
  const nowMs = clock();
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    throw new TypeError('options.clock must return a finite number of milliseconds');
  }
  const capability = verifyChain(token, options);
  authorize(capability, context, Math.floor(nowMs / 1000), leeway);
  return capability;
}
