/** The JSON view of an approval record and the zod schemas of the inputs. */
import { MAX_APPROVAL_CAVEAT_ID } from '@chit/agent';
import { identifier } from '@chit/protocol';
import { z } from 'zod';
import type { ApprovalRecord } from './book.js';

/** `POST /v1/approvals` body. */
export const registerBodySchema = z.strictObject({
  caveatId: identifier(MAX_APPROVAL_CAVEAT_ID),
});
/** `:id` parameter: 32 lowercase hex. */
export const idParamsSchema = z.strictObject({ id: z.string().regex(/^[0-9a-f]{32}$/) });
/** `GET /v1/approvals/:id` query. */
export const waitQuerySchema = z.strictObject({
  wait: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,5})$/)
    .optional(),
});
/** `GET /v1/approvals` query. */
export const listQuerySchema = z.strictObject({
  status: z.enum(['pending', 'approved', 'denied', 'expired']).optional(),
});
/** The page's form body. */
export const formBodySchema = z.strictObject({ csrf: z.string().regex(/^[0-9a-f]{64}$/) });

/**
 * The public view of a record; the discharge only when asked for and approved.
 * @example reply.send(viewOf(rec, true))
 */
export function viewOf(rec: ApprovalRecord, withDischarge: boolean) {
  const r = rec.request;
  return {
    id: rec.id,
    status: rec.status,
    createdAt: rec.createdAt,
    expiresAt: rec.expiresAt,
    ...(rec.decidedAt !== undefined && { decidedAt: rec.decidedAt }),
    request: {
      summary: r.summary,
      tool: r.tool,
      action: r.action,
      resource: r.resource,
      ...(r.tenant !== undefined && { tenant: r.tenant }),
      ...(r.session !== undefined && { session: r.session }),
      ...(r.principal !== undefined && { principal: r.principal }),
      argsDigest: r.argsDigest,
    },
    ...(withDischarge && rec.status === 'approved' && rec.discharge !== undefined
      ? { discharge: rec.discharge }
      : {}),
  };
}

/**
 * Parses with zod, or throws `ERR_BAD_REQUEST` naming the failing fields (never values).
 * @example const body = parseOr400(registerBodySchema, request.body)
 */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const paths = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
  throw new BadRequest(`invalid request at ${paths}`);
}

import { ChitError } from '@chit/token';

/** `ERR_BAD_REQUEST` (400). */
class BadRequest extends ChitError {
  constructor(message: string) {
    super('ERR_BAD_REQUEST', message);
  }
}
