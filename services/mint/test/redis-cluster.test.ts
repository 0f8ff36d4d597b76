import { type RedisClusterProcess, startRedisCluster } from '@chit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertNoSecretsInLogs,
  startTestMint,
  type TestMint,
  testClock,
  verifyBody,
} from './harness.js';

let cluster: RedisClusterProcess;
let a: TestMint;
let b: TestMint;
// Redis expires budget counters by its own clock: keep the injected clock near real time.
const clock = testClock(Date.now());

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  const env = {
    REDIS_URL: cluster.startupNodes.map((n) => `redis://${n.host}:${n.port}`).join(','),
    REDIS_CLUSTER: 'true',
    CHIT_ADMIN_TOKEN: 'cluster-mode-admin-token-0123456789abcdef',
    CHIT_ROOT_KEYS: `k1:${'6b'.repeat(32)}`,
  };
  a = await startTestMint({ env, clock });
  b = await startTestMint({ env, clock });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await cluster?.stop();
  assertNoSecretsInLogs();
});

async function decision(m: TestMint, token: string) {
  const res = await m.inject({ method: 'POST', url: '/v1/verify', payload: verifyBody(token) });
  expect(res.statusCode).toBe(200);
  return res.json() as { allowed: boolean; code?: string };
}

describe('Redis Cluster mode (3 masters), two instances', () => {
  it('mints, verifies, shares budgets and audit, and enforces a revocation on both', async () => {
    expect((await a.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const t = await a.mint({ session: 'cluster-s', budget: { uses: 2 } });
    expect((await decision(b, t.token)).allowed).toBe(true);
    expect((await decision(a, t.token)).allowed).toBe(true);
    expect(await decision(b, t.token)).toMatchObject({
      allowed: false,
      code: 'ERR_BUDGET_EXHAUSTED',
    });
    const audit = await b.asAdmin('GET', `/v1/audit?tokenId=${t.tokenId}`);
    expect(audit.json().events.map((e: { type: string }) => e.type)).toEqual([
      'mint',
      'verify.allow',
      'verify.allow',
      'verify.deny',
    ]);
    const other = await a.mint({ session: 'cluster-r' });
    expect((await b.asAdmin('POST', '/v1/revocations', { session: 'cluster-r' })).statusCode).toBe(
      200,
    );
    const deadline = Date.now() + 3000;
    while ((await decision(a, other.token)).code !== 'ERR_TOKEN_REVOKED') {
      if (Date.now() > deadline) throw new Error('revocation did not reach the other instance');
      await new Promise((r) => setTimeout(r, 10));
    }
  });
});
