/**
 * The verifier's cache, two bounded LRUs:
 * - verified chains keyed by the exact token text (plus discharge texts): a hit skips
 *   parsing and the HMAC chain but still re-resolves the kid (a retired kid fails even
 *   when cached);
 * - verified chain prefixes (prefix-store.ts): a token whose first caveats are byte for
 *   byte those of a chain verified under the same key resumes the HMAC chain there, so a
 *   per-call narrowing pays only for its new caveats (docs/protocol.md, "Resuming a
 *   verified chain").
 * Caveats are still evaluated per request by `authorize`, and revocation is still the
 * caller's job.
 */
import type { DerivedKey } from './keys.js';
import { PrefixStore } from './prefix-store.js';
import type { VerifiedCapability } from './types.js';

/**
 * A cache entry: the verified capability and the derived key it was verified with.
 * @example cacheSet(cache, text, { capability, kid: 'k1', key: deriveKey(masterKey) })
 */
export interface CacheEntry {
  readonly capability: VerifiedCapability;
  readonly kid: string;
  readonly key: DerivedKey;
}

/**
 * Entries live outside the handle (not even as a symbol property), so `inspect`, JSON and
 * property enumeration never reach the cached token texts or derived keys.
 */
const ENTRIES = new WeakMap<VerifiedChainCache, Map<string, CacheEntry>>();
const PREFIXES = new WeakMap<VerifiedChainCache, PrefixStore>();

/**
 * Default bound on held chain positions: 65,536 positions, 11.9 MB of heap when full of
 * 12-caveat chains (about 5,000 of them; measured by `pnpm bench token`, case (g)). Ids
 * longer than 48 bytes add their own copy.
 * @example createVerifiedChainCache({ maxEntries: 10_000 }).maxPrefixSteps // 65536
 */
export const DEFAULT_PREFIX_STEPS = 65_536;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The cache handle passed to `verify` / `verifyChain` as `cache`. Nothing in it is
 * reachable from the handle (not by `inspect`, JSON or enumeration): the token texts of
 * the first LRU, the chain signatures of the prefix store (in a private slab) and the
 * derived keys live in module-private maps keyed by the handle.
 * @example
 * ```ts
 * const cache = createVerifiedChainCache({ maxEntries: 10_000 });
 * verify(text, { keys, context, clock: Date.now, cache });
 * cache.size // 1
 * ```
 */
export interface VerifiedChainCache {
  /** Current number of entries. */
  readonly size: number;
  /** Maximum number of entries. */
  readonly maxEntries: number;
  /** Verified chain positions held for resuming (each identifier, each caveat). */
  readonly prefixSteps: number;
  /** Maximum number of chain positions held (0: resuming is off). */
  readonly maxPrefixSteps: number;
  /** Drops every entry (e.g. after a key rotation). */
  clear(): void;
}

/**
 * Options of {@link createVerifiedChainCache}.
 * @example createVerifiedChainCache({ maxEntries: 10_000, maxPrefixSteps: 65_536 })
 */
export interface VerifiedChainCacheOptions {
  /** Whole verified chains held, keyed by their exact text. */
  readonly maxEntries: number;
  /**
   * Verified chain positions held for resuming a chain at its longest verified prefix
   * (default {@link DEFAULT_PREFIX_STEPS}, 11.9 MB measured when full; 0 turns resuming off).
   * A 12-caveat chain takes 13 positions; chains sharing a prefix share its positions.
   */
  readonly maxPrefixSteps?: number;
}

/**
 * Creates the verifier's cache: a bounded LRU of verified chains, and a bounded store of
 * verified chain prefixes from which a new token extending one resumes its HMAC chain.
 * @example
 * ```ts
 * const cache = createVerifiedChainCache({ maxEntries: 10_000 });
 * ```
 */
export function createVerifiedChainCache(options: VerifiedChainCacheOptions): VerifiedChainCache {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const { maxEntries } = options;
  if (typeof maxEntries !== 'number') throw new TypeError('options.maxEntries must be a number');
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError('options.maxEntries must be a positive integer');
  }
  const maxPrefixSteps = options.maxPrefixSteps ?? DEFAULT_PREFIX_STEPS;
  if (typeof maxPrefixSteps !== 'number')
    throw new TypeError('options.maxPrefixSteps must be a number');
  if (!Number.isSafeInteger(maxPrefixSteps) || maxPrefixSteps < 0) {
    throw new RangeError('options.maxPrefixSteps must be a non-negative integer');
  }
  const entries = new Map<string, CacheEntry>();
  const prefixes = new PrefixStore(maxPrefixSteps);
  const cache: VerifiedChainCache = Object.freeze({
    get size() {
      return entries.size;
    },
    maxEntries,
    get prefixSteps() {
      return prefixes.size;
    },
    maxPrefixSteps,
    clear() {
      entries.clear();
      prefixes.clear();
    },
    toJSON() {
      return { size: entries.size, maxEntries, prefixSteps: prefixes.size, maxPrefixSteps };
    },
    [INSPECT]() {
      return `VerifiedChainCache { size: ${entries.size}, maxEntries: ${maxEntries}, prefixSteps: ${prefixes.size}, maxPrefixSteps: ${maxPrefixSteps} }`;
    },
  });
  ENTRIES.set(cache, entries);
  if (maxPrefixSteps > 0) PREFIXES.set(cache, prefixes);
  return cache;
}

/**
 * Validates a `cache` option.
 * @example
 * ```ts
 * const c = checkCache(options.cache, 'options.cache');
 * ```
 */
export function checkCache(value: unknown, name: string): VerifiedChainCache | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || !ENTRIES.has(value as VerifiedChainCache)) {
    throw new TypeError(`${name} must come from createVerifiedChainCache`);
  }
  return value as VerifiedChainCache;
}

/**
 * The prefix store of a cache (`undefined`: resuming is off).
 * @example fastWalk(text, limits, keys, prefixStoreOf(cache))
 */
export function prefixStoreOf(cache: VerifiedChainCache): PrefixStore | undefined {
  return PREFIXES.get(cache);
}

/**
 * Looks up an entry and marks it most recently used.
 * @example
 * ```ts
 * const e = cacheGet(cache, text);
 * ```
 */
export function cacheGet(cache: VerifiedChainCache, key: string): CacheEntry | undefined {
  const map = ENTRIES.get(cache)!;
  const e = map.get(key);
  if (e !== undefined) {
    map.delete(key);
    map.set(key, e);
  }
  return e;
}

/**
 * Stores an entry, evicting the least recently used one when full.
 * @example
 * ```ts
 * cacheSet(cache, text, { capability, kid, key });
 * ```
 */
export function cacheSet(cache: VerifiedChainCache, key: string, entry: CacheEntry): void {
  const map = ENTRIES.get(cache)!;
  map.delete(key);
  if (map.size >= cache.maxEntries) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, entry);
}

/**
 * Drops an entry.
 * @example
 * ```ts
 * cacheDelete(cache, text);
 * ```
 */
export function cacheDelete(cache: VerifiedChainCache, key: string): void {
  ENTRIES.get(cache)!.delete(key);
}
