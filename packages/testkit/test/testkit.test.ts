import { afterAll, describe, expect, it } from 'vitest';
import {
  captureLogs,
  freePort,
  redisCommand,
  startRedis,
  startRedisCluster,
} from '../src/index.js';

describe('startRedis', () => {
  const started: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });

  it('starts a real redis-server that answers, survives kill/restart with AOF, and stops', async () => {
    const redis = await startRedis({ appendonly: true, maxmemoryPolicy: 'allkeys-lru' });
    started.push(redis);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await redisCommand(redis.port, ['SET', 'k', 'v'])).toBe('OK');
    expect(await redisCommand(redis.port, ['CONFIG', 'GET', 'maxmemory-policy'])).toContain(
      'allkeys-lru',
    );
    await redis.kill();
    await expect(redisCommand(redis.port, ['PING'])).rejects.toThrow();
    await redis.restart();
    expect(await redisCommand(redis.port, ['GET', 'k'])).toBe('v');
    await redis.stop();
    await expect(redisCommand(redis.port, ['PING'])).rejects.toThrow();
  });

  it('fails with an error naming redis-server when the binary is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startRedis()).rejects.toThrow(/redis-server is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('reports a redis-server that exits at start', async () => {
    await expect(startRedis({ args: ['--no-such-option', 'x'] })).rejects.toThrow(
      /redis-server exited/,
    );
  });

  it('hands out a bindable free port', async () => {
    const port = await freePort();
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    expect((server.address() as { port: number }).port).toBe(port);
    await new Promise((r) => server.close(r));
  });
});

describe('startRedisCluster', () => {
  it('starts 3 masters with every slot assigned (redis-cli and Node paths)', async () => {
    for (const withoutRedisCli of [false, true]) {
      const cluster = await startRedisCluster({ masters: 3, withoutRedisCli });
      try {
        const info = await redisCommand(cluster.nodes[0]!.port, ['CLUSTER', 'INFO']);
        expect(info).toContain('cluster_state:ok');
        expect(info).toContain('cluster_slots_assigned:16384');
      } finally {
        await cluster.stop();
      }
    }
  });
});

describe('captureLogs', () => {
  it('collects lines and finds secrets without printing them', () => {
    const logs = captureLogs();
    logs.stream.write('{"msg":"a"}\n{"msg":');
    logs.stream.write('"b secret-123"}\nplain\n');
    expect(logs.records()).toEqual([{ msg: 'a' }, { msg: 'b secret-123' }]);
    expect(() => logs.assertNoSecrets(['nothing'])).not.toThrow();
    expect(() => logs.assertNoSecrets(['secret-123'])).toThrow(/offset/);
    try {
      logs.assertNoSecrets(['secret-123']);
    } catch (e) {
      expect((e as Error).message).not.toContain('secret-123');
    }
  });
});
