/**
 * Redis faults through a real verifier process: killed under load and restarted (answers
 * stay fast and fail closed, no revoked token is ever accepted, recovery within 6 s of
 * Redis returning), and a Redis that may evict keys is refused at start.
 */
import { createRedisStore, EvictionPolicyError } from '@chit/redis';
import { startRedis } from '@chit/testkit';
import { describe, expect, it } from 'vitest';
import { runRedisOutage, runServiceToExit } from '../src/index.js';

describe('Redis killed under load and restarted', () => {
  it('fails closed fast, accepts no revoked token and recovers within 6 s', async () => {
    const r = await runRedisOutage({ warmMs: 800, downMs: 3000, afterMs: 800, concurrency: 6 });
    console.log(`redis-outage: ${JSON.stringify(r)}`);
    expect(r.revokedAccepted).toBe(0);
    expect(r.unexpected).toBe(0);
    expect(r.duringOutage).toBeGreaterThan(20);
    // Past the 2 s staleness bound every kind is refused with 503, with a stable code.
    expect(Object.keys(r.outageCodes).sort()).toEqual(
      expect.arrayContaining(['ERR_REVOCATION_UNAVAILABLE']),
    );
    for (const code of Object.keys(r.outageCodes)) {
      expect(['ERR_REVOCATION_UNAVAILABLE', 'ERR_BUDGET_UNAVAILABLE']).toContain(code);
    }
    // Never hung: the command timeout is 500 ms; 4x leaves room for a loaded 2-core runner.
    expect(r.maxLatencyMs).toBeLessThan(2000);
    expect(r.recoveryMs).toBeGreaterThanOrEqual(0);
    expect(r.recoveryMs).toBeLessThanOrEqual(6000);
  }, 90_000);
});

describe('Redis with an eviction policy', () => {
  it('is refused at start by the store and by the mint process, with a clear message', async () => {
    const redis = await startRedis({ maxmemoryPolicy: 'allkeys-lru' });
    try {
      const err = await createRedisStore({ url: redis.url, clock: Date.now }).catch((e) => e);
      expect(err).toBeInstanceOf(EvictionPolicyError);
      expect((err as Error).message).toMatch(/allkeys-lru/);
      expect((err as Error).message).toMatch(/noeviction/);
      const run = await runServiceToExit('mint', {
        REDIS_URL: redis.url,
        CHIT_ADMIN_TOKEN: `hardening-admin-${'b'.repeat(40)}`,
        CHIT_DATA_DIR: redis.dir,
      });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/noeviction/);
    } finally {
      await redis.stop();
    }
  }, 60_000);
});
