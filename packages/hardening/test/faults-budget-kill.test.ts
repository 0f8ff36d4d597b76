/**
 * Mint SIGKILLed while clients spend budgets (embedded store, issue 15): every use it
 * acknowledged is still counted by the restarted mint, so the uses granted across the crash
 * never exceed any token's limit.
 */
import { describe, expect, it } from 'vitest';
import { runBudgetKill } from '../src/index.js';

describe('mint SIGKILL while budgets are being spent', () => {
  it('embedded: no acknowledged use is forgotten; granted never exceeds the limit', async () => {
    const r = await runBudgetKill({ tokens: 8, uses: 40, killAfter: 150, concurrency: 8 });
    console.log(`budget-kill embedded: ${JSON.stringify(r)}`);
    expect(r.acknowledged).toBeGreaterThanOrEqual(150);
    expect(r.overLimit).toEqual([]);
    // The restarted mint granted what was left and then refused every token for its budget.
    expect(r.finalCodes).toEqual({ ERR_BUDGET_EXHAUSTED: 8 });
    expect(r.grantedAfterRestart).toBeGreaterThan(0);
    expect(r.acknowledged + r.grantedAfterRestart).toBeLessThanOrEqual(8 * 40);
  }, 90_000);
});
