import { sealApprovalCaveat } from '@chit/agent';
import type { AuditEvent } from '@chit/store';
import {
  addThirdPartyCaveat,
  bindDischarge,
  type ChitError,
  caveat,
  encode,
  mint,
  parseToken,
  verify,
} from '@chit/token';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, bearer, buildTestApp, seal, type testClock } from './helpers.js';

let app: FastifyInstance;
let clock: ReturnType<typeof testClock>;
let audit: AuditEvent[];
beforeEach(async () => {
  ({ app, clock, audit } = await buildTestApp());
});
afterEach(async () => {
  await app.close();
});

async function register(caveatId: string) {
  return app.inject({ method: 'POST', url: '/v1/approvals', payload: { caveatId } });
}
function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect((res.json() as { error: { code: string } }).error.code).toBe(code);
}

describe('requesting an approval', () => {
  it('registers a sealed caveat once and reports it pending', async () => {
    const { caveatId } = seal();
    const a = await register(caveatId);
    expect(a.statusCode).toBe(202);
    const body = a.json();
    expect(body).toMatchObject({
      status: 'pending',
      request: { summary: 'refund 150 on order 17', tenant: '42' },
    });
    expect(body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(body)).not.toContain('discharge');
    const again = await register(caveatId);
    expect(again.json().id).toBe(body.id);
    expect(audit.filter((e) => e.type === 'approval')).toHaveLength(1);
    expect(audit[0]).toMatchObject({ decision: null, tool: 'refund_order', session: 's-1' });
  });

  it('refuses what it did not seal, and malformed bodies, with ERR_BAD_REQUEST', async () => {
    const other = sealApprovalCaveat(new Uint8Array(32).fill(9), {
      tool: 't',
      action: 'a',
      resource: 'r',
      argsDigest: `sha256:${'0'.repeat(64)}`,
      summary: 's',
      expiresAt: 2e9,
    });
    expectError(await register(other.caveatId), 400, 'ERR_BAD_REQUEST');
    expectError(await register('apv1.AAAA'), 400, 'ERR_BAD_REQUEST');
    expectError(await register(''), 400, 'ERR_BAD_REQUEST');
    for (const payload of [{}, { caveatId: 1 }, { caveatId: 'x', more: 1 }, [], 'x']) {
      expectError(
        await app.inject({ method: 'POST', url: '/v1/approvals', payload: payload as never }),
        400,
        'ERR_BAD_REQUEST',
      );
    }
    const hostile = await app.inject({
      method: 'POST',
      url: '/v1/approvals',
      headers: { 'content-type': 'application/json' },
      payload: '{"caveatId":"a","__proto__":{"x":1}}',
    });
    expect(hostile.statusCode).toBe(400);
    expectError(
      await app.inject({
        method: 'POST',
        url: '/v1/approvals',
        payload: { caveatId: 'a'.repeat(20_000) },
      }),
      413,
      'ERR_PAYLOAD_TOO_LARGE',
    );
  });

  it('refuses a request already past its deadline', async () => {
    const { caveatId } = seal({}, 1_800_000_000 - 1000);
    expectError(await register(caveatId), 400, 'ERR_BAD_REQUEST');
  });

  it('answers 404 for unknown ids and 400 for malformed ones', async () => {
    expectError(await app.inject(`/v1/approvals/${'a'.repeat(32)}`), 404, 'ERR_NOT_FOUND');
    expectError(await app.inject('/v1/approvals/xyz'), 400, 'ERR_BAD_REQUEST');
    expectError(
      await app.inject(`/v1/approvals/${'a'.repeat(32)}?wait=-1`),
      400,
      'ERR_BAD_REQUEST',
    );
    expectError(await app.inject('/nope'), 404, 'ERR_NOT_FOUND');
  });

  it('limits the number of records (429)', async () => {
    await app.close();
    ({ app } = await buildTestApp({ maxRecords: 2 }));
    await register(seal().caveatId);
    await register(seal().caveatId);
    expectError(await register(seal().caveatId), 429, 'ERR_RATE_LIMITED');
  });
});

