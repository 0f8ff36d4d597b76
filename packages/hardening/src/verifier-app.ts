/**
 * A protected service as the suite sees it: fastify + @chit/fastify with representative
 * routes, a counter of handler runs (a denial must never reach a handler), and the
 * request id echoed in `x-request-id` so answers can be reconciled with audit events.
 */
import { randomBytes } from 'node:crypto';
import { type ChitLocalOptions, type ChitPluginOptions, chit } from '@chit/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * Options of {@link buildVerifierApp}.
 * @example
 * ```ts
 * const opts: VerifierAppOptions = { chit: { keys, store, clock: Date.now } };
 * ```
 */
export interface VerifierAppOptions {
  /** The plugin's options (audience defaults to `orders`, tenant to `headers.x-tenant`). */
  readonly chit: Omit<ChitLocalOptions, 'audience'> & { audience?: string };
  /** Where logs go (default: none). */
  readonly logStream?: NodeJS.WritableStream | { write(line: string): unknown };
}

/**
 * A built verifier app.
 * @example
 * ```ts
 * const { app, handlerRuns }: VerifierApp = await buildVerifierApp(opts);
 * ```
 */
export interface VerifierApp {
  readonly app: FastifyInstance;
  /** How many times any protected handler ran. */
  handlerRuns(): number;
}

/**
 * Builds and readies the app. Routes: `GET /orders/:id` (read), `POST /orders/:id/refund`
 * (refund, attribute `amount` from the body), `GET /users/:id` (read), `GET /healthz` (open).
 *
 * @example
 * ```ts
 * const { app, handlerRuns } = await buildVerifierApp({ chit: { keys, store, clock } });
 * ```
 */
export async function buildVerifierApp(options: VerifierAppOptions): Promise<VerifierApp> {
  let runs = 0;
  const app = Fastify({
    logger: options.logStream
      ? {
          level: 'info',
          stream: options.logStream as NodeJS.WritableStream,
          redact: ['req.headers.authorization', 'req.headers["chit-discharges"]'],
        }
      : false,
    genReqId: () => randomBytes(12).toString('base64url'),
  });
  await app.register(chit, {
    audience: 'orders',
    tenant: 'headers.x-tenant',
    ...options.chit,
  } as ChitPluginOptions);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
  });
  app.get(
    '/orders/:id',
    { config: { chit: { action: 'read', resource: 'orders/:id' } } },
    async (req) => {
      runs++;
      return { ok: true, tokenId: req.capability?.tokenId };
    },
  );
  app.post(
    '/orders/:id/refund',
    {
      config: {
        chit: { action: 'refund', resource: 'orders/:id', attributes: { amount: 'body.amount' } },
      },
    },
    async () => {
      runs++;
      return { refunded: true };
    },
  );
  app.get(
    '/users/:id',
    { config: { chit: { action: 'read', resource: 'users/:id' } } },
    async () => {
      runs++;
      return { ok: true };
    },
  );
  app.get('/healthz', { config: { chit: false } }, async () => ({ ok: true }));
  await app.ready();
  return { app, handlerRuns: () => runs };
}
