/**
 * The holder-revocation part of the store contract (see contract.ts): the `family` of a
 * fingerprint entry and an entry that never lapses survive every way a store hands
 * entries back (list, bulk scan, feed, a repeated revocation).
 */
import { describe, expect, it } from 'vitest';
import type { ContractStore } from './contract.js';
import { REVOCATION_NEVER_LAPSES } from './mirror.js';
import type { RevocationEntry } from './ports.js';

/**
 * Registers the family tests against the current test's store; `nowS` is its clock.
 *
 * @example
 * ```ts
 * revocationFamilyContract(() => current, () => Math.floor(clock() / 1000));
 * ```
 */
export function revocationFamilyContract(get: () => ContractStore, nowS: () => number): void {
  describe('holder revocations (family)', () => {
    const holder = (over: Partial<RevocationEntry> = {}): RevocationEntry => ({
      kind: 'fingerprint',
      value: 'f'.repeat(64),
      revokedAt: nowS(),
      expiresAt: nowS() + 3600,
      family: 'a1'.repeat(16),
      ...over,
    });
    const scanned = async (): Promise<RevocationEntry[]> => {
      const { store } = get();
      if (store.scanRevocations === undefined) return store.listRevocations(nowS());
      const out = new Map<string, RevocationEntry>();
      await store.scanRevocations(nowS(), (e) => out.set(`${e.kind}:${e.value}`, e));
      return [...out.values()];
    };

    it('keeps the family of a fingerprint entry in list, scan and feed', async () => {
      const { store } = get();
      let signal: (e: RevocationEntry) => void = () => {};
      const fed = new Promise<RevocationEntry>((r) => {
        signal = r;
      });
      const sub = await store.subscribeRevocations(
        (e) => signal(e),
        () => {},
      );
      const e = holder();
      const plain = holder({ value: 'e'.repeat(64), family: undefined });
      delete (plain as { family?: string }).family;
      await store.revoke(e);
      expect(await fed).toEqual(e);
      await sub.close();
      await store.revoke(plain);
      const byValue = (l: RevocationEntry[]) => [...l].sort((a, b) => (a.value < b.value ? -1 : 1));
      expect(byValue(await store.listRevocations(nowS()))).toEqual([plain, e]);
      expect(byValue(await scanned())).toEqual([plain, e]);
    });

    it('refuses a family that is not a token id, or on an entry that is not a holder entry', async () => {
      const { store } = get();
      for (const bad of [
        holder({ family: 'AB12' }),
        holder({ family: 'a1,b2' }),
        holder({ family: '' }),
        holder({ family: 7 as unknown as string }),
        {
          kind: 'token',
          value: 'a1'.repeat(16),
          revokedAt: nowS(),
          expiresAt: nowS() + 60,
          family: 'a1',
        },
      ] as RevocationEntry[]) {
        await expect(store.revoke(bad)).rejects.toThrow(/entry\.family/);
      }
      expect(await store.listRevocations(nowS())).toEqual([]);
    });

    it('a repeated holder revocation keeps its family and the later expiry', async () => {
      const { store } = get();
      await store.revoke(holder({ expiresAt: nowS() + 100 }));
      await store.revoke(holder({ expiresAt: nowS() + 50 }));
      expect(await store.listRevocations(nowS())).toEqual([holder({ expiresAt: nowS() + 100 })]);
      expect(await scanned()).toEqual([holder({ expiresAt: nowS() + 100 })]);
    });

    it('a holder entry first recorded without a family learns it, and keeps it', async () => {
      const { store } = get();
      const { family: _none, ...plain } = holder({ expiresAt: nowS() + 100 });
      await store.revoke(plain);
      await store.revoke(holder({ expiresAt: nowS() + 50 }));
      await store.revoke(plain);
      expect(await store.listRevocations(nowS())).toEqual([holder({ expiresAt: nowS() + 100 })]);
    });

    it('holds an entry that never lapses exactly, listed however late', async () => {
      const { store } = get();
      const e = holder({ expiresAt: REVOCATION_NEVER_LAPSES });
      await store.revoke(e);
      expect(await store.listRevocations(nowS())).toEqual([e]);
      expect(await store.listRevocations(REVOCATION_NEVER_LAPSES - 1)).toEqual([e]);
      expect(await store.listRevocations(REVOCATION_NEVER_LAPSES)).toEqual([]);
    });
  });
}
