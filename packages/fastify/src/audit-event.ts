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

/**
 * The audit event of one decision.
 *
 * @example
 * ```ts
 * const event = decisionEvent(decision, { service: 'orders', requestId: req.id }, Date.now())
 * ```
 */
export function decisionEvent(d: Decision, facts: DecisionFacts, nowMs: number): AuditEvent {
  const input = eventFromDecision(d, facts);
  return {
    ...input,
    id: globalThis.crypto.randomUUID(),
    time: new Date(nowMs).toISOString(),
    caveats: (input.caveats as string[] | undefined) ?? NO_CAVEATS,
    decision: input.decision ?? null,
  };
}
