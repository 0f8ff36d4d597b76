/**
 * The unverified summary of a condition list, for holders (SDK, CLI) that must judge
 * whether an attenuation narrows before appending it.
 */
import type { ConditionSummary } from './condition.js';
import { attributeRecord, isUnsatisfiable, resolveConditions } from './intersect.js';

/**
 * Resolves `conditions` with the same intersection rules as verification, without any
 * signature check: UNVERIFIED, for display and for rejecting attenuations that would not
 * narrow, never for authorisation. `identifierSession` is the session carried in the token
 * identifier, if any: it becomes `session`, and a `session` claim that differs from it
 * makes the summary unsatisfiable, exactly as in verification. `sealed` is the
 * identifier's sealed count (default: every condition, as if the minter wrote them all):
 * claim-shaped conditions after it are checks, as in verification.
 *
 * @throws {CaveatUnknownError|CaveatMalformedError} a condition is not understood or not canonical.
 * @example
 * ```ts
 * const s = summarizeConditions(['tenant in [1,2]', 'expires = 2000', 'expires = 1000']);
 * s.tenants;   // ['1', '2']
 * s.expiresAt; // 1000
 * summarizeConditions(['session = s-2'], 's-1').unsatisfiable; // true
 * ```
 */
export function summarizeConditions(
  conditions: readonly string[],
  identifierSession?: string,
  sealed: number = conditions.length,
): ConditionSummary {
  if (!Array.isArray(conditions)) throw new TypeError('conditions must be an array');
  if (identifierSession !== undefined && typeof identifierSession !== 'string') {
    throw new TypeError('identifierSession must be a string');
  }
  if (!Number.isSafeInteger(sealed) || sealed < 0) {
    throw new RangeError('sealed must be a non-negative integer');
  }
  const r = resolveConditions(conditions, { session: identifierSession, sealed });
  const limits = r.budgets.map((b) => b.limit);
  return Object.freeze({
    tenants: r.tenants && Object.freeze(r.tenants),
    resources: Object.freeze(r.resources.map((e) => Object.freeze(e))),
    actions: r.actions && Object.freeze(r.actions),
    audiences: r.audiences && Object.freeze(r.audiences),
    attributes: attributeRecord(r.attributeNames, r.attributeValues),
    expiresAt: r.expiresAt,
    notBefore: r.notBefore,
    uses: limits.length === 0 ? null : Math.min(...limits),
    budgets: Object.freeze(limits),
    ...(r.principal !== undefined && { principal: r.principal }),
    ...(r.role !== undefined && { role: r.role }),
    ...(r.session !== undefined && { session: r.session }),
    ...(r.traceId !== undefined && { traceId: r.traceId }),
    via: Object.freeze(r.via),
    unsatisfiable: isUnsatisfiable(r),
  });
}
