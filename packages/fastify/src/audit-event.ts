/**
 * Builds the shared audit event (schema in @chit/store) for one decision. Only verified
 * data names the token: a request whose chain did not verify is recorded without a
 * token id, since an unverified id is whatever the caller chose to write.
 */
import { type AuditEvent, createAuditEvent } from '@chit/store';
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

const LIMITS = { principal: 256, tenant: 256, session: 256, traceId: 256, route: 512 } as const;

function fit(value: string | undefined, max: number): string | undefined {
  return value !== undefined && value.length > 0 && value.length <= max ? value : undefined;
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
  const fingerprints = cap?.fingerprints;
  const input = {
    type: facts.allowed ? ('verify.allow' as const) : ('verify.deny' as const),
    service,
    requestId: fit(facts.requestId, 256),
    route: fit(facts.route, LIMITS.route),
    code: facts.code,
    tokenId: cap?.tokenId,
    kid: cap?.kid,
    tokenFingerprint: fingerprints?.[fingerprints.length - 1],
    caveats: cap?.caveats,
    principal: fit(cap?.principal, LIMITS.principal),
    tenant: fit(facts.tenant, LIMITS.tenant),
    session: fit(cap?.session, LIMITS.session),
    traceId: fit(facts.traceId ?? cap?.traceId, LIMITS.traceId),
    via: cap !== undefined && cap.via.length > 0 ? [...cap.via] : undefined,
  };
  try {
    return createAuditEvent(stripUndefined(input), { now: nowMs });
  } catch {
    // A caveat list beyond the schema's bounds: keep the decision, drop the list.
    return createAuditEvent(stripUndefined({ ...input, caveats: undefined, via: undefined }), {
      now: nowMs,
    });
  }
}

function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
