import {
  type RedisClusterProcess,
  type RedisProcess,
  redisCommand,
  startRedis,
  startRedisCluster,
} from '@chit/testkit';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, keyLayout } from '../src/index.js';

let redis: RedisProcess;
let cluster: RedisClusterProcess;
const clock = () => Date.now();

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster({ masters: 3 })]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), cluster?.stop()]);
});

describe('budgets on redis', () => {
  it('1,000 concurrent uses against N=100 grant exactly 100 (single)', async () => {
    const store = await createRedisStore({ url: redis.url, prefix: 'conc', clock });
    try {
      const until = Math.floor(Date.now() / 1000) + 60;
      const budgets = [{ key: 'fp-root', limit: 100, until }];
      const results = await Promise.all(
        Array.from({ length: 1000 }, () => store.consumeBudgets('tok-1', budgets)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(100);
      expect(results.filter((r) => !r.allowed).every((r) => r.exhausted === 'fp-root')).toBe(true);
      const key = keyLayout('conc').budget('tok-1', 'fp-root');
      expect(await redisCommand(redis.port, ['GET', key])).toBe('100');
      // The counter lives until the budget's until.
      expect(Number(await redisCommand(redis.port, ['PEXPIRETIME', key]))).toBe(until * 1000);
    } finally {
      await store.close();
    }
  });

  it('1,000 concurrent uses of two budgets against a 3-master cluster grant exactly 100', async () => {
    const client = new Cluster([...cluster.startupNodes], {
      enableOfflineQueue: false,
      redisOptions: { commandTimeout: 2000, maxRetriesPerRequest: 1 },
    });
    client.on('error', () => {});
    const store = await createRedisStore({ redis: client, prefix: 'conc', clock });
    try {
      const now = Math.floor(Date.now() / 1000);
      const budgets = [
        { key: 'fp-root', limit: 300, until: null },
        { key: 'fp-child', limit: 100, until: now + 60 },
      ];
      const results = await Promise.all(
        Array.from({ length: 1000 }, () => store.consumeBudgets('tok-2', budgets)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(100);
      const layout = keyLayout('conc');
      expect(await client.get(layout.budget('tok-2', 'fp-root'))).toBe('100');
      // One script call, one lifetime per budget: the root never lapses, the child at its until.
      expect(await client.call('PEXPIRETIME', layout.budget('tok-2', 'fp-root'))).toBe(-1);
      expect(await client.call('PEXPIRETIME', layout.budget('tok-2', 'fp-child'))).toBe(
        (now + 60) * 1000,
      );
    } finally {
      await store.close();
      client.disconnect();
    }
  });

  it('keeps every key under the prefix', async () => {
    const store = await createRedisStore({ url: redis.url, prefix: 'layout', clock });
    try {
      const now = Math.floor(Date.now() / 1000);
      await store.revoke({ kind: 'token', value: 't', revokedAt: now, expiresAt: now + 60 });
      await store.consumeBudgets('fam', [{ key: 'k', limit: 1, until: now + 60 }]);
      await store.appendAudit({
        id: 'e',
        time: new Date().toISOString(),
        type: 'mint',
        caveats: [],
        decision: null,
        service: 's',
      });
      const c = new Redis(redis.port);
      const all = (await c.keys('*')).filter((k) => k.includes('layout')).sort();
      c.disconnect();
      expect(all).toEqual([
        'layout:audit',
        'layout:{fam}:b:k',
        '{layout:rev}:entries',
        '{layout:rev}:expiry',
        '{layout:rev}:log',
        '{layout:rev}:meta',
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('budget counter lifetimes on redis (read from the server)', () => {
  const setups: [string, () => Promise<{ client: Redis | Cluster; close(): void }>][] = [
    [
      'single',
      async () => {
        const client = new Redis(redis.port);
        return { client, close: () => client.disconnect() };
      },
    ],
    [
      '3-master cluster',
      async () => {
        const client = new Cluster([...cluster.startupNodes], {
          enableOfflineQueue: false,
          redisOptions: { commandTimeout: 2000, maxRetriesPerRequest: 1 },
        });
        client.on('error', () => {});
        return { client, close: () => client.disconnect() };
      },
    ],
  ];
  let n = 0;

  for (const [name, connect] of setups) {
    it(`only ever extends a counter's expiry; null makes it persistent (${name})`, async () => {
      const { client, close } = await connect();
      const prefix = `life${n++}`;
      const store = await createRedisStore({ redis: client, prefix, clock });
      const expiry = async (family: string, key: string) =>
        Number(await client.call('PEXPIRETIME', keyLayout(prefix).budget(family, key)));
      const consume = (family: string, key: string, until: number | null) =>
        store.consumeBudgets(family, [{ key, limit: 10, until }]);
      try {
        const t = Math.floor(Date.now() / 1000) + 1000;
        // A shorter until never shortens the counter.
        await consume('f1', 'k', t);
        await consume('f1', 'k', t - 100);
        expect(await expiry('f1', 'k')).toBe(t * 1000);
        // A longer one extends it.
        await consume('f1', 'k', t + 100);
        expect(await expiry('f1', 'k')).toBe((t + 100) * 1000);
        // null: persistent from the first use, and no later until gives it a TTL.
        await consume('f2', 'k', null);
        expect(await expiry('f2', 'k')).toBe(-1);
        await consume('f2', 'k', t);
        expect(await expiry('f2', 'k')).toBe(-1);
        // A counter with a TTL becomes persistent once used with null.
        await consume('f3', 'k', t);
        await consume('f3', 'k', null);
        expect(await expiry('f3', 'k')).toBe(-1);
        await consume('f3', 'k', t + 500);
        expect(await expiry('f3', 'k')).toBe(-1);
        expect(await client.get(keyLayout(prefix).budget('f3', 'k'))).toBe('3');
        // A denied call touches no lifetime.
        await store.consumeBudgets('f1', [{ key: 'k', limit: 0, until: t + 900 }]);
        expect(await expiry('f1', 'k')).toBe((t + 100) * 1000);
      } finally {
        await store.close();
        close();
      }
    });
  }

  it('restarts a counter lapsed by the store clock (still on the server) at the new until', async () => {
    let nowMs = Math.floor(Date.now() / 1000) * 1000;
    const store = await createRedisStore({ url: redis.url, prefix: 'lapse', clock: () => nowMs });
    const key = keyLayout('lapse').budget('f', 'k');
    try {
      const until = nowMs / 1000 + 60;
      expect((await store.consumeBudgets('f', [{ key: 'k', limit: 1, until }])).allowed).toBe(true);
      nowMs += 60_000;
      // Lapsed by the clock the store was given, while the server still holds the key.
      expect(await redisCommand(redis.port, ['GET', key])).toBe('1');
      const later = until + 60;
      expect(
        (await store.consumeBudgets('f', [{ key: 'k', limit: 1, until: later }])).allowed,
      ).toBe(true);
      expect(await redisCommand(redis.port, ['PEXPIRETIME', key])).toBe(String(later * 1000));
    } finally {
      await store.close();
    }
  });

  it('stores the largest until exactly (milliseconds past 2^53)', async () => {
    const store = await createRedisStore({ url: redis.url, prefix: 'far', clock });
    try {
      const until = Number.MAX_SAFE_INTEGER;
      expect((await store.consumeBudgets('f', [{ key: 'k', limit: 1, until }])).allowed).toBe(true);
      expect(
        await redisCommand(redis.port, ['PEXPIRETIME', keyLayout('far').budget('f', 'k')]),
      ).toBe(`${until}000`);
    } finally {
      await store.close();
    }
  });
});
