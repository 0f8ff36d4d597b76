import { attenuate, caveat, encode, LEEWAY_SECONDS, parseToken } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { hashClientSecret } from '../src/auth.js';
import {
  expectError,
  rememberSecret,
  startTestMint,
  suiteTestMint,
  type TestMint,
  testClock,
  verifyBody,
} from './harness.js';

const m = suiteTestMint({
  env: {
    CHIT_MAX_TTL: '7200',
    CHIT_MINT_CLIENTS: JSON.stringify({
      agents: { secretHash: hashClientSecret('agent-secret'), tenants: ['42'], maxTtl: 600 },
    }),
  },
});

async function decision(mint: TestMint, token: string) {
  const res = await mint.inject({ method: 'POST', url: '/v1/verify', payload: verifyBody(token) });
  expect(res.statusCode).toBe(200);
  return res.json() as { allowed: boolean; code?: string };
}
const revoke = (mint: TestMint, body: object) => mint.asAdmin('POST', '/v1/revocations', body);
/** Attenuates with a condition the test context (orders/7, read) still satisfies. */
const narrow = (token: string, condition: string) => {
  const t = encode(attenuate(parseToken(token), [condition]));
  rememberSecret(t);
  return t;
};
const REVOKED = { allowed: false, code: 'ERR_TOKEN_REVOKED' };

