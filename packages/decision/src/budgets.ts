/**
 * The budgets a verified capability must consume, with the lifetime each counter needs.
 */
import type { BudgetUse } from '@chit/store';
import { stateLifetime, type VerifiedCapability } from '@chit/token';

/**
 * One {@link BudgetUse} per `uses <= N` caveat of `cap`: the counter must live until
 * `stateLifetime(budget.expiresAt)`, the earliest `expires` of the chain up to the caveat
 * that created it plus the leeway (never an expiry a later holder appended, which would
 * let the holder outwait the counter and start afresh).
 *
 * @example
 * ```ts
 * await store.consumeBudgets(cap.tokenId, budgetUses(cap));
 * ```
 */
export function budgetUses(cap: VerifiedCapability): BudgetUse[] {
  const budgets = cap.budgets;
  const uses: BudgetUse[] = new Array(budgets.length);
  for (let i = 0; i < budgets.length; i++) {
    const b = budgets[i]!;
    uses[i] = { key: b.key, limit: b.limit, until: stateLifetime(b.expiresAt) };
  }
  return uses;
}
