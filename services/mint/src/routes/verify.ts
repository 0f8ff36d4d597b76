/**
 * `POST /v1/verify`: the remote verifier. Always a decision (HTTP 200) for any token
 * content; 4xx only for a malformed request body.
 */

import { traceIdFrom } from '@chit/sdk/headers';
import { ChitError, type ErrorCode, type VerifiedCapability } from '@chit/token';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MintContext } from '../context.js';
import { authorizeRequest, capabilityView, verifyTokenChain } from '../core.js';
import { errorSchema, verifyBodySchema, verifyResponseSchema } from '../schemas.js';

/**
 * Registers the verify route.
 * @example verifyRoutes(app, ctx)
 */
export function verifyRoutes(fastify: FastifyInstance, ctx: MintContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/verify',
    {
      schema: {
        tags: ['verify'],
        description:
          'Verifies a token against a request context, checks revocation, consumes budgets and records an audit event.',
        body: verifyBodySchema,
        response: { 200: verifyResponseSchema, 400: errorSchema, 413: errorSchema },
      },
    },
    async (request) => {
      const { token, discharges, context } = request.body;
      const now = ctx.clock();
      let cap: VerifiedCapability | undefined;
      let code: ErrorCode | undefined;
      let message: string | undefined;
      try {
        cap = verifyTokenChain(ctx, token, discharges);
        // Revocation before caveats: a revoked token is revoked whatever the request.
        ctx.mirror.check(cap, now / 1000);
        authorizeRequest(ctx, cap, context);
        if (cap.budgets.length > 0) {
          const expiresAt = cap.expiresAt ?? Math.floor(now / 1000) + ctx.config.maxTtl;
          const result = await ctx.store.consumeBudgets(cap.tokenId, cap.budgets, expiresAt);
          if (!result.allowed)
            throw new ChitError('ERR_BUDGET_EXHAUSTED', 'usage budget is exhausted');
        }
      } catch (e) {
        if (!(e instanceof ChitError)) throw e;
        code = e.code;
        message = e.message;
      }
      const allowed = code === undefined;
      const traceId = traceIdFrom(request.headers.traceparent) ?? cap?.traceId;
      const tenant = context.tenant ?? (cap?.tenants?.length === 1 ? cap.tenants[0] : undefined);
      try {
        await ctx.audit(
          {
            type: allowed ? 'verify.allow' : 'verify.deny',
            service: ctx.config.serviceName,
            route: '/v1/verify',
            ...(code ? { code } : {}),
            ...(cap
              ? {
                  tokenId: cap.tokenId,
                  kid: cap.kid,
                  tokenFingerprint: cap.fingerprints[cap.fingerprints.length - 1],
                  caveats: cap.caveats,
                  ...(cap.principal ? { principal: cap.principal } : {}),
                  ...(cap.session ? { session: cap.session } : {}),
                  ...(cap.via.length ? { via: [...cap.via] } : {}),
                }
              : {}),
            ...(tenant ? { tenant } : {}),
            ...(traceId ? { traceId } : {}),
          },
          request.id,
        );
      } catch (e) {
        request.log.error({ err: e }, 'audit append failed');
        // An allow that cannot be recorded is not granted: fail closed. A deny stays a deny.
        if (allowed) {
          ctx.metrics.verifications.inc({ decision: 'deny', code: 'ERR_STORE_UNAVAILABLE' });
          return {
            allowed: false,
            code: 'ERR_STORE_UNAVAILABLE' as const,
            message: 'audit store is unavailable',
          };
        }
      }
      ctx.metrics.verifications.inc({ decision: allowed ? 'allow' : 'deny', code: code ?? 'OK' });
      if (allowed && cap) return { allowed: true, capability: capabilityView(cap) };
      return { allowed: false, ...(code ? { code } : {}), ...(message ? { message } : {}) };
    },
  );
}
