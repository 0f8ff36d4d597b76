/**
 * Client creation and start-up checks: fail fast (no offline queue, bounded command
 * timeout and retries, automatic reconnection), and refuse a Redis that may evict keys.
 */
import { StoreUnavailableError } from '@chit/token';
import { Cluster, Redis } from 'ioredis';

/** Options for a client the store creates itself. */
export interface ClientOptions {
  readonly commandTimeoutMs: number;
  /** Connect timeout (default 2000 ms). */
  readonly connectTimeoutMs?: number;
  /**
   * ioredis `enableAutoPipelining` (default false): commands issued in one event-loop turn
   * leave in one socket write. The store's own command client turns it on.
   */
  readonly autoPipelining?: boolean;
}

/**
 * Redis refuses to be a store: it may evict keys (`maxmemory-policy` is not `noeviction`),
 * which would silently un-revoke tokens and reset budgets.
 *
 * @example
 * ```ts
 * try { await createRedisStore({ url, clock }) } catch (e) { if (e instanceof EvictionPolicyError) process.exit(1) }
 * ```
 */
export class EvictionPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvictionPolicyError';
  }
}

/**
 * Creates a standalone client with the store's fail-fast options and waits until ready.
 * Throws StoreUnavailableError when it cannot connect within the connect timeout.
 *
 * @example
 * ```ts
 * const client = await connectClient('redis://127.0.0.1:6379', { commandTimeoutMs: 500 });
 * ```
 */
export async function connectClient(url: string, opts: ClientOptions): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    commandTimeout: opts.commandTimeoutMs,
    connectTimeout: opts.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(25 * 2 ** times, 1000),
    enableAutoPipelining: opts.autoPipelining ?? false,
  });
  // Errors surface through rejected commands; an unhandled 'error' event would crash.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (e) {
    client.disconnect();
    throw new StoreUnavailableError(`cannot connect to redis: ${(e as Error).message}`);
  }
}

/**
 * Resolves once `client` is ready (a Cluster may still be discovering slots).
 *
 * @example
 * ```ts
 * await whenReady(cluster, 2000);
 * ```
 */
export async function whenReady(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') void client.connect().catch(() => {});
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new StoreUnavailableError('redis is not ready'));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

/**
 * Throws EvictionPolicyError unless every master reports `maxmemory-policy noeviction`.
 *
 * @example
 * ```ts
 * await assertNoEviction(client);
 * ```
 */
export async function assertNoEviction(client: Redis | Cluster): Promise<void> {
  const targets = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of targets) {
    let reply: unknown;
    try {
      reply = await node.config('GET', 'maxmemory-policy');
    } catch (e) {
      const message = (e as Error).message;
      if (/unknown command|disabled|NOPERM|not allowed/i.test(message)) {
        throw new EvictionPolicyError(
          `cannot read maxmemory-policy (CONFIG GET failed: ${message}); make sure it is noeviction, then pass assumeNoEviction: true to createRedisStore`,
        );
      }
      throw new StoreUnavailableError(`cannot reach redis: ${message}`);
    }
    const policy = Array.isArray(reply) ? String(reply[1]) : String(reply);
    if (policy !== 'noeviction') {
      throw new EvictionPolicyError(
        `redis maxmemory-policy is "${policy}": eviction would silently un-revoke tokens and reset budgets; set maxmemory-policy noeviction`,
      );
    }
  }
}
