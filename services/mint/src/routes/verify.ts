/**
 * `POST /v1/verify`: the remote verifier. Always a decision (HTTP 200) for any token
 * content; 4xx only for a malformed request body. The decision is @chit/decision's
 * `decide()` with the mint's ports, the same function the fastify plugin runs locally.
 */

import { type DecisionPorts, decide, eventFromDecision } from '@chit/decision';
import {
  capabilityView,
  errorSchema,
  verifyBodySchema,
  verifyResponseSchema,
} from '@chit/protocol';
import { traceIdFrom } from '@chit/protocol/headers';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MintContext } from '../context.js';
import { verifyTokenChain } from '../core.js';

/**
 * Registers the verify route.
 * @example verifyRoutes(app, ctx)
 */
export function verifyRoutes(fastify: FastifyInstance, ctx: MintContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const ports: DecisionPorts = {
    verify: (token, discharges) => verifyTokenChain(ctx, token, discharges),
    revocations: ctx.mirror,
    budgets: ctx.store,
    clock: ctx.clock,
  };
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
      const d = await decide({ token, discharges, context }, ports);
      if (!d.allowed && d.unexpected !== undefined) {
        request.log.error(
          { chitUnexpected: { name: d.unexpected, stage: d.stage } },
          'verify failed',
        );
      }
      const input = eventFromDecision(d, {
        service: ctx.config.serviceName,
        route: '/v1/verify',
        traceId: traceIdFrom(request.headers.traceparent),
      });
      try {
        await ctx.audit(input, request.id);
      } catch (e) {
        request.log.error({ err: e }, 'audit append failed');
        // An allow that cannot be recorded is not granted: fail closed. A deny stays a deny.
        if (d.allowed) {
          ctx.metrics.verifications.inc({ decision: 'deny', code: 'ERR_STORE_UNAVAILABLE' });
          return {
            allowed: false,
            code: 'ERR_STORE_UNAVAILABLE' as const,
            message: 'audit store is unavailable',
          };
        }
      }
      if (d.allowed) {
        ctx.metrics.verifications.inc({ decision: 'allow', code: 'OK' });
        return { allowed: true, capability: capabilityView(d.capability) };
      }
      ctx.metrics.verifications.inc({ decision: 'deny', code: d.code });
      return { allowed: false, code: d.code, message: d.error.message };
    },
  );
}
