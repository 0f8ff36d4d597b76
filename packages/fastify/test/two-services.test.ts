// Two services on real sockets, both protected by @chit/fastify: A ("orders") calls B
// ("billing") through the SDK's delegating fetch. B sees A's token narrowed to its
// audience, with A's `via` and a shorter expiry; C ("shipping") refuses that token.
// (It lives with @chit/fastify, which depends on @chit/sdk: the other way round would be
// a cycle in the workspace build graph.)
import { connect } from 'node:net';
import { createDelegatingFetch, inspect } from '@chit/sdk';
import { formatHeaders, readDelegationHeaders } from '@chit/sdk/headers';
import { createEmbeddedStore } from '@chit/store';
import { caveat, encode, mint } from '@chit/token';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chit } from '../src/index.js';
import { KEY, keys } from './helpers.js';

const NOW_S = 1_800_000_000;
const clock = () => NOW_S * 1000;
let counter = 0;
function mintToken(conditions: readonly string[]): string {
  const tokenId = new Uint8Array(16);
  tokenId[15] = ++counter;
  return encode(mint({ key: KEY, kid: 'k1', tokenId, issuedAt: NOW_S - 10, caveats: conditions }));
}

interface Service {
  app: FastifyInstance;
  url: string;
}

const seenByB: { via: readonly string[]; expiresAt: number | null; token: string }[] = [];
let a: Service;
let b: Service;
let c: Service;

async function service(audience: string, routes: (app: FastifyInstance) => void): Promise<Service> {
  const store = await createEmbeddedStore({ clock });
  const app = Fastify({ forceCloseConnections: true });
  await app.register(chit, { keys, store, audience, clock, tenant: 'headers.x-tenant' });
  routes(app);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

function invoiceRoute(app: FastifyInstance): void {
  app.get(
    '/invoices/:id',
    { config: { chit: { action: 'read', resource: 'invoices/:id' } } },
    async (req) => {
      const token = readDelegationHeaders({ rawHeaders: req.raw.rawHeaders }).token;
      seenByB.push({ via: req.capability!.via, expiresAt: req.capability!.expiresAt, token });
      return { invoice: (req.params as { id: string }).id, via: req.capability!.via };
    },
  );
}

beforeAll(async () => {
  b = await service('billing', invoiceRoute);
  c = await service('shipping', invoiceRoute);
  a = await service('orders', (app) => {
    app.get(
      '/orders/:id',
      { config: { chit: { action: 'read', resource: 'orders/:id' } } },
      async (req) => {
        // A forwards the authority it received, narrowed for B, through the SDK wrapper;
        // request.capability delegates without ever exposing the token to the handler.
        const call = createDelegatingFetch({
          delegator: req.capability!,
          audiences: { [b.url]: 'billing' },
          ttl: 30,
        });
        const id = (req.params as { id: string }).id;
        const res = await call(`${b.url}/invoices/${id}`, { headers: { 'x-tenant': '42' } });
        return { status: res.status, body: await res.json() };
      },
    );
  });
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.app.close(), b?.app.close(), c?.app.close()]);
});

function userToken(): string {
  return mintToken([
    caveat.tenant('42'),
    caveat.resource(['invoices/*', 'orders/*']),
    caveat.action('read'),
    caveat.audience(['billing', 'orders']),
    caveat.expires(NOW_S + 3600),
  ]);
}

describe('delegation across two services', () => {
  it('A calls B with a token narrowed to B, via A, with a shorter expiry', async () => {
    const res = await fetch(`${a.url}/orders/7`, {
      headers: { ...formatHeaders(userToken()), 'x-tenant': '42' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 200, body: { invoice: '7', via: ['orders'] } });
    const seen = seenByB.at(-1)!;
    expect(seen.via).toEqual(['orders']);
    expect(seen.expiresAt).toBe(NOW_S + 30);
    expect(inspect(seen.token, { clock }).audiences).toEqual(['billing']);
  });

  it('C refuses the token delegated to B (403, audience not satisfied)', async () => {
    await fetch(`${a.url}/orders/8`, {
      headers: { ...formatHeaders(userToken()), 'x-tenant': '42' },
    });
    const delegated = seenByB.at(-1)!.token;
    const res = await fetch(`${c.url}/invoices/8`, {
      headers: { ...formatHeaders(delegated), 'x-tenant': '42' },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'ERR_CAVEAT_UNSATISFIED',
    );
    // While B itself still accepts it.
    const ok = await fetch(`${b.url}/invoices/8`, {
      headers: { ...formatHeaders(delegated), 'x-tenant': '42' },
    });
    expect(ok.status).toBe(200);
  });

  it('B refuses a second Authorization header smuggled next to the first (raw socket)', async () => {
    const t = userToken();
    const { hostname, port } = new URL(b.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const s = connect(Number(port), hostname, () => {
        s.write(
          `GET /invoices/1 HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Chit ${t}\r\n` +
            `x-tenant: 42\r\nAuthorization: Chit ${t}\r\nConnection: close\r\n\r\n`,
        );
      });
      let out = '';
      s.setEncoding('utf8').on('data', (d: string) => {
        out += d;
      });
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 401 /);
    expect(raw).toContain('"code":"ERR_TOKEN_MALFORMED"');
    expect(raw).toMatch(/www-authenticate: Chit/i);
  });
});
