import { describe, expect, it } from 'vitest';
import { expectError, startTestMint, suiteTestMint, type TestMint, verifyBody } from './harness.js';

const m = suiteTestMint();

const verify = (mint: TestMint, token: string) =>
  mint
    .inject({ method: 'POST', url: '/v1/verify', payload: verifyBody(token) })
    .then((r) => r.json() as { allowed: boolean; code?: string });

describe('GET /v1/audit', () => {
  it('filters by token id, session, principal, tenant, time range, and pages with a cursor', async () => {
    const t0 = m.clock.now;
    const a = await m.mint({ session: 'aud-a', principal: { id: 'carol' } });
    m.clock.advance(60);
    const b = await m.mint({ session: 'aud-b', tenant: '77', principal: { id: 'carol' } });
    for (let i = 0; i < 3; i++) await verify(m, a.token);
    const get = async (q: string) => {
      const res = await m.asAdmin('GET', `/v1/audit?${q}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        events: { type: string; tokenId: string; time: string }[];
        next: string | null;
      };
    };
    expect((await get(`tokenId=${a.tokenId}`)).events.map((e) => e.type)).toEqual([
      'mint',
      'verify.allow',
      'verify.allow',
      'verify.allow',
    ]);
    expect((await get('session=aud-b')).events.map((e) => e.tokenId)).toEqual([b.tokenId]);
    expect((await get('principal=carol&type=mint')).events.map((e) => e.tokenId)).toEqual([
      a.tokenId,
      b.tokenId,
    ]);
    expect((await get('tenant=77')).events.map((e) => e.tokenId)).toEqual([b.tokenId]);
    // Time range: ISO 8601 or Unix seconds; since inclusive, until exclusive.
    const mid = new Date(t0 + 30_000).toISOString();
    expect((await get(`principal=carol&type=mint&since=${mid}`)).events).toHaveLength(1);
    expect(
      (await get(`principal=carol&type=mint&until=${(t0 + 30_000) / 1000}`)).events,
    ).toHaveLength(1);
    // Pagination.
    const page1 = await get(`tokenId=${a.tokenId}&limit=3`);
    expect(page1.events).toHaveLength(3);
    expect(page1.next).not.toBeNull();
    const page2 = await get(`tokenId=${a.tokenId}&limit=3&cursor=${page1.next}`);
    expect(page2.events).toHaveLength(1);
    expect(page2.next).toBeNull();
  });

  it.each([
    ['an unknown filter', 'color=red'],
    ['a bad limit', 'limit=0'],
    ['a bad time', 'since=yesterday'],
    ['a forged cursor', 'cursor=not-a-cursor'],
  ])('rejects %s with 400 ERR_BAD_REQUEST', async (_n, q) => {
    expectError(await m.asAdmin('GET', `/v1/audit?${q}`), 400, 'ERR_BAD_REQUEST');
  });

  it('is admin only', async () => {
    expectError(await m.inject({ method: 'GET', url: '/v1/audit' }), 401, 'ERR_UNAUTHORIZED');
  });
});

describe('keys', () => {
  it('rotates without downtime: tokens of both kids verify; retiring the old kid denies its tokens with ERR_KEY_UNKNOWN', async () => {
    const r = await startTestMint();
    const old = await r.mint();
    expect(old.kid).toBe('k1');
    const rotated = await r.asAdmin('POST', '/v1/keys/rotate');
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json()).toEqual({
      active: 'k2',
      rotatable: true,
      keys: [
        { kid: 'k1', active: false, createdAt: expect.any(Number) },
        { kid: 'k2', active: true, createdAt: expect.any(Number) },
      ],
    });
    const fresh = await r.mint();
    expect(fresh.kid).toBe('k2');
    expect((await verify(r, old.token)).allowed).toBe(true);
    expect((await verify(r, fresh.token)).allowed).toBe(true);

    // The rotation is durable: a restart on the same directory keeps both kids.
    await r.close();
    const again = await startTestMint({ dir: r.dir, clock: r.clock });
    expect((await verify(again, old.token)).allowed).toBe(true);
    expect((await again.mint()).kid).toBe('k2');

    expectError(await again.asAdmin('POST', '/v1/keys/retire', { kid: 'k2' }), 409, 'ERR_CONFLICT');
    expectError(
      await again.asAdmin('POST', '/v1/keys/retire', { kid: 'k7' }),
      404,
      'ERR_NOT_FOUND',
    );
    expectError(
      await again.asAdmin('POST', '/v1/keys/retire', { kid: 'bad kid' }),
      400,
      'ERR_BAD_REQUEST',
    );
    const retired = await again.asAdmin('POST', '/v1/keys/retire', { kid: 'k1' });
    expect(retired.json().keys[0]).toMatchObject({ kid: 'k1', retiredAt: expect.any(Number) });
    expect(await verify(again, old.token)).toMatchObject({
      allowed: false,
      code: 'ERR_KEY_UNKNOWN',
    });
    expect((await verify(again, fresh.token)).allowed).toBe(true);
    // Holder revocation of a retired kid's token fails the same way.
    const post = await again.inject({
      method: 'POST',
      url: '/v1/revocations',
      payload: { token: old.token },
    });
    expectError(post, 401, 'ERR_KEY_UNKNOWN');
    await again.close();
  });

  it('with CHIT_ROOT_KEYS, both kids verify, the active one mints, and the API refuses rotation (409)', async () => {
    const k1 = '11'.repeat(32);
    const k2 = '22'.repeat(32);
    const before = await startTestMint({
      env: { CHIT_ROOT_KEYS: `old:${k1}`, CHIT_ADMIN_TOKEN: 'a'.repeat(40) },
    });
    const oldToken = await before.mint();
    await before.close();
    // The documented procedure: redeploy with both keys, the new one active.
    const after = await startTestMint({
      env: {
        CHIT_ROOT_KEYS: `old:${k1},new:${k2}`,
        CHIT_ACTIVE_KID: 'new',
        CHIT_ADMIN_TOKEN: 'a'.repeat(40),
      },
    });
    expect((await after.mint()).kid).toBe('new');
    expect((await verify(after, oldToken.token)).allowed).toBe(true);
    expectError(await after.asAdmin('POST', '/v1/keys/rotate'), 409, 'ERR_CONFLICT');
    expect((await after.asAdmin('GET', '/v1/keys')).json()).toMatchObject({
      active: 'new',
      rotatable: false,
    });
    await after.close();
    const retired = await startTestMint({
      env: { CHIT_ROOT_KEYS: `new:${k2}`, CHIT_ADMIN_TOKEN: 'a'.repeat(40) },
    });
    expect(await verify(retired, oldToken.token)).toMatchObject({
      allowed: false,
      code: 'ERR_KEY_UNKNOWN',
    });
    await retired.close();
  });

  it('never shows key material and is admin only', async () => {
    const res = await m.asAdmin('GET', '/v1/keys');
    expect(JSON.stringify(res.json())).not.toMatch(/[0-9a-f]{64}/);
    expectError(
      await m.inject({ method: 'POST', url: '/v1/keys/rotate' }),
      401,
      'ERR_UNAUTHORIZED',
    );
  });
});
