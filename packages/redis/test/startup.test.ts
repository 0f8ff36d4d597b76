import { freePort, startRedis } from '@chit/testkit';
import { StoreUnavailableError } from '@chit/token';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisStore, EvictionPolicyError } from '../src/index.js';

const clock = () => Date.now();

describe('createRedisStore start-up checks', () => {
  it('refuses a Redis whose maxmemory-policy may evict keys', async () => {
    const redis = await startRedis({ maxmemoryPolicy: 'allkeys-lru' });
    try {
      const err = await createRedisStore({ url: redis.url, clock }).catch((e) => e);
      expect(err).toBeInstanceOf(EvictionPolicyError);
      expect(err.message).toMatch(/allkeys-lru.*un-revoke.*noeviction/);
    } finally {
      await redis.stop();
    }
  });

  it('explains the explicit override when CONFIG is disabled, and accepts it', async () => {
    const redis = await startRedis({ args: ['--rename-command', 'CONFIG', ''] });
    try {
      const err = await createRedisStore({ url: redis.url, clock }).catch((e) => e);
      expect(err).toBeInstanceOf(EvictionPolicyError);
      expect(err.message).toMatch(/assumeNoEviction: true/);
      const store = await createRedisStore({ url: redis.url, clock, assumeNoEviction: true });
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
    } finally {
      await redis.stop();
    }
  });

  it('rejects with ERR_STORE_UNAVAILABLE when nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await createRedisStore({ url: `redis://127.0.0.1:${port}`, clock }).catch((e) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects with ERR_STORE_UNAVAILABLE when an adopted client never becomes ready', async () => {
    const port = await freePort();
    const client = new Redis(port, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => 50,
    });
    client.on('error', () => {});
    try {
      const err = await createRedisStore({ redis: client, clock, connectTimeoutMs: 300 }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(err.code).toBe('ERR_STORE_UNAVAILABLE');
    } finally {
      client.disconnect();
    }
  });

  it('closes only the clients it created', async () => {
    const redis = await startRedis();
    const client = new Redis(redis.port, { enableOfflineQueue: false, commandTimeout: 500 });
    try {
      const store = await createRedisStore({ redis: client, prefix: 'own', clock });
      const sub = await store.subscribeRevocations(
        () => {},
        () => {},
      );
      await store.close();
      expect(await client.ping()).toBe('PONG');
      await expect(store.ping()).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
      await sub.close();
      const clients = await client.client('LIST');
      expect(String(clients).trim().split('\n')).toHaveLength(1);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });

  it('rejects bad options as programmer errors', async () => {
    await expect(createRedisStore({ clock } as never)).rejects.toThrow(TypeError);
    await expect(
      createRedisStore({ url: 'redis://x', clock, prefix: 'bad prefix' }),
    ).rejects.toThrow(TypeError);
    await expect(createRedisStore({ url: 'redis://x', clock, auditMaxLen: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});
