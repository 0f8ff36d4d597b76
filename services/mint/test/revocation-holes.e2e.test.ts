/**
 * Issue 11, holes 2 and 3, end to end: two mint instances listening on free ports behind
 * one real Redis, driven over HTTP. Time is the mints' injected clock, never a sleep.
 * Hole 2: a revoked token stays refused for the whole leeway after its expiry, whatever
 * discharge it was revoked with. Hole 3: a flood of holder revocations gets 429, and past
 * the per-family cap (counted across instances) the family is revoked, memory bounded.
 */
import { type RedisProcess, startRedis } from '@chit/testkit';
import { LEEWAY_SECONDS } from '@chit/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listening, post } from './e2e-http.js';
import { assertNoSecretsInLogs, rememberSecret, startTestMint, testClock } from './harness.js';
import { descendant, withThirdParty } from './holder-tokens.js';

const ADMIN = 'e2e-holes-admin-token-0123456789abcdef';
const KEYS = `k1:${'6b'.repeat(32)}`;

let redis: RedisProcess;
let a: Listening;
let b: Listening;
// Near real time: Redis's own clock is only used for budget counters, not exercised here.
const clock = testClock(Date.now() - (Date.now() % 1000));

beforeAll(async () => {
  redis = await startRedis();
  const env = {
    REDIS_URL: redis.url,
    CHIT_ADMIN_TOKEN: ADMIN,
    CHIT_ROOT_KEYS: KEYS,
    CHIT_HOLDER_REVOCATION_RATE_LIMIT: '10',
    CHIT_HOLDER_REVOCATION_FAMILY_RATE_LIMIT: '4',
    CHIT_HOLDER_REVOCATIONS_PER_FAMILY: '6',
  };
  a = await listening(await startTestMint({ env, clock }));
  b = await listening(await startTestMint({ env, clock }));
});
afterAll(async () => {
  await a?.mint.close();
  await b?.mint.close();
  await redis?.stop();
  assertNoSecretsInLogs();
});

async function mintToken(
  ttl: number,
): Promise<{ token: string; tokenId: string; expiresAt: number }> {
  const res = await post(
    a,
    '/v1/tokens',
    {
      principal: { id: 'e2e-user' },
      tenant: '42',
      resources: ['orders/*'],
      actions: ['read'],
      ttl,
    },
    ADMIN,
  );
  expect(res.status).toBe(201);
  rememberSecret(res.body.token);
  return res.body;
}
async function verdict(at: Listening, token: string, discharges: string[] = []) {
  const res = await post(at, '/v1/verify', {
    token,
    discharges,
    context: { tenant: '42', resource: 'orders/7', action: 'read' },
  });
  expect(res.status).toBe(200);
  return (res.body.allowed ? 'allowed' : res.body.code) as string;
}
/** Bounded wait for the other instance's feed (real propagation, not the clock). */
async function eventually(check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const nowS = () => clock.now / 1000;

describe('hole 2: revocations outlive acceptance', () => {
  it('a revoked token is refused on both instances at expiry + 10 s (within the leeway)', async () => {
    const t = await mintToken(120);
    const res = await post(a, '/v1/revocations', { token: t.token });
    expect(res.status).toBe(200);
    expect(res.body.revoked.expiresAt).toBe(t.expiresAt + LEEWAY_SECONDS);
    await eventually(async () => (await verdict(b, t.token)) === 'ERR_TOKEN_REVOKED');
    clock.now = (t.expiresAt + 10) * 1000;
    expect(await verdict(a, t.token)).toBe('ERR_TOKEN_REVOKED');
    expect(await verdict(b, t.token)).toBe('ERR_TOKEN_REVOKED');
  });

  it('revoked with a short-lived discharge: still refused with a fresh one', async () => {
    const t = await mintToken(900);
    const { token, discharge } = withThirdParty(t.token, 'e2e-approval');
    expect(await verdict(b, token, [discharge(nowS() + 60)])).toBe('allowed');
    const res = await post(b, '/v1/revocations', { token, discharges: [discharge(nowS() + 60)] });
    expect(res.body.revoked.expiresAt).toBe(t.expiresAt + LEEWAY_SECONDS);
    clock.now += 600_000; // the first discharge is long gone, the token is not
    await eventually(async () => (await verdict(a, token, [discharge(nowS() + 60)])) !== 'allowed');
    expect(await verdict(a, token, [discharge(nowS() + 60)])).toBe('ERR_TOKEN_REVOKED');
    expect(await verdict(b, token, [discharge(nowS() + 60)])).toBe('ERR_TOKEN_REVOKED');
  });
});

describe('hole 3: holder revocations are bounded', () => {
  it('a flood gets 429; past the cap, counted across instances, the family is revoked', async () => {
    const root = await mintToken(900);
    const child = (i: number) => descendant(root.token, i);
    const sizeBefore = a.mint.app.mint.mirror.size;
    // One client floods instance a: 4 entries (the family limit), then 429s.
    const statuses: number[] = [];
    const codes = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const res = await post(a, '/v1/revocations', { token: child(i) });
      statuses.push(res.status);
      if (res.status !== 200) codes.add(res.body.error.code);
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.slice(4).every((s) => s === 429)).toBe(true);
    expect([...codes]).toEqual(['ERR_RATE_LIMITED']);
    expect(await verdict(b, root.token)).toBe('allowed');
    // Instance b counts a's entries through Redis: 2 more reach the cap of 6...
    await eventually(() => b.mint.app.mint.mirror.holderRevocations(root.tokenId) === 4);
    for (const i of [100, 101]) {
      expect((await post(b, '/v1/revocations', { token: child(i) })).body.revoked.kind).toBe(
        'fingerprint',
      );
    }
    // ...and the next one revokes the whole family instead of adding a seventh.
    const family = await post(b, '/v1/revocations', { token: child(102) });
    expect(family.body.revoked).toMatchObject({ kind: 'token', value: root.tokenId });
    expect(await verdict(b, root.token)).toBe('ERR_TOKEN_REVOKED');
    await eventually(async () => (await verdict(a, root.token)) === 'ERR_TOKEN_REVOKED');
    await eventually(() => a.mint.app.mint.mirror.size === sizeBefore + 7);
    expect(a.mint.app.mint.mirror.holderRevocations(root.tokenId)).toBe(6);
    const audit = await fetch(`${a.url}/v1/audit?tokenId=${root.tokenId}&type=revoke`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(((await audit.json()) as { events: unknown[] }).events).toHaveLength(7);
  });
});
