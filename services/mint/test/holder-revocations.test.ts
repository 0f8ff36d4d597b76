/**
 * Issue 11, hole 3, at the mint's HTTP edge: holder revocations need proof of holding the
 * token, are rate limited per client address and per token family (429 ERR_RATE_LIMITED),
 * and past the per-family cap revoke the whole family instead of growing the set.
 */
import { LEEWAY_SECONDS } from '@chit/token';
import type { InjectOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertNoSecretsInLogs,
  expectError,
  startTestMint,
  type TestMint,
  verifyBody,
} from './harness.js';
import { descendant, withThirdParty } from './holder-tokens.js';

const MAX_TTL = 3600;
const started: TestMint[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
  assertNoSecretsInLogs();
});
async function mintWith(env: Record<string, string>): Promise<TestMint> {
  const m = await startTestMint({ env: { CHIT_MAX_TTL: String(MAX_TTL), ...env } });
  started.push(m);
  return m;
}
const holderRevoke = (m: TestMint, payload: object, from?: string) =>
  m.inject({
    method: 'POST',
    url: '/v1/revocations',
    payload: payload as InjectOptions['payload'],
    ...(from ? { remoteAddress: from } : {}),
  });
async function decision(m: TestMint, token: string) {
  const res = await m.inject({ method: 'POST', url: '/v1/verify', payload: verifyBody(token) });
  return res.json() as { allowed: boolean; code?: string };
}

describe('proof of holding the token', () => {
  it('no body form takes a bare fingerprint, from a holder or the admin', async () => {
    const m = await mintWith({});
    const t = await m.mint();
    const first = await holderRevoke(m, { token: t.token });
    const fp = first.json().revoked.value as string;
    for (const body of [
      { fingerprint: fp },
      { kind: 'fingerprint', value: fp },
      { token: t.token, fingerprint: fp },
    ]) {
      expectError(await holderRevoke(m, body), 400, 'ERR_BAD_REQUEST');
      expectError(await m.asAdmin('POST', '/v1/revocations', body), 400, 'ERR_BAD_REQUEST');
    }
    // Given as the token, a fingerprint is no token at all.
    expectError(await holderRevoke(m, { token: fp }), 401, 'ERR_TOKEN_MALFORMED');
    expectError(
      await m.asAdmin('POST', '/v1/revocations', { token: fp }),
      401,
      'ERR_TOKEN_MALFORMED',
    );
  });

  it('a token with a third-party caveat needs its discharge, bound and intact', async () => {
    // A discharge that is not bound, or altered, fails its signature: it says nothing more.
    const m = await mintWith({});
    const t = await m.mint();
    const { token, unbound, discharge } = withThirdParty(t.token, 'tp');
    const bound = discharge();
    const tampered = Buffer.from(bound, 'base64url');
    tampered[tampered.length - 1]! ^= 1;
    expectError(await holderRevoke(m, { token }), 403, 'ERR_DISCHARGE_MISSING');
    expectError(
      await holderRevoke(m, { token, discharges: [unbound] }),
      401,
      'ERR_SIGNATURE_INVALID',
    );
    expectError(
      await holderRevoke(m, { token, discharges: [tampered.toString('base64url')] }),
      401,
      'ERR_SIGNATURE_INVALID',
    );
    const ok = await holderRevoke(m, { token, discharges: [bound] });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('rate limits (429 ERR_RATE_LIMITED)', () => {
  it('per client address, counting failed attempts too; other addresses unaffected', async () => {
    const m = await mintWith({ CHIT_HOLDER_REVOCATION_RATE_LIMIT: '5' });
    const tokens = await Promise.all(Array.from({ length: 4 }, () => m.mint()));
    for (const t of tokens)
      expect((await holderRevoke(m, { token: t.token })).statusCode).toBe(200);
    expectError(await holderRevoke(m, { token: 'not-a-token' }), 401, 'ERR_TOKEN_MALFORMED');
    const next = await m.mint();
    expectError(await holderRevoke(m, { token: next.token }), 429, 'ERR_RATE_LIMITED');
    expect((await decision(m, next.token)).allowed).toBe(true);
    const other = await holderRevoke(m, { token: next.token }, '10.0.0.2');
    expect(other.statusCode, other.body).toBe(200);
  });

  it('per token family, whichever address asks; other families unaffected', async () => {
    const m = await mintWith({ CHIT_HOLDER_REVOCATION_FAMILY_RATE_LIMIT: '3' });
    const root = await m.mint();
    for (let i = 0; i < 3; i++) {
      const res = await holderRevoke(m, { token: descendant(root.token, i) }, `10.0.1.${i}`);
      expect(res.statusCode, res.body).toBe(200);
    }
    expectError(
      await holderRevoke(m, { token: descendant(root.token, 3) }, '10.0.1.9'),
      429,
      'ERR_RATE_LIMITED',
    );
    const other = await m.mint();
    expect((await holderRevoke(m, { token: other.token })).statusCode).toBe(200);
  });
});

describe('the per-family cap: past it the whole family is revoked', () => {
  it('answers, stores and audits a token-id revocation; the mirror stays bounded', async () => {
    const m = await mintWith({
      CHIT_HOLDER_REVOCATIONS_PER_FAMILY: '4',
      CHIT_HOLDER_REVOCATION_FAMILY_RATE_LIMIT: '100',
    });
    const root = await m.mint();
    const bystander = await m.mint();
    const mirror = m.app.mint.mirror;
    const before = mirror.size;
    for (let i = 0; i < 4; i++) {
      const res = await holderRevoke(m, { token: descendant(root.token, i) });
      expect(res.json().revoked.kind).toBe('fingerprint');
    }
    expect(mirror.holderRevocations(root.tokenId)).toBe(4);
    expect((await decision(m, root.token)).allowed).toBe(true);
    const now = m.clock.now / 1000;
    const res = await holderRevoke(m, { token: descendant(root.token, 4) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      revoked: {
        kind: 'token',
        value: root.tokenId,
        revokedAt: now,
        expiresAt: now + MAX_TTL + LEEWAY_SECONDS,
      },
    });
    expect(await decision(m, root.token)).toEqual(
      expect.objectContaining({ allowed: false, code: 'ERR_TOKEN_REVOKED' }),
    );
    expect(await decision(m, descendant(root.token, 99))).toMatchObject({
      code: 'ERR_TOKEN_REVOKED',
    });
    expect((await decision(m, bystander.token)).allowed).toBe(true);
    for (let i = 5; i < 20; i++) {
      const again = await holderRevoke(m, { token: descendant(root.token, i) });
      expect(again.json().revoked).toMatchObject({ kind: 'token', value: root.tokenId });
    }
    expect(mirror.size).toBe(before + 5);
    const audit = await m.asAdmin('GET', `/v1/audit?tokenId=${root.tokenId}&type=revoke`);
    expect(audit.json().events).toHaveLength(20);
    expect(audit.json().events[4]).toMatchObject({ type: 'revoke', tokenId: root.tokenId });
    expect(m.logs.lines.some((l) => /reached their cap/.test(JSON.stringify(l)))).toBe(true);
  });

  it('defaults: 32 entries per family, then the family', async () => {
    const m = await mintWith({ CHIT_HOLDER_REVOCATION_FAMILY_RATE_LIMIT: '100' });
    const root = await m.mint();
    const kinds: string[] = [];
    for (let i = 0; i < 33; i++) {
      kinds.push((await holderRevoke(m, { token: descendant(root.token, i) })).json().revoked.kind);
    }
    expect(kinds.filter((k) => k === 'fingerprint')).toHaveLength(32);
    expect(kinds[32]).toBe('token');
  });
});
