/**
 * A capability decided elsewhere (the mint's `/v1/verify` answer, already validated with
 * the protocol's schema) as a `VerifiedCapability`, for the deciders that receive one: the
 * plugin's remote mode and the agent's tool guard.
 */
import type { CapabilityView } from '@chit/protocol';
import type { VerifiedCapability } from '@chit/token';

const NONE: readonly never[] = Object.freeze([]);

/**
 * The view as a frozen capability. The view carries no fingerprints and no budget keys:
 * `fingerprints` holds only `presentedFingerprint` when the receiver computed it from the
 * token it sent, and budgets keep their limits for display. `authorize` compiles such a
 * capability from its own fields (every caveat counts as the decider judged it).
 *
 * @example
 * ```ts
 * const cap = capabilityFromView(capabilitySchema.parse(answer.capability));
 * authorizeAt(cap, context, Date.now());
 * ```
 */
export function capabilityFromView(
  view: CapabilityView,
  presentedFingerprint?: string,
): VerifiedCapability {
  return Object.freeze({
    ...view,
    session: view.session,
    principal: view.principal,
    role: view.role,
    traceId: view.traceId,
    chainExpiresAt: view.expiresAt,
    budgets: Object.freeze(
      view.budgets.map((b) => Object.freeze({ key: '', limit: b.limit, expiresAt: null })),
    ),
    fingerprints: presentedFingerprint === undefined ? NONE : Object.freeze([presentedFingerprint]),
    thirdParty: NONE,
  });
}
