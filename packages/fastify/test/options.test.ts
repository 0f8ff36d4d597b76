/** Registration-time validation: options and route configs fail with the option's name. */
import { createEmbeddedStore } from '@chit/store';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { type ChitPluginOptions, chit } from '../src/index.js';
import { normalizeOptions } from '../src/options.js';
import { compileRoute } from '../src/route-config.js';
import { keys, testClock } from './helpers.js';

const clock = testClock();
const store = await createEmbeddedStore({ clock });
const base = { keys, store, audience: 'orders' };

describe('plugin options', () => {
  it.each([
    [{ ...base, audience: '' }, TypeError, /audience/],
    [{ ...base, audience: 'has space' }, TypeError, /audience/],
    [{ ...base, keys: 'k' }, TypeError, /keys/],
    [{ ...base, store: {} }, TypeError, /store\.revoke/],
    [{ ...base, store: undefined }, TypeError, /store/],
    [{ ...base, clock: 5 }, TypeError, /clock/],
    [{ ...base, leeway: 60 }, RangeError, /leeway is not configurable/],
    [{ ...base, leeway: 0 }, RangeError, /leeway is not configurable/],
    [{ ...base, cache: { maxEntries: -1 } }, RangeError, /cache\.maxEntries/],
    [{ ...base, cache: 'big' }, TypeError, /cache/],
    [{ ...base, revocation: { stalenessMs: 'x' } }, TypeError, /revocation\.stalenessMs/],
    [{ ...base, audit: { maxPending: 0 } }, RangeError, /audit\.maxPending/],
    [{ ...base, tenant: 42 }, TypeError, /tenant/],
    [{ audience: 'orders', remote: { url: 'ftp://x' } }, TypeError, /remote\.url/],
    [{ audience: 'orders', remote: { url: 'not a url' } }, TypeError, /remote\.url/],
    [{ ...base, remote: { url: 'http://x' } }, TypeError, /remote cannot be combined/],
    [
      { audience: 'orders', remote: { url: 'http://x', timeoutMs: 0 } },
      RangeError,
      /remote\.timeoutMs/,
    ],
    [null, TypeError, /options/],
  ])('rejects %o', (opts, Err, message) => {
    expect(() => normalizeOptions(opts)).toThrowError(Err);
    expect(() => normalizeOptions(opts)).toThrowError(message);
  });

  it('fills defaults', () => {
    const o = normalizeOptions(base);
    expect(o).toMatchObject({
      mode: 'local',
      stalenessMs: 2000,
      cacheEntries: 10_000,
      startupMs: 5000,
    });
    const r = normalizeOptions({ audience: 'orders', remote: { url: 'http://127.0.0.1:7300/x' } });
    expect(r).toMatchObject({
      mode: 'remote',
      url: 'http://127.0.0.1:7300/v1/verify',
      cacheTtlMs: 1000,
    });
  });

  it('fails registration, not a request', async () => {
    const app = Fastify();
    await expect(
      app.register(chit, { ...base, audience: '' } as unknown as ChitPluginOptions).ready(),
    ).rejects.toThrow(/audience/);
  });

  it('rejects a bad route config when the route is added', async () => {
    const app = Fastify();
    await app.register(chit, { ...base, clock });
    expect(() =>
      app.get('/x', { config: { chit: { action: 'read', resorce: 'x' } as never } }, async () => 1),
    ).toThrowError(/route GET \/x: config\.chit\.resorce is not a known option/);
    expect(() =>
      app.get('/y', { config: { chit: { attributes: { a: 'cookies.a' } } } }, async () => 1),
    ).toThrowError(/config\.chit\.attributes\.a/);
    expect(() =>
      app.get('/z', { config: { chit: { resource: 'orders/:bad-name' } } }, async () => 1),
    ).toThrowError(/config\.chit\.resource/);
    await app.close();
  });
});

describe('route context', () => {
  const req = (
    params: Record<string, unknown>,
    query: Record<string, unknown> = {},
    body?: unknown,
  ) => ({ params, query, headers: { 'x-tenant': '42' }, body }) as never;

  it('builds resource, tenant and attributes from their sources', () => {
    const r = compileRoute(
      {
        action: 'read',
        resource: 'tenants/:t/orders/:id',
        tenant: 'params.t',
        attributes: { customer_id: 'query.customer_id', region: 'headers.x-tenant' },
      },
      { audience: 'orders' },
      'GET /t',
    );
    expect(r.needsBody).toBe(false);
    expect(r.context(req({ t: '42', id: '7' }, { customer_id: '9' }))).toEqual({
      audience: 'orders',
      action: 'read',
      resource: 'tenants/42/orders/7',
      tenant: '42',
      attributes: { customer_id: '9', region: '42' },
    });
  });

  it('leaves a field out (so the core fails closed) when its value cannot be trusted', () => {
    const r = compileRoute(
      { resource: 'orders/:id', attributes: { c: 'query.c' } },
      { tenant: 'headers.x-tenant' },
      'GET /o',
    );
    for (const id of ['', '.', '..', 'a/b', undefined, 7 as unknown as string]) {
      const ctx = r.context(req({ id }, { c: ['1', '2'] }));
      if (id === (7 as unknown as string)) expect(ctx.resource).toBe('orders/7');
      else expect(ctx.resource).toBeUndefined();
      expect(ctx.attributes).toEqual({});
    }
    // Prototype names are never read from the request.
    const p = compileRoute({ attributes: { c: 'query.constructor' } }, {}, 'GET /p');
    expect(p.context(req({}, {})).attributes).toEqual({});
  });

  it('moves a route to preValidation only when a source reads the body', () => {
    expect(compileRoute({ attributes: { a: 'body.a' } }, {}, 'POST /b').needsBody).toBe(true);
    expect(compileRoute({ tenant: 'body.tenant' }, {}, 'POST /b').needsBody).toBe(true);
    expect(
      compileRoute({ tenant: (r: { id: unknown }) => String(r.id) }, {}, 'POST /b').needsBody,
    ).toBe(false);
    expect(compileRoute(false, {}, 'GET /h').protected).toBe(false);
  });
});
