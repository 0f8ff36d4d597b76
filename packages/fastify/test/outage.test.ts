/**
 * Redis killed mid-load: requests keep getting fast answers (503 once state cannot be
 * trusted, never a hang, never a 500), no revoked token is ever accepted, and service
 * recovers by itself once Redis is back, without restarting the app.
 */
import { createRedisStore } from '@chit/redis';
import type { ChitStore } from '@chit/store';
import { type CapturedLogs, type RedisProcess, startRedis } from '@chit/testkit';
import { caveat } from '@chit/token';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  assertNoSecretsInLogs,
  auth,
  buildApp,
  keys,
  mintToken,
  readerCaveats,
} from './helpers.js';

let redis: RedisProcess;
let store: ChitStore;
let app: FastifyInstance;
let logs: CapturedLogs;
const clock = Date.now;
const nowS = () => Math.floor(Date.now() / 1000);
const COMMAND_TIMEOUT_MS = 200;

beforeAll(async () => {
  redis = await startRedis({ appendonly: true });
  store = await createRedisStore({ url: redis.url, clock, commandTimeoutMs: COMMAND_TIMEOUT_MS });
  ({ app, logs } = await buildApp({
    keys,
    store,
    audience: 'orders',
    clock,
    revocation: { stalenessMs: 500 },
  }));
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await redis?.stop();
  assertNoSecretsInLogs();
});

interface Sample {
  readonly kind: 'revoked' | 'plain' | 'budget';
  /** When the request started and ended, ms since the load began. */
  readonly start: number;
  readonly at: number;
  readonly ms: number;
  readonly status: number;
  readonly code?: string;
}

async function call(token: string): Promise<{ status: number; code?: string; ms: number }> {
  const t0 = performance.now();
  const res = await app.inject({
    method: 'GET',
    url: '/orders/7',
    headers: { 'x-tenant': '42', ...auth(token) },
  });
  const ms = performance.now() - t0;
  const code =
    res.statusCode === 200 ? undefined : (res.json() as { error: { code: string } }).error.code;
  return { status: res.statusCode, code, ms };
}

it('fails closed fast, accepts no revoked token, and recovers without a restart', async () => {
  const exp = nowS() + 3600;
  const revoked = mintToken({ caveats: readerCaveats(exp), issuedAt: nowS() });
  const plain = mintToken({ caveats: readerCaveats(exp), issuedAt: nowS() });
  const budget = mintToken({
    caveats: [...readerCaveats(exp), caveat.uses(1_000_000)],
    issuedAt: nowS(),
  });
  await store.revoke({ kind: 'token', value: revoked.tokenId, revokedAt: nowS(), expiresAt: exp });
  for (let i = 0; (await call(revoked.token)).status !== 401; i++) {
    if (i > 1000) throw new Error('revocation never reached the mirror');
    await new Promise((r) => setTimeout(r, 2));
  }

  const samples: Sample[] = [];
  const tokens = { revoked: revoked.token, plain: plain.token, budget: budget.token } as const;
  let phase: 'before' | 'down' | 'after' = 'before';
  let stop = false;
  const t0 = performance.now();
  const worker = async (kind: Sample['kind']) => {
    while (!stop) {
      const start = performance.now() - t0;
      const r = await call(tokens[kind]);
      samples.push({ kind, start, at: performance.now() - t0, ...r });
      await new Promise((res) => setTimeout(res, 1));
    }
  };
  const workers = (['revoked', 'plain', 'budget', 'plain', 'budget'] as const).map(worker);

  await new Promise((r) => setTimeout(r, 300));
  await redis.kill();
  const killedAt = performance.now() - t0;
  phase = 'down';
  await new Promise((r) => setTimeout(r, 1500));
  const restartedAt = performance.now() - t0;
  await redis.restart();
  phase = 'after';
  // Recovery: both a plain and a budgeted token are served again, by the same app.
  const deadline = performance.now() + 15_000;
  for (;;) {
    const recent = samples.filter((s) => s.at > performance.now() - t0 - 100);
    const ok = (k: Sample['kind']) => recent.some((s) => s.kind === k && s.status === 200);
    if (ok('plain') && ok('budget')) break;
    if (performance.now() > deadline) throw new Error(`no recovery (phase ${phase})`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const recoveredAt = performance.now() - t0;
  stop = true;
  await Promise.all(workers);

  // A revocation made after the restart reaches the mirror again (feed resubscribed).
  await store.revoke({ kind: 'token', value: plain.tokenId, revokedAt: nowS(), expiresAt: exp });
  for (let i = 0; (await call(plain.token)).status !== 401; i++) {
    if (i > 2000) throw new Error('feed did not recover');
    await new Promise((r) => setTimeout(r, 2));
  }

  const down = samples.filter((s) => s.start > killedAt && s.at < restartedAt);
  const maxMs = Math.max(...samples.map((s) => s.ms));
  console.log(
    `outage: ${samples.length} requests; ${down.length} while Redis was down; ` +
      `slowest ${maxMs.toFixed(1)} ms (command timeout ${COMMAND_TIMEOUT_MS} ms); ` +
      `recovered ${(recoveredAt - restartedAt).toFixed(0)} ms after restart`,
  );
  expect(samples.filter((s) => s.kind === 'revoked' && s.status === 200)).toEqual([]);
  for (const s of samples) expect([200, 401, 503]).toContain(s.status);
  // Never hung: every answer well inside one command timeout plus scheduling slack.
  expect(maxMs).toBeLessThan(COMMAND_TIMEOUT_MS * 5);
  const downBudget = down.filter((s) => s.kind === 'budget');
  expect(downBudget.length).toBeGreaterThan(0);
  for (const s of downBudget) {
    expect(s.status).toBe(503);
    expect(['ERR_BUDGET_UNAVAILABLE', 'ERR_REVOCATION_UNAVAILABLE']).toContain(s.code);
  }
  // Past the staleness bound, even tokens without budgets are refused: fail closed.
  const stale = down.filter((s) => s.kind === 'plain' && s.start > killedAt + 500 + 50);
  expect(stale.length).toBeGreaterThan(0);
  for (const s of stale) expect([s.status, s.code]).toEqual([503, 'ERR_REVOCATION_UNAVAILABLE']);
  expect(app.chit.stats().revocation?.available).toBe(true);
  // Audit writes failed while Redis was down: counted, never silently dropped.
  expect(app.chit.stats().audit.lost).toBeGreaterThan(0);
  expect(logs.records().some((r) => typeof r.chitAuditLost === 'number')).toBe(true);
});
