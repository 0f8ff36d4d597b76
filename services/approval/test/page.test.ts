import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escapeHtml } from '../src/index.js';
import { basic, bearer, buildTestApp, seal } from './helpers.js';

let app: FastifyInstance;
beforeEach(async () => {
  ({ app } = await buildTestApp());
});
afterEach(async () => {
  await app.close();
});

const csrfOf = (html: string, id: string, action: string) =>
  new RegExp(
    `action="/ui/approvals/${id}/${action}"><input type="hidden" name="csrf" value="([0-9a-f]{64})"`,
  ).exec(html)?.[1];

describe('the approvers page', () => {
  it('asks for credentials (401 with a Basic challenge)', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    expect(res.json().error.code).toBe('ERR_UNAUTHORIZED');
    expect((await app.inject({ url: '/', headers: basic('alice', 'wrong') })).statusCode).toBe(401);
    expect((await app.inject({ url: '/', headers: bearer })).statusCode).toBe(401);
  });

  it('lists pending approvals, escaped, with no external asset', async () => {
    await app.inject({
      method: 'POST',
      url: '/v1/approvals',
      payload: { caveatId: seal({ summary: '<script>alert(1)</script> & "x"' }).caveatId },
    });
    const res = await app.inject({ url: '/', headers: basic() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain(escapeHtml('<script>alert(1)</script> & "x"'));
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toMatch(/(src|href)="https?:/);
    expect((res.body.match(/<button/g) ?? []).length).toBe(2);
  });

  it('a form post approves with the right CSRF token only', async () => {
    const { id } = (
      await app.inject({
        method: 'POST',
        url: '/v1/approvals',
        payload: { caveatId: seal().caveatId },
      })
    ).json();
    const html = (await app.inject({ url: '/', headers: basic() })).body;
    const csrf = csrfOf(html, id, 'approve')!;
    const post = (payload: string, headers: Record<string, string> = {}, action = 'approve') =>
      app.inject({
        method: 'POST',
        url: `/ui/approvals/${id}/${action}`,
        headers: { ...basic(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload,
      });
    const denyCsrf = csrfOf(html, id, 'deny')!;
    expect((await post(`csrf=${denyCsrf}`)).json().error.code).toBe('ERR_FORBIDDEN'); // the deny token cannot approve
    expect((await post(`csrf=${'0'.repeat(64)}`)).statusCode).toBe(403);
    expect((await post('csrf=zz')).json().error.code).toBe('ERR_BAD_REQUEST');
    expect((await post(`csrf=${csrf}`, { 'sec-fetch-site': 'cross-site' })).json().error.code).toBe(
      'ERR_FORBIDDEN',
    );
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/ui/approvals/${id}/approve`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: `csrf=${csrf}`,
        })
      ).statusCode,
    ).toBe(401);
    expect((await app.inject(`/v1/approvals/${id}`)).json().status).toBe('pending');
    const ok = await post(`csrf=${csrf}`, { 'sec-fetch-site': 'same-origin' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/');
    expect((await app.inject(`/v1/approvals/${id}`)).json().status).toBe('approved');
    expect((await app.inject({ url: '/', headers: basic() })).body).toContain(
      'No approvals are pending',
    );
  });
});
