/**
 * The approvers' side: the API (`GET /v1/approvals`, `POST /v1/approvals/:id/approve`,
 * `POST /v1/approvals/:id/deny`, Bearer) and the page (`GET /`, form posts to
 * `/ui/approvals/:id/approve|deny`, Basic, with a per-approval CSRF token).
 */
import { timingSafeEqual } from 'node:crypto';
import { ChitError } from '@chit/token';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApprovalContext } from './app.js';
import { formBodySchema, idParamsSchema, listQuerySchema, parseOr400, viewOf } from './views.js';

async function decide(
  ctx: ApprovalContext,
  id: string,
  action: 'approve' | 'deny',
  by: string,
  requestId: string,
) {
  const rec = ctx.book.decide(id, action === 'approve' ? 'approved' : 'denied', by, ctx.discharge);
  await ctx.record(rec, requestId);
  return rec;
}

function actionOf(request: FastifyRequest): 'approve' | 'deny' {
  return request.url.split('?')[0]!.endsWith('/approve') ? 'approve' : 'deny';
}

/**
 * Registers the approver routes and the page.
 * @example decideRoutes(app, ctx)
 */
export function decideRoutes(app: FastifyInstance, ctx: ApprovalContext): void {
  app.get('/v1/approvals', async (request) => {
    ctx.checkApprover(request.headers.authorization, 'bearer');
    const { status } = parseOr400(listQuerySchema, request.query);
    return { approvals: ctx.book.list(status).map((r) => viewOf(r, false)) };
  });

  for (const path of ['/v1/approvals/:id/approve', '/v1/approvals/:id/deny']) {
    app.post(path, async (request) => {
      const by = ctx.checkApprover(request.headers.authorization, 'bearer');
      const { id } = parseOr400(idParamsSchema, request.params);
      return viewOf(await decide(ctx, id, actionOf(request), by, request.id), false);
    });
  }

  app.get('/', async (request, reply) => {
    ctx.checkApprover(request.headers.authorization, 'basic');
    return reply
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      )
      .header('x-frame-options', 'DENY')
      .type('text/html; charset=utf-8')
      .send(ctx.page());
  });

  for (const path of ['/ui/approvals/:id/approve', '/ui/approvals/:id/deny']) {
    app.post(path, async (request, reply) => {
      const by = ctx.checkApprover(request.headers.authorization, 'basic');
      const site = request.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        throw new ChitError('ERR_FORBIDDEN', 'cross-site form posts are refused');
      }
      const { id } = parseOr400(idParamsSchema, request.params);
      const { csrf } = parseOr400(formBodySchema, request.body);
      const action = actionOf(request);
      const expected = Buffer.from(ctx.csrf(id, action), 'hex');
      if (!timingSafeEqual(Buffer.from(csrf, 'hex'), expected)) {
        throw new ChitError('ERR_FORBIDDEN', 'the form token is wrong');
      }
      await decide(ctx, id, action, by, request.id);
      return reply.code(303).header('location', '/').send();
    });
  }
}
