/** `POST /v1/tokens`: mint a capability (admin, or a mint client scoped to tenants and ttl). */

import { traceIdFrom } from '@chit/protocol/headers';
import { ChitError } from '@chit/token';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MintContext } from '../context.js';
import { mintCapability } from '../core.js';
import { errorSchema, mintBodySchema, mintResponseSchema } from '../schemas.js';

/**
 * Registers the mint route (rate limited per client IP).
 * @example tokenRoutes(app, ctx)
 */
export function tokenRoutes(fastify: FastifyInstance, ctx: MintContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/tokens',
    {
      preHandler: ctx.guards.require('admin-or-client'),
      config: { rateLimit: { max: ctx.config.mintRateLimit, timeWindow: 60_000 } },
      schema: {
        tags: ['tokens'],
        security: [{ admin: [] }, { mintClient: [] }],
        description:
          'Mints a capability token. A mint client may only mint for its tenants and up to its maxTtl.',
        body: mintBodySchema,
        response: {
          201: mintResponseSchema,
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
          413: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const caller = request.caller;
      if (caller?.kind === 'client') {
        if (!caller.client.tenants.includes(body.tenant)) {
          throw new ChitError('ERR_FORBIDDEN', 'this mint client may not mint for that tenant');
        }
        if (body.ttl > caller.client.maxTtl) {
          throw new ChitError(
            'ERR_FORBIDDEN',
            `this mint client may mint for at most ${caller.client.maxTtl} s`,
          );
        }
      } else if (body.ttl > ctx.config.maxTtl) {
        throw new ChitError(
          'ERR_BAD_REQUEST',
          `ttl must be at most ${ctx.config.maxTtl} s (CHIT_MAX_TTL)`,
        );
      }
      const traceId = body.traceId ?? traceIdFrom(request.headers.traceparent);
      const minted = mintCapability(ctx, body, traceId);
      ctx.metrics.mints.inc({ kid: minted.kid });
      await ctx.audit(
        {
          type: 'mint',
          service: ctx.config.serviceName,
          route: '/v1/tokens',
          tokenId: minted.tokenId,
          kid: minted.kid,
          tokenFingerprint: minted.fingerprint,
          caveats: minted.caveats,
          principal: body.principal.id,
          tenant: body.tenant,
          ...(body.session ? { session: body.session } : {}),
          ...(traceId ? { traceId } : {}),
        },
        request.id,
      );
      return reply.code(201).send({
        token: minted.token,
        tokenId: minted.tokenId,
        kid: minted.kid,
        expiresAt: minted.expiresAt,
        caveats: [...minted.caveats],
      });
    },
  );
}
