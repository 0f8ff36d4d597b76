// The client against a real HTTP server on a real socket. The server plays the mint
// service's wire contract (status codes, `{ error: { code, message } }`) with scripted
// failures, so that retries and timeouts can be counted exactly.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMintClient, MintApiError, MintUnavailableError } from '../src/mint-client.js';

let app: FastifyInstance;
let baseUrl: string;
const hits: Record<string, number> = {};
let script: Array<'503' | 'hang' | 'ok' | 'garbage'> = [];
let lastAuth: string | undefined;
let lastQuery: unknown;

function next(): string {
  return script.shift() ?? 'ok';
}

beforeAll(async () => {
  app = Fastify({ forceCloseConnections: true });
  app.addHook('onRequest', async (req) => {
    const key = `${req.method} ${req.url.split('?')[0]}`;
    hits[key] = (hits[key] ?? 0) + 1;
    lastAuth = req.headers.authorization;
  });
  const behave = async (reply: import('fastify').FastifyReply, ok: () => unknown) => {
    const step = next();
    if (step === '503') {
      return reply
        .code(503)
        .send({ error: { code: 'ERR_STORE_UNAVAILABLE', message: 'store down' } });
    }
    if (step === 'garbage') return reply.code(502).type('text/html').send('<html>bad gateway');
    if (step === 'hang') await new Promise((r) => setTimeout(r, 3000));
    return ok();
  };
  app.post('/v1/tokens', async (req, reply) => {
    if (req.headers.authorization !== 'Bearer admin-secret') {
      return reply.code(401).send({ error: { code: 'ERR_UNAUTHORIZED', message: 'no' } });
    }
    if ((req.body as { tenant?: string }).tenant === 'other') {
      return reply.code(403).send({ error: { code: 'ERR_FORBIDDEN', message: 'tenant' } });
    }
    return behave(reply, () =>
      reply
        .code(201)
        .send({ token: 'tok', tokenId: 'a'.repeat(32), kid: 'k1', expiresAt: 9, caveats: [] }),
    );
  });
  app.post('/v1/verify', async (_req, reply) =>
    behave(reply, () => ({ allowed: false, code: 'ERR_TOKEN_REVOKED' })),
  );
  app.post('/v1/revocations', async (req, reply) =>
    behave(reply, () => ({ revoked: req.body as object })),
  );
  app.get('/v1/audit', async (req, reply) => {
    lastQuery = req.query;
    return behave(reply, () => ({ events: [{ type: 'mint' }], next: null }));
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => {
  for (const k of Object.keys(hits)) delete hits[k];
  script = [];
});

const REQ = {
  principal: { id: 'u' },
  tenant: '42',
  resources: ['orders/*'],
  actions: ['read'],
  ttl: 60,
};
// Generous for a loaded machine; the server's "hang" (3 s) always exceeds it.
const noSleep = { sleep: async () => {}, timeoutMs: 1000 };

describe('createMintClient', () => {
  it('mints with the admin token and returns the body', async () => {
    const c = createMintClient({ baseUrl: `${baseUrl}/`, adminToken: 'admin-secret', ...noSleep });
    const res = await c.mint(REQ);
    expect(res.kid).toBe('k1');
    expect(lastAuth).toBe('Bearer admin-secret');
  });

  it('carries the server code and status in a ChitError subclass', async () => {
    const c = createMintClient({ baseUrl, adminToken: 'wrong', ...noSleep });
    const e = await c.mint(REQ).catch((x) => x);
    expect(e).toBeInstanceOf(MintApiError);
    expect(e.code).toBe('ERR_UNAUTHORIZED');
    expect(e.status).toBe(401);
    const c2 = createMintClient({ baseUrl, adminToken: 'admin-secret', ...noSleep });
    const e2 = await c2.mint({ ...REQ, tenant: 'other' }).catch((x) => x);
    expect([e2.code, e2.status]).toEqual(['ERR_FORBIDDEN', 403]);
  });

  it('never retries mint or verify (not idempotent)', async () => {
    const c = createMintClient({ baseUrl, adminToken: 'admin-secret', ...noSleep });
    script = ['503', 'ok'];
    const e = await c.mint(REQ).catch((x) => x);
    expect([e.code, e.status]).toEqual(['ERR_STORE_UNAVAILABLE', 503]);
    expect(hits['POST /v1/tokens']).toBe(1);
    script = ['503', 'ok'];
    const e2 = await c.verify({ token: 't', context: {} }).catch((x) => x);
    expect(e2.status).toBe(503);
    expect(hits['POST /v1/verify']).toBe(1);
  });

  it('returns a deny decision from verify as data', async () => {
    const c = createMintClient({ baseUrl });
    expect(await c.verify({ token: 't', context: { action: 'read' } })).toEqual({
      allowed: false,
      code: 'ERR_TOKEN_REVOKED',
    });
  });

  it('retries revoke and audit on 502/503/504 and timeouts, with backoff', async () => {
    const waits: number[] = [];
    const c = createMintClient({
      baseUrl,
      adminToken: 'admin-secret',
      timeoutMs: 1000,
      retries: 3,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    script = ['503', 'hang', 'garbage', 'ok'];
    expect(await c.revoke({ tokenId: 'x' })).toEqual({ revoked: { tokenId: 'x' } });
    expect(hits['POST /v1/revocations']).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
    script = ['503'];
    const page = await c.audit({ tokenId: 'abc', since: 5, cursor: undefined });
    expect(page.events).toHaveLength(1);
    expect(lastQuery).toEqual({ tokenId: 'abc', since: '5' });
    expect(hits['GET /v1/audit']).toBe(2);
  });

  it('gives up after the retries with the last answer or MintUnavailableError', async () => {
    const c = createMintClient({ baseUrl, adminToken: 'admin-secret', retries: 1, ...noSleep });
    script = ['503', '503'];
    const e = await c.audit().catch((x) => x);
    expect(e).toBeInstanceOf(MintApiError);
    expect([e.code, e.status]).toEqual(['ERR_STORE_UNAVAILABLE', 503]);
    script = ['hang', 'hang'];
    const t = await c.revoke({ session: 's' }).catch((x) => x);
    expect(t).toBeInstanceOf(MintUnavailableError);
    expect(t.code).toBe('ERR_UPSTREAM_UNAVAILABLE');
    expect(t.message).toMatch(/within 1000 ms/);
    script = ['garbage', 'garbage'];
    const g = await c.audit().catch((x) => x);
    expect([g.code, g.status]).toEqual(['ERR_INTERNAL', 502]);
  });

  it('reports an unreachable service', async () => {
    const dead = Fastify();
    const url = await dead.listen({ host: '127.0.0.1', port: 0 });
    await dead.close();
    const c = createMintClient({ baseUrl: url, retries: 1, ...noSleep });
    const e = await c.audit().catch((x) => x);
    expect(e).toBeInstanceOf(MintUnavailableError);
    expect(e.message).toBe('mint service is unreachable');
  });

  it('rejects bad options as programmer misuse', () => {
    expect(() => createMintClient({ baseUrl: 'not a url' })).toThrow(TypeError);
    expect(() => createMintClient({ baseUrl: 'ftp://x' })).toThrow(TypeError);
    expect(() => createMintClient({ baseUrl, timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createMintClient({ baseUrl, retries: -1 })).toThrow(RangeError);
    expect(() => createMintClient(null as never)).toThrow(TypeError);
  });
});
