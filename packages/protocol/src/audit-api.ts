/**
 * `GET /v1/audit` wire shapes. The audit event itself is the store's schema
 * (`auditEventSchema` in @chit/store); here are the query fields as they arrive over HTTP
 * and the page around the events.
 */
import { z } from 'zod';
import { identifier } from './text.js';
import type { WireRequest } from './wire-request.js';

// The last second a four-digit-year ISO 8601 time can name: larger Unix times would turn
// into `+033658-…`, which no ISO filter accepts.
const MAX_UNIX_SECONDS = 253_402_300_799;

/**
 * An instant in a query: ISO 8601 (the store's form) or Unix seconds (the SDK's form),
 * always handed on as ISO 8601.
 * @example instantSchema.parse('1767225600') // '2026-01-01T00:00:00.000Z'
 */
export const instantSchema = z
  .union([z.iso.datetime(), z.string().regex(/^\d{1,12}$/, 'Unix seconds or ISO 8601')])
  .refine((v) => !/^\d+$/.test(v) || Number(v) <= MAX_UNIX_SECONDS, 'is past year 9999')
  .transform((v) => (/^\d+$/.test(v) ? new Date(Number(v) * 1000).toISOString() : v));

/**
 * The string filters of `GET /v1/audit` as they arrive over HTTP: identifiers (well
 * formed, no control characters) and instants. Extend the store's query schema with them.
 * @example auditQuerySchema.extend(auditQueryFields)
 */
export const auditQueryFields = {
  tokenId: identifier(128).optional(),
  session: identifier(256).optional(),
  principal: identifier(256).optional(),
  tenant: identifier(256).optional(),
  traceId: identifier(256).optional(),
  cursor: identifier(128).optional(),
  since: instantSchema.optional(),
  until: instantSchema.optional(),
};

/**
 * Query of `GET /v1/audit` as a client writes it (all optional; `since`/`until` in Unix
 * seconds or ISO 8601).
 * @example await client.audit({ tokenId, since: 1700000000 } satisfies AuditQueryParams)
 */
export type AuditQueryParams = WireRequest<{
  tokenId?: string;
  session?: string;
  principal?: string;
  tenant?: string;
  traceId?: string;
  /** Event type: `mint`, `verify.allow`, `verify.deny`, `revoke`, ... */
  type?: string;
  since?: number | string;
  until?: number | string;
  cursor?: string;
  limit?: number;
}>;

/**
 * The page around audit events: oldest first, `next` is the cursor of the next page.
 * @example response: { 200: auditPageSchema(auditEventSchema) }
 */
export function auditPageSchema<E extends z.ZodType>(event: E) {
  return z.object({ events: z.array(event), next: z.string().nullable() });
}

/**
 * Answer of `GET /v1/audit` as a client receives it.
 * @example for (const e of (await client.audit({ session: 's-1' })).events) console.log(e.type)
 */
export interface AuditPage<E = Readonly<Record<string, unknown>>> {
  readonly events: readonly E[];
  readonly next: string | null;
}
