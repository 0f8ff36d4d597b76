import { attenuate, caveat, encode, parseToken } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { expectError, rememberSecret, suiteTestMint, verifyBody } from './harness.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

const m = suiteTestMint();

const verify = (payload: object, headers: Record<string, string> = {}) =>
  m.inject({ method: 'POST', url: '/v1/verify', payload, headers });

async function decision(token: string, context: Record<string, unknown> = {}) {
  const res = await verify(verifyBody(token, context));
  expect(res.statusCode).toBe(200);
  return res.json() as { allowed: boolean; code?: string; capability?: Record<string, unknown> };
}

describe('POST /v1/verify', () => {
  it('allows a matching request with the capability (no fingerprints, no budget keys)', async () => {
    const minted = await m.mint();
    const d = await decision(minted.token);
    expect(d.allowed).toBe(true);
    expect(d.code).toBeUndefined();
    expect(d.capability).toMatchObject({
      tokenId: minted.tokenId,
      kid: 'k1',
      principal: 'user-1',
      role: 'agent',
      session: 's-1',
      tenants: ['42'],
      actions: ['read'],
      expiresAt: minted.expiresAt,
      caveats: minted.caveats,
    });
    expect(JSON.stringify(d)).not.toMatch(/fingerprint|"key"/);
  });

  it.each([
    ['another tenant', { tenant: '43' }, 'ERR_CAVEAT_UNSATISFIED'],
    ['another action', { action: 'delete' }, 'ERR_CAVEAT_UNSATISFIED'],
    ['a resource outside the prefix', { resource: 'invoices/1' }, 'ERR_CAVEAT_UNSATISFIED'],
    ['no tenant in the context', { tenant: undefined }, 'ERR_CAVEAT_UNSATISFIED'],
  ])('denies %s with 200 and %s', async (_n, context, code) => {
    const minted = await m.mint();
    expect(await decision(minted.token, context)).toEqual({
      allowed: false,
      code,
      message: expect.any(String),
    });
  });

  it('denies an expired token (ERR_TOKEN_EXPIRED) once the clock passes expiry and leeway', async () => {
    const minted = await m.mint({ ttl: 60 });
    expect((await decision(minted.token)).allowed).toBe(true);
    m.clock.advance(60 + 31);
    expect(await decision(minted.token)).toMatchObject({
      allowed: false,
      code: 'ERR_TOKEN_EXPIRED',
    });
    m.clock.advance(-(60 + 31));
  });

  it('denies tampered, truncated, foreign and garbage tokens, saying nothing specific', async () => {
    const minted = await m.mint();
    const bytes = Buffer.from(minted.token, 'base64url');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1]! ^= 1;
    expect(await decision(flipped.toString('base64url'))).toMatchObject({
      allowed: false,
      code: 'ERR_SIGNATURE_INVALID',
      message: 'signature is invalid',
    });
    expect(await decision(bytes.subarray(0, bytes.length - 5).toString('base64url'))).toMatchObject(
      {
        allowed: false,
        code: 'ERR_TOKEN_MALFORMED',
      },
    );
    expect(await decision('not a token')).toMatchObject({
      allowed: false,
      code: 'ERR_TOKEN_MALFORMED',
    });
    // A caveat appended without the key breaks the chain.
    const parsed = parseToken(minted.token);
    const forged = encode({
      ...parsed,
      caveats: parsed.caveats.slice(1),
      signature: parsed.signature,
    });
    rememberSecret(forged);
    expect(await decision(forged)).toMatchObject({ allowed: false, code: 'ERR_SIGNATURE_INVALID' });
  });

  it('denies an oversized token as ERR_TOKEN_TOO_LARGE', async () => {
    expect(await decision('A'.repeat(9000))).toMatchObject({
      allowed: false,
      code: 'ERR_TOKEN_TOO_LARGE',
    });
  });

  it('honours attenuation by any holder', async () => {
    const minted = await m.mint();
    const narrow = encode(
      attenuate(parseToken(minted.token), [caveat.attribute('customer_id', '7')]),
    );
    rememberSecret(narrow);
    expect((await decision(narrow, { attributes: { customer_id: '7' } })).allowed).toBe(true);
    expect(await decision(narrow, { attributes: { customer_id: '8' } })).toMatchObject({
      allowed: false,
      code: 'ERR_CAVEAT_UNSATISFIED',
    });
  });

  it('consumes budgets: exactly N uses, then ERR_BUDGET_EXHAUSTED; siblings share the ancestor budget', async () => {
    const minted = await m.mint({ budget: { uses: 3 } });
    const child = encode(attenuate(parseToken(minted.token), [caveat.action('read')]));
    rememberSecret(child);
    expect((await decision(minted.token)).allowed).toBe(true);
    expect((await decision(child)).allowed).toBe(true);
    expect((await decision(minted.token)).allowed).toBe(true);
    expect(await decision(child)).toMatchObject({ allowed: false, code: 'ERR_BUDGET_EXHAUSTED' });
    expect(await decision(minted.token)).toMatchObject({
      allowed: false,
      code: 'ERR_BUDGET_EXHAUSTED',
    });
    // A denied caveat check does not spend a use of another token's budget.
    const other = await m.mint({ budget: { uses: 1 } });
    expect((await decision(other.token, { tenant: '9' })).allowed).toBe(false);
    expect((await decision(other.token)).allowed).toBe(true);
  });

  it('records an audit event per decision, with the token fingerprint; the caller trace id only on an allow', async () => {
    const minted = await m.mint({ session: 'trace-session' });
    const tp = { traceparent: `00-${TRACE}-b7ad6b7169203331-01` };
    await verify(verifyBody(minted.token), tp);
    await verify(verifyBody(minted.token, { action: 'write' }), tp);
    const res = await m.asAdmin('GET', `/v1/audit?tokenId=${minted.tokenId}&type=verify.allow`);
    const denied = await m.asAdmin('GET', `/v1/audit?tokenId=${minted.tokenId}&type=verify.deny`);
    const events = [
      ...(res.json().events as Record<string, unknown>[]),
      ...(denied.json().events as Record<string, unknown>[]),
    ];
    expect(events.map((e) => [e.type, e.decision, e.code, e.traceId])).toEqual([
      ['verify.allow', 'allow', undefined, TRACE],
      // A denial proves nothing about the caller's trace context: not filed under it.
      ['verify.deny', 'deny', 'ERR_CAVEAT_UNSATISFIED', undefined],
    ]);
    for (const e of events) {
      expect(e).toMatchObject({
        tokenId: minted.tokenId,
        kid: 'k1',
        principal: 'user-1',
        session: 'trace-session',
        tenant: '42',
        service: 'chit-mint',
        route: '/v1/verify',
        caveats: minted.caveats,
      });
      expect(e.tokenFingerprint).toMatch(/^[A-Za-z0-9_-]{16,}$/);
      expect(JSON.stringify(e)).not.toContain(minted.token);
    }
    // The audit events also go to the log.
    const logged = m.logs
      .records()
      .filter((r) => (r.audit as { tokenId?: string })?.tokenId === minted.tokenId);
    expect(
      logged.filter((r) => (r.audit as { type?: string }).type?.startsWith('verify')),
    ).toHaveLength(2);
  });

  it.each([
    ['no token', { context: {} }],
    ['an empty token', { token: '', context: {} }],
    ['a numeric token', { token: 1 }],
    ['an unknown field', { token: 'x', extra: 1 }],
    ['a context field of the wrong type', { token: 'x', context: { tenant: 42 } }],
    ['too many discharges', { token: 'x', discharges: Array(17).fill('x') }],
  ])('rejects a body with %s as 400 ERR_BAD_REQUEST', async (_n, body) => {
    expectError(await verify(body), 400, 'ERR_BAD_REQUEST');
  });

  it('counts decisions by code in /metrics', async () => {
    const text = (await m.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/chit_mint_verifications_total\{decision="allow",code="OK"\} [1-9]/);
    expect(text).toMatch(
      /chit_mint_verifications_total\{decision="deny",code="ERR_SIGNATURE_INVALID"\} [1-9]/,
    );
    expect(text).toMatch(/chit_mint_tokens_minted_total\{kid="k1"\} [1-9]/);
    expect(text).toMatch(/chit_mint_http_request_duration_seconds_bucket\{.*route="\/v1\/verify"/);
  });
});