describe('deciding', () => {
  it('only approvers list and decide', async () => {
    const { id } = (await register(seal().caveatId)).json();
    for (const headers of [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${'x'.repeat(40)}` },
      basic(),
    ]) {
      expectError(await app.inject({ url: '/v1/approvals', headers }), 401, 'ERR_UNAUTHORIZED');
      expectError(
        await app.inject({ method: 'POST', url: `/v1/approvals/${id}/approve`, headers }),
        401,
        'ERR_UNAUTHORIZED',
      );
    }
    expect((await app.inject(`/v1/approvals/${id}`)).json().status).toBe('pending');
  });

  it('approval issues a short-lived discharge that satisfies the third-party caveat', async () => {
    const sealed = seal();
    const { id } = (await register(sealed.caveatId)).json();
    const list = await app.inject({ url: '/v1/approvals?status=pending', headers: bearer });
    expect(list.json().approvals.map((a: { id: string }) => a.id)).toEqual([id]);
    const ok = await app.inject({
      method: 'POST',
      url: `/v1/approvals/${id}/approve`,
      headers: bearer,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('approved');
    expect(JSON.stringify(ok.json())).not.toContain('discharge');
    const state = (await app.inject(`/v1/approvals/${id}`)).json();
    expect(state.status).toBe('approved');
    expect(typeof state.discharge).toBe('string');
    expectError(
      await app.inject({ method: 'POST', url: `/v1/approvals/${id}/deny`, headers: bearer }),
      409,
      'ERR_CONFLICT',
    );
    expect(audit.at(-1)).toMatchObject({
      type: 'approval',
      decision: 'allow',
      tool: 'refund_order',
    });

    // The discharge, bound to the primary, satisfies the caveat for exactly this request.
    const key = new Uint8Array(32).fill(3);
    const primary = addThirdPartyCaveat(
      mint({
        key,
        kid: 'k1',
        tokenId: new Uint8Array(16).fill(1),
        issuedAt: 1_800_000_000 - 10,
        caveats: [caveat.tenant('42')],
      }),
      {
        caveatId: sealed.caveatId,
        caveatKey: sealed.caveatKey,
        location: 'http://approval.test',
        nonce: new Uint8Array(24).fill(2),
      },
    );
    const bound = encode(bindDischarge(primary, parseToken(state.discharge)));
    const keys = (kid: string) => (kid === 'k1' ? key : undefined);
    const context = { tenant: '42', action: 'refund', resource: 'orders/17' };
    const now = () => clock();
    const cap = verify(encode(primary), {
      keys,
      context,
      clock: now,
      discharges: [bound],
      leeway: 0,
    });
    expect(cap.thirdParty).toHaveLength(1);
    const code = (f: () => unknown) => {
      try {
        f();
        return 'allowed';
      } catch (e) {
        return (e as ChitError).code;
      }
    };
    expect(code(() => verify(encode(primary), { keys, context, clock: now, leeway: 0 }))).toBe(
      'ERR_DISCHARGE_MISSING',
    );
    expect(
      code(() =>
        verify(encode(primary), {
          keys,
          context,
          clock: now,
          discharges: [state.discharge],
          leeway: 0,
        }),
      ),
    ).toBe('ERR_SIGNATURE_INVALID');
    expect(
      code(() =>
        verify(encode(primary), {
          keys,
          context: { ...context, resource: 'orders/18' },
          clock: now,
          discharges: [bound],
          leeway: 0,
        }),
      ),
    ).toBe('ERR_CAVEAT_UNSATISFIED');
    expect(
      code(() =>
        verify(encode(primary), {
          keys,
          context,
          clock: () => clock() + 61_000,
          discharges: [bound],
          leeway: 0,
        }),
      ),
    ).toBe('ERR_TOKEN_EXPIRED');
  });

  it('denial issues nothing and is final', async () => {
    const { id } = (await register(seal().caveatId)).json();
    const res = await app.inject({
      method: 'POST',
      url: `/v1/approvals/${id}/deny`,
      headers: bearer,
    });
    expect(res.json().status).toBe('denied');
    const state = (await app.inject(`/v1/approvals/${id}`)).json();
    expect(state.status).toBe('denied');
    expect(state.discharge).toBeUndefined();
    expectError(
      await app.inject({ method: 'POST', url: `/v1/approvals/${id}/approve`, headers: bearer }),
      409,
      'ERR_CONFLICT',
    );
    expect(audit.at(-1)).toMatchObject({ decision: 'deny', code: 'ERR_DISCHARGE_MISSING' });
  });

  it('a request nobody decides expires (deny by default)', async () => {
    const { id } = (await register(seal().caveatId)).json();
    clock.advance(301_000);
    expect((await app.inject(`/v1/approvals/${id}`)).json().status).toBe('expired');
    expectError(
      await app.inject({ method: 'POST', url: `/v1/approvals/${id}/approve`, headers: bearer }),
      409,
      'ERR_CONFLICT',
    );
  });

  it('long-polling returns as soon as a human decides', async () => {
    const { id } = (await register(seal().caveatId)).json();
    const waiting = app.inject(`/v1/approvals/${id}?wait=20000`);
    await new Promise((r) => setImmediate(r));
    await app.inject({ method: 'POST', url: `/v1/approvals/${id}/approve`, headers: bearer });
    const res = await waiting;
    expect(res.json().status).toBe('approved');
  });
});
