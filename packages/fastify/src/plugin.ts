/**
 * The plugin: deny by default. One root-level hook judges every request (404s, HEAD and
 * OPTIONS included) unless its route opts out with `config: { chit: false }`.
 *
 * Hooks: `onRequest` for every route (before body parsing, so an unauthenticated body is
 * never parsed); a route whose sources read `body.*` is judged in `preValidation` (after
 * parsing, before validation and the handler), with the missing/malformed-credential check
 * still done in `onRequest`.
 */

import {
  type Allowed,
  type Decision,
  type DecisionFacts,
  type Denied,
  denial,
} from '@chit/decision';
import {
  type DelegationCredential,
  readDelegationHeaders,
  traceIdFrom,
} from '@chit/protocol/headers';
import type { RequestContext } from '@chit/token';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type AuditStats, createAuditSink } from './audit.js';
import { decisionEvent } from './audit-event.js';
import { buildRequestCapability, type RequestCapability } from './capability.js';
import { sendDenial, toHttpError } from './errors.js';
import { createJudge, type Judge, type JudgeStats } from './judge.js';
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

const NO_CONTEXT: RequestContext = Object.freeze({});

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
    d: Denied,
    url: string | undefined,
  ): FastifyReply {
    if (d.unexpected !== undefined) {
      // A bug or a foreign failure: say where, by name only (a foreign message may quote input).
      request.log.error(
        { chitUnexpected: { name: d.unexpected, stage: d.stage } },
        'chit: unexpected failure',
      );
    }
    audit.emit(decisionEvent(d, factsOf(request, url)), request.log);
    return sendDenial(reply, toHttpError(d.error, d.code));
  }

  function factsOf(request: FastifyRequest, url: string | undefined): DecisionFacts {
    return {
      service: options.audience,
      requestId: String(request.id),
      route: url,
      traceId: traceIdFrom(request.headers.traceparent),
    };
  }

  function allow(
    request: FastifyRequest,
    credential: DelegationCredential,
    d: Allowed,
    url: string | undefined,
  ): void {
    request.capability = buildRequestCapability(
      d.capability,
      credential.token,
      d.context,
      options.audience,
      options.clock,
    );
    audit.emit(decisionEvent(d, factsOf(request, url)), request.log);
  }

  function settle(
    request: FastifyRequest,
    reply: FastifyReply,
    credential: DelegationCredential,
    d: Decision | null,
    url: string | undefined,
    done: HookDone,
  ): void {
    if (d === null) {
      done();
      return;
    }
    if (!d.allowed) {
      deny(request, reply, d, url);
      return;
    }
    try {
      allow(request, credential, d, url);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  }

  // Callback style rather than async: a decision made synchronously (a cached chain, no
  // budgets) costs no promise and no extra microtask turn. A denial sends the reply and
  // does not call `done` (fastify's early-response pattern); anything thrown after the
  // decision goes to `done(err)`, as a rejected async hook did.
  function judgeRequest(
    request: FastifyRequest,
    reply: FastifyReply,
    route: CompiledRoute,
    credential: DelegationCredential,
    url: string | undefined,
    done: HookDone,
  ): void {
    const context = route.context(request);
    const result = judge.judge(credential, context, route.notFound);
    if (!isPromise(result)) {
      settle(request, reply, credential, result, url, done);
      return;
    }
    result.then(
      (d) => settle(request, reply, credential, d, url, done),
      (err: unknown) => {
        // decide() never rejects; a judge that does is denied with the verify stage's code.
        deny(request, reply, denial(err, 'verify', undefined, context, options.clock()), url);
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
      deny(request, reply, denial(err, 'verify', undefined, NO_CONTEXT, options.clock()), url);
      return;
    }
    if (route.needsBody) {
      request[kJudgeAfterParsing] = true;
      return done();
    }
    judgeRequest(request, reply, route, credential, url, done);
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
      deny(request, reply, denial(err, 'verify', undefined, NO_CONTEXT, options.clock()), url);
      return;
    }
    judgeRequest(request, reply, route, credential, url, done);
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
