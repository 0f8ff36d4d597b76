import { type RedisProcess, startRedis } from '@chit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertNoSecretsInLogs,
  expectError,
  startTestMint,
  type TestMint,
  testClock,
  verifyBody,
} from './harness.js';

const ADMIN = 'redis-mode-admin-token-0123456789abcdef';
const KEYS = `k1:${'5a'.repeat(32)}`;

let redis: RedisProcess;
let a: TestMint;
let b: TestMint;
// Redis expires budget counters by its own clock: keep the injected clock near real time.
const clock = testClock(Date.now());

beforeAll(async () => {
  redis = await startRedis({ appendonly: true });
  // Two instances behind one Redis, as behind a load balancer.
  const env = { REDIS_URL: redis.url, CHIT_ADMIN_TOKEN: ADMIN, CHIT_ROOT_KEYS: KEYS };
  a = await startTestMint({ env, clock });
  b = await startTestMint({ env, clock });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
  assertNoSecretsInLogs();
});

async function decision(m: TestMint, token: string) {
  const res = await m.inject({ method: 'POST', url: '/v1/verify', payload: verifyBody(token) });
  expect(res.statusCode).toBe(200);
  return res.json() as { allowed: boolean; code?: string };
}

/** Polls (bounded) until `check` holds: cross-instance propagation is asynchronous. */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Redis mode, two instances', () => {
  it('a token minted on one instance verifies on the other; a revocation on one is enforced by both', async () => {
    const t = await a.mint({ session: 'shared' });
    expect((await decision(b, t.token)).allowed).toBe(true);
    expect((await a.asAdmin('POST', '/v1/revocations', { session: 'shared' })).statusCode).toBe(
      200,
    );
    expect(await decision(a, t.token)).toMatchObject({ allowed: false, code: 'ERR_TOKEN_REVOKED' });
    await eventually(async () => (await decision(b, t.token)).code === 'ERR_TOKEN_REVOKED');
  });

  it('shares budgets: N uses across instances in total', async () => {
    const t = await a.mint({ budget: { uses: 3 } });
    expect((await decision(a, t.token)).allowed).toBe(true);
    expect((await decision(b, t.token)).allowed).toBe(true);
    expect((await decision(a, t.token)).allowed).toBe(true);
    expect(await decision(b, t.token)).toMatchObject({
      allowed: false,
      code: 'ERR_BUDGET_EXHAUSTED',
    });
  });

  it('shares the audit stream: events of one instance are queryable on the other', async () => {
    const t = await a.mint();
    await decision(b, t.token);
    const res = await b.asAdmin('GET', `/v1/audit?tokenId=${t.tokenId}`);
    expect(res.json().events.map((e: { type: string }) => e.type)).toEqual([
      'mint',
      'verify.allow',
    ]);
  });

  it('a new instance loads existing revocations at start', async () => {
    const t = await a.mint({ session: 'before-start' });
    await a.asAdmin('POST', '/v1/revocations', { tokenId: t.tokenId });
    const c = await startTestMint({
      env: { REDIS_URL: redis.url, CHIT_ADMIN_TOKEN: ADMIN, CHIT_ROOT_KEYS: KEYS },
      clock,
    });
    expect(await decision(c, t.token)).toMatchObject({ allowed: false, code: 'ERR_TOKEN_REVOKED' });
    await c.close();
  });

  it('fails closed while Redis is down (readiness 503, no mint, no revoke, no stale allow) and recovers', async () => {
    const t = await a.mint();
    expect((await a.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await redis.kill();
    await eventually(
      async () => (await a.inject({ method: 'GET', url: '/readyz' })).statusCode === 503,
    );
    expectError(await a.inject({ method: 'GET', url: '/readyz' }), 503, 'ERR_STORE_UNAVAILABLE');
    expectError(
      await a.asAdmin('POST', '/v1/tokens', {
        principal: { id: 'u' },
        tenant: '42',
        resources: ['orders/*'],
        actions: ['read'],
        ttl: 60,
      }),
      503,
      'ERR_STORE_UNAVAILABLE',
    );
    expectError(
      await a.asAdmin('POST', '/v1/revocations', { session: 'x' }),
      503,
      'ERR_STORE_UNAVAILABLE',
    );
    // Within the staleness bound the mirror is trusted, but an allow that cannot be audited is refused.
    expect(await decision(a, t.token)).toMatchObject({
      allowed: false,
      code: 'ERR_STORE_UNAVAILABLE',
    });
    // Past the mirror's staleness bound (2 s of the injected clock), verifications are denied.
    await eventually(async () => !a.app.mint.mirror.feedIsUp);
    clock.advance(3);
    expect(await decision(a, t.token)).toMatchObject({
      allowed: false,
      code: 'ERR_REVOCATION_UNAVAILABLE',
    });

    await redis.restart();
    await eventually(
      async () => (await a.inject({ method: 'GET', url: '/readyz' })).statusCode === 200,
      10_000,
    );
    await eventually(async () => (await decision(a, t.token)).allowed, 10_000);
    // The restarted Redis has an empty script cache: the Lua commands (budgets, revoke) work again.
    const budgeted = await a.mint({ budget: { uses: 1 } });
    expect((await decision(a, budgeted.token)).allowed).toBe(true);
    expect(await decision(a, budgeted.token)).toMatchObject({
      allowed: false,
      code: 'ERR_BUDGET_EXHAUSTED',
    });
    expect((await a.asAdmin('POST', '/v1/revocations', { tokenId: t.tokenId })).statusCode).toBe(
      200,
    );
    expect(await decision(a, t.token)).toMatchObject({ allowed: false, code: 'ERR_TOKEN_REVOKED' });
  });
});
