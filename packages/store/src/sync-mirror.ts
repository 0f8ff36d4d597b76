/**
 * Keeps a {@link RevocationMirror} current from a {@link ChitStore}: subscribe, load,
 * and on every feed recovery resync with `listRevocations`. The one place both the mint
 * service and the verifier middleware get this logic.
 */
import type { Clock } from '@chit/token';
import type { RevocationMirror } from './mirror.js';
import type { ChitStore, Subscription } from './ports.js';

/** Entries applied between two yields to the event loop while loading. */
const LOAD_SLICE = 20_000;

/** Options of {@link syncMirror}. */
export interface SyncMirrorOptions {
  /** Delay before retrying a failed subscribe or list. Default 250 ms. */
  readonly retryMs?: number;
  /** How often to drop expired entries from the mirror. Default 60 000 ms; 0 disables. */
  readonly pruneIntervalMs?: number;
  /** Called with every failure while (re)synchronising (for logging; never token material). */
  readonly onError?: (error: unknown) => void;
}

/** A running mirror synchronisation. */
export interface MirrorSync {
  /** Resolves once the mirror has been loaded the first time. Never rejects: it retries. */
  readonly ready: Promise<void>;
  /** Stops retrying, pruning and the feed subscription. */
  close(): Promise<void>;
}

/**
 * Starts keeping `mirror` in sync with `store`. It subscribes first and lists second, so
 * nothing revoked in between is missed. While the store is unreachable it retries every
 * `retryMs`; the mirror fails closed meanwhile (never loaded, or stale past its bound).
 *
 * @example
 * ```ts
 * const mirror = new RevocationMirror();
 * const sync = syncMirror(store, mirror, Date.now, { onError: (e) => log.warn({ err: e }) });
 * await sync.ready;
 * // on shutdown: await sync.close();
 * ```
 */
export function syncMirror(
  store: ChitStore,
  mirror: RevocationMirror,
  clock: Clock,
  opts: SyncMirrorOptions = {},
): MirrorSync {
  const retryMs = opts.retryMs ?? 250;
  const pruneIntervalMs = opts.pruneIntervalMs ?? 60_000;
  const onError = opts.onError ?? (() => {});
  let closed = false;
  let subscription: Subscription | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counts outages: a resync only clears staleness if no outage began while it ran. */
  let outages = 0;
  let resyncing = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const scheduleRetry = (fn: () => Promise<void>) => {
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void fn();
    }, retryMs);
    retryTimer.unref?.();
  };

  const resync = async (): Promise<void> => {
    if (closed || resyncing) return;
    resyncing = true;
    const outagesAtStart = outages;
    try {
      const nowSeconds = Math.floor(clock() / 1000);
      if (store.scanRevocations !== undefined) {
        // Streamed straight into the mirror (apply is idempotent), chunk by chunk.
        await store.scanRevocations(nowSeconds, (entry) => {
          if (!closed) mirror.apply(entry);
        });
      } else {
        const entries = await store.listRevocations(nowSeconds);
        // Apply in slices, yielding between them: a million entries must not block the
        // event loop (and the requests it serves) for seconds. `load` marks the mirror
        // loaded only once everything is in.
        for (let i = 0; i < entries.length && !closed; i += LOAD_SLICE) {
          const end = Math.min(entries.length, i + LOAD_SLICE);
          for (let j = i; j < end; j++) mirror.apply(entries[j]!);
          if (end < entries.length) await new Promise((r) => setImmediate(r));
        }
      }
      if (closed) return;
      mirror.load([]);
      if (outages === outagesAtStart && mirror.feedIsUp) mirror.resynced();
      markReady();
      if (outages !== outagesAtStart && mirror.feedIsUp) scheduleRetry(resync);
    } catch (e) {
      onError(e);
      if (mirror.feedIsUp) scheduleRetry(resync);
    } finally {
      resyncing = false;
    }
  };

  const start = async (): Promise<void> => {
    if (closed) return;
    try {
      const sub = await store.subscribeRevocations(
        (entry) => mirror.apply(entry),
        (status) => {
          if (status === 'down') {
            outages++;
            mirror.feedDown(clock());
          } else {
            mirror.feedUp();
            void resync();
          }
        },
      );
      if (closed) {
        await sub.close();
        return;
      }
      subscription = sub;
    } catch (e) {
      onError(e);
      scheduleRetry(start);
      return;
    }
    await resync();
  };

  const pruneTimer =
    pruneIntervalMs > 0
      ? setInterval(() => mirror.prune(clock() / 1000), pruneIntervalMs)
      : undefined;
  pruneTimer?.unref?.();
  void start();

  return {
    ready,
    async close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      if (pruneTimer !== undefined) clearInterval(pruneTimer);
      await subscription?.close();
    },
  };
}
