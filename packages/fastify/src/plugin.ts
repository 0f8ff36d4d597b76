/**
 * The plugin: deny by default. One root-level hook judges every request (404s, HEAD and
 * OPTIONS included) unless its route opts out with `config: { chit: false }`.
 *
 * Hooks: `onRequest` for every route (before body parsing, so an unauthenticated body is
 * never parsed); a route whose sources read `body.*` is judged in `preValidation` (after
 * parsing, before validation and the handler), with the missing/malformed-credential check
 * still done in `onRequest`.
 */

import { type DelegationCredential, readDelegationHeaders, traceIdFrom } from '@chit/sdk/headers';
import { ChitError, type RequestContext, type VerifiedCapability } from '@chit/token';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type AuditStats, createAuditSink } from './audit.js';
import { decisionEvent } from './audit-event.js';
import { buildRequestCapability, type RequestCapability } from './capability.js';
import { sendDenial, toHttpError } from './errors.js';
import {
  createJudge,
  type Judge,
  type JudgeProgress,
  type JudgeStats,
  STAGE_CODE,
} from './judge.js';
import { type ChitPluginOptions, normalizeOptions } from './options.js';
import { type ChitRouteConfig, type CompiledRoute, compileRoute } from './route-config.js';

/** What `fastify.chit` exposes. */
export interface ChitInstance {
  /** `local` or `remote`. */
  readonly mode: 'local' | 'remote';
  /** Counters: audit delivery and, in local mode, revocation mirror state. */
  stats(): ChitStats;
  /** Resolves once every audit event so far has been handed to the store and settled. */
  flushAudit(): Promise<void>;
}

/** Counters of one plugin instance. */
export interface ChitStats extends JudgeStats {
  readonly audit: AuditStats;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified authority of this request; `null` only on opted-out routes. */
    capability: RequestCapability | null;
    /** Internal: onRequest left the decision to preValidation (a `body.*` source). */
    [kJudgeAfterParsing]: boolean;
  }
  interface FastifyContextConfig {
    /** What the route requires, or `false` to opt out of Chit explicitly. */
    chit?: ChitRouteConfig;
  }
  interface FastifyInstance {
    chit: ChitInstance;
  }
}

/** `request.routeOptions.config`: fastify adds the route's `url` (absent on the 404 handler). */
type RouteConfig = { chit?: unknown; url?: string };

type HookDone = (err?: Error) => void;

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

const kJudgeAfterParsing = Symbol('chit.judgeAfterParsing');

const HEADERS_STAGE: JudgeProgress = Object.freeze({ stage: 'verify' });

