import { StoreUnavailableError } from '@chit/token';
import { describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  type ChitStore,
  createAuditBatcher,
  createAuditEvent,
  createEmbeddedStore,
  validateAuditBatch,
} from '../src/index.js';

const ev = (i: number): AuditEvent =>
  createAuditEvent(
    { type: 'verify.allow', service: 'orders', tokenId: `t${i}` },
    { now: Date.UTC(2026, 0, 1) + i, id: `ev-${i}` },
  );

const turn = () => new Promise<void>((r) => setImmediate(r));

/** The embedded store, recording every batch it is handed and failing the ones asked to. */
async function recordingStore() {
  const inner = await createEmbeddedStore({ clock: Date.now });
  const batches: string[][] = [];
  const failing = new Set<number>();
  const store: Pick<ChitStore, 'appendAudit' | 'appendAudits' | 'queryAudit'> = {
    appendAudit: (e) => inner.appendAudit(e),
    async appendAudits(events) {
      batches.push(events.map((e) => e.id));
      if (failing.has(batches.length)) throw new StoreUnavailableError('audit store is down');
      await inner.appendAudits(events);
    },
    queryAudit: (q) => inner.queryAudit(q),
  };
  return { store, batches, failing };
}

describe('createAuditBatcher', () => {
  it('hands the appends of one turn to the store as one batch, in order', async () => {
    const { store, batches } = await recordingStore();
    const append = createAuditBatcher(store);
    const stored: string[] = [];
    const writes = [0, 1, 2].map((i) =>
      append(ev(i)).then(async () => {
        // Resolved only once this event is queryable.
        const page = await store.queryAudit({ tokenId: `t${i}` });
        stored.push(...page.events.map((e) => e.id));
      }),
    );
    expect(batches).toEqual([]); // nothing is written before the turn ends
    await Promise.all(writes);
    expect(batches).toEqual([['ev-0', 'ev-1', 'ev-2']]);
    expect(stored.sort()).toEqual(['ev-0', 'ev-1', 'ev-2']);
    await turn();
    await append(ev(3));
    expect(batches).toEqual([['ev-0', 'ev-1', 'ev-2'], ['ev-3']]);
  });

  it('rejects every append of a failed batch, and only those', async () => {
    const { store, batches, failing } = await recordingStore();
    failing.add(1);
    const append = createAuditBatcher(store);
    const first = Promise.allSettled([append(ev(0)), append(ev(1))]);
    await turn();
    const second = Promise.allSettled([append(ev(2))]);
    const results = [...(await first), ...(await second)];
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'ERR_STORE_UNAVAILABLE',
    });
    expect(batches).toEqual([['ev-0', 'ev-1'], ['ev-2']]);
    expect((await store.queryAudit({})).events.map((e) => e.id)).toEqual(['ev-2']);
  });

  it('rejects the appends of a batch whose store call throws synchronously', async () => {
    const append = createAuditBatcher({
      appendAudits: () => {
        throw new TypeError('events must be an array');
      },
    });
    await expect(append(ev(0))).rejects.toThrow(TypeError);
  });
});

describe('validateAuditBatch', () => {
  it('accepts an array of events and names what it rejects', () => {
    expect(() => validateAuditBatch([])).not.toThrow();
    expect(() => validateAuditBatch([ev(0)])).not.toThrow();
    expect(() => validateAuditBatch(undefined)).toThrow(new TypeError('events must be an array'));
    expect(() => validateAuditBatch([ev(0), 'x'])).toThrow(
      new TypeError('events[1] must be an audit event'),
    );
  });
});
