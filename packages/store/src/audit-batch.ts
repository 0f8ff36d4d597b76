/**
 * Batched audit appends: the argument guard shared by every store's `appendAudits`, and a
 * per-event-loop-turn batcher for callers that must wait until their own event is stored
 * (the mint answers only then).
 */
import type { AuditEvent } from './audit-schema.js';
import type { ChitStore } from './ports.js';

/**
 * Throws a TypeError unless `events` is an array of objects (programmer misuse; the events
 * themselves are built from the shared schema, as for `appendAudit`).
 *
 * @example
 * ```ts
 * validateAuditBatch(events); // in a store's appendAudits
 * ```
 */
export function validateAuditBatch(events: unknown): asserts events is readonly AuditEvent[] {
  if (!Array.isArray(events)) throw new TypeError('events must be an array');
  for (let i = 0; i < events.length; i++) {
    const e: unknown = events[i];
    if (e === null || typeof e !== 'object') {
      throw new TypeError(`events[${i}] must be an audit event`);
    }
  }
}

/** Appends one event as part of the current event-loop turn's batch. */
export type AuditAppender = (event: AuditEvent) => Promise<void>;

/**
 * Groups the appends of one event-loop turn into one `appendAudits` call (issued in a
 * `setImmediate`, after the turn's I/O callbacks). Each returned promise settles with its
 * batch: it resolves once its own event (and the rest of its batch) is stored and rejects
 * when the batch write fails, so a caller that must not answer before its event is durable
 * still waits for exactly that.
 *
 * @example
 * ```ts
 * const append = createAuditBatcher(store);
 * await append(event); // stored, together with the other events of this turn
 * ```
 */
export function createAuditBatcher(store: Pick<ChitStore, 'appendAudits'>): AuditAppender {
  const appendAudits = store.appendAudits.bind(store);
  let events: AuditEvent[] = [];
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  function drain(): void {
    const batch = events;
    const settle = waiters;
    events = [];
    waiters = [];
    let written: Promise<void>;
    try {
      written = appendAudits(batch);
    } catch (e) {
      written = Promise.reject(e);
    }
    written.then(
      () => {
        for (const w of settle) w.resolve();
      },
      (e: unknown) => {
        for (const w of settle) w.reject(e);
      },
    );
  }

  return (event) =>
    new Promise<void>((resolve, reject) => {
      if (events.length === 0) setImmediate(drain);
      events.push(event);
      waiters.push({ resolve, reject });
    });
}
