/**
 * The plugin over the embedded store: deny by default (unknown routes, HEAD, OPTIONS,
 * opt-out), and every allow and rejection path with its exact code and status.
 */
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  caveat,
  createMacaroon,
  encode,
  parseToken,
} from '@chit/token';
import { describe, expect, it } from 'vitest';
import { auth, embeddedSuite, expectDenied, keys, mintToken, readerCaveats } from './helpers.js';

const suite = embeddedSuite();
const { clock, track, reader, get } = suite;

describe('deny by default', () => {
  it('protects declared routes, unconfigured routes, unknown routes, HEAD and OPTIONS', async () => {
    for (const [method, url] of [
      ['GET', '/orders/7'],
      ['HEAD', '/orders/7'],
      ['OPTIONS', '/orders/7'],
      ['GET', '/plain'],
      ['GET', '/no/such/route'],
      ['DELETE', '/orders/7'],
      ['POST', '/orders/7/refund'],
    ] as const) {
      const res = await suite.app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Chit');
      if (method !== 'HEAD') expectDenied(res, 401, 'ERR_TOKEN_MISSING');
    }
  });

  it('covers routes added before the plugin and in child plugins', async () => {
    const { default: Fastify } = await import('fastify');
    const { chit } = await import('../src/index.js');
    const a = Fastify();
    a.get('/before', async () => 'open?');
    a.register(async (child) => {
      child.get('/child', async () => 'open?');
    });
    await a.register(chit, { keys, store: suite.store, audience: 'orders', clock });
    a.register(async (child) => {
      child.get('/child-after', async () => 'open?');
    });
    await a.ready();
    for (const url of ['/before', '/child', '/child-after']) {
      expectDenied(await a.inject({ method: 'GET', url }), 401, 'ERR_TOKEN_MISSING');
    }
    await a.close();
  });

  it('lets an explicit opt-out through without a token', async () => {
    const res = await get('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('answers 404 only after a valid capability', async () => {
    const { token } = reader();
    const res = await get('/no/such/route', auth(token));
    expect(res.statusCode).toBe(404);
  });

  it('checks a route without declared needs: token must verify, its constraints fail closed', async () => {
    const open = track(mintToken({ caveats: [caveat.tenant('42')] }));
    // tenant is constrained but /plain declares no tenant source: fail closed.
    expectDenied(await get('/plain', auth(open.token)), 403, 'ERR_CAVEAT_UNSATISFIED');
    const bare = track(mintToken({ caveats: [caveat.principal('svc')] }));
    const ok = await get('/plain', auth(bare.token));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ tokenId: bare.tokenId });
  });
});

describe('allow', () => {
  it('grants a matching request and fills request.capability', async () => {
    const { token, tokenId } = reader();
    const res = await get('/orders/7', auth(token));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ principal: 'user-1', tenant: '42', tokenId });
  });

  it('accepts the Bearer scheme', async () => {
    const { token } = reader();
    const res = await get('/orders/7', { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(200);
  });

  it('reads attributes from the body in preValidation', async () => {
    const t = track(mintToken({ caveats: [...readerCaveats(), caveat.attribute('amount', '5')] }));
    const post = (amount: unknown) =>
      suite.app.inject({
        method: 'POST',
        url: '/orders/7/refund',
        headers: { 'x-tenant': '42', ...auth(t.token) },
        payload: { amount },
      });
    expect((await post('5')).statusCode).toBe(200);
    expect((await post(5)).statusCode).toBe(200);
    expectDenied(await post('6'), 403, 'ERR_CAVEAT_UNSATISFIED');
    expectDenied(await post({ nested: '5' }), 403, 'ERR_CAVEAT_UNSATISFIED');
  });
});

