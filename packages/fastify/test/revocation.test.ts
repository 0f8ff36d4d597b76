/**
 * Revocation through real Redis: two app instances on one redis-server, each with its own
 * store and mirror. A revocation recorded through instance A's store must be enforced by
 * instance B (every kind), and the propagation delay is measured and printed.
 */
import { createRedisStore } from '@chit/redis';
import type { ChitStore, RevocationEntry } from '@chit/store';
import { type RedisProcess, startRedis } from '@chit/testkit';
import { attenuate, caveat, encode, verifyChain } from '@chit/token';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertNoSecretsInLogs,
  auth,
  buildApp,
  keys,
  mintToken,
  readerCaveats,
} from './helpers.js';

let redis: RedisProcess;
let storeA: ChitStore;
let storeB: ChitStore;
let appB: FastifyInstance;
const clock = Date.now;
const nowS = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  redis = await startRedis();
  storeA = await createRedisStore({ url: redis.url, clock });
  storeB = await createRedisStore({ url: redis.url, clock });
  ({ app: appB } = await buildApp({ keys, store: storeB, audience: 'orders', clock }));
});

afterAll(async () => {
  await appB?.close();
  await storeA?.close();
  await storeB?.close();
  await redis?.stop();
  assertNoSecretsInLogs();
});

const status = async (token: string) =>
  (
    await appB.inject({
      method: 'GET',
      url: '/orders/7',
      headers: { 'x-tenant': '42', ...auth(token) },
    })
  ).statusCode;

/** Polls B until `token` is refused; resolves with the delay in ms, or rejects after 3 s. */
async function untilRefused(token: string, since: number): Promise<number> {
  for (;;) {
    const s = await status(token);
    if (s === 401) return performance.now() - since;
    if (s !== 200) throw new Error(`unexpected status ${s}`);
    if (performance.now() - since > 3000) throw new Error('revocation not enforced within 3 s');
    await new Promise((r) => setImmediate(r));
  }
}

function entry(kind: RevocationEntry['kind'], value: string, extra: Partial<RevocationEntry> = {}) {
  return { kind, value, revokedAt: nowS(), expiresAt: nowS() + 3600, ...extra } as RevocationEntry;
}

const fresh = (opts: { session?: string; issuedAt?: number; extra?: string[] } = {}) =>
  mintToken({
    caveats: [...readerCaveats(nowS() + 3600), ...(opts.extra ?? [])],
    session: opts.session,
    issuedAt: opts.issuedAt ?? nowS(),
  });

const narrowed = (token: string, condition: string) => encode(attenuate(token, [condition]));

describe('each revocation kind, recorded through another instance', () => {
  it('token id: the token and every descendant die', async () => {
    const parent = fresh();
    const child = narrowed(parent.token, caveat.attribute('customer_id', '7'));
    const other = fresh();
    expect(await status(parent.token)).toBe(200);
    await storeA.revoke(entry('token', parent.tokenId));
    await untilRefused(parent.token, performance.now());
    expect(await status(child)).toBe(401);
    expect(await status(other.token)).toBe(200);
  });

  it('fingerprint: a revoked token and its descendants die, its parent and siblings live', async () => {
    const parent = fresh();
    const child = narrowed(parent.token, caveat.action('read'));
    const grandchild = narrowed(child, caveat.resource('orders/7'));
    const sibling = narrowed(parent.token, caveat.resource('orders/*'));
    const fp = verifyChain(child, { keys }).fingerprints.at(-1)!;
    for (const t of [parent.token, child, grandchild, sibling]) expect(await status(t)).toBe(200);
    await storeA.revoke(entry('fingerprint', fp));
    await untilRefused(child, performance.now());
    expect(await status(grandchild)).toBe(401);
    expect(await status(parent.token)).toBe(200);
    expect(await status(sibling)).toBe(200);
  });

  it('session: every token of the session dies, other sessions live', async () => {
    const a = fresh({ session: 's-revoked' });
    const b = fresh({ session: 's-revoked' });
    const c = fresh({ session: 's-other' });
    await storeA.revoke(entry('session', 's-revoked'));
    await untilRefused(a.token, performance.now());
    expect(await status(b.token)).toBe(401);
    expect(await status(c.token)).toBe(200);
  });

  it('principal issued-before: older tokens die, tokens issued at or after the cut live', async () => {
    const cut = nowS();
    const older = fresh({ issuedAt: cut - 10 });
    const atCut = fresh({ issuedAt: cut });
    await storeA.revoke(entry('principal', 'user-1', { issuedBefore: cut }));
    await untilRefused(older.token, performance.now());
    expect(await status(atCut.token)).toBe(200);
  });
});

describe('cross-instance propagation', () => {
  it('measures revoke-to-enforcement delay over 300 revocations (p50/p99 printed)', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = fresh();
      expect(await status(t.token)).toBe(200);
      const start = performance.now();
      await storeA.revoke(entry('token', t.tokenId));
      delays.push(await untilRefused(t.token, start));
    }
    delays.sort((a, b) => a - b);
    const q = (p: number) => delays[Math.min(delays.length - 1, Math.floor(p * delays.length))]!;
    console.log(
      `revocation propagation across instances (n=${delays.length}): p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${delays.at(-1)!.toFixed(2)} ms`,
    );
    expect(delays).toHaveLength(300);
  });
});
