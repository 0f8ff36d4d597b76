/**
 * Route guards: who may call a route, with failed authentications rate limited per IP
 * (@fastify/rate-limit's manual limiter, counting failures only), and the rate limits of
 * holder revocations (per client address and per token family).
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
 * Holder revocations allowed per minute (per mint instance: each counts in memory).
 * @example const limits: HolderRevocationLimits = { perAddress: 60, perFamily: 10 };
 */
export interface HolderRevocationLimits {
  /** Per client address (`request.ip`). */
  readonly perAddress: number;
  /** Per token family (token id). */
  readonly perFamily: number;
}

/**
 * Builds guards for one app.
 * @example const guards: Guards = createGuards(app, auth, 10, holderLimits); guards.optional();
 */
export interface Guards {
  /** A preHandler requiring the given audience. */
  require(audience: Audience): preHandlerAsyncHookHandler;
  /** Authenticates if credentials are present (for routes open to token holders). */
  optional(): preHandlerAsyncHookHandler;
  /**
   * Counts one holder revocation from the request's client address; past the limit throws
   * `ERR_RATE_LIMITED` (429). Call before verifying the token (it bounds that work too).
   */
  holderByAddress(request: FastifyRequest): Promise<void>;
  /** Counts one holder revocation of token family `family`; past the limit, `ERR_RATE_LIMITED`. */
  holderByFamily(request: FastifyRequest, family: string): Promise<void>;
}

/**
 * Creates the guards; call after @fastify/rate-limit is registered.
 * @example
 * ```ts
 * const guards = createGuards(app, auth, 10, { perAddress: 60, perFamily: 10 });
 * app.get('/v1/audit', { preHandler: guards.require('admin') }, handler);
 * ```
 */
export function createGuards(
  app: FastifyInstance,
  auth: Authenticator,
  failuresPerMinute: number,
  holder: HolderRevocationLimits,
): Guards {
  app.decorateRequest('caller', null);
  const failures = app.createRateLimit({ max: failuresPerMinute, timeWindow: 60_000 });
  const byAddress = app.createRateLimit({ max: holder.perAddress, timeWindow: 60_000 });
  // The limiter keys by request; the family is known only once the token has verified.
  const families = new WeakMap<FastifyRequest, string>();
  const byFamily = app.createRateLimit({
    max: holder.perFamily,
    timeWindow: 60_000,
    keyGenerator: (request) => families.get(request) ?? '',
  });
  const within = (status: { isAllowed: boolean; isExceeded?: boolean }, what: string) => {
    if (!status.isAllowed && status.isExceeded) {
      throw new ChitError('ERR_RATE_LIMITED', `too many holder revocations ${what}, retry later`);
    }
  };

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
    async holderByAddress(request) {
      within(await byAddress(request), 'from this address');
    },
    async holderByFamily(request, family) {
      families.set(request, family);
      within(await byFamily(request), 'of this token family');
    },
  };
}
