/**
 * `request.capability`: the one frozen object that carries the verified authority of a
 * request, with the two holder operations (narrow, delegationHeaders). The token text
 * lives only in the closures of those methods: it is not a property, so logging or
 * serialising the object can never leak it.
 */
import { tenantOf } from '@chit/decision';
import type { Budget, RequestContext, VerifiedCapability } from '@chit/token';
import { delegateToken, type NarrowInput, narrowToken } from './holder.js';

/** Options of {@link RequestCapability.delegationHeaders}. */
export interface DelegationOptions {
  /** Lifetime of the delegated token in seconds (default 60); never beyond the original. */
  readonly ttl?: number;
  /** Discharges already bound to the delegated token, to forward with it. */
  readonly discharges?: readonly string[];
}

/**
 * The verified authority of the current request. Frozen; it cannot be widened.
 *
 * @example
 * ```ts
 * app.get('/orders/:id', { config: { chit: { action: 'read', resource: 'orders/:id' } } },
 *   async (req) => {
 *     const { principal, tenant } = req.capability!
 *     const sub = req.capability!.narrow({ attributes: { customer_id: '7' } })
 *     const headers = req.capability!.delegationHeaders('billing')
 *   })
 * ```
 */
export interface RequestCapability {
  readonly tokenId: string;
  readonly kid: string;
  readonly principal?: string;
  readonly role?: string;
  /** The tenant this request was authorized for (or the token's only tenant). */
  readonly tenant?: string;
  /** Tenants the token allows, `null` when unrestricted. */
  readonly tenants: readonly string[] | null;
  readonly session?: string;
  readonly traceId?: string;
  readonly resources: readonly (readonly string[])[];
  readonly actions: readonly string[] | null;
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** Effective expiry in Unix seconds, `null` when none. */
  readonly expiresAt: number | null;
  /** Budgets of the chain; one use of each was consumed for this request. */
  readonly budgets: readonly Budget[];
  /** Delegation hops in chain order. */
  readonly via: readonly string[];
  /** The presented token's fingerprint (what revocation by fingerprint names). */
  readonly fingerprint: string;
  /** The request context the capability was checked against. */
  readonly context: RequestContext;
  /** A new token narrowed offline by options or raw conditions (never wider). */
  narrow(conditionsOrOptions: NarrowInput): string;
  /** Headers for a call to `audience`: a delegated token (`via` this service, shorter life). */
  delegationHeaders(audience: string, options?: DelegationOptions): Record<string, string>;
}

/**
 * Builds the frozen `request.capability`.
 *
 * @example
 * ```ts
 * request.capability = buildRequestCapability(cap, token, context, 'orders', clock)
 * ```
 */
export function buildRequestCapability(
  cap: VerifiedCapability,
  token: string,
  context: RequestContext,
  service: string,
  clock: () => number,
): RequestCapability {
  const tenant = tenantOf(cap, context);
  const fps = cap.fingerprints;
  const out: RequestCapability = {
    tokenId: cap.tokenId,
    kid: cap.kid,
    principal: cap.principal,
    role: cap.role,
    tenant,
    tenants: cap.tenants,
    session: cap.session,
    traceId: cap.traceId,
    resources: cap.resources,
    actions: cap.actions,
    attributes: cap.attributes,
    expiresAt: cap.expiresAt,
    budgets: cap.budgets,
    via: cap.via,
    fingerprint: fps[fps.length - 1] ?? '',
    // The context is built afresh for each request and held by nothing else: frozen in
    // place rather than copied.
    context: Object.freeze(context),
    narrow: (input) => narrowToken(token, input, clock),
    delegationHeaders: (audience, options) =>
      delegateToken(token, audience, service, clock, options),
  };
  return Object.freeze(out);
}
