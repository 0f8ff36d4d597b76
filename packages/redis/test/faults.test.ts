import { type FeedStatus, RevocationMirror, syncMirror } from '@chit/store';
import { type RedisProcess, startRedis } from '@chit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';

const TIMEOUT = 300;
let redis: RedisProcess;

beforeAll(async () => {
  redis = await startRedis({ appendonly: true, appendfsync: 'always' });
});
afterAll(async () => {
  await redis?.stop();
});

async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every store call, with the code it must fail with while Redis is unusable. */
function callsAndCodes(store: Awaited<ReturnType<typeof createRedisStore>>) {
  const now = Math.floor(Date.now() / 1000);
  return [
    [() => store.ping(), 'ERR_STORE_UNAVAILABLE'],
    [
      () => store.revoke({ kind: 'token', value: 'x', revokedAt: now, expiresAt: now + 60 }),
      'ERR_STORE_UNAVAILABLE',
    ],
    [() => store.listRevocations(now), 'ERR_REVOCATION_UNAVAILABLE'],
    [
      () => store.consumeBudgets('fam', [{ key: 'k', limit: 5, until: now + 60 }]),
      'ERR_BUDGET_UNAVAILABLE',
    ],
    [
      () =>
        store.appendAudit({
          id: 'e',
          time: new Date().toISOString(),
          type: 'mint',
          caveats: [],
          decision: null,
          service: 's',
        }),
      'ERR_STORE_UNAVAILABLE',
    ],
    [() => store.queryAudit({}), 'ERR_STORE_UNAVAILABLE'],
  ] as const;
}

async function expectFastFailures(
  store: Awaited<ReturnType<typeof createRedisStore>>,
): Promise<void> {
  const started = Date.now();
  await Promise.all(
    callsAndCodes(store).map(([call, code]) => expect(call()).rejects.toMatchObject({ code })),
  );
  // Bounded by the command timeout (plus scheduling slack on a loaded 2-core machine).
  expect(Date.now() - started).toBeLessThan(TIMEOUT + 1500);
}

