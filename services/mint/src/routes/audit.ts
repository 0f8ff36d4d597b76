/** `GET /v1/audit` (admin): audit events by token id, session, principal, tenant, trace, time. */
import { auditEventSchema, auditQuerySchema } from '@chit/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MintContext } from '../context.js';
import { errorSchema } from '../schemas.js';

// `since`/`until` as ISO 8601 (the store's form) or Unix seconds (the SDK's form).
const instant = z
  .union([z.iso.datetime(), z.string().regex(/^\d{1,12}$/, 'Unix seconds or ISO 8601')])
  .transform((v) => (/^\d+$/.test(v) ? new Date(Number(v) * 1000).toISOString() : v))
  .optional();
const querySchema = auditQuerySchema.extend({ since: instant, until: instant });

const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  next: z.string().nullable(),
});

/**
 * Registers the audit query route.
 * @example auditRoutes(app, ctx)
 */
export function auditRoutes(fastify: FastifyInstance, ctx: MintContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/audit',
    {
      preHandler: ctx.guards.require('admin'),
      schema: {
        tags: ['audit'],
        security: [{ admin: [] }],
        description:
          'Events oldest first; every filter given must match. Page with `next` as `cursor`.',
        querystring: querySchema,
        response: { 200: auditPageSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema },
      },
    },
    async (request) => ctx.store.queryAudit(request.query),
  );
}
