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
      const exp = Math.floor(Date.now() / 1000) + 60;
      const budgets = [{ key: 'fp-root', limit: 100 }];
      const results = await Promise.all(
        Array.from({ length: 1000 }, () => store.consumeBudgets('tok-1', budgets, exp)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(100);
      expect(results.filter((r) => !r.allowed).every((r) => r.exhausted === 'fp-root')).toBe(true);
      const key = keyLayout('conc').budget('tok-1', 'fp-root');
      expect(await redisCommand(redis.port, ['GET', key])).toBe('100');
      // The counter expires with the token.
      expect(Number(await redisCommand(redis.port, ['PEXPIRETIME', key]))).toBe(exp * 1000);
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
      const exp = Math.floor(Date.now() / 1000) + 60;
      const budgets = [
        { key: 'fp-root', limit: 300 },
        { key: 'fp-child', limit: 100 },
      ];
      const results = await Promise.all(
        Array.from({ length: 1000 }, () => store.consumeBudgets('tok-2', budgets, exp)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(100);
      expect(await client.get(keyLayout('conc').budget('tok-2', 'fp-root'))).toBe('100');
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
      await store.consumeBudgets('fam', [{ key: 'k', limit: 1 }], now + 60);
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