describe('redis store under faults', () => {
  it('a hung Redis: every call fails with its code within the command timeout, then recovers', async () => {
    const store = await createRedisStore({
      url: redis.url,
      prefix: 'hang',
      commandTimeoutMs: TIMEOUT,
      clock: Date.now,
    });
    try {
      redis.pause();
      try {
        await expectFastFailures(store);
      } finally {
        redis.resume();
      }
      await until(
        () =>
          store.ping().then(
            () => true,
            () => false,
          ),
        'recovery',
      );
    } finally {
      await store.close();
    }
  });

  it('a hung Redis: the feed heartbeat reports down, then up again once it answers', async () => {
    const store = await createRedisStore({
      url: redis.url,
      prefix: 'beat',
      commandTimeoutMs: TIMEOUT,
      feedHeartbeatMs: 100,
      clock: Date.now,
    });
    const statuses: FeedStatus[] = [];
    const sub = await store.subscribeRevocations(
      () => {},
      (s) => statuses.push(s),
    );
    try {
      redis.pause();
      try {
        await until(() => statuses.includes('down'), 'feed down while hung');
      } finally {
        redis.resume();
      }
      await until(() => statuses.at(-1) === 'up', 'feed up');
      expect(statuses).toEqual(['down', 'up']);
    } finally {
      await sub.close();
      await store.close();
    }
  });

  it('a killed Redis: fast failures and feed down; after restart, automatic recovery with no new store', async () => {
    const store = await createRedisStore({
      url: redis.url,
      prefix: 'kill',
      commandTimeoutMs: TIMEOUT,
      clock: Date.now,
    });
    const statuses: FeedStatus[] = [];
    const sub = await store.subscribeRevocations(
      () => {},
      (s) => statuses.push(s),
    );
    try {
      const now = Math.floor(Date.now() / 1000);
      await store.revoke({
        kind: 'session',
        value: 'before-crash',
        revokedAt: now,
        expiresAt: now + 600,
      });
      await redis.kill();
      await expectFastFailures(store);
      await until(() => statuses.includes('down'), 'feed down');
      await redis.restart();
      await until(
        () =>
          store.ping().then(
            () => true,
            () => false,
          ),
        'store recovery',
      );
      await until(() => statuses.at(-1) === 'up', 'feed up');
      expect(statuses).toEqual(['down', 'up']);
      // Acknowledged before the crash (appendfsync always): still there.
      expect((await store.listRevocations(now)).map((e) => e.value)).toContain('before-crash');
      expect(
        (await store.consumeBudgets('fam', [{ key: 'k', limit: 1, until: now + 60 }])).allowed,
      ).toBe(true);
    } finally {
      await sub.close();
      await store.close();
    }
  });

  it('mirror staleness: serves within the bound, fails closed past it, resyncs after the feed returns', async () => {
    let nowMs = Date.now();
    const clock = () => nowMs;
    const reader = await createRedisStore({
      url: redis.url,
      prefix: 'stale',
      commandTimeoutMs: TIMEOUT,
      clock,
    });
    const mirror = new RevocationMirror({ stalenessMs: 2000 });
    const sync = syncMirror(reader, mirror, clock, { retryMs: 50 });
    const cap = { tokenId: 't1', issuedAt: 1, session: 'lost-while-down', fingerprints: [] };
    try {
      await sync.ready;
      mirror.check(cap, nowMs / 1000);
      await redis.kill();
      await until(() => !mirror.feedIsUp, 'feed down');
      nowMs += 2000;
      expect(() => mirror.check(cap, nowMs / 1000)).not.toThrow();
      nowMs += 1;
      expect(() => mirror.check(cap, nowMs / 1000)).toThrow(
        expect.objectContaining({ code: 'ERR_REVOCATION_UNAVAILABLE' }),
      );
      await redis.restart();
      // Revoked by another instance while this mirror's feed may still be down: only a resync can bring it.
      const writer = await createRedisStore({ url: redis.url, prefix: 'stale', clock });
      const s = Math.floor(nowMs / 1000);
      await writer.revoke({
        kind: 'session',
        value: 'lost-while-down',
        revokedAt: s,
        expiresAt: s + 600,
      });
      await writer.close();
      await until(() => mirror.available(nowMs), 'resync');
      expect(() => mirror.check(cap, nowMs / 1000)).toThrow(
        expect.objectContaining({ code: 'ERR_TOKEN_REVOKED' }),
      );
    } finally {
      await sync.close();
      await reader.close();
    }
  });

  it("propagates a revocation to another instance's mirror (latency printed)", async () => {
    const a = await createRedisStore({ url: redis.url, prefix: 'prop', clock: Date.now });
    const b = await createRedisStore({ url: redis.url, prefix: 'prop', clock: Date.now });
    const arrivals = new Map<string, number>();
    let arrived: (value: string) => void = () => {};
    class TimedMirror extends RevocationMirror {
      override apply(entry: Parameters<RevocationMirror['apply']>[0]): void {
        super.apply(entry);
        if (!arrivals.has(entry.value)) arrivals.set(entry.value, performance.now());
        arrived(entry.value);
      }
    }
    const mirror = new TimedMirror();
    const sync = syncMirror(b, mirror, Date.now);
    try {
      await sync.ready;
      const latencies: number[] = [];
      const s = Math.floor(Date.now() / 1000);
      for (let i = 0; i < 300; i++) {
        const value = `tok-${i}`;
        const delivered = new Promise<void>((resolve) => {
          arrived = (v) => v === value && resolve();
        });
        const started = performance.now();
        await a.revoke({ kind: 'token', value, revokedAt: s, expiresAt: s + 600 });
        await delivered;
        latencies.push(arrivals.get(value)! - started);
        expect(() =>
          mirror.check({ tokenId: value, issuedAt: s, fingerprints: [] }, Date.now() / 1000),
        ).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_REVOKED' }));
      }
      latencies.sort((x, y) => x - y);
      const pct = (p: number) =>
        latencies[
          Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))
        ]!.toFixed(2);
      console.log(
        `revocation propagation over ${latencies.length} revocations (revoke call start → other mirror): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms`,
      );
      expect(latencies).toHaveLength(300);
    } finally {
      await sync.close();
      await a.close();
      await b.close();
    }
  });
});
