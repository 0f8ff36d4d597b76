/**
 * `buildMintApp`: the fastify instance of the mint service, every dependency injected
 * (config, store, keys, clock, randomness, log destination) so tests use `inject`.
 */
import { randomBytes } from 'node:crypto';
import { CachedRevocationMirror } from '@chit/decision';
import {
  type AuditEvent,
  type AuditEventInput,
  type ChitStore,
  createAuditBatcher,
  syncMirror,
} from '@chit/store';
import { ChitError, type Clock, createVerifiedChainCache } from '@chit/token';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import pino, { type DestinationStream } from 'pino';
import { Authenticator } from './auth.js';
import type { MintConfig } from './config.js';
import type { MintContext, RandomBytes } from './context.js';
import { createGuards } from './guard.js';
import { installErrorHandlers } from './http-errors.js';
import { idSource, pooledRandom } from './ids.js';
import { isoTimeFormatter } from './iso-time.js';
import { installJsonParser } from './json-body.js';
import type { KeyRing } from './key-ring.js';
import { createMetrics } from './metrics.js';
import { auditRoutes } from './routes/audit.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { revocationRoutes } from './routes/revocations.js';
import { tokenRoutes } from './routes/tokens.js';
import { verifyRoutes } from './routes/verify.js';

/**
 * Options of {@link buildMintApp}.
 * @example const app = await buildMintApp({ config, store, keys, adminToken, clock: () => 0 });
 */
export interface MintAppOptions {
  readonly config: MintConfig;
  readonly store: ChitStore;
  readonly keys: KeyRing;
  /** The admin bearer token (from `CHIT_ADMIN_TOKEN` or the data dir). */
  readonly adminToken: string;
  /** Unix milliseconds; default `Date.now`. */
  readonly clock?: Clock;
  /** Default `crypto.randomBytes`. */
  readonly random?: RandomBytes;
  /** Where pino writes (default stdout). */
  readonly logDestination?: DestinationStream;
  /** Close the store when the app closes (default true). */
  readonly closeStore?: boolean;
  /** Revocation mirror staleness bound in ms (default 2000). */
  readonly stalenessMs?: number;
  /** How long to wait for the first revocation load before starting anyway (default 5000). */
  readonly mirrorWaitMs?: number;
  /** Collect Node process metrics too (default false; main.ts turns it on). */
  readonly processMetrics?: boolean;
}

/**
 * The fastify instance with the zod type provider.
 * @example const app: MintApp = await buildMintApp(options); app.mint.keys.activeKid;
 */
export type MintApp = FastifyInstance & { readonly mint: MintContext };

declare module 'fastify' {
  interface FastifyInstance {
    /** The mint's shared state. */
    mint: MintContext;
  }
}

const DECISIONS: Partial<Record<AuditEvent['type'], 'allow' | 'deny'>> = {
  'verify.allow': 'allow',
  'verify.deny': 'deny',
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Log paths that may hold secrets: censored in every line.
 * @example pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'token',
  'discharges',
  'adminToken',
  'key',
  '*.token',
  '*.discharges',
  '*.adminToken',
  '*.key',
  '*.signature',
];

/**
 * What {@link REDACT_PATHS} reaches inside an audit line (`{ audit: event }`): the wildcard
 * paths resolved against the one top-level key the line has, so the audit logger redacts
 * exactly what the root logger would, without wildcard matching on every decision.
 * @example logger.child({}, { redact: { paths: AUDIT_REDACT_PATHS, censor: '[redacted]' } });
 */
export const AUDIT_REDACT_PATHS = REDACT_PATHS.filter((p) => p.startsWith('*.')).map(
  (p) => `audit.${p.slice(2)}`,
);

/**
 * Builds (and readies) the mint app; the revocation mirror is loaded before it returns.
 * @example
 * ```ts
 * const app = await buildMintApp({ config, store, keys, adminToken, clock: () => now });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 * ```
 */
