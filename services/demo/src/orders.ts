/**
 * The demo's "orders" service: a fastify app protected by @chit/fastify (local mode, the
 * store shared with the mint). Every route declares what it needs; no route runs
 * without a capability that grants it.
 */
import { chit } from '@chit/fastify';
import type { ChitStore } from '@chit/store';
import type { KeyResolver } from '@chit/token';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';

/** One order of the demo data. */
export interface Order {
  readonly id: string;
  readonly customer: string;
  readonly total: number;
  refunded: number;
}

/**
 * The demo data: orders of tenants 42 and 43.
 * @example seedOrders().get('42')?.length // 4
 */
export function seedOrders(): Map<string, Order[]> {
  return new Map([
    [
      '42',
      [
        { id: '15', customer: '7', total: 80, refunded: 0 },
        { id: '16', customer: '9', total: 45, refunded: 0 },
        { id: '17', customer: '7', total: 150, refunded: 0 },
        { id: '18', customer: '8', total: 30, refunded: 0 },
      ],
    ],
    ['43', [{ id: '90', customer: '1', total: 999, refunded: 0 }]],
  ]);
}

/** Where log lines go (a pino destination: anything with `write`). */
type LogDestination = { write(line: string): void };

/** Options of {@link buildOrdersApp}. */
export interface OrdersAppOptions {
  readonly keys: KeyResolver;
  readonly store: ChitStore;
  readonly clock?: () => number;
  /** Where pino writes; `false` turns logging off (default). */
  readonly logDestination?: LogDestination | false;
}

const refundBody = z.strictObject({ amount: z.number().positive().max(1e9) });

/**
 * Builds the orders service (not listening).
 * @example
 * ```ts
 * const orders = await buildOrdersApp({ keys, store })
 * await orders.listen({ port: 0, host: '127.0.0.1' })
 * ```
 */
export async function buildOrdersApp(options: OrdersAppOptions): Promise<FastifyInstance> {
  const data = seedOrders();
  const app = Fastify({
    logger:
      options.logDestination === undefined || options.logDestination === false
        ? false
        : { stream: options.logDestination, redact: ['req.headers.authorization'] },
  });
  await app.register(chit, {
    keys: options.keys,
    store: options.store,
    audience: 'orders',
    tenant: 'params.tenant',
    ...(options.clock !== undefined && { clock: options.clock }),
  });
  const ordersOf = (tenant: string) => data.get(tenant) ?? [];

  app.get<{ Params: { tenant: string } }>(
    '/tenants/:tenant/orders',
    { config: { chit: { action: 'list', resource: 'orders' } } },
    async (req) => ({ orders: ordersOf(req.params.tenant) }),
  );
  app.get<{ Params: { tenant: string; customer: string } }>(
    '/tenants/:tenant/customers/:customer/orders',
    {
      config: {
        chit: {
          action: 'read',
          resource: 'customers/:customer/orders',
          attributes: { customer_id: 'params.customer' },
        },
      },
    },
    async (req) => ({
      orders: ordersOf(req.params.tenant).filter((o) => o.customer === req.params.customer),
    }),
  );
  app.post<{ Params: { tenant: string; id: string } }>(
    '/tenants/:tenant/orders/:id/refund',
    { config: { chit: { action: 'refund', resource: 'orders/:id' } } },
    async (req, reply) => {
      const body = refundBody.safeParse(req.body);
      if (!body.success) {
        return reply
          .code(400)
          .send({ error: { code: 'ERR_BAD_REQUEST', message: 'body must be { amount }' } });
      }
      const order = ordersOf(req.params.tenant).find((o) => o.id === req.params.id);
      if (order === undefined) {
        return reply.code(404).send({ error: { code: 'ERR_NOT_FOUND', message: 'no such order' } });
      }
      if (order.refunded + body.data.amount > order.total) {
        return reply
          .code(409)
          .send({ error: { code: 'ERR_CONFLICT', message: 'refund exceeds the order total' } });
      }
      order.refunded += body.data.amount;
      return { order: order.id, refunded: order.refunded, approvedBy: 'approval-discharge' };
    },
  );
  app.get('/healthz', { config: { chit: false } }, async () => ({ status: 'ok' }));
  return app;
}
