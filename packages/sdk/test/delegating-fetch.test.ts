// The fetch wrapper against two real HTTP servers on real sockets: a known audience
// ("billing") and an unknown origin that must never see a credential.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delegate } from '../src/delegate.js';
import { createDelegatingFetch } from '../src/delegating-fetch.js';
import { formatHeaders, readDelegationHeaders } from '../src/headers.js';
import { check, clock, NOW_S, wideToken } from './helpers.js';

interface Seen {
  authorization?: string | undefined;
  discharges?: string | undefined;
  raw: string[];
}

async function server(seen: Seen[]): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ forceCloseConnections: true });
  app.all('/*', async (req, reply) => {
    seen.push({
      authorization: req.headers.authorization,
      discharges: req.headers['chit-discharges'] as string | undefined,
      raw: req.raw.rawHeaders,
    });
    if (req.url === '/redirect') return reply.redirect('http://127.0.0.1:9/elsewhere', 302);
    return { ok: true };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

const billingSeen: Seen[] = [];
const otherSeen: Seen[] = [];
let billing: { app: FastifyInstance; url: string };
let other: { app: FastifyInstance; url: string };

beforeAll(async () => {
  billing = await server(billingSeen);
  other = await server(otherSeen);
});
afterAll(async () => {
  await billing.app.close();
  await other.app.close();
});

describe('createDelegatingFetch', () => {
  it('sends a delegated token to a known audience, replacing any Authorization', async () => {
    const parent = wideToken();
    const call = createDelegatingFetch({
      token: parent,
      audiences: { [billing.url]: 'billing' },
      via: 'orders',
      ttl: 20,
      clock,
    });
    const res = await call(`${billing.url}/v1/invoices/7`, {
      headers: { authorization: 'Bearer stolen', 'x-trace': 't1' },
    });
    expect(res.status).toBe(200);
    const seen = billingSeen.at(-1)!;
    const { token, discharges } = readDelegationHeaders({ rawHeaders: seen.raw });
    expect(discharges).toEqual([]);
    expect(seen.raw).toContain('t1');
    expect(token).not.toBe(parent);
    const cap = check(token, {
      tenant: '42',
      resource: 'orders/7',
      action: 'read',
      audience: 'billing',
    });
    expect(cap.via).toEqual(['orders']);
    expect(cap.expiresAt).toBe(NOW_S + 20);
  });

  it('sends nothing to an unknown origin', async () => {
    const call = createDelegatingFetch({
      token: wideToken(),
      audiences: { [billing.url]: 'billing' },
      via: 'orders',
      clock,
    });
    await call(new URL(`${other.url}/x`));
    expect(otherSeen.at(-1)!.authorization).toBeUndefined();
    await call(new Request(`${other.url}/y`, { headers: { authorization: 'Basic keep' } }));
    expect(otherSeen.at(-1)!.authorization).toBe('Basic keep');
  });

  it('uses getToken per request, sends discharges, and does not follow redirects', async () => {
    let calls = 0;
    const call = createDelegatingFetch({
      getToken: async () => {
        calls++;
        return wideToken();
      },
      getDischarges: () => ['AgEEZGlzMQ'],
      audiences: { [billing.url]: 'billing' },
      via: 'orders',
      clock,
    });
    const res = await call(new Request(`${billing.url}/redirect`, { method: 'POST', body: 'x' }));
    expect(res.status).toBe(302);
    expect(calls).toBe(1);
    expect(billingSeen.at(-1)!.discharges).toBe('AgEEZGlzMQ');
  });

  it('uses a delegator (like request.capability) and adds discharges to its headers', async () => {
    const parent = wideToken();
    const asked: (number | undefined)[] = [];
    const call = createDelegatingFetch({
      delegator: {
        delegationHeaders: (audience, o) => {
          asked.push(o?.ttl);
          return formatHeaders(delegate(parent, { audience, via: 'orders', ttl: o?.ttl, clock }));
        },
      },
      getDischarges: () => ['AgEEZGlzMg'],
      audiences: { [billing.url]: 'billing' },
      ttl: 15,
    });
    await call(`${billing.url}/x`);
    expect(asked).toEqual([15]);
    const { token, discharges } = readDelegationHeaders({ rawHeaders: billingSeen.at(-1)!.raw });
    expect(discharges).toEqual(['AgEEZGlzMg']);
    const cap = check(token, {
      tenant: '42',
      resource: 'orders/1',
      action: 'read',
      audience: 'billing',
    });
    expect(cap.expiresAt).toBe(NOW_S + 15);
  });

  it('rejects bad options as misuse', () => {
    const base = { audiences: {}, via: 'orders' };
    expect(() => createDelegatingFetch(base)).toThrow(TypeError);
    expect(() => createDelegatingFetch({ ...base, token: 't', getToken: () => 't' })).toThrow(
      TypeError,
    );
    expect(() =>
      createDelegatingFetch({ ...base, token: 't', audiences: { 'http://a/path': 'x' } }),
    ).toThrow(RangeError);
    expect(() => createDelegatingFetch({ token: 't', audiences: {} })).toThrow(TypeError);
    expect(() => createDelegatingFetch({ ...base, delegator: {} as never })).toThrow(TypeError);
    expect(() => createDelegatingFetch({ ...base, token: 't', audiences: { nope: 'x' } })).toThrow(
      TypeError,
    );
  });
});
