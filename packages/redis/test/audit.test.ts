import { createAuditEvent } from '@chit/store';
import { type RedisProcess, startRedis } from '@chit/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditExporter, createRedisStore, keyLayout } from '../src/index.js';

let redis: RedisProcess;
const clock = () => Date.now();
const ev = (i: number) =>
  createAuditEvent(
    { type: 'mint', service: 'mint', tokenId: `t${i}` },
    { now: Date.UTC(2026, 0, 1) + i, id: `ev-${i}` },
  );

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('audit stream', () => {
  it('trims the stream to about auditMaxLen events (retention)', async () => {
    const store = await createRedisStore({ url: redis.url, prefix: 'ret', clock, auditMaxLen: 50 });
    const c = new Redis(redis.port);
    try {
      for (let i = 0; i < 1000; i++) await store.appendAudit(ev(i));
      const len = await c.xlen(keyLayout('ret').audit);
      // MAXLEN ~ trims whole stream nodes (100 entries each by default): at least 50 kept.
      expect(len).toBeGreaterThanOrEqual(50);
      expect(len).toBeLessThan(200);
      const page = await store.queryAudit({ limit: 1000 });
      expect(page.events.at(-1)?.id).toBe('ev-999');
    } finally {
      c.disconnect();
      await store.close();
    }
  });

  it('appends a batch with one script call per 500 events and keeps the retention', async () => {
    const store = await createRedisStore({
      url: redis.url,
      prefix: 'batch',
      clock,
      auditMaxLen: 50,
    });
    const c = new Redis(redis.port);
    const calls = async (command: string): Promise<number> => {
      const info = await c.info('commandstats');
      return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
    };
    try {
      await store.appendAudits([ev(0)]); // loads the script
      await c.config('RESETSTAT');
      await store.appendAudits(Array.from({ length: 100 }, (_, i) => ev(i + 1)));
      expect(await calls('evalsha')).toBe(1);
      expect(await calls('xadd')).toBe(100);
      await c.config('RESETSTAT');
      await store.appendAudits(Array.from({ length: 1200 }, (_, i) => ev(i + 101)));
      expect(await calls('evalsha')).toBe(3);
      expect(await calls('xadd')).toBe(1200);
      const len = await c.xlen(keyLayout('batch').audit);
      expect(len).toBeGreaterThanOrEqual(50);
      expect(len).toBeLessThan(200);
      const page = await store.queryAudit({ limit: 1000 });
      expect(page.events.at(-1)?.id).toBe('ev-1300');
      expect(page.events.map((e) => e.id)).toEqual(
        Array.from({ length: page.events.length }, (_, i) => `ev-${1301 - page.events.length + i}`),
      );
    } finally {
      c.disconnect();
      await store.close();
    }
  });

  it('bounds the scan of one page and continues from its cursor', async () => {
    const store = await createRedisStore({ url: redis.url, prefix: 'scan', clock });
    try {
      const c = new Redis(redis.port);
      const key = keyLayout('scan').audit;
      const pipeline = c.pipeline();
      for (let i = 0; i < 12_000; i++) pipeline.xadd(key, '*', 'd', JSON.stringify(ev(i)));
      await pipeline.exec();
      c.disconnect();
      const first = await store.queryAudit({ tokenId: 't11999' });
      expect(first.events).toEqual([]);
      expect(first.next).not.toBeNull();
      const second = await store.queryAudit({ tokenId: 't11999', cursor: first.next! });
      expect(second.events.map((e) => e.id)).toEqual(['ev-11999']);
      expect(second.next).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('exports through a consumer group: read, ack, redelivery of unacked after a crash, shared work', async () => {
    const store = await createRedisStore({ url: redis.url, prefix: 'exp', clock });
    const a = await createAuditExporter({
      url: redis.url,
      prefix: 'exp',
      group: 'siem',
      consumer: 'a',
    });
    try {
      for (let i = 0; i < 5; i++) await store.appendAudit(ev(i));
      const first = await a.read(3);
      expect(first.map((x) => x.event.id)).toEqual(['ev-0', 'ev-1', 'ev-2']);
      expect(await a.ack([first[0]!.id])).toBe(1);
      // Consumer a "crashes" with ev-1, ev-2 unacknowledged; its successor gets them first.
      const a2 = await createAuditExporter({
        url: redis.url,
        prefix: 'exp',
        group: 'siem',
        consumer: 'a',
      });
      const redelivered = await a2.read(10);
      expect(redelivered.map((x) => x.event.id)).toEqual(['ev-1', 'ev-2']);
      await a2.ack(redelivered.map((x) => x.id));
      // A second consumer of the group shares the remaining work.
      const b = await createAuditExporter({
        url: redis.url,
        prefix: 'exp',
        group: 'siem',
        consumer: 'b',
      });
      const fromB = await b.read(1);
      const fromA = await a2.read(10);
      expect([...fromB, ...fromA].map((x) => x.event.id).sort()).toEqual(['ev-3', 'ev-4']);
      expect(fromB).toHaveLength(1);
      expect(await a2.read(10)).toEqual([]);
      await a2.close();
      await b.close();
    } finally {
      await a.close();
      await store.close();
    }
  });

  it('rejects exporter misuse and reports an unreachable Redis with ERR_STORE_UNAVAILABLE', async () => {
    await expect(createAuditExporter({ url: redis.url, group: '', consumer: 'x' })).rejects.toThrow(
      TypeError,
    );
    await expect(
      createAuditExporter({ url: 'redis://127.0.0.1:1', group: 'g', consumer: 'c' }),
    ).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });
});
