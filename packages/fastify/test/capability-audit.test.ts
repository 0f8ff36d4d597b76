/**
 * request.capability (frozen, narrow, delegationHeaders) and the audit event of every
 * decision, over the embedded store.
 */
import { auditEventSchema, createEmbeddedStore } from '@chit/store';
import { caveat, verifyChain } from '@chit/token';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  auth,
  buildApp,
  type ChitStore,
  embeddedSuite,
  keys,
  mintToken,
  readerCaveats,
} from './helpers.js';

const suite = embeddedSuite();
const { clock, track, reader, get } = suite;

describe('request.capability', () => {
  it('is frozen, carries no token, narrows and delegates', async () => {
    let seen: NonNullable<import('fastify').FastifyRequest['capability']> | undefined;

    const a = await buildAppWithCapture((req) => {
      seen = req.capability ?? undefined;
    });
    const t = reader();
    const res = await a.inject({
      method: 'GET',
      url: '/cap/7',
      headers: { 'x-tenant': '42', ...auth(t.token) },
    });
    expect(res.statusCode).toBe(200);
    const cap = seen!;
    expect(Object.isFrozen(cap)).toBe(true);
    expect(cap.tokenId).toBe(t.tokenId);
    expect(cap.principal).toBe('user-1');
    expect(cap.tenant).toBe('42');
    expect(cap.actions).toEqual(['read', 'refund']);
    expect(cap.context).toEqual({
      audience: 'orders',
      action: 'read',
      resource: 'orders/7',
      tenant: '42',
    });
    expect(JSON.stringify(cap)).not.toContain(t.token);
    expect(() => {
      (cap as { tokenId: string }).tokenId = 'x';
    }).toThrow(TypeError);

    const narrowed = cap.narrow({ attributes: { customer_id: '7' } });
    const ncap = verifyChain(narrowed, { keys });
    expect(ncap.tokenId).toBe(t.tokenId);
    expect(ncap.attributes).toEqual({ customer_id: ['7'] });
    expect(cap.narrow(['customer_id = 8'])).not.toBe(narrowed);
    expect(() => cap.narrow({ actions: ['write'] })).toThrowError(
      expect.objectContaining({ code: 'ERR_NOT_NARROWER' }),
    );

    const headers = cap.delegationHeaders('billing', { ttl: 30 });
    expect(Object.keys(headers)).toEqual(['authorization']);
    const delegated = headers.authorization!.replace(/^Chit /, '');
    const dcap = verifyChain(delegated, { keys });
    expect(dcap.via).toEqual(['orders']);
    expect(dcap.audiences).toEqual(['billing']);
    expect(dcap.expiresAt).toBe(Math.floor(clock() / 1000) + 30);
    await a.close();
  });
});

async function buildAppWithCapture(
  onHandler: (req: import('fastify').FastifyRequest) => void,
): Promise<FastifyInstance> {
  const { default: Fastify } = await import('fastify');
  const { chit } = await import('../src/index.js');
  const a = Fastify({ logger: { level: 'info', stream: suite.logs.stream } });
  await a.register(chit, { keys, store: suite.store, audience: 'orders', clock });
  a.get(
    '/cap/:id',
    { config: { chit: { action: 'read', resource: 'orders/:id', tenant: 'headers.x-tenant' } } },
    async (req) => {
      onHandler(req);
      return {};
    },
  );
  await a.ready();
  return a;
}

