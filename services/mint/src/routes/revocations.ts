/**
 * `POST /v1/revocations`: by token id, session, or principal issued-before (admin), or by
 * presenting the token itself (any holder: revokes that token and its descendants only).
 * Acknowledged once the store has made the entry durable.
 *
 * Every entry lives as long as any verifier could still accept a token it covers (expiry
 * plus the leeway). Holder revocations are bounded: rate limited per client address and per
 * token family, and past `CHIT_HOLDER_REVOCATIONS_PER_FAMILY` entries of one family the
 * answer is to revoke the whole family (docs/mint.md, "Holder revocations").
 */

import { traceIdFrom } from '@chit/protocol/headers';
import { REVOCATION_NEVER_LAPSES, type RevocationEntry } from '@chit/store';
import {
  ChitError,
  LEEWAY_SECONDS,
  RevocationUnavailableError,
  stateLifetime,
  type VerifiedCapability,
} from '@chit/token';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

type HolderBody = Extract<RevokeBody, { token: string }>;

/**
 * A holder revocation: proof of holding the token (it and its discharges verify), the
 * rate limits, then one fingerprint entry, or, once the family holds its cap of them, a
 * revocation of the whole family.
 */
async function planHolder(
  ctx: MintContext,
  request: FastifyRequest,
  body: HolderBody,
): Promise<Planned> {
  await ctx.guards.holderByAddress(request);
  const cap = verifyForRevocation(ctx, body.token, body.discharges ?? []);
  await ctx.guards.holderByFamily(request, cap.tokenId);
  // The count below comes from the mirror: unknown while it cannot be trusted.
  if (!ctx.mirror.available(ctx.clock())) {
    throw new RevocationUnavailableError('revocation state is not current, retry later');
  }
  const now = ctx.nowSeconds();
  const fingerprint = cap.fingerprints[cap.fingerprints.length - 1]!;
  const audit = {
    tokenId: cap.tokenId,
    kid: cap.kid,
    tokenFingerprint: fingerprint,
    ...(cap.session ? { session: cap.session } : {}),
    ...(cap.principal ? { principal: cap.principal } : {}),
  };
  if (ctx.mirror.holderRevocations(cap.tokenId) >= ctx.config.holderRevocationsPerFamily) {
    request.log.warn(
      { tokenId: cap.tokenId },
      'holder revocations of this token family reached their cap: revoking the family',
    );
    return { entry: familyEntry(ctx, cap, now), audit };
  }
  return {
    entry: {
      kind: 'fingerprint',
      value: fingerprint,
      revokedAt: now,
      // The primary chain bounds every descendant; a discharge's expiry bounds only the
      // discharge (the same token is accepted again with a fresh one).
      expiresAt: lifetime(cap.chainExpiresAt),
      family: cap.tokenId,
    },
    audit,
  };
}

/** The revocation of a whole family (token id), lasting as long as its root can. */
function familyEntry(ctx: MintContext, cap: VerifiedCapability, now: number): RevocationEntry {
  // Every token this mint issues expires within CHIT_MAX_TTL; a chain with no expiry at
  // all was not bounded by it, so neither is its family's entry.
  const expiresAt =
    cap.chainExpiresAt === null
      ? REVOCATION_NEVER_LAPSES
      : Math.max(now + ctx.config.maxTtl + LEEWAY_SECONDS, lifetime(cap.chainExpiresAt));
  return { kind: 'token', value: cap.tokenId, revokedAt: now, expiresAt };
}

/** `stateLifetime` in a form every store holds: no expiry means an entry that never lapses. */
function lifetime(expiresAt: number | null): number {
  // Fail closed on anything that is not a whole second (a core not filling the field).
  const until = stateLifetime(expiresAt);
  if (until === null || !Number.isSafeInteger(until)) return REVOCATION_NEVER_LAPSES;
  return Math.min(until, REVOCATION_NEVER_LAPSES);
}

function planAdmin(ctx: MintContext, body: Exclude<RevokeBody, HolderBody>): Planned {
  const now = ctx.nowSeconds();
  // Every token this mint issues lives at most CHIT_MAX_TTL and is accepted LEEWAY_SECONDS
  // beyond its expiry: an entry can go after that.
  const bound = ctx.config.maxTtl + LEEWAY_SECONDS;
  if ('tokenId' in body) {
    return {
      entry: { kind: 'token', value: body.tokenId, revokedAt: now, expiresAt: now + bound },
      audit: { tokenId: body.tokenId },
    };
  }
  if ('session' in body) {
    return {
      entry: { kind: 'session', value: body.session, revokedAt: now, expiresAt: now + bound },
      audit: { session: body.session },
    };
  }
  if (body.issuedBefore > now + ctx.config.maxTtl) {
    throw new ChitError('ERR_BAD_REQUEST', 'issuedBefore is too far in the future');
  }
  return {
    entry: {
      kind: 'principal',
      value: body.principal,
      issuedBefore: body.issuedBefore,
      revokedAt: now,
      expiresAt: Math.max(body.issuedBefore + bound, now + 1),
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
          'Admin: revoke by tokenId, session, or principal+issuedBefore. Anyone holding a valid token: revoke it (and its descendants) by presenting it with its discharges; rate limited per address and per token family, and past the per-family cap the whole family is revoked instead.',
        body: revokeBodySchema,
        response: {
          200: revokeResponseSchema,
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request) => {
      const body = request.body;
      let planned: Planned;
      if ('token' in body) {
        planned = await planHolder(ctx, request, body);
      } else if (request.caller === null) {
        throw new ChitError('ERR_UNAUTHORIZED', 'credentials are required');
      } else if (request.caller.kind !== 'admin') {
        throw new ChitError('ERR_FORBIDDEN', 'this revocation requires the admin token');
      } else {
        planned = planAdmin(ctx, body);
      }
      const { entry, audit } = planned;
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
      // The answer is the entry as the wire contract has it (the family is the store's).
      const { family: _family, ...revoked } = entry;
      return { revoked };
    },
  );
}
