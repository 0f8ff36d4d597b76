/**
 * The restart part of the store contract (see contract.ts), for stores that keep state
 * across a restart: budget counts, all-or-nothing outcomes and counter lifetimes are the
 * same after closing the store and opening it again on the same state.
 */
import { describe, expect, it } from 'vitest';
import type { ContractClock, ContractStore } from './contract.js';
import type { BudgetUse } from './ports.js';

const DAY_MS = 86_400_000;
const use = (key: string, limit: number, until: number | null): BudgetUse => ({
  key,
  limit,
  until,
});

/**
 * Registers the budget-across-a-restart tests; `restart` closes the current store and
 * makes `get()` return one reopened on the same state.
 *
 * @example
 * ```ts
 * budgetRestartContract(() => current, time, async () => { current = await current.reopen!(); });
 * ```
 */
export function budgetRestartContract(
  get: () => ContractStore,
  time: ContractClock,
  restart: () => Promise<void>,
): void {
  const nowS = () => Math.floor(time.clock() / 1000);
  const consume = (family: string, budgets: readonly BudgetUse[]) =>
    get().store.consumeBudgets(family, budgets);

  describe('budgets across a restart', () => {
    it('keeps used counts: a restart grants no fresh use', async () => {
      const b = [use('k', 3, nowS() + 600)];
      expect(await consume('fam', b)).toEqual({ allowed: true });
      expect(await consume('fam', b)).toEqual({ allowed: true });
      await restart();
      expect(await consume('fam', b)).toEqual({ allowed: true });
      expect(await consume('fam', b)).toEqual({ allowed: false, exhausted: 'k' });
      await restart();
      expect(await consume('fam', b)).toEqual({ allowed: false, exhausted: 'k' });
      expect(await consume('other', b)).toEqual({ allowed: true });
    });

    it('keeps the exact count of many concurrent uses', async () => {
      const b = [use('hot', 50, nowS() + 600)];
      const first = await Promise.all(Array.from({ length: 30 }, () => consume('fam', b)));
      expect(first.filter((r) => r.allowed)).toHaveLength(30);
      await restart();
      const second = await Promise.all(Array.from({ length: 100 }, () => consume('fam', b)));
      expect(second.filter((r) => r.allowed)).toHaveLength(20);
    });

    it('keeps all-or-nothing outcomes: a denied call counted nothing before the restart', async () => {
      const both = [use('wide', 3, nowS() + 600), use('narrow', 1, nowS() + 600)];
      expect(await consume('fam', both)).toEqual({ allowed: true });
      expect(await consume('fam', both)).toEqual({ allowed: false, exhausted: 'narrow' });
      await restart();
      const wide = [use('wide', 3, nowS() + 600)];
      expect(await consume('fam', wide)).toEqual({ allowed: true });
      expect(await consume('fam', wide)).toEqual({ allowed: true });
      expect(await consume('fam', wide)).toEqual({ allowed: false, exhausted: 'wide' });
    });

    it('keeps each lifetime as grown, lapses it on schedule, and never lapses null', async () => {
      const t = nowS() + 100;
      expect((await consume('fam', [use('grow', 2, t)])).allowed).toBe(true);
      expect((await consume('fam', [use('grow', 2, t + 500)])).allowed).toBe(true);
      expect((await consume('fam', [use('grow', 2, t - 50)])).allowed).toBe(false);
      expect((await consume('fam', [use('short', 1, t)])).allowed).toBe(true);
      expect((await consume('fam', [use('forever', 1, nowS() + 10)])).allowed).toBe(true);
      // A null use makes the counter persistent, and the restart keeps it so.
      expect((await consume('fam', [use('forever', 2, null)])).allowed).toBe(true);
      await restart();
      time.advance(300_000); // past t: 'short' has lapsed, 'grow' (until t + 500) has not
      expect((await consume('fam', [use('short', 1, t + 1000)])).allowed).toBe(true);
      expect(await consume('fam', [use('grow', 2, t + 1000)])).toEqual({
        allowed: false,
        exhausted: 'grow',
      });
      await restart();
      time.advance(300_000); // past t + 500: 'grow' lapses; a later use starts afresh
      expect((await consume('fam', [use('grow', 2, t + 1000)])).allowed).toBe(true);
      time.advance(365 * DAY_MS);
      await restart();
      expect(await consume('fam', [use('forever', 2, null)])).toEqual({
        allowed: false,
        exhausted: 'forever',
      });
    });
  });
}