describe('each rejection: exact code and status', () => {
  it('401 ERR_TOKEN_MISSING for no header and for a foreign scheme', async () => {
    expectDenied(await get('/orders/7'), 401, 'ERR_TOKEN_MISSING');
    expectDenied(
      await get('/orders/7', { authorization: 'Basic dXNlcjpwYXNz' }),
      401,
      'ERR_TOKEN_MISSING',
    );
  });

  it('401 ERR_TOKEN_MALFORMED for garbage, odd spelling and a duplicated header', async () => {
    expectDenied(await get('/orders/7', { authorization: 'Chit !!!' }), 401, 'ERR_TOKEN_MALFORMED');
    expectDenied(
      await get('/orders/7', { authorization: 'Chit AAAA' }),
      401,
      'ERR_TOKEN_MALFORMED',
    );
    expectDenied(await get('/orders/7', { authorization: 'chit abc' }), 401, 'ERR_TOKEN_MALFORMED');
    const { token } = reader();
    const res = await suite.app.inject({
      method: 'GET',
      url: '/orders/7',
      headers: {
        'x-tenant': '42',
        authorization: [`Chit ${token}`, `Chit ${token}`] as unknown as string,
      },
    });
    expectDenied(res, 401, 'ERR_TOKEN_MALFORMED');
  });

  it('401 ERR_TOKEN_TOO_LARGE for an oversized token', async () => {
    expectDenied(
      await get('/orders/7', { authorization: `Chit ${'A'.repeat(9000)}` }),
      401,
      'ERR_TOKEN_TOO_LARGE',
    );
  });

  it('401 ERR_SIGNATURE_INVALID for a tampered token', async () => {
    const { token } = reader();
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    expectDenied(await get('/orders/7', auth(tampered)), 401, 'ERR_SIGNATURE_INVALID');
  });

  it('401 ERR_KEY_UNKNOWN for an unknown kid', async () => {
    const t = track(mintToken({ caveats: readerCaveats(), kid: 'k9' }));
    expectDenied(await get('/orders/7', auth(t.token)), 401, 'ERR_KEY_UNKNOWN');
  });

  it('401 ERR_TOKEN_EXPIRED and ERR_TOKEN_NOT_YET_VALID (with the 30 s leeway)', async () => {
    const now = clock() / 1000;
    const expired = track(mintToken({ caveats: [caveat.expires(now - 31)] }));
    expectDenied(await get('/plain', auth(expired.token)), 401, 'ERR_TOKEN_EXPIRED');
    const within = track(mintToken({ caveats: [caveat.expires(now - 29)] }));
    expect((await get('/plain', auth(within.token))).statusCode).toBe(200);
    const early = track(mintToken({ caveats: [caveat.notBefore(now + 31)] }));
    expectDenied(await get('/plain', auth(early.token)), 401, 'ERR_TOKEN_NOT_YET_VALID');
  });

  it('403 ERR_CAVEAT_UNSATISFIED for tenant, resource, action, attribute, audience', async () => {
    const { token } = reader();
    expectDenied(
      await get('/orders/7', { ...auth(token), 'x-tenant': '43' }),
      403,
      'ERR_CAVEAT_UNSATISFIED',
    );
    const narrowRes = track(
      mintToken({ caveats: [...readerCaveats(), caveat.resource('orders/8')] }),
    );
    expectDenied(await get('/orders/7', auth(narrowRes.token)), 403, 'ERR_CAVEAT_UNSATISFIED');
    const writer = track(mintToken({ caveats: [caveat.action('write')] }));
    expectDenied(await get('/orders/7', auth(writer.token)), 403, 'ERR_CAVEAT_UNSATISFIED');
    const cust = track(
      mintToken({ caveats: [...readerCaveats(), caveat.attribute('customer_id', '7')] }),
    );
    expectDenied(
      await get('/orders/7?customer_id=8', auth(cust.token)),
      403,
      'ERR_CAVEAT_UNSATISFIED',
    );
    expectDenied(await get('/orders/7', auth(cust.token)), 403, 'ERR_CAVEAT_UNSATISFIED');
    expect((await get('/orders/7?customer_id=7', auth(cust.token))).statusCode).toBe(200);
    const billing = track(mintToken({ caveats: [...readerCaveats(), caveat.audience('billing')] }));
    expectDenied(await get('/orders/7', auth(billing.token)), 403, 'ERR_CAVEAT_UNSATISFIED');
  });

  it('403 for a resource param that would escape its segment', async () => {
    const { token } = reader();
    expectDenied(await get('/orders/a%2Fb', auth(token)), 403, 'ERR_CAVEAT_UNSATISFIED');
  });

  it('403 ERR_CAVEAT_UNKNOWN and ERR_CAVEAT_MALFORMED for conditions outside the grammar', async () => {
    const unknown = track({
      token: encode(addFirstPartyCaveat(parseToken(reader().token), 'frobnicate < 3')),
    });
    expectDenied(await get('/orders/7', auth(unknown.token)), 403, 'ERR_CAVEAT_UNKNOWN');
    const bad = track({
      token: encode(addFirstPartyCaveat(parseToken(reader().token), 'tenant  =  42')),
    });
    expectDenied(await get('/orders/7', auth(bad.token)), 403, 'ERR_CAVEAT_MALFORMED');
  });

  it('403 ERR_DISCHARGE_MISSING without the discharge; allowed with it; 401 with a stray one', async () => {
    const caveatKey = new Uint8Array(32).fill(9);
    const primary = addThirdPartyCaveat(parseToken(reader().token), {
      caveatKey,
      caveatId: 'approve-refund',
      location: 'https://approvals.example',
      nonce: new Uint8Array(24).fill(1),
    });
    const t = track({ token: encode(primary) });
    expectDenied(await get('/orders/7', auth(t.token)), 403, 'ERR_DISCHARGE_MISSING');
    const discharge = encode(
      bindDischarge(primary, createMacaroon({ rootKey: caveatKey, identifier: 'approve-refund' })),
    );
    track({ token: discharge });
    const ok = await get('/orders/7', { ...auth(t.token), 'chit-discharges': discharge });
    expect(ok.statusCode).toBe(200);
    const other = reader();
    const stray = await get('/orders/7', { ...auth(other.token), 'chit-discharges': discharge });
    expectDenied(stray, 401, 'ERR_DISCHARGE_INVALID');
  });

  it('403 ERR_BUDGET_EXHAUSTED once uses run out', async () => {
    const t = track(mintToken({ caveats: [...readerCaveats(), caveat.uses(2)] }));
    expect((await get('/orders/7', auth(t.token))).statusCode).toBe(200);
    expect((await get('/orders/7', auth(t.token))).statusCode).toBe(200);
    expectDenied(await get('/orders/7', auth(t.token)), 403, 'ERR_BUDGET_EXHAUSTED');
  });

  it('401 ERR_TOKEN_REVOKED after a revocation by token id', async () => {
    const t = reader();
    expect((await get('/orders/7', auth(t.token))).statusCode).toBe(200);
    await suite.store.revoke({
      kind: 'token',
      value: t.tokenId,
      revokedAt: clock() / 1000,
      expiresAt: clock() / 1000 + 7200,
    });
    expectDenied(await get('/orders/7', auth(t.token)), 401, 'ERR_TOKEN_REVOKED');
  });
});
