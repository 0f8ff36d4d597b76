/**
 * The plugin's options, validated and normalised once at registration. Misuse is a
 * `TypeError`/`RangeError` naming the option; nothing is re-checked per request.
 */
import type { ChitStore } from '@chit/store';
import type { Clock, KeyResolver } from '@chit/token';
import type { ValueSource } from './route-config.js';

/** Options shared by both modes. */
export interface ChitCommonOptions {
  /** This service's name: matched against `audience` caveats, and the `via` of delegations. */
  readonly audience: string;
  /** Default tenant source for every route (`'headers.x-tenant'`, `'params.tenant'`). */
  readonly tenant?: ValueSource;
  /** Current time in Unix ms (default `Date.now`). */
  readonly clock?: Clock;
  /** Header limits passed to the shared header module. */
  readonly headerLimits?: {
    readonly maxHeaderBytes?: number;
    readonly maxTokenBytes?: number;
    readonly maxDischarges?: number;
  };
}

/**
 * Local mode: this service holds the master keys and a store (Redis or embedded).
 *
 * @example
 * ```ts
 * await app.register(chit, { keys: (kid) => ring.get(kid), store, audience: 'orders' })
 * ```
 */
export interface ChitLocalOptions extends ChitCommonOptions {
  readonly keys: KeyResolver;
  readonly store: ChitStore;
  /**
   * Removed: the leeway is `LEEWAY_SECONDS` of @chit/token for every verifier, since the
   * lifetimes of revocation entries and budget counters are derived from it. Passing any
   * value is a RangeError at registration.
   * @deprecated
   */
  readonly leeway?: never;
  /** Bounded cache of verified chains (default 10,000 entries); `false` disables it. */
  readonly cache?: { readonly maxEntries: number } | false;
  /**
   * `stalenessMs`: fail closed once the revocation feed has been down longer than this
   * (default 2000). `startupMs`: how long registration waits for the first mirror load
   * (default 5000); after that the app starts and denies with 503 until it loads.
   */
  readonly revocation?: { readonly stalenessMs?: number; readonly startupMs?: number };
  /** Audit writes to the store that may be in flight before events are dropped (default 10,000). */
  readonly audit?: { readonly maxPending?: number };
  readonly remote?: undefined;
}

/**
 * Remote mode: the mint service verifies (`POST /v1/verify`); no keys here.
 *
 * @example
 * ```ts
 * await app.register(chit, { remote: { url: 'http://127.0.0.1:7300' }, audience: 'orders' })
 * ```
 */
export interface ChitRemoteOptions extends ChitCommonOptions {
  readonly remote: {
    readonly url: string;
    readonly fetch?: typeof fetch;
    /** Per-call timeout (default 2000 ms); a timeout is a 503. */
    readonly timeoutMs?: number;
    /** Bounded cache of verified chains: entries and their life (default 10,000 / 1000 ms). */
    readonly cache?: { readonly maxEntries: number; readonly ttlMs?: number } | false;
  };
  readonly keys?: undefined;
  readonly store?: undefined;
}

/**
 * The options of `@chit/fastify`: local or remote mode.
 *
 * @example
 * ```ts
 * const opts: ChitPluginOptions = { keys, store, audience: 'orders', tenant: 'headers.x-tenant' }
 * ```
 */
export type ChitPluginOptions = ChitLocalOptions | ChitRemoteOptions;

/** Options after validation: defaults filled in. */
export interface NormalizedCommon {
  readonly audience: string;
  readonly tenant?: ValueSource;
  readonly clock: Clock;
  readonly headerLimits?: ChitCommonOptions['headerLimits'];
}
/** Local mode after validation. */
export interface NormalizedLocal extends NormalizedCommon {
  readonly mode: 'local';
  readonly keys: KeyResolver;
  readonly store: ChitStore;
  readonly cacheEntries: number;
  readonly stalenessMs: number;
  readonly startupMs: number;
  readonly auditMaxPending: number;
}
/** Remote mode after validation. */
export interface NormalizedRemote extends NormalizedCommon {
  readonly mode: 'remote';
  readonly url: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly cacheEntries: number;
  readonly cacheTtlMs: number;
}
/** Either mode after validation. */
export type NormalizedOptions = NormalizedLocal | NormalizedRemote;

const STORE_METHODS = [
  'revoke',
  'listRevocations',
  'subscribeRevocations',
  'consumeBudgets',
  'appendAudit',
  'ping',
] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