const chitPlugin: FastifyPluginAsync<ChitPluginOptions> = async (fastify, rawOptions) => {
  const options = normalizeOptions(rawOptions);
  const defaults = { audience: options.audience, tenant: options.tenant };
  const judge: Judge = await createJudge(options, fastify.log);
  const audit = createAuditSink(
    options.mode === 'local' ? options.store : undefined,
    options.mode === 'local' ? options.auditMaxPending : 1,
  );
  const compiled = new WeakMap<object, CompiledRoute>();
  const unconfigured = compileRoute(undefined, defaults, '(unconfigured)');
  const notFound: CompiledRoute = { ...unconfigured, notFound: true };

  fastify.decorateRequest('capability', null);
  fastify.decorateRequest(kJudgeAfterParsing, false);
  fastify.decorate('chit', {
    mode: options.mode,
    stats: () => ({ ...judge.stats(), audit: audit.stats() }),
    flushAudit: () => audit.flush(),
  } satisfies ChitInstance);

  // Validate every route's config at registration, so a typo fails at start, not at a request.
  fastify.addHook('onRoute', (route) => {
    const cfg = (route.config as { chit?: unknown } | undefined)?.chit;
    const name = `${String(route.method)} ${route.url}`;
    const c = compileRoute(cfg, defaults, name);
    if (route.config !== undefined) compiled.set(route.config as object, c);
  });

  // `cfg` is `request.routeOptions.config`, read once per hook: fastify builds a new
  // routeOptions object on every access. Its `url` is `request.routeOptions.url`.
  function routeOf(request: FastifyRequest, cfg: RouteConfig | undefined): CompiledRoute {
    if (cfg?.url === undefined) return notFound;
    let c = compiled.get(cfg);
    if (c === undefined) {
      // Routes added before the plugin (or the 404 handler): compile on first use.
      const name = `${request.method} ${cfg.url}`;
      try {
        c = compileRoute(cfg.chit, defaults, name);
      } catch (err) {
        // A bad config on a route added before the plugin: protect it with no declared
        // needs (constrained tokens fail closed there) and say so once.
        request.log.error(
          { chitRoute: name, reason: (err as Error).message },
          'chit: bad route config',
        );
        c = unconfigured;
      }
      compiled.set(cfg, c);
    }
    return c;
  }

  function deny(
    request: FastifyRequest,
    reply: FastifyReply,
    err: unknown,
    seen: JudgeProgress,
    tenant: string | undefined,
    url: string | undefined,
  ): FastifyReply {
    // Anything that is not a core error (a store bug, a thrown non-error) denies with the
    // failing stage's code, never a 500 and never its own message.
    const httpErr = toHttpError(err, STAGE_CODE[seen.stage]);
    if (!(err instanceof ChitError)) {
      // A bug or a foreign failure: say where, by name only (a foreign message may quote input).
      const name = err instanceof Error ? err.name : typeof err;
      request.log.error(
        { chitUnexpected: { name, stage: seen.stage } },
        'chit: unexpected failure',
      );
    }
    const capability = seen.capability;
    audit.emit(
      decisionEvent(
        {
          allowed: false,
          code: httpErr.code,
          capability,
          tenant,
          requestId: String(request.id),
          route: url,
          traceId: traceIdFrom(request.headers.traceparent),
        },
        options.audience,
        options.clock(),
      ),
      request.log,
    );
    return sendDenial(reply, httpErr);
  }

  function allow(
    request: FastifyRequest,
    credential: DelegationCredential,
    context: RequestContext,
    cap: VerifiedCapability,
    url: string | undefined,
  ): void {
    const capability = buildRequestCapability(
      cap,
      credential.token,
      context,
      options.audience,
      options.clock,
    );
    request.capability = capability;
    audit.emit(
      decisionEvent(
        {
          allowed: true,
          capability: cap,
          tenant: capability.tenant,
          requestId: String(request.id),
          route: url,
          traceId: traceIdFrom(request.headers.traceparent),
        },
        options.audience,
        options.clock(),
      ),
      request.log,
    );
  }

  // Callback style rather than async: a decision made synchronously (a cached chain, no
  // budgets) costs no promise and no extra microtask turn. A denial sends the reply and
  // does not call `done` (fastify's early-response pattern); anything thrown after the
  // decision goes to `done(err)`, as a rejected async hook did.
  function decide(
    request: FastifyRequest,
    reply: FastifyReply,
    route: CompiledRoute,
    credential: DelegationCredential,
    url: string | undefined,
    done: HookDone,
  ): void {
    const context = route.context(request);
    const seen: JudgeProgress = { stage: 'verify' };
    let result: ReturnType<Judge['judge']>;
    try {
      result = judge.judge(credential, context, seen, route.notFound);
    } catch (err) {
      deny(request, reply, err, seen, context.tenant, url);
      return;
    }
    if (result === null) {
      done();
      return;
    }
    if (!isPromise(result)) {
      allow(request, credential, context, result, url);
      done();
      return;
    }
    result.then(
      (cap) => {
        try {
          if (cap !== null) allow(request, credential, context, cap, url);
        } catch (err) {
          return done(err as Error);
        }
        done();
      },
      (err: unknown) => {
        try {
          deny(request, reply, err, seen, context.tenant, url);
        } catch (thrown) {
          done(thrown as Error);
        }
      },
    );
  }

  function credentialOf(request: FastifyRequest): DelegationCredential {
    return readDelegationHeaders({ rawHeaders: request.raw.rawHeaders }, options.headerLimits);
  }

  fastify.addHook('onRequest', (request, reply, done) => {
    const cfg = request.routeOptions.config as RouteConfig | undefined;
    const url = cfg?.url;
    const route = routeOf(request, cfg);
    if (!route.protected) return done();
    let credential: DelegationCredential;
    try {
      credential = credentialOf(request);
    } catch (err) {
      deny(request, reply, err, HEADERS_STAGE, undefined, url);
      return;
    }
    if (route.needsBody) {
      request[kJudgeAfterParsing] = true;
      return done();
    }
    decide(request, reply, route, credential, url, done);
  });

  fastify.addHook('preValidation', (request, reply, done) => {
    // Set by onRequest for a protected route whose sources read the body; every other
    // request passes without looking its route up again.
    if (request[kJudgeAfterParsing] !== true) return done();
    const cfg = request.routeOptions.config as RouteConfig | undefined;
    const url = cfg?.url;
    const route = routeOf(request, cfg);
    // Parsed again (cheap, pure): onRequest already rejected a bad credential.
    let credential: DelegationCredential;
    try {
      credential = credentialOf(request);
    } catch (err) {
      deny(request, reply, err, HEADERS_STAGE, undefined, url);
      return;
    }
    decide(request, reply, route, credential, url, done);
  });

  fastify.addHook('onClose', async () => {
    await judge.close();
    await audit.flush();
  });
};

/**
 * The Chit verifier plugin for fastify: every route requires a valid capability unless
 * it opts out with `config: { chit: false }`.
 *
 * @example
 * ```ts
 * import chit from '@chit/fastify'
 * await app.register(chit, { keys: (kid) => keys.get(kid), store, audience: 'orders',
 *   tenant: 'headers.x-tenant' })
 * app.get('/orders/:id', { config: { chit: { action: 'read', resource: 'orders/:id' } } },
 *   async (req) => ({ principal: req.capability!.principal }))
 * app.get('/healthz', { config: { chit: false } }, async () => 'ok')
 * ```
 */
export const chit = fp(chitPlugin, { fastify: '5.x', name: '@chit/fastify' });
