/**
 * Remote mode against the real mint service (`POST /v1/verify` over a socket): decisions
 * and codes come from the mint, chains are cached briefly, budgets always go to the mint,
 * an unreachable mint is a 503.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type MintRuntime, startMint } from '@chit/mint';
import { type ChitStore, createEmbeddedStore } from '@chit/store';
import { captureLogs } from '@chit/testkit';
import { caveat } from '@chit/token';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, buildApp, KEY_HEX, mintToken, readerCaveats, testClock } from './helpers.js';

const clock = testClock(Date.now());
const nowS = () => Math.floor(clock() / 1000);
const ADMIN = 'a'.repeat(40);
let dir: string;
let store: ChitStore;
let mint: MintRuntime;
let app: FastifyInstance;
const mintLogs = captureLogs();
const secrets: string[] = [KEY_HEX, ADMIN];
let appLogs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chit-fastify-remote-'));
  store = await createEmbeddedStore({ clock });
  const config = loadConfig({
    CHIT_DATA_DIR: dir,
    CHIT_ROOT_KEYS: `k1:${KEY_HEX}`,
    CHIT_ACTIVE_KID: 'k1',
    CHIT_ADMIN_TOKEN: ADMIN,
  });
  mint = await startMint(config, { clock, store, logDestination: mintLogs.stream });
  const url = await mint.app.listen({ host: '127.0.0.1', port: 0 });
  ({ app, logs: appLogs } = await buildApp({
    remote: { url, cache: { maxEntries: 100, ttlMs: 1000 } },
    audience: 'orders',
    clock,
  }));
});

afterAll(async () => {
  await app?.close();
  await mint?.app.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
  appLogs.assertNoSecrets(secrets);
  mintLogs.assertNoSecrets(secrets);
});

const fresh = (extra: string[] = []) => {
  const t = mintToken({ caveats: [...readerCaveats(nowS() + 3600), ...extra], issuedAt: nowS() });
  secrets.push(t.token);
  return t;
};
const call = async (token: string, tenant = '42') => {
  const res = await app.inject({
    method: 'GET',
    url: '/orders/7',
    headers: { 'x-tenant': tenant, ...auth(token) },
  });
  return {
    status: res.statusCode,
    code:
      res.statusCode === 200 ? undefined : (res.json() as { error: { code: string } }).error.code,
    body: res.json() as Record<string, unknown>,
  };
};

describe('remote mode', () => {
  it('allows through the mint and fills request.capability', async () => {
    const t = fresh();
    const r = await call(t.token);
    expect(r).toMatchObject({
      status: 200,
      body: { principal: 'user-1', tenant: '42', tokenId: t.tokenId },
    });
    expect(app.chit.mode).toBe('remote');
  });

  it('maps the mint’s codes: 401 for a bad signature, 403 for an unsatisfied caveat', async () => {
    const t = fresh();
    const tampered = `${t.token.slice(0, -3)}${t.token.at(-3) === 'A' ? 'B' : 'A'}${t.token.slice(-2)}`;
    expect(await call(tampered)).toMatchObject({ status: 401, code: 'ERR_SIGNATURE_INVALID' });
    expect(await call(fresh().token, '43')).toMatchObject({
      status: 403,
      code: 'ERR_CAVEAT_UNSATISFIED',
    });
  });

  it('re-checks caveats locally on a cache hit', async () => {
    const t = fresh();
    expect((await call(t.token)).status).toBe(200);
    expect(await call(t.token, '43')).toMatchObject({
      status: 403,
      code: 'ERR_CAVEAT_UNSATISFIED',
    });
    expect(app.chit.stats().cacheEntries).toBeGreaterThan(0);
  });

  it('enforces a revocation once the cached chain ages out (ttl 1 s)', async () => {
    const t = fresh();
    expect((await call(t.token)).status).toBe(200);
    await store.revoke({
      kind: 'token',
      value: t.tokenId,
      revokedAt: nowS(),
      expiresAt: nowS() + 3600,
    });
    // Let the mint's mirror apply the entry (in-process feed), then age out the cache.
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(1001);
    expect(await call(t.token)).toMatchObject({ status: 401, code: 'ERR_TOKEN_REVOKED' });
  });

  it('never caches a budgeted capability: every use is counted by the mint', async () => {
    const t = fresh([caveat.uses(2)]);
    expect((await call(t.token)).status).toBe(200);
    expect((await call(t.token)).status).toBe(200);
    expect(await call(t.token)).toMatchObject({ status: 403, code: 'ERR_BUDGET_EXHAUSTED' });
  });

  it('answers 503 ERR_STORE_UNAVAILABLE when the mint cannot be reached', async () => {
    const { app: orphan } = await buildApp({
      remote: { url: 'http://127.0.0.1:1', timeoutMs: 500 },
      audience: 'orders',
      clock,
    });
    const res = await orphan.inject({
      method: 'GET',
      url: '/orders/7',
      headers: { 'x-tenant': '42', ...auth(fresh().token) },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'ERR_STORE_UNAVAILABLE' } });
    await orphan.close();
  });
});
