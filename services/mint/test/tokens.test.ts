import { caveat } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { hashClientSecret } from '../src/auth.js';
import { expectError, MINT_BODY, startTestMint, suiteTestMint } from './harness.js';

const CLIENT_SECRET = 'client-secret-of-agents';
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

const m = suiteTestMint({
  env: {
    CHIT_MAX_TTL: '7200',
    CHIT_MINT_CLIENTS: JSON.stringify({
      agents: { secretHash: hashClientSecret(CLIENT_SECRET), tenants: ['42', '43'], maxTtl: 600 },
    }),
  },
});

describe('POST /v1/tokens', () => {
  it('mints with the admin token: 201 with token, id, kid, expiry and caveats', async () => {
    const res = await m.asAdmin('POST', '/v1/tokens', MINT_BODY);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['caveats', 'expiresAt', 'kid', 'token', 'tokenId']);
    expect(body.tokenId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.kid).toBe('k1');
    expect(body.expiresAt).toBe(m.clock.now / 1000 + 3600);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(body.caveats).toEqual([
      caveat.tenant('42'),
      caveat.resource('orders/*'),
      caveat.action('read'),
      caveat.expires(body.expiresAt),
      caveat.principal('user-1'),
      caveat.role('agent'),
    ]);
  });

  it('carries every optional field as a caveat, session in the identifier', async () => {
    const res = await m.asAdmin('POST', '/v1/tokens', {
      ...MINT_BODY,
      actions: ['write', 'read'],
      audience: 'orders',
      budget: { uses: 100 },
      attributes: { customer_id: '7', region: ['eu', 'us'] },
      traceId: TRACE,
    });
    expect(res.statusCode).toBe(201);
    const minted = res.json();
    expect(minted.caveats).toEqual([
      'tenant = 42',
      'resource = orders/*',
      'action in [read,write]',
      `expires = ${minted.expiresAt}`,
      'principal = user-1',
      'role = agent',
      `trace = ${TRACE}`,
      'audience = orders',
      'uses <= 100',
      'customer_id = 7',
      'region in [eu,us]',
    ]);
    const v = await m.inject({
      method: 'POST',
      url: '/v1/verify',
      payload: {
        token: minted.token,
        context: {
          tenant: '42',
          resource: 'orders/7',
          action: 'write',
          audience: 'orders',
          attributes: { customer_id: '7', region: 'eu' },
        },
      },
    });
    expect(v.json()).toMatchObject({
      allowed: true,
      capability: {
        session: 's-1',
        traceId: TRACE,
        audiences: ['orders'],
        budgets: [{ limit: 100 }],
      },
    });
  });

  it('takes the trace id from a W3C traceparent into the token and the audit event', async () => {
    const res = await m.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: {
        authorization: `Bearer ${m.admin}`,
        traceparent: `00-${TRACE}-00f067aa0ba902b7-01`,
      },
      payload: MINT_BODY,
    });
    const minted = res.json();
    expect(minted.caveats).toContain(`trace = ${TRACE}`);
    const audit = await m.asAdmin('GET', `/v1/audit?tokenId=${minted.tokenId}`);
    expect(audit.json().events).toMatchObject([
      {
        type: 'mint',
        tokenId: minted.tokenId,
        kid: 'k1',
        traceId: TRACE,
        principal: 'user-1',
        tenant: '42',
        session: 's-1',
        decision: null,
        service: 'chit-mint',
        route: '/v1/tokens',
        caveats: minted.caveats,
      },
    ]);
  });

  it('lets a scoped client mint for its tenants within its max ttl', async () => {
    const res = await m.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { authorization: basic('agents', CLIENT_SECRET) },
      payload: { ...MINT_BODY, tenant: '43', ttl: 600 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().caveats[0]).toBe('tenant = 43');
  });

  it('refuses a scoped client another tenant or a longer ttl (403 ERR_FORBIDDEN)', async () => {
    const as = (payload: object) =>
      m.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: { authorization: basic('agents', CLIENT_SECRET) },
        payload,
      });
    expectError(await as({ ...MINT_BODY, tenant: '44', ttl: 60 }), 403, 'ERR_FORBIDDEN');
    expectError(await as({ ...MINT_BODY, ttl: 601 }), 403, 'ERR_FORBIDDEN');
  });

  it('refuses any ttl beyond CHIT_MAX_TTL (400)', async () => {
    expectError(
      await m.asAdmin('POST', '/v1/tokens', { ...MINT_BODY, ttl: 7201 }),
      400,
      'ERR_BAD_REQUEST',
    );
  });

  it('refuses missing or wrong credentials (401 with WWW-Authenticate)', async () => {
    const none = await m.inject({ method: 'POST', url: '/v1/tokens', payload: MINT_BODY });
    expectError(none, 401, 'ERR_UNAUTHORIZED');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    for (const authorization of [
      `Bearer ${m.admin}x`,
      basic('agents', 'wrong'),
      basic('ghost', CLIENT_SECRET),
      m.admin,
    ]) {
      const res = await m.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: { authorization },
        payload: MINT_BODY,
      });
      expectError(res, 401, 'ERR_UNAUTHORIZED');
    }
  });

  it.each([
    ['a missing tenant', { tenant: undefined }],
    ['an empty action list', { actions: [] }],
    ['a zero ttl', { ttl: 0 }],
    ['a fractional ttl', { ttl: 1.5 }],
    ['an unknown field', { scope: 'all' }],
    ['a non-canonical tenant', { tenant: 'forty two' }],
    ['a resource with ..', { resources: ['orders/../admin'] }],
    ['a reserved attribute name', { attributes: { tenant: '1' } }],
    ['a bad attribute name', { attributes: { 'Customer-Id': '1' } }],
    ['a session with a control character', { session: 's\u0001' }],
    ['a bad trace id', { traceId: 'xyz' }],
    ['a zero budget', { budget: { uses: 0 } }],
    ['a principal as a string', { principal: 'user-1' }],
  ])('rejects %s with 400 ERR_BAD_REQUEST', async (_name, patch) => {
    const res = await m.asAdmin('POST', '/v1/tokens', { ...MINT_BODY, ...patch });
    expectError(res, 400, 'ERR_BAD_REQUEST');
  });

  it('rejects malformed JSON and other media types with 400, never 500', async () => {
    const headers = { authorization: `Bearer ${m.admin}`, 'content-type': 'application/json' };
    expectError(
      await m.inject({ method: 'POST', url: '/v1/tokens', headers, payload: '{"tenant":' }),
      400,
      'ERR_BAD_REQUEST',
    );
    expectError(
      await m.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: { ...headers, 'content-type': 'text/plain' },
        payload: 'hello',
      }),
      400,
      'ERR_BAD_REQUEST',
    );
    expectError(
      await m.inject({ method: 'POST', url: '/v1/tokens', headers }),
      400,
      'ERR_BAD_REQUEST',
    );
  });

  it('rejects a body with a duplicate key (a proxy may read the other one) with 400', async () => {
    const payload = JSON.stringify(MINT_BODY).replace(
      '"tenant":"42"',
      '"tenant":"42","tenant":"43"',
    );
    const res = await m.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { authorization: `Bearer ${m.admin}`, 'content-type': 'application/json' },
      payload,
    });
    expectError(res, 400, 'ERR_BAD_REQUEST');
  });

  it('refuses duplicate Authorization headers even when the first is the admin token (401)', async () => {
    const res = await m.inject({
      method: 'POST',
      url: '/v1/tokens',
      // Two header lines (light-my-request sends an array as repeated headers).
      headers: {
        authorization: [`Bearer ${m.admin}`, `Bearer ${'y'.repeat(40)}`],
      } as unknown as Record<string, string>,
      payload: MINT_BODY,
    });
    expectError(res, 401, 'ERR_UNAUTHORIZED');
  });

  it('rejects a body over the limit with 413 ERR_PAYLOAD_TOO_LARGE', async () => {
    const res = await m.asAdmin('POST', '/v1/tokens', { ...MINT_BODY, pad: 'x'.repeat(70_000) });
    expectError(res, 413, 'ERR_PAYLOAD_TOO_LARGE');
  });

  it('answers unknown routes and methods with 404 ERR_NOT_FOUND', async () => {
    expectError(await m.inject({ method: 'GET', url: '/v1/nothing' }), 404, 'ERR_NOT_FOUND');
    expectError(await m.inject({ method: 'DELETE', url: '/v1/tokens' }), 404, 'ERR_NOT_FOUND');
  });
});

