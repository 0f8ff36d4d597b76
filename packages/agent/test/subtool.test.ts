import { ChitError } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CapabilityHolder, guardTool } from '../src/index.js';
import { codeOf, runtimeOn, SPEC, suiteMintHarness } from './helpers.js';

const h = suiteMintHarness();

const id = z.string().regex(/^[0-9]{1,6}$/);
const seen: Record<string, unknown>[] = [];
const customerOrders = guardTool(
  {
    name: 'customer_orders',
    args: z.strictObject({ customer: id }),
    needs: (a) => ({
      tenant: '42',
      action: 'read',
      resource: `customers/${a.customer}/orders`,
      attributes: { customer_id: a.customer },
    }),
  },
  async (a, ctx) => {
    seen.push({ customer: a.customer, attributes: ctx.capability.attributes });
    return a.customer;
  },
);

describe('sub-tools', () => {
  it('a sub-tool runs with the narrowed authority and cannot reach past it', async () => {
    let narrowed: CapabilityHolder | undefined;
    const summary = guardTool(
      {
        name: 'customer_summary',
        args: z.strictObject({ customer: id }),
        needs: (a) => ({
          tenant: '42',
          action: 'read',
          resource: `customers/${a.customer}/orders`,
        }),
      },
      async (a, ctx) => {
        narrowed = ctx.narrow({ attributes: { customer_id: a.customer } });
        return customerOrders(narrowed, { customer: a.customer });
      },
    );
    const session = await runtimeOn(h).startSession(SPEC);
    expect(await summary(session, { customer: '7' })).toBe('7');
    expect(seen.at(-1)).toEqual({ customer: '7', attributes: { customer_id: ['7'] } });
    // The narrowed holder outlives the call but still grants only customer 7, read.
    expect(await codeOf(customerOrders(narrowed!, { customer: '8' }))).toBe(
      'ERR_CAVEAT_UNSATISFIED',
    );
    // ...while the session itself still reaches customer 8.
    expect(await customerOrders(session, { customer: '8' })).toBe('8');
  });

  it('narrowing never widens: ERR_NOT_NARROWER', async () => {
    const codes: string[] = [];
    const tool = guardTool(
      {
        name: 'widen',
        args: z.strictObject({}),
        needs: () => ({ tenant: '42', action: 'list', resource: 'orders' }),
      },
      async (_a, ctx) => {
        for (const attempt of [
          { actions: ['refund'] },
          { tenant: '43' },
          { resources: ['orders/**'] },
          { ttl: 3600 },
        ]) {
          try {
            ctx.narrow(attempt);
            codes.push('none');
          } catch (e) {
            codes.push(e instanceof ChitError ? e.code : String(e));
          }
        }
      },
    );
    await tool(await runtimeOn(h).startSession(SPEC), {});
    expect(codes).toEqual([
      'ERR_NOT_NARROWER',
      'ERR_NOT_NARROWER',
      'ERR_NOT_NARROWER',
      'ERR_NOT_NARROWER',
    ]);
  });

  it('a sub-tool call is audited on its own, in the same session and trace', async () => {
    const session = await runtimeOn(h).startSession(SPEC);
    await customerOrders(session, { customer: '9' });
    const ev = h.events.filter(
      (e) => e.tool === 'customer_orders' && e.session === session.session,
    );
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ traceId: session.traceId, decision: 'allow' });
    expect(ev[0]!.caveats).toContain('customer_id = 9');
  });
});
