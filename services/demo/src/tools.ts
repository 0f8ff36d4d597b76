/**
 * The demo's tools: what a model could call. Each is a guarded tool; the model chooses
 * the arguments, the application supplies the capability.
 */
import { guardTool } from '@chit/agent';
import { ChitError, isErrorCode } from '@chit/token';
import { z } from 'zod';

const id = z.string().regex(/^[0-9]{1,12}$/);

async function json(res: Response): Promise<unknown> {
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code?: unknown; message?: unknown } }
    | undefined;
  if (!res.ok) {
    const code = isErrorCode(body?.error?.code) ? body.error.code : 'ERR_INTERNAL';
    throw new ChitError(code, `downstream service answered ${res.status}`);
  }
  return body;
}

/**
 * Builds the demo tools.
 * @example
 * ```ts
 * const tools = demoTools('http://127.0.0.1:7401')
 * await tools.listOrders(session, { tenant: '42' })
 * ```
 */
export function demoTools(ordersUrl: string) {
  const listOrders = guardTool(
    {
      name: 'list_orders',
      args: z.strictObject({ tenant: id }),
      needs: (a) => ({ tenant: a.tenant, action: 'list', resource: 'orders' }),
    },
    async (a, ctx) =>
      (await json(await ctx.fetch(`${ordersUrl}/tenants/${a.tenant}/orders`))) as {
        orders: unknown[];
      },
  );
  const customerOrders = guardTool(
    {
      name: 'customer_orders',
      args: z.strictObject({ tenant: id, customer: id }),
      needs: (a) => ({
        tenant: a.tenant,
        action: 'read',
        resource: `customers/${a.customer}/orders`,
        attributes: { customer_id: a.customer },
      }),
    },
    async (a, ctx) =>
      (await json(
        await ctx.fetch(`${ordersUrl}/tenants/${a.tenant}/customers/${a.customer}/orders`),
      )) as { orders: unknown[] },
  );
  // A tool composed of a sub-tool: the sub-tool gets an authority narrowed to one customer.
  const customerSummary = guardTool(
    {
      name: 'customer_summary',
      args: z.strictObject({ tenant: id, customer: id }),
      needs: (a) => ({
        tenant: a.tenant,
        action: 'read',
        resource: `customers/${a.customer}/orders`,
      }),
    },
    async (a, ctx) => {
      const narrowed = ctx.narrow({ attributes: { customer_id: a.customer } });
      const { orders } = await customerOrders(narrowed, a);
      return { customer: a.customer, orders: orders.length };
    },
  );
  const refundOrder = guardTool(
    {
      name: 'refund_order',
      args: z.strictObject({ tenant: id, order: id, amount: z.number().positive().max(1e6) }),
      needs: (a) => ({ tenant: a.tenant, action: 'refund', resource: `orders/${a.order}` }),
      // The policy: refunds over 100 need a human.
      approval: (a) =>
        a.amount > 100 ? { summary: `refund ${a.amount} on order ${a.order}` } : undefined,
    },
    async (a, ctx) =>
      (await json(
        await ctx.fetch(`${ordersUrl}/tenants/${a.tenant}/orders/${a.order}/refund`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ amount: a.amount }),
        }),
      )) as { order: string; refunded: number },
  );
  return { listOrders, customerOrders, customerSummary, refundOrder };
}

/** The tools of the demo. */
export type DemoTools = ReturnType<typeof demoTools>;
