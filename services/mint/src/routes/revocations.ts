/**
 * `POST /v1/revocations`: by token id, session, or principal issued-before (admin), or by
 * presenting the token itself (any holder: revokes that token and its descendants only).
 * Acknowledged once the store has made the entry durable.
 */

import { traceIdFrom } from '@chit/sdk/headers';
import type { RevocationEntry } from '@chit/store';
import { ChitError } from '@chit/token';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { MintContext } from '../context.js';
import { verifyForRevocation } from '../core.js';
import {
  errorSchema,
  type RevokeBody,
  revokeBodySchema,
  revokeResponseSchema,
} from '../schemas.js';

interface Planned {
  entry: RevocationEntry;
  audit: {
    tokenId?: string;
    kid?: string;
    tokenFingerprint?: string;
    session?: string;
    principal?: string;
  };
}

function plan(ctx: MintContext, body: RevokeBody, isAdmin: boolean): Planned {
  const now = ctx.nowSeconds();
  const maxTtl = ctx.config.maxTtl;
  if ('token' in body) {
    const cap = verifyForRevocation(ctx, body.token, body.discharges ?? []);
    const fingerprint = cap.fingerprints[cap.fingerprints.length - 1]!;
    return {
      entry: {
        kind: 'fingerprint',
        value: fingerprint,
        revokedAt: now,
        expiresAt: Math.max(cap.expiresAt ?? now + maxTtl, now + 1),
      },
      audit: {
        tokenId: cap.tokenId,
        kid: cap.kid,
        tokenFingerprint: fingerprint,
        ...(cap.session ? { session: cap.session } : {}),
        ...(cap.principal ? { principal: cap.principal } : {}),
      },
    };
  }
  if (!isAdmin) throw new ChitError('ERR_FORBIDDEN', 'this revocation requires the admin token');
  // Every token this mint issues lives at most CHIT_MAX_TTL, so an entry can go after that.
  if ('tokenId' in body) {
    return {
      entry: { kind: 'token', value: body.tokenId, revokedAt: now, expiresAt: now + maxTtl },
      audit: { tokenId: body.tokenId },
    };
  }
  if ('session' in body) {
    return {
      entry: { kind: 'session', value: body.session, revokedAt: now, expiresAt: now + maxTtl },
      audit: { session: body.session },
    };
  }
  if (body.issuedBefore > now + maxTtl) {
    throw new ChitError('ERR_BAD_REQUEST', 'issuedBefore is too far in the future');
  }
  return {
    entry: {
      kind: 'principal',
      value: body.principal,
      issuedBefore: body.issuedBefore,
      revokedAt: now,
      expiresAt: Math.max(body.issuedBefore + maxTtl, now + 1),
    },
    audit: { principal: body.principal },
  };
}

/**
 * Registers the revocation route.
 * @example revocationRoutes(app, ctx)
 */
export function revocationRoutes(fastify: FastifyInstance, ctx: MintContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/revocations',
    {
      preHandler: ctx.guards.optional(),
      schema: {
        tags: ['revocations'],
        security: [{ admin: [] }, {}],
        description:
          'Admin: revoke by tokenId, session, or principal+issuedBefore. Anyone holding a valid token: revoke it (and its descendants) by presenting it.',
        body: revokeBodySchema,
        response: {
          200: revokeResponseSchema,
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request) => {
      const isAdmin = request.caller?.kind === 'admin';
      if (!('token' in request.body) && request.caller === null) {
        throw new ChitError('ERR_UNAUTHORIZED', 'credentials are required');
      }
      const { entry, audit } = plan(ctx, request.body, isAdmin);
      await ctx.store.revoke(entry);
      ctx.mirror.apply(entry);
      ctx.metrics.revocations.inc({ kind: entry.kind });
      const traceId = traceIdFrom(request.headers.traceparent);
      await ctx.audit(
        {
          type: 'revoke',
          service: ctx.config.serviceName,
          route: '/v1/revocations',
          ...audit,
          ...(traceId ? { traceId } : {}),
        },
        request.id,
      );
      return { revoked: { ...entry } };
    },
  );
}
