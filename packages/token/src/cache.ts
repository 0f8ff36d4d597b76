/**
 * A bounded LRU of verified chains, keyed by the exact token text (plus discharge texts).
 * A hit skips parsing and the HMAC chain, but still re-resolves the kid (a retired kid
 * fails even when cached); caveats are still evaluated per request by `authorize`, and
 * revocation is still the caller's job.
 */
import type { DerivedKey } from './keys.js';
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
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The cache handle passed to `verify` / `verifyChain` as `cache`. Holds no token text
 * that is not already in the caller's hands; holds no signatures.
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
  /** Drops every entry (e.g. after a key rotation). */
  clear(): void;
}

/**
 * Creates a bounded LRU cache of verified chains.
 * @example
 * ```ts
 * const cache = createVerifiedChainCache({ maxEntries: 10_000 });
 * ```
 */
export function createVerifiedChainCache(options: { maxEntries: number }): VerifiedChainCache {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const { maxEntries } = options;
  if (typeof maxEntries !== 'number') throw new TypeError('options.maxEntries must be a number');
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError('options.maxEntries must be a positive integer');
  }
  const entries = new Map<string, CacheEntry>();
  const cache: VerifiedChainCache = Object.freeze({
    get size() {
      return entries.size;
    },
    maxEntries,
    clear() {
      entries.clear();
    },
    toJSON() {
      return { size: entries.size, maxEntries };
    },
    [INSPECT]() {
      return `VerifiedChainCache { size: ${entries.size}, maxEntries: ${maxEntries} }`;
    },
  });
  ENTRIES.set(cache, entries);
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
