/**
 * Issue 11, holes 1, 4 and 5, end to end: a mint listening on a free port (embedded
 * store, and Redis mode behind a real redis-server), driven over HTTP with fetch. Time is
 * the mint's injected clock, never a sleep; Redis counter lifetimes are read from Redis.
 * Hole 1: a holder's shorter expiry never shortens a budget counter. Hole 4: claims a
 * holder appends are never reported nor audited as the token's. Hole 5: odd input is a
 * coded 4xx (or a coded denial), never a 500.
 */
import { type RedisProcess, startRedis } from '@chit/testkit';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  attenuate,
  bindDischarge,
  caveat,
  createMacaroon,
  encode,
  LEEWAY_SECONDS,
  parseToken,
} from '@chit/token';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, post as postJson } from './e2e-http.js';
import {
  assertNoSecretsInLogs,
  rememberSecret,
  startTestMint,
  type TestClock,
  type TestMint,
  testClock,
} from './harness.js';

const ADMIN = 'e2e-decision-admin-token-0123456789abcdef';
const KEYS = `k1:${'5a'.repeat(32)}`;
const CONTEXT = { tenant: '42', resource: 'orders/7', action: 'read' };

interface Running {
  readonly mint: TestMint;
  readonly url: string;
  readonly clock: TestClock;
}

let redis: RedisProcess;
let embedded: Running;
let redisMode: Running;

async function start(env: Record<string, string>, clock: TestClock): Promise<Running> {
  const mint = await startTestMint({
    env: { CHIT_ADMIN_TOKEN: ADMIN, CHIT_ROOT_KEYS: KEYS, ...env },
    clock,
  });
  return { ...(await listening(mint)), clock };
}

beforeAll(async () => {
  redis = await startRedis();
  embedded = await start({}, testClock());
  // Redis keeps counters by its own clock: this mint's clock runs near real time.
  redisMode = await start({ REDIS_URL: redis.url }, testClock(Date.now() - (Date.now() % 1000)));
});
afterAll(async () => {
  await embedded?.mint.close();
  await redisMode?.mint.close();
  await redis?.stop();
  assertNoSecretsInLogs();
});

const post = (to: Running, path: string, body: unknown, admin = false) =>
  postJson(to, path, body, admin ? ADMIN : undefined);

async function mintToken(
  to: Running,
  extra: Record<string, unknown> = {},
): Promise<{ token: string; tokenId: string; expiresAt: number }> {
  const res = await post(
    to,
    '/v1/tokens',
    {
      principal: { id: 'e2e-user' },
      tenant: '42',
      resources: ['orders/*'],
      actions: ['read'],
      ttl: 3600,
      ...extra,
    },
    true,
  );
  expect(res.status).toBe(201);
  rememberSecret(res.body.token);
  return res.body;
}

async function verify(to: Running, token: string, discharges: string[] = []) {
  const res = await post(to, '/v1/verify', { token, discharges, context: CONTEXT });
  expect(res.status).toBe(200);
  return res.body as { allowed: boolean; code?: string; capability?: Record<string, unknown> };
}

const narrowed = (token: string, conditions: string[]) => {
  const t = encode(attenuate(token, conditions));
  rememberSecret(t);
  return t;
};

describe('hole 1: a holder cannot reset a budget', () => {
  it('embedded: a one-use token is used once, however the holder shortens it and waits', async () => {
    const m = embedded;
    const t = await mintToken(m, { budget: { uses: 1 } });
    const now = m.clock.now / 1000;
    const short = narrowed(t.token, [caveat.expires(now + 10)]);
    expect((await verify(m, short)).allowed).toBe(true);
    expect((await verify(m, t.token)).code).toBe('ERR_BUDGET_EXHAUSTED');
    m.clock.advance(10 + LEEWAY_SECONDS + 5);
    expect((await verify(m, t.token)).code).toBe('ERR_BUDGET_EXHAUSTED');
    const again = narrowed(t.token, [caveat.expires(m.clock.now / 1000 + 10)]);
    expect((await verify(m, again)).code).toBe('ERR_BUDGET_EXHAUSTED');
    m.clock.advance(1800);
    expect((await verify(m, t.token)).code).toBe('ERR_BUDGET_EXHAUSTED');
  });

  it('redis: the counter lives until the minted expiry plus leeway, not the holder expiry', async () => {
    const m = redisMode;
    const t = await mintToken(m, { budget: { uses: 2 } });
    const short = narrowed(t.token, [caveat.expires(Math.floor(m.clock.now / 1000) + 10)]);
    expect((await verify(m, short)).allowed).toBe(true);
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys(`*{${t.tokenId}}:b:*`);
      expect(keys).toHaveLength(1);
      const expireMs = await client.pexpiretime(keys[0]!);
      expect(expireMs).toBe((t.expiresAt + LEEWAY_SECONDS) * 1000);
    } finally {
      client.disconnect();
    }
    expect((await verify(m, t.token)).allowed).toBe(true);
    expect((await verify(m, short)).code).toBe('ERR_BUDGET_EXHAUSTED');
  });
});