describe('audit', () => {
  it('records one event per decision, allow and deny, in the store and the log', async () => {
    const t = reader();
    const before = suite.logs.records().filter((r) => r.chitAudit !== undefined).length;
    expect((await get('/orders/7', auth(t.token))).statusCode).toBe(200);
    expect((await get('/orders/7', { ...auth(t.token), 'x-tenant': '43' })).statusCode).toBe(403);
    await suite.app.chit.flushAudit();
    const page = await suite.store.queryAudit({ tokenId: t.tokenId });
    expect(page.events.map((e) => [e.type, e.decision, e.code])).toEqual([
      ['verify.allow', 'allow', undefined],
      ['verify.deny', 'deny', 'ERR_CAVEAT_UNSATISFIED'],
    ]);
    const allow = page.events[0]!;
    expect(allow).toMatchObject({
      service: 'orders',
      route: '/orders/:id',
      tenant: '42',
      principal: 'user-1',
      kid: 'k1',
    });
    expect(allow.caveats).toEqual(readerCaveats());
    const logged = suite.logs.records().filter((r) => r.chitAudit !== undefined);
    expect(logged.length - before).toBe(2);
    // Built on the hot path without the parser: every event must still fit the schema.
    for (const r of logged) expect(() => auditEventSchema.parse(r.chitAudit)).not.toThrow();
    for (const e of page.events) expect(auditEventSchema.parse(e)).toEqual(e);
    expect(suite.app.chit.stats().audit.lost).toBe(0);
  });

  it('records the W3C traceparent trace id, else the token’s trace claim', async () => {
    const t = track(mintToken({ caveats: [...readerCaveats(), caveat.trace('t-from-token')] }));
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect((await get('/orders/7', { ...auth(t.token), traceparent: tp })).statusCode).toBe(200);
    expect((await get('/orders/7', { ...auth(t.token), traceparent: 'garbage' })).statusCode).toBe(
      200,
    );
    await suite.app.chit.flushAudit();
    const page = await suite.store.queryAudit({ tokenId: t.tokenId });
    expect(page.events.map((e) => e.traceId)).toEqual([
      '4bf92f3577b34da6a3ce929d0e0e4736',
      't-from-token',
    ]);
  });

  it('hands the events of one turn to the store in one appendAudits call; a failed batch loses each of its events', async () => {
    const inner = await createEmbeddedStore({ clock });
    const batches: number[] = [];
    let fail = false;
    const batching: ChitStore = {
      ...inner,
      appendAudit: () => Promise.reject(new Error('appendAudit must not be used')),
      async appendAudits(events) {
        batches.push(events.length);
        if (fail) throw new Error('audit store is down');
        await inner.appendAudits(events);
      },
    };
    const built = await buildApp({ keys, store: batching, audience: 'orders', clock });
    try {
      const t = reader();
      const burst = () =>
        Promise.all(
          Array.from({ length: 20 }, () =>
            built.app.inject({
              method: 'GET',
              url: '/orders/7',
              headers: { 'x-tenant': '42', ...auth(t.token) },
            }),
          ),
        );
      expect((await burst()).map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      await built.app.chit.flushAudit();
      expect(batches.reduce((a, b) => a + b, 0)).toBe(20);
      expect(batches.length).toBeLessThan(20);
      expect(built.app.chit.stats().audit).toEqual({ pending: 0, written: 20, lost: 0 });
      const stored = await inner.queryAudit({ tokenId: t.tokenId, limit: 100 });
      expect(stored.events).toHaveLength(20);

      fail = true;
      const before = batches.length;
      // A failed audit write never changes the decision.
      expect((await burst()).map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      await built.app.chit.flushAudit();
      expect(batches.length).toBeGreaterThan(before);
      expect(built.app.chit.stats().audit).toEqual({ pending: 0, written: 20, lost: 20 });
      const lostLines = built.logs.records().filter((r) => r.chitAuditLost !== undefined);
      expect(lostLines.map((r) => r.chitAuditLost)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    } finally {
      await built.app.close();
      await inner.close();
    }
  });

  it('names the route in the audit event of every decision, and none on a 404', async () => {
    const t = reader();
    const lastAudit = () =>
      suite.logs
        .records()
        .filter((r) => r.chitAudit !== undefined)
        .at(-1)!.chitAudit as Record<string, unknown>;
    expect((await get('/orders/7', auth(t.token))).statusCode).toBe(200);
    expect(lastAudit()).toMatchObject({ decision: 'allow', route: '/orders/:id' });
    // Denied by the judge (caveat) and at the headers stage (no credential).
    expect((await get('/orders/7', { ...auth(t.token), 'x-tenant': '43' })).statusCode).toBe(403);
    expect(lastAudit()).toMatchObject({ decision: 'deny', route: '/orders/:id' });
    expect((await get('/orders/7')).statusCode).toBe(401);
    expect(lastAudit()).toMatchObject({
      decision: 'deny',
      code: 'ERR_TOKEN_MISSING',
      route: '/orders/:id',
    });
    // The not-found handler: authenticated, then fastify's 404; no route in the event.
    expect((await get('/nowhere', auth(t.token))).statusCode).toBe(404);
    const nf = lastAudit();
    expect(nf.decision).toBe('allow');
    expect(nf.route).toBeUndefined();
    expect((await get('/nowhere')).statusCode).toBe(401);
    expect(lastAudit().route).toBeUndefined();
  });

  it('flushAudit resolves only once every queued write has settled, written or lost', async () => {
    const inner = await createEmbeddedStore({ clock });
    const gates: { open: () => void; fail: boolean }[] = [];
    const gated: ChitStore = {
      ...inner,
      appendAudits(events) {
        return new Promise<void>((resolve, reject) => {
          const gate = {
            fail: gates.length % 2 === 1,
            open: () =>
              gate.fail ? reject(new Error('down')) : resolve(inner.appendAudits(events)),
          };
          gates.push(gate);
        });
      },
    };
    const built = await buildApp({ keys, store: gated, audience: 'orders', clock });
    try {
      const t = reader();
      const one = () =>
        built.app.inject({
          method: 'GET',
          url: '/orders/7',
          headers: { 'x-tenant': '42', ...auth(t.token) },
        });
      // One write per turn: let the batcher drain between the two requests.
      expect((await one()).statusCode).toBe(200);
      await new Promise((r) => setImmediate(r));
      expect((await one()).statusCode).toBe(200);
      await new Promise((r) => setImmediate(r));
      expect(gates).toHaveLength(2);
      expect(built.app.chit.stats().audit.pending).toBe(2);
      let flushed = false;
      const flushing = built.app.chit.flushAudit().then(() => {
        flushed = true;
      });
      gates[0]!.open();
      await new Promise((r) => setImmediate(r));
      expect(flushed).toBe(false);
      expect(built.app.chit.stats().audit).toEqual({ pending: 1, written: 1, lost: 0 });
      gates[1]!.open();
      await flushing;
      expect(built.app.chit.stats().audit).toEqual({ pending: 0, written: 1, lost: 1 });
      // Nothing pending: resolves at once.
      await built.app.chit.flushAudit();
    } finally {
      for (const g of gates) g.open();
      await built.app.close();
      await inner.close();
    }
  });

  it('records a denial without a token id when the chain did not verify', async () => {
    const res = await get('/orders/7', { authorization: 'Chit AAAA' });
    expect(res.statusCode).toBe(401);
    const last = suite.logs
      .records()
      .filter((r) => r.chitAudit !== undefined)
      .at(-1)!.chitAudit as Record<string, unknown>;
    expect(last.code).toBe('ERR_TOKEN_MALFORMED');
    expect(last.tokenId).toBeUndefined();
  });
});
