/**
 * Route guards: who may call a route, with failed authentications rate limited per IP
 * (@fastify/rate-limit's manual limiter, counting failures only).
 */
import { ChitError } from '@chit/token';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Authenticator, Caller } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, set by a guard; `null` on open routes. */
    caller: Caller | null;
  }
}

/** How many Authorization headers the raw request carried. */
function authorizationCount(raw: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'authorization') n++;
  return n;
}

/**
 * Which callers a route admits.
 * @example app.get('/v1/keys', { preHandler: guards.require('admin' satisfies Audience) }, handler);
 */
export type Audience = 'admin' | 'admin-or-client';

/**
 * Builds guards for one app.
 * @example const guards: Guards = createGuards(app, auth, 10); guards.optional();
 */
export interface Guards {
  /** A preHandler requiring the given audience. */
  require(audience: Audience): preHandlerAsyncHookHandler;
  /** Authenticates if credentials are present (for routes open to token holders). */
  optional(): preHandlerAsyncHookHandler;
}

/**
 * Creates the guards; call after @fastify/rate-limit is registered.
 * @example
 * ```ts
 * const guards = createGuards(app, auth, 10);
 * app.get('/v1/audit', { preHandler: guards.require('admin') }, handler);
 * ```
 */
export function createGuards(
  app: FastifyInstance,
  auth: Authenticator,
  failuresPerMinute: number,
): Guards {
  app.decorateRequest('caller', null);
  const failures = app.createRateLimit({ max: failuresPerMinute, timeWindow: 60_000 });

  async function check(request: FastifyRequest, required: boolean): Promise<Caller | null> {
    const header = request.headers.authorization;
    if (header === undefined && !required) return null;
    const status = await failures(request, { increment: false });
    if (!status.isAllowed && (status.isExceeded || status.remaining <= 0)) {
      throw new ChitError('ERR_RATE_LIMITED', 'too many failed authentications, retry later');
    }
    // Node keeps the first of duplicate Authorization headers while a proxy may check
    // another: refuse the ambiguity outright.
    const ambiguous =
      header !== undefined &&
      (typeof header !== 'string' || authorizationCount(request.raw.rawHeaders) > 1);
    const caller = ambiguous ? null : auth.authenticate(header);
    if (!caller) {
      await failures(request);
      throw new ChitError(
        'ERR_UNAUTHORIZED',
        ambiguous
          ? 'exactly one Authorization header is allowed'
          : header
            ? 'credentials are invalid'
            : 'credentials are required',
      );
    }
    return caller;
  }

  return {
    require(audience) {
      return async (request) => {
        const caller = await check(request, true);
        if (audience === 'admin' && caller?.kind !== 'admin') {
          throw new ChitError('ERR_FORBIDDEN', 'this route requires the admin token');
        }
        request.caller = caller;
      };
    },
    optional() {
      return async (request) => {
        request.caller = await check(request, false);
      };
    },
  };
}
