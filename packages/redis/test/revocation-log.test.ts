import { type RedisProcess, startRedis } from '@chit/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, keyLayout } from '../src/index.js';

let redis: RedisProcess;
let raw: Redis;
const NOW = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.port);
});
afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});

describe('revocation log (bulk load)', () => {
  it('reads a log larger than one chunk with multi-byte values split across chunk boundaries', async () => {
    const keys = keyLayout('big');
    const n = 120_000; // about 6 MB: two GETRANGE chunks of 4 MB
    let log = '';
    for (let i = 0; i < n; i++) log += `session:sé€😀-${i}\t${NOW},${NOW + 600},\n`;
    await raw.set(keys.revocationLog, log);
    const store = await createRedisStore({
      url: redis.url,
      prefix: 'big',
      clock: Date.now,
      commandTimeoutMs: 5000,
    });
    try {
      const listed = await store.listRevocations(NOW);
      expect(listed).toHaveLength(n);
      const values = new Set(listed.map((e) => e.value));
      for (const i of [0, 1, 59_999, 60_000, 70_001, n - 1])
        expect(values.has(`sé€😀-${i}`)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('scanRevocations streams every unexpired entry; the last delivery of each is the listed one', async () => {
    const store = await createRedisStore({ url: redis.url, prefix: 'scan', clock: Date.now });
    try {
      await store.revoke({ kind: 'token', value: 'a', revokedAt: NOW, expiresAt: NOW + 10 });
      await store.revoke({ kind: 'token', value: 'a', revokedAt: NOW, expiresAt: NOW + 99 });
      await store.revoke({ kind: 'session', value: 'b', revokedAt: NOW, expiresAt: NOW + 50 });
      await store.revoke({ kind: 'session', value: 'gone', revokedAt: NOW, expiresAt: NOW + 5 });
      const last = new Map<string, unknown>();
      let deliveries = 0;
      await store.scanRevocations!(NOW + 5, (e) => {
        deliveries++;
        last.set(`${e.kind}:${e.value}`, e);
      });
      const listed = await store.listRevocations(NOW + 5);
      expect(listed).toHaveLength(2);
      expect([...last.values()]).toEqual(expect.arrayContaining(listed));
      expect(last.size).toBe(2);
      expect(deliveries).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('compacts the log when most of it is stale, keeping the merged entries', async () => {
    const keys = keyLayout('compact');
    const store = await createRedisStore({ url: redis.url, prefix: 'compact', clock: Date.now });
    try {
      for (let i = 0; i < 1100; i++) {
        await store.revoke({
          kind: 'principal',
          value: 'u',
          revokedAt: NOW,
          expiresAt: NOW + 600,
          issuedBefore: NOW - 1100 + i,
        });
      }
      expect(await raw.hget(keys.revocationMeta, 'gen')).toBe('1');
      const lines = (await raw.get(keys.revocationLog))!.trim().split('\n');
      expect(lines.length).toBeLessThan(200);
      expect(await store.listRevocations(NOW)).toEqual([
        {
          kind: 'principal',
          value: 'u',
          revokedAt: NOW,
          expiresAt: NOW + 600,
          issuedBefore: NOW - 1,
        },
      ]);
    } finally {
      await store.close();
    }
  });
});
