import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rememberSecret, suiteTestMint } from './harness.js';

const SEED = 20260101;
const m = suiteTestMint({ env: { CHIT_MINT_RATE_LIMIT: '100000' } });

const value = fc.stringMatching(/^[A-Za-z0-9._~:@+-]{1,24}$/);
const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);

describe('properties (fast-check, fixed seed)', () => {
  it('hostile JSON bodies on every POST route get a 4xx error shape or a decision, never a 500', async () => {
    const routes = ['/v1/tokens', '/v1/verify', '/v1/revocations', '/v1/keys/retire'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.jsonValue({ maxDepth: 4 }),
        async (url, body) => {
          const res = await m.inject({
            method: 'POST',
            url,
            headers: { authorization: `Bearer ${m.admin}`, 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
          expect(res.statusCode).toBeLessThan(500);
          const json = res.json();
          if (res.statusCode >= 400) {
            expect(Object.keys(json)).toEqual(['error']);
            expect(json.error.code).toMatch(/^ERR_[A-Z_]+$/);
          }
          if (typeof json?.token === 'string') rememberSecret(json.token);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('hostile audit queries get an answer or a 400, never a 500', async () => {
    const key = fc.constantFrom(
      'tokenId',
      'session',
      'principal',
      'tenant',
      'traceId',
      'type',
      'since',
      'until',
      'cursor',
      'limit',
      'x',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(key, fc.string({ maxLength: 40 })), { maxLength: 5 }),
        async (pairs) => {
          const query = new URLSearchParams(pairs).toString();
          const res = await m.asAdmin('GET', `/v1/audit?${query}`);
          expect([200, 400]).toContain(res.statusCode);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('a minted token allows exactly its tenant, resources and actions', async () => {
    await fc.assert(
      fc.asyncProperty(
        value,
        value,
        fc.uniqueArray(segment, { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 86_400 }),
        async (principal, tenant, prefixes, actions, ttl) => {
          const res = await m.asAdmin('POST', '/v1/tokens', {
            principal: { id: principal },
            tenant,
            resources: prefixes.map((p) => `${p}/*`),
            actions,
            ttl,
          });
          expect(res.statusCode, res.body).toBe(201);
          const { token } = res.json();
          const check = async (context: object) =>
            (
              await m.inject({ method: 'POST', url: '/v1/verify', payload: { token, context } })
            ).json();
          const ok = { tenant, resource: `${prefixes[0]}/x`, action: actions[0] };
          expect((await check(ok)).allowed).toBe(true);
          for (const bad of [
            { ...ok, tenant: `${tenant}x` },
            { ...ok, resource: `${prefixes[0]}x/x` },
            { ...ok, action: `${actions[0]}x` },
          ]) {
            expect(await check(bad)).toMatchObject({
              allowed: false,
              code: 'ERR_CAVEAT_UNSATISFIED',
            });
          }
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });
});