describe('POST /v1/revocations', () => {
  it('by token id: the token and everything attenuated from it; entry expires after CHIT_MAX_TTL + leeway', async () => {
    const a = await m.mint();
    const b = await m.mint();
    const child = narrow(a.token, caveat.resource('orders/7'));
    const res = await revoke(m, { tokenId: a.tokenId });
    expect(res.statusCode).toBe(200);
    const now = m.clock.now / 1000;
    expect(res.json()).toEqual({
      revoked: {
        kind: 'token',
        value: a.tokenId,
        revokedAt: now,
        expiresAt: now + 7200 + LEEWAY_SECONDS,
      },
    });
    expect(await decision(m, a.token)).toMatchObject(REVOKED);
    expect(await decision(m, child)).toMatchObject(REVOKED);
    expect((await decision(m, b.token)).allowed).toBe(true);
  });

  it('by session', async () => {
    const a = await m.mint({ session: 'sess-a' });
    const b = await m.mint({ session: 'sess-b' });
    expect((await revoke(m, { session: 'sess-a' })).json().revoked).toMatchObject({
      kind: 'session',
      value: 'sess-a',
    });
    expect(await decision(m, a.token)).toMatchObject(REVOKED);
    expect((await decision(m, b.token)).allowed).toBe(true);
  });

  it('by principal issued before a time ("sign out everywhere"), not tokens issued after', async () => {
    const before = await m.mint({ principal: { id: 'alice' } });
    const other = await m.mint({ principal: { id: 'bob' } });
    m.clock.advance(10);
    const cut = m.clock.now / 1000;
    const res = await revoke(m, { principal: 'alice', issuedBefore: cut });
    expect(res.json().revoked).toEqual({
      kind: 'principal',
      value: 'alice',
      issuedBefore: cut,
      revokedAt: cut,
      expiresAt: cut + 7200 + LEEWAY_SECONDS,
    });
    const after = await m.mint({ principal: { id: 'alice' } });
    expect(await decision(m, before.token)).toMatchObject(REVOKED);
    expect((await decision(m, other.token)).allowed).toBe(true);
    expect((await decision(m, after.token)).allowed).toBe(true);
  });

  it('by the token itself, without credentials: it and its descendants, not its parent or siblings', async () => {
    const parent = await m.mint({ ttl: 900 });
    const child = narrow(parent.token, caveat.resource('orders/7'));
    const sibling = narrow(parent.token, caveat.resource('orders/*'));
    const grandchild = narrow(child, caveat.action('read'));
    const res = await m.inject({
      method: 'POST',
      url: '/v1/revocations',
      payload: { token: child },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().revoked).toMatchObject({
      kind: 'fingerprint',
      expiresAt: parent.expiresAt + LEEWAY_SECONDS,
    });
    expect(res.json().revoked.value).not.toContain(child);
    expect(await decision(m, child)).toMatchObject(REVOKED);
    expect(await decision(m, grandchild)).toMatchObject(REVOKED);
    expect((await decision(m, parent.token)).allowed).toBe(true);
    expect((await decision(m, sibling)).allowed).toBe(true);
    const audit = await m.asAdmin('GET', `/v1/audit?tokenId=${parent.tokenId}&type=revoke`);
    expect(audit.json().events).toMatchObject([
      { type: 'revoke', tokenId: parent.tokenId, tokenFingerprint: res.json().revoked.value },
    ]);
  });

  it('refuses holder revocation of a token that does not verify', async () => {
    const t = await m.mint();
    const bytes = Buffer.from(t.token, 'base64url');
    bytes[bytes.length - 1]! ^= 0x10;
    const post = (token: string) =>
      m.inject({ method: 'POST', url: '/v1/revocations', payload: { token } });
    expectError(await post(bytes.toString('base64url')), 401, 'ERR_SIGNATURE_INVALID');
    expectError(await post('garbage!'), 401, 'ERR_TOKEN_MALFORMED');
    const short = await m.mint({ ttl: 5 });
    m.clock.advance(5 + LEEWAY_SECONDS); // past expiry and leeway: no verifier accepts it
    expectError(await post(short.token), 401, 'ERR_TOKEN_EXPIRED');
  });

  it('requires the admin token for the other forms (401 without, 403 for a mint client)', async () => {
    const t = await m.mint();
    const none = await m.inject({
      method: 'POST',
      url: '/v1/revocations',
      payload: { tokenId: t.tokenId },
    });
    expectError(none, 401, 'ERR_UNAUTHORIZED');
    const wrong = await m.inject({
      method: 'POST',
      url: '/v1/revocations',
      headers: { authorization: 'Bearer nope' },
      payload: { token: t.token },
    });
    expectError(wrong, 401, 'ERR_UNAUTHORIZED');
    const client = await m.inject({
      method: 'POST',
      url: '/v1/revocations',
      headers: { authorization: `Basic ${Buffer.from('agents:agent-secret').toString('base64')}` },
      payload: { session: 's-1' },
    });
    expectError(client, 403, 'ERR_FORBIDDEN');
    expect((await decision(m, t.token)).allowed).toBe(true);
  });

  it.each([
    ['an empty body', {}],
    ['two forms at once', { tokenId: 'a'.repeat(32), session: 's' }],
    ['a bad token id', { tokenId: 'xyz' }],
    ['a principal without issuedBefore', { principal: 'alice' }],
    ['a negative issuedBefore', { principal: 'alice', issuedBefore: -1 }],
    ['an issuedBefore beyond the max ttl', { principal: 'alice', issuedBefore: 4_000_000_000 }],
  ])('rejects %s with 400 ERR_BAD_REQUEST', async (_n, body) => {
    expectError(await revoke(m, body), 400, 'ERR_BAD_REQUEST');
  });
});

describe('embedded mode restart', () => {
  it('keeps keys, admin token, revocations and audit in the data directory', async () => {
    const clock = testClock();
    const first = await startTestMint({ clock });
    const revoked = await first.mint({ session: 'gone' });
    const kept = await first.mint({ session: 'kept' });
    const bySelf = await first.mint({ session: 'self' });
    await revoke(first, { session: 'gone' });
    await first.inject({
      method: 'POST',
      url: '/v1/revocations',
      payload: { token: bySelf.token },
    });
    await first.close();

    const second = await startTestMint({ clock, dir: first.dir });
    expect(second.admin).toBe(first.admin);
    expect(await decision(second, revoked.token)).toMatchObject(REVOKED);
    expect(await decision(second, bySelf.token)).toMatchObject(REVOKED);
    expect((await decision(second, kept.token)).allowed).toBe(true);
    const audit = await second.asAdmin('GET', '/v1/audit?type=revoke');
    expect(audit.json().events).toHaveLength(2);
    await second.close();
  });
});