function nonNegInt(v: unknown, name: string, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new TypeError(`${name} must be an integer`);
  }
  if (v < min) throw new RangeError(`${name} must be at least ${min}`);
  return v;
}

function common(o: Record<string, unknown>): NormalizedCommon {
  if (typeof o.audience !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(o.audience)) {
    throw new TypeError('audience must be a service name of 1-128 chars [A-Za-z0-9._:-]');
  }
  if (o.clock !== undefined && typeof o.clock !== 'function') {
    throw new TypeError('clock must be a function returning Unix milliseconds');
  }
  if (o.tenant !== undefined && typeof o.tenant !== 'string' && typeof o.tenant !== 'function') {
    throw new TypeError('tenant must be a source string or a function');
  }
  if (o.headerLimits !== undefined && !isObject(o.headerLimits)) {
    throw new TypeError('headerLimits must be an object');
  }
  return {
    audience: o.audience,
    tenant: o.tenant as ValueSource | undefined,
    clock: (o.clock as NormalizedCommon['clock'] | undefined) ?? Date.now,
    headerLimits: o.headerLimits as NormalizedCommon['headerLimits'],
  };
}

/**
 * Validates the plugin options once (throws a `TypeError`/`RangeError` naming the option).
 *
 * @example
 * ```ts
 * normalizeOptions({ keys, store, audience: 'orders' }).stalenessMs // 2000
 * ```
 */
export function normalizeOptions(options: unknown): NormalizedOptions {
  if (!isObject(options)) throw new TypeError('options must be an object');
  const base = common(options);
  if (options.remote !== undefined) {
    if (options.keys !== undefined || options.store !== undefined) {
      throw new TypeError('remote cannot be combined with keys or store');
    }
    const r = options.remote;
    if (!isObject(r)) throw new TypeError('remote must be an object');
    if (typeof r.url !== 'string') throw new TypeError('remote.url must be a string');
    let url: URL;
    try {
      url = new URL(r.url);
    } catch {
      throw new TypeError('remote.url must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError('remote.url must be an absolute http(s) URL');
    }
    if (r.fetch !== undefined && typeof r.fetch !== 'function') {
      throw new TypeError('remote.fetch must be a function');
    }
    const cache = r.cache;
    if (cache !== undefined && cache !== false && !isObject(cache)) {
      throw new TypeError('remote.cache must be an object or false');
    }
    return {
      ...base,
      mode: 'remote',
      url: new URL('/v1/verify', url).href,
      fetch: (r.fetch as typeof fetch | undefined) ?? globalThis.fetch,
      timeoutMs: nonNegInt(r.timeoutMs, 'remote.timeoutMs', 2000, 1),
      cacheEntries:
        cache === false ? 0 : nonNegInt(cache?.maxEntries, 'remote.cache.maxEntries', 10_000),
      cacheTtlMs: cache === false ? 0 : nonNegInt(cache?.ttlMs, 'remote.cache.ttlMs', 1000),
    };
  }
  if (typeof options.keys !== 'function') {
    throw new TypeError('keys must be a function (kid) => Uint8Array | undefined');
  }
  const store = options.store;
  if (!isObject(store)) throw new TypeError('store must be a ChitStore');
  for (const m of STORE_METHODS) {
    if (typeof store[m] !== 'function') throw new TypeError(`store.${m} must be a function`);
  }
  if (options.leeway !== undefined) {
    // One leeway everywhere: a wider one here would outlive the state derived from it.
    throw new RangeError('leeway is not configurable: every verifier uses LEEWAY_SECONDS');
  }
  const cache = options.cache;
  if (cache !== undefined && cache !== false && !isObject(cache)) {
    throw new TypeError('cache must be { maxEntries } or false');
  }
  const revocation = options.revocation;
  if (revocation !== undefined && !isObject(revocation)) {
    throw new TypeError('revocation must be an object');
  }
  const audit = options.audit;
  if (audit !== undefined && !isObject(audit)) throw new TypeError('audit must be an object');
  return {
    ...base,
    mode: 'local',
    keys: options.keys as KeyResolver,
    store: store as unknown as ChitStore,
    cacheEntries: cache === false ? 0 : nonNegInt(cache?.maxEntries, 'cache.maxEntries', 10_000),
    stalenessMs: nonNegInt(revocation?.stalenessMs, 'revocation.stalenessMs', 2000),
    startupMs: nonNegInt(revocation?.startupMs, 'revocation.startupMs', 5000),
    auditMaxPending: nonNegInt(audit?.maxPending, 'audit.maxPending', 10_000, 1),
  };
}
