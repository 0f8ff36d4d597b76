/**
 * `buildApprovalApp`: the approval service, the third party of "needs a human" caveats
 * (protocol in docs/approvals.md). Requesters register a sealed caveat id and poll (or
 * long-poll) for the decision; approvers decide through the API or the page; an approved
 * request yields a short-lived discharge. Deny by default, zod at every input, stable codes.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { openApprovalCaveat } from '@chit/agent';
import { errorBody, httpStatusFor } from '@chit/protocol';
import { type ChitStore, createAuditEvent } from '@chit/store';
import { ChitError, type Clock } from '@chit/token';
import Fastify, { type FastifyInstance } from 'fastify';
import { approverCheck } from './auth.js';
import { ApprovalBook, type ApprovalRecord, type ApprovalBook as Book } from './book.js';
import { issueDischarge } from './discharge.js';
import { renderPage } from './page.js';
import { decideRoutes } from './routes-decide.js';
import { requestRoutes } from './routes-request.js';

/** Where log lines go (a pino destination: anything with `write`). */
type LogDestination = { write(line: string): void };

/** Options of {@link buildApprovalApp}. */
export interface ApprovalAppOptions {
  /** The 32-byte key shared with policy authors (seals caveat ids). Secret. */
  readonly approvalKey: Uint8Array;
  /** The approvers' secret (Bearer for the API, Basic password for the page), >= 32 chars. */
  readonly approverToken: string;
  /** This service's public base URL, the discharges' location (default: none). */
  readonly location?: string;
  /** Lifetime of a discharge, seconds (default 60). */
  readonly dischargeTtl?: number;
  /** Longest a request stays pending, seconds (default 600). */
  readonly maxPendingSeconds?: number;
  /** Most approval records kept at once (default 10,000). */
  readonly maxRecords?: number;
  /** Longest long-poll, ms (default 25,000). */
  readonly maxWaitMs?: number;
  /** Audit sink for `approval` events (the store shared with the mint), optional. */
  readonly audit?: Pick<ChitStore, 'appendAudit'>;
  readonly clock?: Clock;
  readonly random?: (n: number) => Uint8Array;
  /** Where pino writes; default stdout. `false` turns logging off. */
  readonly logDestination?: LogDestination | false;
}

/** What the routes share. @internal */
export interface ApprovalContext {
  readonly book: Book;
  readonly approvalKey: Uint8Array;
  readonly checkApprover: ReturnType<typeof approverCheck>;
  readonly csrf: (id: string, action: string) => string;
  readonly clock: Clock;
  readonly maxWaitMs: number;
  readonly discharge: (rec: ApprovalRecord) => string;
  readonly record: (rec: ApprovalRecord, requestId: string) => Promise<void>;
  readonly page: (notice?: string) => string;
  readonly open: typeof openApprovalCaveat;
}

/**
 * Builds the app (not listening).
 * @example
 * ```ts
 * const app = await buildApprovalApp({ approvalKey, approverToken, location: 'http://127.0.0.1:7400' })
 * await app.listen({ port: 7400, host: '127.0.0.1' })
 * ```
 */
export async function buildApprovalApp(options: ApprovalAppOptions): Promise<FastifyInstance> {
  const { approvalKey, approverToken } = options;
  if (!(approvalKey instanceof Uint8Array) || approvalKey.length !== 32) {
    throw new TypeError('options.approvalKey must be a 32-byte Uint8Array');
  }
  if (typeof approverToken !== 'string' || approverToken.length < 32) {
    throw new TypeError('options.approverToken must be a string of at least 32 characters');
  }
  const clock = options.clock ?? Date.now;
  const random = options.random ?? ((n: number) => Uint8Array.from(randomBytes(n)));
  const dischargeTtl = options.dischargeTtl ?? 60;
  const csrfKey = random(32);
  const book = new ApprovalBook({
    clock,
    newId: () => Buffer.from(random(16)).toString('hex'),
    maxPendingSeconds: options.maxPendingSeconds ?? 600,
    maxRecords: options.maxRecords ?? 10_000,
  });
  const ctx: ApprovalContext = {
    book,
    approvalKey,
    checkApprover: approverCheck(approverToken),
    csrf: (id, action) => createHmac('sha256', csrfKey).update(`${id}:${action}`).digest('hex'),
    clock,
    maxWaitMs: options.maxWaitMs ?? 25_000,
    discharge: (rec) =>
      issueDischarge({
        caveatId: rec.caveatId,
        caveatKey: rec.caveatKey,
        request: rec.request,
        location: options.location ?? '',
        nowSeconds: Math.floor(clock() / 1000),
        ttl: dischargeTtl,
      }),
    record: async (rec, requestId) => {
      if (options.audit === undefined) return;
      const r = rec.request;
      const decided = rec.status === 'approved' || rec.status === 'denied';
      await options.audit.appendAudit(
        createAuditEvent(
          {
            type: 'approval',
            service: 'approval',
            requestId,
            route: `approval/${rec.status}`,
            decision: decided ? (rec.status === 'approved' ? 'allow' : 'deny') : null,
            ...(rec.status === 'denied' && { code: 'ERR_DISCHARGE_MISSING' as const }),
            tool: r.tool,
            argsDigest: r.argsDigest,
            ...(r.tenant !== undefined && { tenant: r.tenant }),
            ...(r.session !== undefined && { session: r.session }),
            ...(r.principal !== undefined && { principal: r.principal }),
          },
          { now: clock() },
        ),
      );
    },
    page: (notice) =>
      renderPage(book.list('pending'), ctx.csrf, Math.floor(clock() / 1000), notice),
    open: openApprovalCaveat,
  };

  const app = Fastify({
    logger:
      options.logDestination === false
        ? false
        : {
            level: 'info',
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            ...(options.logDestination !== undefined && { stream: options.logDestination }),
          },
    bodyLimit: 16_384,
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ChitError) {
      if (error.code === 'ERR_UNAUTHORIZED' && request.url === '/') {
        reply.header('www-authenticate', 'Basic realm="chit-approvals", charset="UTF-8"');
      }
      return reply.code(httpStatusFor(error.code)).send(errorBody(error.code, error.message));
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) {
      return reply.code(413).send(errorBody('ERR_PAYLOAD_TOO_LARGE', 'body is too large'));
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(400).send(errorBody('ERR_BAD_REQUEST', 'request is malformed'));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(errorBody('ERR_INTERNAL', 'internal error'));
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(errorBody('ERR_NOT_FOUND', 'no such route')),
  );
  // Long-polls would hold the close for up to maxWaitMs: answer them now (still pending).
  app.addHook('preClose', async () => book.wakeAll());
  requestRoutes(app, ctx);
  decideRoutes(app, ctx);
  return app;
}