describe('hole 4: appended claims are never the token claims', () => {
  for (const [name, appended] of [
    ['role', caveat.role('admin')],
    ['principal', caveat.principal('root')],
    ['session', caveat.session('victim-session')],
    ['trace', caveat.trace('0af7651916cd43dd8448eb211c80319c')],
  ] as const) {
    it(`an appended ${name} claim denies, and nothing is filed under it`, async () => {
      const m = embedded;
      const t = await mintToken(m);
      const forged = narrowed(t.token, [appended]);
      const answer = await verify(m, forged);
      expect(answer).toMatchObject({ allowed: false, code: 'ERR_CAVEAT_UNSATISFIED' });
      const audit = await fetch(`${m.url}/v1/audit?tokenId=${t.tokenId}&type=verify.deny`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      const events = ((await audit.json()) as { events: Record<string, unknown>[] }).events;
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) {
        expect(e.principal).toBe('e2e-user');
        expect(e.session).toBeUndefined();
        expect(e.traceId).toBeUndefined();
      }
      const bySession = await fetch(`${m.url}/v1/audit?session=victim-session`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(((await bySession.json()) as { events: unknown[] }).events).toEqual([]);
    });
  }

  it('repeating a sealed claim is allowed and reports the minted value', async () => {
    const m = embedded;
    const t = await mintToken(m, { session: 's-e2e' });
    const same = narrowed(t.token, [caveat.principal('e2e-user'), caveat.session('s-e2e')]);
    const answer = await verify(m, same);
    expect(answer.allowed).toBe(true);
    expect(answer.capability).toMatchObject({ principal: 'e2e-user', session: 's-e2e' });
    expect(answer.capability?.role).toBeUndefined();
  });
});

describe('hole 5: odd input is a coded answer, never a 500', () => {
  it('more than 64 uses budgets across a token and its discharge: a coded denial', async () => {
    const m = embedded;
    const t = await mintToken(m, { budget: { uses: 5 } });
    const uses = (n: number) => Array.from({ length: n }, () => caveat.uses(9));
    const authKey = new Uint8Array(32).fill(3);
    const primary = addThirdPartyCaveat(attenuate(t.token, uses(50)), {
      location: 'https://approve',
      caveatKey: authKey,
      caveatId: 'ok',
      nonce: new Uint8Array(24).fill(4),
    });
    let d = createMacaroon({ rootKey: authKey, identifier: 'ok' });
    for (const c of uses(20)) d = addFirstPartyCaveat(d, c);
    const token = encode(primary);
    const discharge = encode(bindDischarge(parseToken(token), d));
    rememberSecret(token);
    rememberSecret(discharge);
    expect(await verify(m, token, [discharge])).toMatchObject({
      allowed: false,
      code: 'ERR_CAVEAT_MALFORMED',
    });
  });

  it('a lone surrogate in a mint body and control characters in a revocation: 400', async () => {
    const m = embedded;
    for (const body of [
      {
        principal: { id: 'u' },
        tenant: '42',
        resources: ['a'],
        actions: ['read'],
        ttl: 60,
        session: '\ud800',
      },
      { principal: { id: 'u\ud800' }, tenant: '42', resources: ['a'], actions: ['read'], ttl: 60 },
    ]) {
      const res = await post(m, '/v1/tokens', body, true);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_BAD_REQUEST');
    }
    for (const body of [
      { session: 'a\u0000b' },
      { tokenId: '\u0007' },
      { principal: 'p\u001b', issuedBefore: 1 },
    ]) {
      const res = await post(m, '/v1/revocations', body, true);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_BAD_REQUEST');
    }
  });
});
