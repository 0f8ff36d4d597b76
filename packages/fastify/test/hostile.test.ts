/**
 * Hostile input through HTTP (fast-check, fixed seed): no header, path or query value can
 * produce a 500 or an allow without a valid token; every answer is a stable code.
 */
import { HTTP_STATUS } from '@chit/protocol';
import { createEmbeddedStore } from '@chit/store';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, buildApp, keys, mintToken, readerCaveats, testClock } from './helpers.js';

const clock = testClock();
let app: FastifyInstance;
let logs: Awaited<ReturnType<typeof buildApp>>['logs'];
const valid = mintToken({ caveats: readerCaveats() });

beforeAll(async () => {
  const store = await createEmbeddedStore({ clock });
  ({ app, logs } = await buildApp({ keys, store, audience: 'orders', clock }));
});
afterAll(async () => {
  await app.close();
  logs.assertNoSecrets([valid.token]);
});

/** Printable ASCII only: Node refuses other header bytes before any plugin runs. */
function headerSafe(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function expectStable(res: { statusCode: number; json(): unknown }, allowed: number[]) {
  expect(allowed).toContain(res.statusCode);
  if (res.statusCode >= 400 && res.statusCode !== 404) {
    const code = (res.json() as { error: { code: keyof typeof HTTP_STATUS } }).error.code;
    expect(HTTP_STATUS[code]).toBe(res.statusCode);
  }
}

describe('hostile input', () => {
  it('arbitrary Authorization values are refused with 401, never 500', async () => {
    const header = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ maxLength: 300 }).map((s) => `Chit ${s}`),
      fc.base64String({ maxLength: 400 }).map((s) => `Chit ${s}`),
      fc.nat({ max: valid.token.length - 1 }).map((n) => `Chit ${valid.token.slice(0, n)}`),
      fc
        .tuple(fc.nat({ max: valid.token.length - 1 }), fc.constantFrom(...'ABCabc012-_'))
        .map(([i, c]) => `Chit ${valid.token.slice(0, i)}${c}${valid.token.slice(i + 1)}`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        // Node refuses header values with control characters before any plugin runs.
        fc.pre(headerSafe(value));
        const res = await app.inject({
          method: 'GET',
          url: '/orders/7',
          headers: { 'x-tenant': '42', authorization: value },
        });
        if (value === `Chit ${valid.token}`) expectStable(res, [200]);
        else expectStable(res, [401, 403]);
      }),
      { seed: 424242, numRuns: 400 },
    );
  });

  it('arbitrary params, query and tenant values never crash a valid token’s request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 20 }),
        async (id, customer, tenant) => {
          fc.pre(headerSafe(tenant));
          const res = await app.inject({
            method: 'GET',
            url: `/orders/${encodeURIComponent(id)}?customer_id=${encodeURIComponent(customer)}`,
            headers: { 'x-tenant': tenant, ...auth(valid.token) },
          });
          expectStable(res, [200, 400, 403, 404]);
          if (res.statusCode === 200) expect(tenant).toBe('42');
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
