/**
 * The named hostile corpus through the HTTP verifier (fastify inject): every case gets
 * its exact status and stable code, no handler runs, nothing is accepted, nothing is a 500.
 */
import { HTTP_STATUS } from '@chit/protocol';
import { createEmbeddedStore } from '@chit/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authHeaders,
  buildVerifierApp,
  KEY,
  keys,
  mintToken,
  NOW_S,
  readerCaveats,
  settableClock,
  type VerifierApp,
} from '../src/index.js';
import { approved, VERIFIER_CORPUS, valid } from './verifier-corpus.js';

const clock = settableClock();
let v: VerifierApp;
let store: Awaited<ReturnType<typeof createEmbeddedStore>>;

beforeAll(async () => {
  store = await createEmbeddedStore({ clock });
  v = await buildVerifierApp({ chit: { keys, store, clock } });
});
afterAll(async () => {
  await v.app.close();
});

describe('hostile corpus through the verifier', () => {
  it('has at least 50 uniquely named cases', () => {
    expect(VERIFIER_CORPUS.length).toBeGreaterThanOrEqual(50);
    expect(new Set(VERIFIER_CORPUS.map((c) => c.name)).size).toBe(VERIFIER_CORPUS.length);
  });

  it('the valid token and its approved sibling are accepted (the corpus can fail)', async () => {
    for (const headers of [
      { authorization: `Chit ${valid.token}`, 'x-tenant': '42' },
      {
        authorization: `Chit ${approved.token}`,
        'chit-discharges': approved.discharge,
        'x-tenant': '42',
      },
    ]) {
      const before = v.handlerRuns();
      const res = await v.app.inject({ method: 'GET', url: '/orders/7', headers });
      expect(res.statusCode, res.body).toBe(200);
      expect(v.handlerRuns()).toBe(before + 1);
    }
  });

  it.each(VERIFIER_CORPUS)('$name → $status $code', async (c) => {
    const before = v.handlerRuns();
    const res = await v.app.inject({
      method: c.method ?? 'GET',
      url: c.url ?? '/orders/7',
      headers: c.headers,
      ...(c.payload === undefined ? {} : { payload: c.payload as object }),
    });
    const body = res.json() as { error?: { code?: string } };
    expect({ status: res.statusCode, code: body.error?.code }).toEqual({
      status: c.status,
      code: c.code,
    });
    expect(HTTP_STATUS[c.code as keyof typeof HTTP_STATUS]).toBe(c.status);
    expect(v.handlerRuns()).toBe(before);
  });

  it('a revoked token, and a cached token whose kid is retired, are refused', async () => {
    const t = mintToken({ caveats: readerCaveats() });
    const ok = await v.app.inject({ url: '/orders/7', headers: authHeaders(t.token) });
    expect(ok.statusCode).toBe(200);
    await store.revoke({
      kind: 'token',
      value: t.tokenId,
      revokedAt: NOW_S,
      expiresAt: NOW_S + 3600,
    });
    const before = v.handlerRuns();
    const res = await v.app.inject({ url: '/orders/7', headers: authHeaders(t.token) });
    expect([res.statusCode, (res.json() as { error: { code: string } }).error.code]).toEqual([
      401,
      'ERR_TOKEN_REVOKED',
    ]);

    // A second app whose key resolver forgets k1 after the chain is cached.
    let retired = false;
    const w = await buildVerifierApp({
      chit: { keys: (kid) => (retired ? undefined : kid === 'k1' ? KEY : undefined), store, clock },
    });
    try {
      const u = mintToken({ caveats: readerCaveats() }).token;
      expect((await w.app.inject({ url: '/orders/7', headers: authHeaders(u) })).statusCode).toBe(
        200,
      );
      retired = true;
      const again = await w.app.inject({ url: '/orders/7', headers: authHeaders(u) });
      expect([again.statusCode, (again.json() as { error: { code: string } }).error.code]).toEqual([
        401,
        'ERR_KEY_UNKNOWN',
      ]);
    } finally {
      await w.app.close();
    }
    expect(v.handlerRuns()).toBe(before);
  });
});
