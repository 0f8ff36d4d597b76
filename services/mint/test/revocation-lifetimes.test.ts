/**
 * Issue 11, hole 2, at the mint's HTTP edge: a revocation entry outlives every moment at
 * which a verifier could still accept a token it covers (expiry + leeway), whatever a
 * discharge or a later caveat says; a token still accepted within the leeway is revocable.
 */
import { REVOCATION_NEVER_LAPSES } from '@chit/store';
import { attenuate, caveat, encode, LEEWAY_SECONDS, mint, parseToken } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { verifyForRevocation } from '../src/core.js';
import {
  expectError,
  rememberSecret,
  suiteTestMint,
  type TestMint,
  verifyBody,
} from './harness.js';
import { withThirdParty } from './holder-tokens.js';

const MAX_TTL = 7200;
const m = suiteTestMint({ env: { CHIT_MAX_TTL: String(MAX_TTL) } });

const nowS = () => m.clock.now / 1000;
const secret = (t: string) => {
  rememberSecret(t);
  return t;
};
async function decision(mint: TestMint, token: string, discharges: string[] = []) {
  const res = await mint.inject({
    method: 'POST',
    url: '/v1/verify',
    payload: { ...verifyBody(token), discharges },
  });
  expect(res.statusCode).toBe(200);
  return res.json() as { allowed: boolean; code?: string };
}
const holderRevoke = (token: string, discharges?: string[]) =>
  m.inject({
    method: 'POST',
    url: '/v1/revocations',
    payload: discharges ? { token, discharges } : { token },
  });
const REVOKED = { allowed: false, code: 'ERR_TOKEN_REVOKED' };

describe('holder revocation entries live until expiry + leeway (hole 2)', () => {
  it('a revoked token is still refused within the leeway after its expiry', async () => {
    const t = await m.mint({ ttl: 900 });
    const res = await holderRevoke(t.token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().revoked.expiresAt).toBe(t.expiresAt + LEEWAY_SECONDS);
    m.clock.advance(900 + 10); // expiry + 10 s: verifiers still accept the token
    expect(await decision(m, t.token)).toMatchObject(REVOKED);
    m.clock.advance(LEEWAY_SECONDS - 10 - 1); // the last second of acceptance
    expect(await decision(m, t.token)).toMatchObject(REVOKED);
    m.clock.advance(1); // no verifier accepts it any more: expired, and the entry may lapse
    expect(await decision(m, t.token)).toMatchObject({ allowed: false, code: 'ERR_TOKEN_EXPIRED' });
  });

  it('a discharge with a shorter expiry does not shorten the entry', async () => {
    const minted = await m.mint({ ttl: 900 });
    const { token, discharge } = withThirdParty(minted.token, 'approval-1');
    const res = await holderRevoke(token, [discharge(nowS() + 60)]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().revoked).toMatchObject({
      kind: 'fingerprint',
      expiresAt: minted.expiresAt + LEEWAY_SECONDS,
    });
    // Long after that discharge expired, the token with a fresh discharge is still revoked.
    m.clock.advance(600);
    expect(await decision(m, token, [discharge(nowS() + 600)])).toMatchObject(REVOKED);
  });

  it('a caveat the holder appended bounds only its own subtree, to its expiry + leeway', async () => {
    const t = await m.mint({ ttl: 900 });
    const child = secret(encode(attenuate(parseToken(t.token), [caveat.expires(nowS() + 100)])));
    const res = await holderRevoke(child);
    expect(res.json().revoked.expiresAt).toBe(nowS() + 100 + LEEWAY_SECONDS);
    m.clock.advance(100 + LEEWAY_SECONDS - 1);
    expect(await decision(m, child)).toMatchObject(REVOKED);
    expect(await decision(m, t.token)).toMatchObject({ allowed: true });
  });

  it('a token without any expiry gets an entry that never lapses', async () => {
    const keys = m.app.mint.keys;
    const token = secret(
      encode(
        mint({
          key: keys.activeKey,
          kid: keys.activeKid,
          tokenId: new Uint8Array(16).fill(5),
          issuedAt: nowS(),
          caveats: [caveat.tenant('42')],
        }),
      ),
    );
    const res = await holderRevoke(token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().revoked.expiresAt).toBe(REVOCATION_NEVER_LAPSES);
    m.clock.advance(366 * 86400);
    expect(await decision(m, token)).toMatchObject(REVOKED);
  });

  it('a token still accepted within the leeway is revocable; one past it is not', async () => {
    const t = await m.mint({ ttl: 60 });
    m.clock.advance(60 + 10);
    expect(verifyForRevocation(m.app.mint, t.token, []).tokenId).toBe(t.tokenId);
    const res = await holderRevoke(t.token);
    expect(res.statusCode, res.body).toBe(200);
    expect(await decision(m, t.token)).toMatchObject(REVOKED);
    const late = await m.mint({ ttl: 60 });
    m.clock.advance(60 + LEEWAY_SECONDS);
    expectError(await holderRevoke(late.token), 401, 'ERR_TOKEN_EXPIRED');
  });
});

describe('admin revocation entries outlive the longest token they can cover (hole 2)', () => {
  const revoke = (body: object) => m.asAdmin('POST', '/v1/revocations', body);

  it.each([
    ['token id', (t: { tokenId: string }) => ({ tokenId: t.tokenId })],
    ['session', () => ({ session: 'lifetime-session' })],
  ])('by %s: until now + max ttl + leeway', async (_name, body) => {
    const t = await m.mint({ ttl: MAX_TTL, session: 'lifetime-session' });
    const res = await revoke(body(t));
    expect(res.json().revoked.expiresAt).toBe(nowS() + MAX_TTL + LEEWAY_SECONDS);
    m.clock.advance(MAX_TTL + LEEWAY_SECONDS - 1);
    expect(await decision(m, t.token)).toMatchObject(REVOKED);
  });

  it('by principal: until issuedBefore + max ttl + leeway', async () => {
    const t = await m.mint({ ttl: MAX_TTL, principal: { id: 'lifetime-user' } });
    m.clock.advance(5);
    const res = await revoke({ principal: 'lifetime-user', issuedBefore: nowS() });
    expect(res.json().revoked.expiresAt).toBe(nowS() + MAX_TTL + LEEWAY_SECONDS);
    m.clock.advance(MAX_TTL - 5 + LEEWAY_SECONDS - 1);
    expect(await decision(m, t.token)).toMatchObject(REVOKED);
  });
});
