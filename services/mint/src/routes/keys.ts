/** `GET /v1/keys`, `POST /v1/keys/rotate`, `POST /v1/keys/retire` (admin). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MintContext } from '../context.js';
import { errorSchema, keysResponseSchema, retireBodySchema } from '../schemas.js';

/**
 * Registers the key management routes.
 * @example keyRoutes(app, ctx)
 */
export function keyRoutes(fastify: FastifyInstance, ctx: MintContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const view = () => ({
    active: ctx.keys.activeKid,
    rotatable: ctx.keys.rotatable,
    keys: ctx.keys.list(),
  });
  const errors = { 401: errorSchema, 403: errorSchema, 409: errorSchema, 429: errorSchema };
  const security = [{ admin: [] }];

  app.get(
    '/v1/keys',
    {
      preHandler: ctx.guards.require('admin'),
      schema: { tags: ['keys'], security, response: { 200: keysResponseSchema, ...errors } },
    },
    async () => view(),
  );
  app.post(
    '/v1/keys/rotate',
    {
      preHandler: ctx.guards.require('admin'),
      schema: {
        tags: ['keys'],
        security,
        description: 'Adds a fresh kid and makes it the one that mints; older kids keep verifying.',
        response: { 200: keysResponseSchema, ...errors },
      },
    },
    async (request) => {
      const { kid, previous } = await ctx.keys.rotate(ctx.random(32), ctx.nowSeconds());
      ctx.chainCache.clear();
      request.log.info({ kid, previous }, 'key rotated');
      return view();
    },
  );
  app.post(
    '/v1/keys/retire',
    {
      preHandler: ctx.guards.require('admin'),
      schema: {
        tags: ['keys'],
        security,
        description: 'Retires a kid: its tokens fail with ERR_KEY_UNKNOWN from now on.',
        body: retireBodySchema,
        response: { 200: keysResponseSchema, 404: errorSchema, ...errors },
      },
    },
    async (request) => {
      await ctx.keys.retire(request.body.kid, ctx.nowSeconds());
      ctx.chainCache.clear();
      request.log.info({ kid: request.body.kid }, 'key retired');
      return view();
    },
  );
}
