/** `GET /v1/audit` (admin): audit events by token id, session, principal, tenant, trace, time. */
import { auditPageSchema, auditQueryFields } from '@chit/protocol';
import { auditEventSchema, auditQuerySchema } from '@chit/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MintContext } from '../context.js';
import { errorSchema } from '../schemas.js';

// The store's query with the wire's rules: identifiers well formed and free of control
// characters, `since`/`until` as ISO 8601 (the store's form) or Unix seconds (the SDK's).
const querySchema = auditQuerySchema.extend(auditQueryFields);
const pageSchema = auditPageSchema(auditEventSchema);

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
        response: { 200: pageSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema },
      },
    },
    async (request) => ctx.store.queryAudit(request.query),
  );
}
