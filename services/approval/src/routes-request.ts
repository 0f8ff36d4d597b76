/**
 * The requester's side: `POST /v1/approvals` registers a sealed caveat id, `GET
 * /v1/approvals/:id[?wait=ms]` answers the status (long-polling up to `maxWaitMs`) and,
 * once approved, the discharge. Open routes: the caveat id is sealed for this service
 * and the approval id is a 128-bit random name known only to the requester and approvers.
 */
import type { FastifyInstance } from 'fastify';
import type { ApprovalContext } from './app.js';
import {
  idParamsSchema,
  parseOr400,
  registerBodySchema,
  viewOf,
  waitQuerySchema,
} from './views.js';

/**
 * Registers the requester routes.
 * @example requestRoutes(app, ctx)
 */
export function requestRoutes(app: FastifyInstance, ctx: ApprovalContext): void {
  app.post('/v1/approvals', async (request, reply) => {
    const { caveatId } = parseOr400(registerBodySchema, request.body);
    const opened = ctx.open(ctx.approvalKey, caveatId);
    const before = ctx.book.list().length;
    const rec = ctx.book.register(caveatId, opened);
    if (ctx.book.list().length > before) await ctx.record(rec, request.id);
    return reply.code(202).send(viewOf(rec, false));
  });

  app.get('/v1/approvals/:id', async (request) => {
    const { id } = parseOr400(idParamsSchema, request.params);
    const { wait } = parseOr400(waitQuerySchema, request.query);
    const ms = Math.min(Number(wait ?? 0), ctx.maxWaitMs);
    await ctx.book.wait(id, ms);
    return viewOf(ctx.book.get(id), true);
  });
}