describe('rate limits', () => {
  it('limits mints per client (429 ERR_RATE_LIMITED)', async () => {
    const r = await startTestMint({ env: { CHIT_MINT_RATE_LIMIT: '3' } });
    for (let i = 0; i < 3; i++) {
      expect((await r.asAdmin('POST', '/v1/tokens', MINT_BODY)).statusCode).toBe(201);
    }
    expectError(await r.asAdmin('POST', '/v1/tokens', MINT_BODY), 429, 'ERR_RATE_LIMITED');
    await r.close();
  });

  it('limits failed authentications, then refuses even good credentials for a while', async () => {
    const r = await startTestMint({ env: { CHIT_AUTH_FAILURE_LIMIT: '2' } });
    const bad = () =>
      r.inject({ method: 'GET', url: '/v1/keys', headers: { authorization: 'Bearer wrong' } });
    expectError(await bad(), 401, 'ERR_UNAUTHORIZED');
    // Successful calls do not count.
    expect((await r.asAdmin('GET', '/v1/keys')).statusCode).toBe(200);
    expectError(await bad(), 401, 'ERR_UNAUTHORIZED');
    expectError(await bad(), 429, 'ERR_RATE_LIMITED');
    expectError(await r.asAdmin('GET', '/v1/keys'), 429, 'ERR_RATE_LIMITED');
    await r.close();
  });
});