export async function buildMintApp(options: MintAppOptions): Promise<MintApp> {
  const { config, store, keys } = options;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? randomBytes;
  const newId = idSource(random);
  const logger = pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: config.serviceName },
    },
    // Buffered (4 KiB) asynchronous writes: one write per few lines, flushed on close.
    options.logDestination ?? pino.destination({ sync: false, minLength: 4096 }),
  );
  // The audit line goes through a child created once, with the same censor and the
  // wildcard paths spelled out for its only key (see AUDIT_REDACT_PATHS).
  const auditLog = logger.child(
    {},
    { redact: { paths: AUDIT_REDACT_PATHS, censor: '[redacted]' } },
  );
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Every decision is logged as an audit event; per-request access lines would double the
    // log volume on the hot path. Failures (5xx) are still logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // Unique across instances and restarts (audit events carry it); honours an upstream id.
    requestIdHeader: false,
    genReqId: (req) => {
      const upstream = req.headers['x-request-id'];
      return typeof upstream === 'string' && REQUEST_ID.test(upstream)
        ? upstream
        : newId(12, 'base64url');
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Handlers build their answers typed by the response schemas (the type provider checks
  // them at compile time, the test suite parses every answer against them): the hot path
  // serializes with JSON.stringify instead of re-validating its own output.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandlers(app);
  installJsonParser(app);

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      new ChitError('ERR_RATE_LIMITED', `rate limit exceeded, retry in ${ctx.after}`),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Chit mint',
        description: 'Mint, verify, revoke and audit Chit capability tokens.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          admin: { type: 'http', scheme: 'bearer', description: 'CHIT_ADMIN_TOKEN' },
          mintClient: { type: 'http', scheme: 'basic', description: 'CHIT_MINT_CLIENTS id:secret' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const mirror = new CachedRevocationMirror({ stalenessMs: options.stalenessMs ?? 2000 });
  const metrics = createMetrics(() => mirror.size, { defaults: options.processMetrics ?? false });
  const guards = createGuards(
    app,
    new Authenticator(options.adminToken, config.mintClients),
    config.authFailureLimit,
    {
      perAddress: config.holderRevocationRateLimit,
      perFamily: config.holderRevocationFamilyRateLimit,
    },
  );
  const isoTime = isoTimeFormatter();
  const nowSeconds = () => Math.floor(clock() / 1000);
  // The audit appends of one event-loop turn go to the store as one batch (one Redis round
  // trip, one fsync); each request still waits until its own event is stored.
  const appendAudit = createAuditBatcher(store);
  const ctx: MintContext = {
    config,
    store,
    keys,
    mirror,
    metrics,
    clock,
    random,
    tokenIdBytes: pooledRandom(random),
    guards,
    chainCache: createVerifiedChainCache({ maxEntries: 10_000 }),
    nowSeconds,
    async audit(input: AuditEventInput, requestId?: string) {
      // Built from inputs already bounded by the request schemas and the core, typed by the
      // shared schema: no second zod pass on the hot path (the test suite parses every
      // event it reads back with auditEventSchema).
      const event: AuditEvent = {
        ...input,
        ...(requestId ? { requestId } : {}),
        id: newId(16, 'hex'),
        time: isoTime(clock()),
        caveats: input.caveats ? [...input.caveats] : [],
        decision: input.decision ?? DECISIONS[input.type] ?? null,
      };
      auditLog.info({ audit: event }, 'audit');
      await appendAudit(event);
    },
  };
  app.decorate('mint', ctx);

  // Graceful shutdown: once closing, answers carry `Connection: close`, so keep-alive
  // clients let go and the server's close completes as soon as in-flight requests finish.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Both per-request hooks are callback-style: no promise and no extra microtask per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    metrics.httpDuration.observe(
      { route, method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  healthRoutes(app, ctx);
  tokenRoutes(app, ctx);
  verifyRoutes(app, ctx);
  revocationRoutes(app, ctx);
  auditRoutes(app, ctx);
  keyRoutes(app, ctx);

  const sync = syncMirror(store, mirror, clock, {
    onError: (err) =>
      app.log.warn({ err }, 'revocation mirror sync failed; verifications fail closed'),
  });
  // Wait for the first load, but bounded: with the store down the service still starts,
  // reports not ready, and denies verifications with ERR_REVOCATION_UNAVAILABLE.
  let waitTimer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    sync.ready,
    new Promise<void>((resolve) => {
      waitTimer = setTimeout(resolve, options.mirrorWaitMs ?? 5000);
    }),
  ]);
  clearTimeout(waitTimer);
  app.addHook('onClose', async () => {
    await sync.close();
    if (options.closeStore ?? true) await store.close();
    logger.flush();
  });
  await app.ready();
  return app as unknown as MintApp;
}
