/**
 * The budget part of the store contract (see contract.ts): all-or-nothing consumption,
 * exact counts under concurrency, and counter lifetimes that only ever grow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContractClock, ContractStore } from './contract.js';
import type { BudgetUse } from './ports.js';

const DAY_MS = 86_400_000;
const CENTURY_MS = 100 * 365 * DAY_MS;

/**
 * Registers the budget tests against the current test's store and clock.
 *
 * @example
 * ```ts
 * budgetContract(() => current, { clock: () => now, advance: (ms) => { now += ms; } });
 * ```
 */
export function budgetContract(get: () => ContractStore, time: ContractClock): void {
  describe('budgets', () => {
    const nowS = () => Math.floor(time.clock() / 1000);
    const use = (key: string, limit: number, until: number | null): BudgetUse => ({
      key,
      limit,
      until,
    });
    const consume = (family: string, budgets: readonly BudgetUse[]) =>
      get().store.consumeBudgets(family, budgets);

    it('grants a budget exactly N times, then reports the exhausted key', async () => {
      const b = [use('k1', 3, nowS() + 60)];
      for (let i = 0; i < 3; i++) expect(await consume('fam', b)).toEqual({ allowed: true });
      expect(await consume('fam', b)).toEqual({ allowed: false, exhausted: 'k1' });
      expect(await consume('other', b)).toEqual({ allowed: true });
      expect(await consume('fam', [])).toEqual({ allowed: true });
      expect(await consume('fam', [use('zero', 0, nowS() + 60)])).toEqual({
        allowed: false,
        exhausted: 'zero',
      });
    });

    it('consumes several budgets atomically: a denial consumes none', async () => {
      const both = [use('wide', 5, nowS() + 60), use('narrow', 2, nowS() + 60)];
      expect((await consume('fam', both)).allowed).toBe(true);
      expect((await consume('fam', both)).allowed).toBe(true);
      expect(await consume('fam', both)).toEqual({ allowed: false, exhausted: 'narrow' });
      const wide = [use('wide', 5, nowS() + 60)];
      for (let i = 0; i < 3; i++) expect((await consume('fam', wide)).allowed).toBe(true);
      expect(await consume('fam', wide)).toEqual({ allowed: false, exhausted: 'wide' });
    });

    it('grants exactly N of many concurrent uses', async () => {
      const b = [use('hot', 50, nowS() + 60)];
      const results = await Promise.all(Array.from({ length: 300 }, () => consume('fam', b)));
      expect(results.filter((r) => r.allowed)).toHaveLength(50);
    });

    it('lapses a counter once the clock reaches its until; a later use starts afresh', async () => {
      const until = nowS() + 10;
      expect((await consume('fam', [use('k', 1, until)])).allowed).toBe(true);
      expect((await consume('fam', [use('k', 1, until)])).allowed).toBe(false);
      time.advance(9_999);
      expect((await consume('fam', [use('k', 1, until + 60)])).allowed).toBe(false);
      time.advance(1);
      expect((await consume('fam', [use('k', 1, until + 60)])).allowed).toBe(true);
    });

    it('denies a budget whose until has passed, consuming none of the others', async () => {
      const ok = use('ok', 1, nowS() + 60);
      expect(await consume('fam', [ok, use('late', 5, nowS())])).toEqual({
        allowed: false,
        exhausted: 'late',
      });
      expect(await consume('fam', [ok, use('late', 5, nowS() - 1)])).toEqual({
        allowed: false,
        exhausted: 'late',
      });
      expect((await consume('fam', [ok])).allowed).toBe(true);
    });

    it('never shortens a counter: a later, earlier until leaves it counting until the first', async () => {
      const t = nowS() + 1000;
      expect((await consume('fam', [use('shared', 2, t)])).allowed).toBe(true);
      expect((await consume('fam', [use('shared', 2, t - 100)])).allowed).toBe(true);
      time.advance(950_000); // past t - 100, before t
      expect(await consume('fam', [use('shared', 2, t)])).toEqual({
        allowed: false,
        exhausted: 'shared',
      });
      time.advance(50_000); // at t: the counter has lapsed
      expect((await consume('fam', [use('shared', 2, t + 1000)])).allowed).toBe(true);
    });

    it('extends a counter to the latest until it was used with', async () => {
      const t = nowS() + 100;
      expect((await consume('fam', [use('grow', 2, t)])).allowed).toBe(true);
      expect((await consume('fam', [use('grow', 2, t + 500)])).allowed).toBe(true);
      time.advance(300_000); // past t, before t + 500
      expect(await consume('fam', [use('grow', 2, t + 500)])).toEqual({
        allowed: false,
        exhausted: 'grow',
      });
    });

    it('keeps each budget of one call to its own until', async () => {
      const short = nowS() + 10;
      const long = nowS() + 1000;
      expect((await consume('fam', [use('a', 1, short), use('b', 1, long)])).allowed).toBe(true);
      time.advance(20_000);
      expect((await consume('fam', [use('a', 1, long)])).allowed).toBe(true);
      expect(await consume('fam', [use('b', 1, long)])).toEqual({
        allowed: false,
        exhausted: 'b',
      });
    });

    it('never lapses a counter used with until null, whatever later calls say', async () => {
      expect((await consume('fam', [use('forever', 1, null)])).allowed).toBe(true);
      time.advance(CENTURY_MS);
      expect(await consume('fam', [use('forever', 1, null)])).toEqual({
        allowed: false,
        exhausted: 'forever',
      });
      // A call with an until neither lapses it nor gives it a lifetime.
      expect((await consume('fam', [use('forever', 1, nowS() + 10)])).allowed).toBe(false);
      time.advance(CENTURY_MS);
      expect((await consume('fam', [use('forever', 1, nowS() + 10)])).allowed).toBe(false);
    });

    it('makes a counter with a lifetime persistent once it is used with until null', async () => {
      expect((await consume('fam', [use('p', 2, nowS() + 10)])).allowed).toBe(true);
      expect((await consume('fam', [use('p', 2, null)])).allowed).toBe(true);
      time.advance(DAY_MS);
      expect(await consume('fam', [use('p', 2, null)])).toEqual({
        allowed: false,
        exhausted: 'p',
      });
    });

    it('rejects malformed budget arguments as programmer errors naming the argument', async () => {
      const misuse = async (
        family: string,
        budgets: unknown,
        type: typeof TypeError | typeof RangeError,
        name: RegExp,
      ) => {
        const err = await get()
          .store.consumeBudgets(family, budgets as BudgetUse[])
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(err).toBeInstanceOf(type);
        expect((err as Error).message).toMatch(name);
      };
      const until = nowS() + 60;
      await misuse('', [], TypeError, /family/);
      await misuse('f', [{ key: 'k', limit: -1, until }], RangeError, /limit/);
      await misuse('f', [use('k', 1, until), use('k', 2, until)], TypeError, /key/);
      await misuse('f', [{ key: 'k', limit: 1 }], TypeError, /budgets\[\]\.until/);
      await misuse('f', [{ key: 'k', limit: 1, until: String(until) }], TypeError, /until/);
      for (const bad of [until + 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
        await misuse('f', [use('k', 1, bad)], RangeError, /budgets\[\]\.until/);
      }
      // Nothing was consumed by the rejected calls.
      expect((await consume('f', [use('k', 1, until)])).allowed).toBe(true);
    });

    it('matches a reference model of counts and lifetimes on random workloads (property)', async () => {
      type Step =
        | { readonly advance: number }
        | { readonly keys: string[]; readonly untils: (number | null)[] };
      const step: fc.Arbitrary<Step> = fc.oneof(
        fc.record({ advance: fc.integer({ min: 0, max: 400_000 }) }),
        fc.record({
          keys: fc.subarray(['a', 'b', 'c'], { minLength: 1 }),
          // Offsets of at least a minute: the server's own clock (Redis TTLs) never
          // overtakes the test clock within a run.
          untils: fc.array(fc.option(fc.integer({ min: 60, max: 600 }), { nil: null }), {
            minLength: 3,
            maxLength: 3,
          }),
        }),
      );
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 1, maxLength: 16 }),
          fc.record({ a: fc.nat(3), b: fc.nat(3), c: fc.nat(3) }),
          async (steps, limits) => {
            const fam = `prop-${round++}`;
            const model = new Map<string, { used: number; untilMs: number }>();
            const live = (k: string) => {
              const c = model.get(k);
              return c !== undefined && c.untilMs > time.clock() ? c : undefined;
            };
            for (const s of steps) {
              if ('advance' in s) {
                time.advance(s.advance);
                continue;
              }
              const budgets = s.keys.map((k, i) => {
                const offset = s.untils[i]!;
                return use(k, limits[k as 'a'], offset === null ? null : nowS() + offset);
              });
              const exhausted = budgets.find((b) => (live(b.key)?.used ?? 0) >= b.limit)?.key;
              const got = await consume(fam, budgets);
              expect(got).toEqual(
                exhausted === undefined ? { allowed: true } : { allowed: false, exhausted },
              );
              if (exhausted !== undefined) continue;
              for (const b of budgets) {
                const untilMs = b.until === null ? Number.POSITIVE_INFINITY : b.until * 1000;
                const c = live(b.key);
                model.set(b.key, {
                  used: (c?.used ?? 0) + 1,
                  untilMs: Math.max(c?.untilMs ?? 0, untilMs),
                });
              }
            }
          },
        ),
        { seed: 20261204, numRuns: 40 },
      );
    });
  });
}
