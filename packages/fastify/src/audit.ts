/**
 * Audit delivery: every decision goes to the request's pino log synchronously and to the
 * store asynchronously. A store write never delays or changes the response (the decision
 * is already made); a write that fails or cannot be queued is counted, the running count
 * is logged at `warn`, and `stats()` exposes it, so no loss is silent. The pino line
 * carries the full event, so a lost store copy still has a record.
 */
import { type AuditEvent, type ChitStore, createAuditBatcher } from '@chit/store';
import type { FastifyBaseLogger } from 'fastify';

/** Counters of the audit pipeline. */
export interface AuditStats {
  /** Events handed to the store whose write has not settled. */
  readonly pending: number;
  /** Events the store acknowledged. */
  readonly written: number;
  /** Events whose store write failed or was dropped because too many were pending. */
  readonly lost: number;
}

/** The audit sink of one plugin instance. */
export interface AuditSink {
  /** Logs the event and queues its store write. Never throws. */
  emit(event: AuditEvent, log: FastifyBaseLogger): void;
  stats(): AuditStats;
  /** Resolves once every queued write has settled (for graceful shutdown). */
  flush(): Promise<void>;
}

/**
 * Creates the audit sink writing to `store` (or only to the log when `store` is absent:
 * remote mode, where the mint service records its own event).
 *
 * @example
 * ```ts
 * const sink = createAuditSink(store, 10_000)
 * sink.emit(event, request.log)
 * ```
 */
export function createAuditSink(store: ChitStore | undefined, maxPending: number): AuditSink {
  let pending = 0;
  let written = 0;
  let lost = 0;
  // flush() waiters, resolved when `pending` drops to zero (a counter instead of a set of
  // in-flight promises: no per-event set entry or `finally` promise on the hot path).
  let idle: (() => void)[] = [];
  // One event-loop turn's events go to the store in one `appendAudits` call (one Redis
  // round trip, one fsync): the batcher shared with the mint service.
  const append = store === undefined ? undefined : createAuditBatcher(store);

  function settled(): void {
    pending--;
    if (pending === 0 && idle.length > 0) {
      const waiters = idle;
      idle = [];
      for (const w of waiters) w();
    }
  }

  function onWritten(): void {
    written++;
    settled();
  }

  function loss(log: FastifyBaseLogger, reason: string): void {
    lost++;
    // The count, never the event's token material (events carry none anyway).
    log.warn({ chitAuditLost: lost, reason }, 'chit audit event not written to the store');
  }

  return {
    emit(event, log) {
      log.info({ chitAudit: event }, 'chit decision');
      if (append === undefined) return;
      if (pending >= maxPending) {
        loss(log, 'too many audit writes pending');
        return;
      }
      pending++;
      append(event).then(onWritten, () => {
        try {
          loss(log, 'audit write failed');
        } finally {
          settled();
        }
      });
    },
    stats() {
      return { pending, written, lost };
    },
    flush() {
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idle.push(resolve);
      });
    },
  };
}
