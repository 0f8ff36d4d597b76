/**
 * The plugin's audit event of one decision: @chit/decision's `eventFromDecision` (the one
 * builder of a decision's fields), stamped with an id and a time.
 *
 * Built directly rather than through the schema's parser, since this runs on every
 * request: every field comes from a verified chain (bounded by the core's limits) or is
 * checked against the schema's bounds there; the tests parse every event with
 * `auditEventSchema` to hold this to the schema.
 */
import { type Decision, type DecisionFacts, eventFromDecision } from '@chit/decision';
import type { AuditEvent } from '@chit/store';

const NO_CAVEATS: string[] = [];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The audit event of one decision.
 *
 * @example
 * ```ts
 * const event = decisionEvent(decision, { service: 'orders', requestId: req.id })
 * ```
 */
export function decisionEvent(d: Decision, facts: DecisionFacts): AuditEvent {
  // The input is fresh and ours: completed in place rather than copied (once per request).
  const event = eventFromDecision(d, facts) as Mutable<AuditEvent>;
  event.id = globalThis.crypto.randomUUID();
  event.time = new Date(d.nowMs).toISOString(); // the decision's own time
  if (event.caveats === undefined) event.caveats = NO_CAVEATS;
  if (event.decision === undefined) event.decision = null;
  return event;
}
