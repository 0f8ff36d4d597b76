/**
 * The audit fields of a decision: the one builder every decider uses (the fastify
 * plugin, the mint's verify route, the agent guard). Only verified data names the token
 * and its claims; what the caller supplied (the request's tenant, its trace context) is
 * recorded only for a request that was allowed, since a denial proves nothing about it.
 */
import type { AuditEventInput } from '@chit/store';
import type { RequestContext, VerifiedCapability } from '@chit/token';
import type { Decision } from './decide.js';

/**
 * Where a decision was made, supplied by the decider.
 * @example const facts: DecisionFacts = { service: 'orders', route: '/orders/:id', requestId: 'req-1' }
 */
export interface DecisionFacts {
  readonly service: string;
  readonly route?: string;
  readonly requestId?: string;
  /** The request's trace id (W3C traceparent): caller-supplied correlation, never a claim. */
  readonly traceId?: string;
  /** Agent tool calls: the tool name and the digest of its arguments. */
  readonly tool?: string;
  readonly argsDigest?: string;
  /**
   * What the decider itself knows of the token from its own records, not from the token
   * presented (the agent runtime minted the session token it holds): names the token of a
   * denial whose chain was not verified here. Never taken from a caller.
   */
  readonly known?: {
    readonly tokenId: string;
    readonly principal?: string;
    readonly session?: string;
    readonly traceId?: string;
  };
}

// The audit schema's bounds (packages/store/src/audit-schema.ts): a value that does not fit
// is left out rather than failing the event.
const MAX_CAVEATS = 1024;
const MAX_CAVEAT = 4096;
const MAX_VIA = 64;
const MAX_VIA_ITEM = 256;

/**
 * The tenant a decision is about: the request's, once it was judged against the token
 * (an allowed request), else only the token's own single tenant. `request.capability` and
 * the audit event both take it from here.
 * @example tenantOf(cap, { tenant: '42' }) // '42'; tenantOf(cap, undefined) // cap's one tenant
 */
export function tenantOf(
  cap: VerifiedCapability | undefined,
  allowedContext: RequestContext | undefined,
): string | undefined {
  return allowedContext?.tenant ?? (cap?.tenants?.length === 1 ? cap.tenants[0] : undefined);
}

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
 * The audit event fields of one decision (the sink stamps `id` and `time`).
 *
 * - token id, kid, fingerprint, caveats, principal, session: only when the chain verified;
 *   principal and session are the minter's sealed claims.
 * - tenant: the request's tenant when allowed (it was judged against the token); on a
 *   denial only the token's own single tenant, if it names one.
 * - trace: the request's trace id when allowed, else the token's sealed trace claim.
 * - via: the delegation hops, holder-asserted (any holder can append one).
 *
 * @example
 * ```ts
 * const input = eventFromDecision(decision, { service: 'orders', route: '/orders/:id' });
 * await store.appendAudit({ ...input, id: randomUUID(), time: new Date().toISOString(), caveats: input.caveats ?? [], decision: input.decision ?? null });
 * ```
 */
export function eventFromDecision(d: Decision, facts: DecisionFacts): AuditEventInput {
  const cap = d.capability;
  const event: Mutable<AuditEventInput> = {
    type: d.allowed ? 'verify.allow' : 'verify.deny',
    decision: d.allowed ? 'allow' : 'deny',
    service: facts.service,
  };
  if (fits(facts.requestId, 256)) event.requestId = facts.requestId;
  if (fits(facts.route, 512)) event.route = facts.route;
  if (!d.allowed) event.code = d.code;
  const tenant = d.allowed ? tenantOf(d.capability, d.context) : tenantOf(cap, undefined);
  if (fits(tenant, 256)) event.tenant = tenant;
  const traceId = d.allowed
    ? (facts.traceId ?? cap?.traceId)
    : (cap?.traceId ?? facts.known?.traceId);
  if (fits(traceId, 256)) event.traceId = traceId;
  if (fits(facts.tool, 256)) event.tool = facts.tool;
  if (fits(facts.argsDigest, 256)) event.argsDigest = facts.argsDigest;
  if (cap !== undefined) {
    event.tokenId = cap.tokenId;
    event.kid = cap.kid;
    const fps = cap.fingerprints;
    if (fps.length > 0) event.tokenFingerprint = fps[fps.length - 1];
    if (boundedList(cap.caveats, MAX_CAVEATS, MAX_CAVEAT)) event.caveats = cap.caveats;
    if (fits(cap.principal, 256)) event.principal = cap.principal;
    if (fits(cap.session, 256)) event.session = cap.session;
    if (cap.via.length > 0 && boundedList(cap.via, MAX_VIA, MAX_VIA_ITEM)) {
      event.via = cap.via as string[];
    }
  } else if (facts.known !== undefined) {
    const k = facts.known;
    if (fits(k.tokenId, 128)) event.tokenId = k.tokenId;
    if (fits(k.principal, 256)) event.principal = k.principal;
    if (fits(k.session, 256)) event.session = k.session;
  }
  return event;
}
