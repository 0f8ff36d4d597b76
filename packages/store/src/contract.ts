/**
 * The shared store contract: one vitest suite every ChitStore implementation must pass.
 * Imported by tests only (it depends on vitest and fast-check).
 */
import type { Clock } from '@chit/token';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditContract } from './contract-audit.js';
import { budgetContract } from './contract-budgets.js';
import { revocationFamilyContract } from './contract-family.js';
import { budgetRestartContract } from './contract-restart.js';
import type { ChitStore, FeedStatus, RevocationEntry } from './ports.js';

/** What a contract factory returns: a fresh, empty store and how to dispose of it. */
export interface ContractStore {
  readonly store: ChitStore;
  readonly cleanup: () => Promise<void>;
  /**
   * A store that keeps its state across a restart: closes `store` and returns a new
   * instance on the same state (directory, key prefix), with the same clock. Required by
   * `{ restarts: true }`; `cleanup` of the returned one disposes of everything.
   */
  readonly reopen?: () => Promise<ContractStore>;
}

/** Options of {@link runStoreContract}. */
export interface StoreContractOptions {
  /** The store keeps its state across a restart (`reopen`): budget counts and lifetimes are checked across one. */
  readonly restarts?: boolean;
}

/** The contract's controllable clock (Unix ms); the store must use it for budget expiry. */
export interface ContractClock {
  readonly clock: Clock;
  advance(ms: number): void;
}

/**
 * Registers the contract suite for one store implementation. `makeStore` is called before
 * every test and must return a store that sees no data from earlier tests (e.g. a fresh
 * key prefix), using the given clock. With `{ restarts: true }` the budget tests also run
 * across a restart (`reopen`).
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
  opts: StoreContractOptions = {},
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

    const restart = async () => {
      if (t.reopen === undefined) throw new TypeError('reopen is required with restarts: true');
      t = await t.reopen();
    };
    const time: ContractClock = {
      clock,
      advance: (ms) => {
        nowMs += ms;
      },
    };
    budgetContract(() => t, time);
    if (opts.restarts) budgetRestartContract(() => t, time, restart);
    revocationFamilyContract(() => t, nowS);
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
