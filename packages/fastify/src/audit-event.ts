/**
 * Builds the shared audit event (schema in @chit/store) for one decision. Only verified
 * data names the token: a request whose chain did not verify is recorded without a
 * token id, since an unverified id is whatever the caller chose to write.
 *
 * Built directly rather than through the schema's parser, since this runs on every
 * request: every field comes from a verified chain (bounded by the core's limits) or is
 * checked against the schema's bounds here; the tests parse every event with
 * `auditEventSchema` to hold this to the schema.
 */
import type { AuditEvent } from '@chit/store';
import type { ErrorCode, VerifiedCapability } from '@chit/token';

/** What the plugin knows about a decision. */
export interface DecisionFacts {
  readonly allowed: boolean;
  readonly code?: ErrorCode;
  /** The capability, when the chain verified (also on a later denial). */
  readonly capability?: VerifiedCapability;
  readonly tenant?: string;
  readonly requestId: string;
  readonly route?: string;
  readonly traceId?: string;
}

// The schema's bounds (packages/store/src/audit-schema.ts).
const MAX_CAVEATS = 1024;
const MAX_CAVEAT = 4096;
const MAX_VIA = 64;
const MAX_VIA_ITEM = 256;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function fits(value: string | undefined, max: number): value is string {
  return value !== undefined && value.length > 0 && value.length <= max;
}

function boundedList(list: readonly string[], maxItems: number, maxItem: number): boolean {
  if (list.length > maxItems) return false;
  for (let i = 0; i < list.length; i++) if (list[i]!.length > maxItem) return false;
  return true;
}

/**
 * The audit event of one decision. Values that do not fit the schema's bounds are left
 * out rather than failing the event.
 *
 * @example
 * ```ts
 * const event = decisionEvent({ allowed: true, capability: cap, requestId: req.id }, 'orders', Date.now())
 * ```
 */
export function decisionEvent(facts: DecisionFacts, service: string, nowMs: number): AuditEvent {
  const cap = facts.capability;
  const event: Mutable<AuditEvent> = {
    id: globalThis.crypto.randomUUID(),
    time: new Date(nowMs).toISOString(),
    type: facts.allowed ? 'verify.allow' : 'verify.deny',
    caveats: [],
    decision: facts.allowed ? 'allow' : 'deny',
    service,
  };
  if (fits(facts.requestId, 256)) event.requestId = facts.requestId;
  if (fits(facts.route, 512)) event.route = facts.route;
  if (facts.code !== undefined) event.code = facts.code;
  if (fits(facts.tenant, 256)) event.tenant = facts.tenant;
  const traceId = facts.traceId ?? cap?.traceId;
  if (fits(traceId, 256)) event.traceId = traceId;
  if (cap !== undefined) {
    event.tokenId = cap.tokenId;
    event.kid = cap.kid;
    const fps = cap.fingerprints;
    if (fps.length > 0) event.tokenFingerprint = fps[fps.length - 1];
    if (boundedList(cap.caveats, MAX_CAVEATS, MAX_CAVEAT)) event.caveats = cap.caveats as string[];
    if (fits(cap.principal, 256)) event.principal = cap.principal;
    if (fits(cap.session, 256)) event.session = cap.session;
    if (cap.via.length > 0 && boundedList(cap.via, MAX_VIA, MAX_VIA_ITEM)) {
      event.via = cap.via as string[];
    }
  }
  return event;
}
