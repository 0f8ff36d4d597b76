/**
 * The audit part of the store contract (see contract.ts).
 */
import { describe, expect, it } from 'vitest';
import { type AuditEvent, type AuditQuery, createAuditEvent } from './audit-schema.js';
import type { ContractStore } from './contract.js';

/**
 * Registers the audit tests against the current test's store.
 *
 * @example
 * ```ts
 * auditContract(() => current);
 * ```
 */
export function auditContract(get: () => ContractStore): void {
  describe('audit', () => {
    const make = (i: number, over: Partial<AuditEvent> = {}): AuditEvent =>
      createAuditEvent(
        {
          type: i % 2 === 0 ? 'verify.allow' : 'verify.deny',
          service: 'orders',
          tokenId: `tok-${i % 3}`,
          session: `s-${i % 2}`,
          principal: `p-${i % 4}`,
          tenant: `t-${i % 5}`,
          traceId: `trace-${i}`,
          caveats: ['tenant = 42'],
          ...(i % 2 === 1 ? { code: 'ERR_TOKEN_REVOKED' as const } : {}),
          ...over,
        },
        { now: Date.UTC(2026, 0, 1) + i * 1000, id: `ev-${i}` },
      );

    const all = async (q: AuditQuery): Promise<AuditEvent[]> => {
      const out: AuditEvent[] = [];
      for (let query = q, pages = 0; pages < 1000; pages++) {
        const page = await get().store.queryAudit(query);
        out.push(...page.events);
        if (page.next === null) return out;
        query = { ...q, cursor: page.next };
      }
      throw new Error('pagination did not terminate');
    };

    it('appends and filters by every field, oldest first', async () => {
      const events = Array.from({ length: 20 }, (_, i) => make(i));
      for (const e of events) await get().store.appendAudit(e);
      const ids = (es: AuditEvent[]) => es.map((e) => e.id);
      expect(ids(await all({}))).toEqual(ids(events));
      expect(await all({})).toEqual(events);
      expect(ids(await all({ tokenId: 'tok-1' }))).toEqual(
        ids(events.filter((e) => e.tokenId === 'tok-1')),
      );
      expect(ids(await all({ session: 's-0' }))).toEqual(
        ids(events.filter((e) => e.session === 's-0')),
      );
      expect(ids(await all({ principal: 'p-3', tenant: 't-3' }))).toEqual(['ev-3']);
      expect(ids(await all({ traceId: 'trace-7' }))).toEqual(['ev-7']);
      expect(ids(await all({ type: 'verify.deny', tokenId: 'tok-0' }))).toEqual([
        'ev-3',
        'ev-9',
        'ev-15',
      ]);
      const since = new Date(Date.UTC(2026, 0, 1) + 5000).toISOString();
      const until = new Date(Date.UTC(2026, 0, 1) + 8000).toISOString();
      expect(ids(await all({ since, until }))).toEqual(['ev-5', 'ev-6', 'ev-7']);
      expect(await all({ tokenId: 'nobody' })).toEqual([]);
    });

    it('paginates with a cursor and a limit', async () => {
      for (let i = 0; i < 7; i++) await get().store.appendAudit(make(i));
      const first = await get().store.queryAudit({ limit: 3 });
      expect(first.events.map((e) => e.id)).toEqual(['ev-0', 'ev-1', 'ev-2']);
      expect(first.next).not.toBeNull();
      const pages = await all({ limit: 3 });
      expect(pages.map((e) => e.id)).toEqual([
        'ev-0',
        'ev-1',
        'ev-2',
        'ev-3',
        'ev-4',
        'ev-5',
        'ev-6',
      ]);
      const last = await get().store.queryAudit({ limit: 10 });
      expect(last.next).toBeNull();
    });

    const appendAudits = (events: readonly AuditEvent[]): Promise<void> =>
      get().store.appendAudits(events);

    it('appends a batch in order, queryable once resolved, between single appends', async () => {
      const events = Array.from({ length: 12 }, (_, i) => make(i));
      await get().store.appendAudit(events[0]!);
      await appendAudits(events.slice(1, 6));
      await get().store.appendAudit(events[6]!);
      await appendAudits(events.slice(7));
      expect(await all({})).toEqual(events);
      expect((await all({ tokenId: 'tok-1' })).map((e) => e.id)).toEqual(
        events.filter((e) => e.tokenId === 'tok-1').map((e) => e.id),
      );
    });

    it('stores every event of a large batch, in order', async () => {
      const events = Array.from({ length: 1500 }, (_, i) => make(i, { id: `big-${i}` }));
      await appendAudits(events);
      expect((await all({ limit: 1000 })).map((e) => e.id)).toEqual(events.map((e) => e.id));
    });

    it('keeps each batch in order when batches are issued concurrently', async () => {
      const batches = Array.from({ length: 5 }, (_, b) =>
        Array.from({ length: 4 }, (_, i) => make(b * 4 + i, { id: `b${b}-${i}` })),
      );
      await Promise.all(batches.map((batch) => appendAudits(batch)));
      const stored = (await all({})).map((e) => e.id);
      expect(stored).toHaveLength(20);
      for (const batch of batches) {
        const positions = batch.map((e) => stored.indexOf(e.id));
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      }
    });

    it('treats an empty batch as a no-op', async () => {
      await expect(appendAudits([])).resolves.toBeUndefined();
      expect(await get().store.queryAudit({})).toEqual({ events: [], next: null });
    });

    it('rejects a malformed batch as a programmer error and stores none of it', async () => {
      await expect(appendAudits(null as unknown as AuditEvent[])).rejects.toThrow(TypeError);
      await expect(appendAudits([make(0), null as unknown as AuditEvent])).rejects.toThrow(
        /events\[1\]/,
      );
      expect((await get().store.queryAudit({})).events).toEqual([]);
    });

    it('rejects a cursor it did not issue with ERR_BAD_REQUEST (400)', async () => {
      await get().store.appendAudit(make(0));
      await expect(get().store.queryAudit({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
        code: 'ERR_BAD_REQUEST',
      });
    });
  });
}
