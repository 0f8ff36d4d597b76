/**
 * The shared store contract: one vitest suite every ChitStore implementation must pass.
 * Imported by tests only (it depends on vitest and fast-check).
 */
import type { Clock } from '@chit/token';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditContract } from './contract-audit.js';
import type { ChitStore, FeedStatus, RevocationEntry } from './ports.js';

/** What a contract factory returns: a fresh, empty store and how to dispose of it. */
export interface ContractStore {
  readonly store: ChitStore;
  readonly cleanup: () => Promise<void>;
}

/** A controllable clock handed to the factory; the store must use it for budget expiry. */
export interface ContractClock {
  readonly clock: Clock;
  advance(ms: number): void;
}

/**
 * Registers the contract suite for one store implementation. `makeStore` is called before
 * every test and must return a store that sees no data from earlier tests (e.g. a fresh
 * key prefix), using the given clock.
 *
 * @example
 * ```ts
 * runStoreContract('embedded (memory)', async (clock) => {
 *   const store = await createEmbeddedStore({ clock });
 *   return { store, cleanup: () => store.close() };
 * });
 * ```
 */
export function runStoreContract(
  name: string,
  makeStore: (clock: Clock) => Promise<ContractStore>,
): void {
  describe(`store contract: ${name}`, () => {
    let t: ContractStore;
    let nowMs = 0;
    const clock: Clock = () => nowMs;
    const nowS = () => Math.floor(nowMs / 1000);

    beforeEach(async () => {
      // Start at real time (Redis counters also carry a server-side TTL), then only advance.
      nowMs = Math.floor(Date.now() / 1000) * 1000;
      t = await makeStore(clock);
    });
    afterEach(async () => {
      await t.cleanup();
    });

    const entry = (over: Partial<RevocationEntry> = {}): RevocationEntry => ({
      kind: 'token',
      value: 'a'.repeat(32),
      revokedAt: nowS(),
      expiresAt: nowS() + 3600,
      ...over,
    });

    it('pings', async () => {
      await expect(t.store.ping()).resolves.toBeUndefined();
    });

    it('revokes every kind and lists unexpired entries only', async () => {
      const entries = [
        entry({ kind: 'token', value: 'tok-1' }),
        entry({ kind: 'session', value: 'sess-1' }),
        entry({ kind: 'principal', value: 'user-1', issuedBefore: nowS() - 5 }),
        entry({ kind: 'fingerprint', value: 'f'.repeat(64) }),
        entry({ kind: 'token', value: 'short-lived', expiresAt: nowS() + 10 }),
      ];
      for (const e of entries) await t.store.revoke(e);
      const listed = await t.store.listRevocations(nowS());
      expect(sortEntries(listed)).toEqual(sortEntries(entries));
      const later = await t.store.listRevocations(nowS() + 10);
      expect(later.map((e) => e.value).sort()).toEqual([
        'f'.repeat(64),
        'sess-1',
        'tok-1',
        'user-1',
      ]);
    });

    it('lists a principal entry without issuedBefore as cut at revokedAt', async () => {
      await t.store.revoke({
        kind: 'principal',
        value: 'u',
        revokedAt: nowS(),
        expiresAt: nowS() + 60,
      });
      expect(await t.store.listRevocations(nowS())).toEqual([
        {
          kind: 'principal',
          value: 'u',
          revokedAt: nowS(),
          expiresAt: nowS() + 60,
          issuedBefore: nowS(),
        },
      ]);
    });

    it('merges a repeated revocation into the widest entry', async () => {
      await t.store.revoke(
        entry({ kind: 'principal', value: 'u', issuedBefore: 100, expiresAt: nowS() + 50 }),
      );
      await t.store.revoke(
        entry({ kind: 'principal', value: 'u', issuedBefore: 200, expiresAt: nowS() + 10 }),
      );
      const listed = await t.store.listRevocations(nowS());
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ issuedBefore: 200, expiresAt: nowS() + 50 });
    });

    it('rejects malformed entries as programmer errors', async () => {
      await expect(t.store.revoke(entry({ kind: 'nope' as 'token' }))).rejects.toThrow(TypeError);
      await expect(t.store.revoke(entry({ value: '' }))).rejects.toThrow(TypeError);
      await expect(t.store.revoke(entry({ value: 'a\nb' }))).rejects.toThrow(TypeError);
      await expect(t.store.revoke(entry({ expiresAt: 1.5 }))).rejects.toThrow(RangeError);
      await expect(t.store.revoke(entry({ kind: 'token', issuedBefore: 3 }))).rejects.toThrow(
        TypeError,
      );
    });

    it('delivers revocations on the feed until the subscription closes', async () => {
      const got: RevocationEntry[] = [];
      const statuses: FeedStatus[] = [];
      let signal: () => void = () => {};
      const sub = await t.store.subscribeRevocations(
        (e) => {
          got.push(e);
          signal();
        },
        (s) => statuses.push(s),
      );
      const arrived = new Promise<void>((r) => {
        signal = r;
      });
      const e = entry({ kind: 'session', value: 'sess-feed' });
      await t.store.revoke(e);
      await arrived;
      expect(got).toEqual([e]);
      await sub.close();
      await t.store.revoke(entry({ kind: 'session', value: 'after-close' }));
      await t.store.ping(); // a round trip later, a closed subscription still saw nothing
      expect(got).toHaveLength(1);
      expect(statuses).toEqual([]);
    });

    it('grants a budget exactly N times, then reports the exhausted key', async () => {
      const exp = nowS() + 60;
      const b = [{ key: 'k1', limit: 3 }];
      for (let i = 0; i < 3; i++) {
        expect(await t.store.consumeBudgets('fam', b, exp)).toEqual({ allowed: true });
      }
      expect(await t.store.consumeBudgets('fam', b, exp)).toEqual({
        allowed: false,
        exhausted: 'k1',
      });
      expect(await t.store.consumeBudgets('other', b, exp)).toEqual({ allowed: true });
      expect(await t.store.consumeBudgets('fam', [], exp)).toEqual({ allowed: true });
      expect(await t.store.consumeBudgets('fam', [{ key: 'zero', limit: 0 }], exp)).toEqual({
        allowed: false,
        exhausted: 'zero',
      });
    });

    it('consumes several budgets atomically: a denial consumes none', async () => {
      const exp = nowS() + 60;
      const both = [
        { key: 'wide', limit: 5 },
        { key: 'narrow', limit: 2 },
      ];
      expect((await t.store.consumeBudgets('fam', both, exp)).allowed).toBe(true);
      expect((await t.store.consumeBudgets('fam', both, exp)).allowed).toBe(true);
      expect(await t.store.consumeBudgets('fam', both, exp)).toEqual({
        allowed: false,
        exhausted: 'narrow',
      });
      const wide = [{ key: 'wide', limit: 5 }];
      for (let i = 0; i < 3; i++)
        expect((await t.store.consumeBudgets('fam', wide, exp)).allowed).toBe(true);
      expect(await t.store.consumeBudgets('fam', wide, exp)).toEqual({
        allowed: false,
        exhausted: 'wide',
      });
    });

    it('grants exactly N of many concurrent uses', async () => {
      const exp = nowS() + 60;
      const b = [{ key: 'hot', limit: 50 }];
      const results = await Promise.all(
        Array.from({ length: 300 }, () => t.store.consumeBudgets('fam', b, exp)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(50);
    });

    it('expires budget counters with the token', async () => {
      const exp = nowS() + 10;
      const b = [{ key: 'k', limit: 1 }];
      expect((await t.store.consumeBudgets('fam', b, exp)).allowed).toBe(true);
      expect((await t.store.consumeBudgets('fam', b, exp)).allowed).toBe(false);
      nowMs += 10_000;
      // An expired token has nothing left to spend...
      expect(await t.store.consumeBudgets('fam', b, exp)).toEqual({
        allowed: false,
        exhausted: 'k',
      });
      // ...and its old counter is gone: a counter for a later expiry starts afresh.
      expect((await t.store.consumeBudgets('fam', b, exp + 60)).allowed).toBe(true);
    });

    it('keeps the latest expiry of a shared counter (a descendant with an earlier expiry)', async () => {
      const b = [{ key: 'shared', limit: 2 }];
      expect((await t.store.consumeBudgets('fam', b, nowS() + 100)).allowed).toBe(true);
      expect((await t.store.consumeBudgets('fam', b, nowS() + 10)).allowed).toBe(true);
      nowMs += 20_000;
      expect(await t.store.consumeBudgets('fam', b, nowS() + 80)).toEqual({
        allowed: false,
        exhausted: 'shared',
      });
    });

    it('rejects malformed budget arguments as programmer errors', async () => {
      const exp = nowS() + 60;
      await expect(t.store.consumeBudgets('', [], exp)).rejects.toThrow(TypeError);
      await expect(t.store.consumeBudgets('f', [{ key: 'k', limit: -1 }], exp)).rejects.toThrow(
        RangeError,
      );
      await expect(
        t.store.consumeBudgets(
          'f',
          [
            { key: 'k', limit: 1 },
            { key: 'k', limit: 2 },
          ],
          exp,
        ),
      ).rejects.toThrow(TypeError);
    });

    it('matches a reference model on random budget workloads (property)', async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.subarray(['a', 'b', 'c'], { minLength: 1 }), { minLength: 1, maxLength: 12 }),
          fc.record({ a: fc.nat(4), b: fc.nat(4), c: fc.nat(4) }),
          async (calls, limits) => {
            const fam = `prop-${round++}`;
            const used: Record<string, number> = { a: 0, b: 0, c: 0 };
            for (const keys of calls) {
              const budgets = keys.map((k) => ({ key: k, limit: limits[k as 'a'] }));
              const expected = keys.every((k) => used[k]! < limits[k as 'a']);
              const got = await t.store.consumeBudgets(fam, budgets, nowS() + 60);
              expect(got.allowed).toBe(expected);
              if (expected) for (const k of keys) used[k]!++;
              else expect(keys.find((k) => used[k]! >= limits[k as 'a'])).toBe(got.exhausted);
            }
          },
        ),
        { seed: 20261127, numRuns: 40 },
      );
    });

    auditContract(() => t);

    it('rejects every call with ERR_STORE_UNAVAILABLE once closed', async () => {
      await t.store.close();
      await expect(t.store.ping()).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
      await expect(t.store.appendAudits([])).rejects.toMatchObject({
        code: 'ERR_STORE_UNAVAILABLE',
      });
      await t.store.close(); // idempotent
    });
  });
}

function sortEntries(entries: readonly RevocationEntry[]): RevocationEntry[] {
  return [...entries].sort((a, b) => `${a.kind}:${a.value}`.localeCompare(`${b.kind}:${b.value}`));
}
