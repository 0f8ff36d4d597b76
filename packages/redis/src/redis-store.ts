/**
 * ChitStore on Redis (single instance or Cluster): revocations in one hash + expiry ZSET,
 * budgets as per-token counters behind one Lua script, audit in a stream, the feed on
 * pub/sub. Redis failures become the core's fail-closed errors promptly.
 */
import {
  type AuditPage,
  type BudgetResult,
  type ChitStore,
  type RevocationEntry,
  revocationKey,
  validateAuditBatch,
  validateBudgets,
  validateRevocation,
} from '@chit/store';
import {
  BudgetUnavailableError,
  type Clock,
  RevocationUnavailableError,
  StoreUnavailableError,
} from '@chit/token';
import type { Cluster, Redis } from 'ioredis';
import { appendAuditEvent, appendAuditEvents, queryAuditStream } from './audit-stream.js';
import { assertNoEviction, connectClient, whenReady } from './connection.js';
import { mapUnavailable } from './errors.js';
import { subscribeFeed } from './feed.js';
import { keyLayout } from './keys.js';
import { readRevocationLog, scanRevocationLog } from './revocation-log.js';
import { defineScripts } from './scripts.js';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * A client to use (never closed by the store). Give it `enableOfflineQueue: false` and a
   * `commandTimeout` (and, for throughput, `enableAutoPipelining: true`, as the store's own
   * client has).
   */
  readonly redis?: Redis | Cluster;
  /** Else: a URL the store connects to (and closes). */
  readonly url?: string;
  /** Key prefix (default `chit`). */
  readonly prefix?: string;
  /** Command timeout of clients the store creates (default 500 ms). */
  readonly commandTimeoutMs?: number;
  /** Connect timeout for the store's clients and the feed (default 2000 ms). */
  readonly connectTimeoutMs?: number;
  /** Approximate audit stream retention in events (default 1 000 000). */
  readonly auditMaxLen?: number;
  /** Feed liveness PING interval (default 1000 ms): a silent feed is reported down. */
  readonly feedHeartbeatMs?: number;
  /** Skip the `maxmemory-policy noeviction` check (only where CONFIG is disabled and you checked yourself). */
  readonly assumeNoEviction?: boolean;
  /** Current time in Unix ms (revocation pruning, budget expiry). */
  readonly clock: Clock;
}

/**
 * Connects (or adopts `redis`), checks the eviction policy, registers the Lua scripts and
 * returns the store. Rejects with StoreUnavailableError if Redis cannot be reached, and
 * with EvictionPolicyError if Redis may evict keys.
 *
 * @example
 * ```ts
 * const store = await createRedisStore({ url: process.env.REDIS_URL, clock: Date.now });
 * const { allowed } = await store.consumeBudgets(cap.tokenId, [
 *   { key: budget.key, limit: budget.limit, until: stateLifetime(budget.expiresAt) },
 * ]);
 * ```
 */
export async function createRedisStore(opts: RedisStoreOptions): Promise<ChitStore> {
  if (typeof opts?.clock !== 'function') throw new TypeError('clock must be a function');
  const keys = keyLayout(opts.prefix ?? 'chit');
  const commandTimeoutMs = opts.commandTimeoutMs ?? 500;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
  const auditMaxLen = opts.auditMaxLen ?? 1_000_000;
  if (!Number.isSafeInteger(auditMaxLen) || auditMaxLen < 1) {
    throw new RangeError('auditMaxLen must be a positive integer');
  }
  const clock = opts.clock;
  const own = opts.redis === undefined;
  let base: Redis | Cluster;
  if (opts.redis !== undefined) {
    base = opts.redis;
    await whenReady(base, connectTimeoutMs);
  } else if (typeof opts.url === 'string') {
    // Auto-pipelining: the commands of concurrent requests (budget scripts, audit appends)
    // share one socket write per event-loop turn.
    base = await connectClient(opts.url, {
      commandTimeoutMs,
      connectTimeoutMs,
      autoPipelining: true,
    });
  } else {
    throw new TypeError('redis or url is required');
  }
  try {
    if (!opts.assumeNoEviction) await assertNoEviction(base);
  } catch (e) {
    if (own) base.disconnect();
    throw e;
  }
  const client = defineScripts(base);
  const subscriptions = new Set<{ close(): Promise<void> }>();
  let closed = false;
  const guard = <T>(Unavailable: typeof StoreUnavailableError, op: () => Promise<T>) => {
    if (closed) return Promise.reject(new Unavailable('store is closed'));
    return mapUnavailable(Unavailable, op);
  };

  return {
    async revoke(entry: RevocationEntry) {
      validateRevocation(entry);
      const issuedBefore =
        entry.kind === 'principal' ? String(entry.issuedBefore ?? entry.revokedAt) : '';
      return guard(StoreUnavailableError, async () => {
        await client.chitRevoke(
          keys.revocations,
          keys.revocationExpiry,
          keys.revocationLog,
          keys.revocationMeta,
          revocationKey(entry),
          entry.revokedAt,
          entry.expiresAt,
          issuedBefore,
          Math.floor(clock() / 1000),
          keys.feedChannel,
          entry.family ?? '',
        );
      });
    },

    listRevocations(nowSeconds: number) {
      return guard(RevocationUnavailableError, async () => {
        return readRevocationLog(client, keys, nowSeconds);
      });
    },

    scanRevocations(nowSeconds, onEntry) {
      return guard(RevocationUnavailableError, () =>
        scanRevocationLog(client, keys, nowSeconds, (_field, e) => onEntry(e)),
      );
    },

    async subscribeRevocations(onEntry, onStatus) {
      if (closed) throw new RevocationUnavailableError('store is closed');
      const sub = await subscribeFeed(
        base,
        { channel: keys.feedChannel, connectTimeoutMs, heartbeatMs: opts.feedHeartbeatMs },
        onEntry,
        onStatus,
      );
      const handle = {
        async close() {
          subscriptions.delete(handle);
          await sub.close();
        },
      };
      subscriptions.add(handle);
      return handle;
    },

    async consumeBudgets(family, budgets): Promise<BudgetResult> {
      validateBudgets(family, budgets);
      if (budgets.length === 0) return { allowed: true };
      return guard(BudgetUnavailableError, async () => {
        const args: (string | number)[] = budgets.map((b) => keys.budget(family, b.key));
        args.push(clock());
        // Until in ms as exact decimal text (seconds up to 2^53 overflow a double's ms).
        for (const b of budgets) args.push(b.limit, b.until === null ? '' : `${b.until}000`);
        const exhausted = Number(await client.chitConsumeBudgets(budgets.length, ...args));
        return exhausted === 0
          ? { allowed: true }
          : { allowed: false, exhausted: budgets[exhausted - 1]!.key };
      });
    },

    appendAudit(event) {
      return guard(StoreUnavailableError, () =>
        appendAuditEvent(client, keys.audit, event, auditMaxLen),
      );
    },

    async appendAudits(events) {
      if (closed) throw new StoreUnavailableError('store is closed');
      validateAuditBatch(events);
      if (events.length === 0) return;
      return guard(StoreUnavailableError, () =>
        appendAuditEvents(client, keys.audit, events, auditMaxLen),
      );
    },

    queryAudit(query): Promise<AuditPage> {
      return guard(StoreUnavailableError, () => queryAuditStream(client, keys.audit, query));
    },

    ping() {
      return guard(StoreUnavailableError, async () => {
        await client.ping();
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      if (own) {
        await base.quit().catch(() => base.disconnect());
      }
    },
  };
}
