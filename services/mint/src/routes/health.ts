/** `/healthz` (process alive), `/readyz` (store reachable, revocation mirror current), `/metrics`. */
import { ChitError } from '@chit/token';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MintContext } from '../context.js';
import { errorSchema, healthSchema } from '../schemas.js';

/**
 * Registers the health, readiness and metrics routes.
 * @example healthRoutes(app, ctx)
 */
export function healthRoutes(fastify: FastifyInstance, ctx: MintContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/healthz',
    { schema: { tags: ['health'], response: { 200: healthSchema } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    { schema: { tags: ['health'], response: { 200: healthSchema, 503: errorSchema } } },
    async () => {
      try {
        await ctx.store.ping();
      } catch {
        throw new ChitError('ERR_STORE_UNAVAILABLE', 'store is unreachable');
      }
      if (!ctx.mirror.available(ctx.clock())) {
        throw new ChitError('ERR_REVOCATION_UNAVAILABLE', 'revocation mirror is not current');
      }
      return { status: 'ready' as const };
    },
  );
  app.get('/metrics', { schema: { tags: ['health'], hide: true } }, async (_req, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}
