/**
 * The one audit event schema shared by the mint service and the verifier middleware,
 * plus the audit query and page shapes every store answers with.
 */
import { ChitError, ERROR_CODES } from '@chit/token';
import { z } from 'zod';

/** The kinds of audit events. */
export const AUDIT_EVENT_TYPES = [
  'mint',
  'verify.allow',
  'verify.deny',
  'revoke',
  'approval',
] as const;

/** One audit event type. */
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

const text = (max: number) => z.string().min(1).max(max);

/**
 * The zod schema of an audit event. It never carries a token, signature or key: only the
 * token's id and the fingerprint of the presented token (the last chain fingerprint).
 *
 * @example
 * ```ts
 * const event = auditEventSchema.parse(JSON.parse(line));
 * ```
 */
export const auditEventSchema = z.strictObject({
  /** Unique event id. */
  id: text(128),
  /** When it happened, ISO 8601 UTC (`2026-01-01T00:00:00.000Z`). */
  time: z.iso.datetime(),
  type: z.enum(AUDIT_EVENT_TYPES),
  requestId: text(256).optional(),
  tokenId: text(128).optional(),
  kid: text(64).optional(),
  /** Fingerprint of the presented token (its last chain fingerprint), never the token. */
  tokenFingerprint: text(128).optional(),
  /** The token's first-party caveats as text, in chain order. */
  caveats: z.array(z.string().max(4096)).max(1024),
  principal: text(256).optional(),
  tenant: text(256).optional(),
  session: text(256).optional(),
  traceId: text(256).optional(),
  decision: z.enum(['allow', 'deny']).nullable(),
  /** The stable error code of a denial. */
  code: z.enum(ERROR_CODES).optional(),
  /** The service that recorded the event. */
  service: text(128),
  route: text(512).optional(),
  tool: text(256).optional(),
  /** Digest of the tool call's arguments (never the arguments). */
  argsDigest: text(256).optional(),
  /** Delegation hops, in chain order. */
  via: z.array(z.string().max(256)).max(64).optional(),
});

/**
 * One audit event.
 *
 * @example
 * ```ts
 * const e: AuditEvent = createAuditEvent({ type: 'revoke', service: 'mint', tokenId }, { now: clock() });
 * ```
 */
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** Default and maximum page size of an audit query. */
export const AUDIT_PAGE_DEFAULT = 100;
/** @see AUDIT_PAGE_DEFAULT */
export const AUDIT_PAGE_MAX = 1000;

/**
 * The zod schema of an audit query (e.g. from `GET /v1/audit` query parameters: `limit` is
 * coerced from a string). `since` is inclusive, `until` exclusive, both ISO 8601.
 *
 * @example
 * ```ts
 * const query = auditQuerySchema.parse(request.query);
 * const page = await store.queryAudit(query);
 * ```
 */
export const auditQuerySchema = z.strictObject({
  tokenId: text(128).optional(),
  session: text(256).optional(),
  principal: text(256).optional(),
  tenant: text(256).optional(),
  traceId: text(256).optional(),
  type: z.enum(AUDIT_EVENT_TYPES).optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  /** Opaque cursor from a previous page's `next`. */
  cursor: text(128).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
});

/**
 * An audit query: every given field must match (AND); results are oldest first.
 *
 * @example
 * ```ts
 * const q: AuditQuery = { tokenId, since: '2026-01-01T00:00:00Z', limit: 50 };
 * ```
 */
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/**
 * One page of audit events. `next` is the cursor of the following page, or `null` when
 * there is nothing more. A page may hold fewer than `limit` events (stores bound the work
 * of one page) while `next` is not null: keep paging until `next` is null.
 *
 * @example
 * ```ts
 * for (let q = query; ; ) { const p = await store.queryAudit(q); use(p.events); if (!p.next) break; q = { ...q, cursor: p.next }; }
 * ```
 */
export interface AuditPage {
  readonly events: AuditEvent[];
  readonly next: string | null;
}

/**
 * The audit cursor given is not one this store issued (HTTP 400, `ERR_BAD_REQUEST`).
 *
 * @example
 * ```ts
 * if (e instanceof AuditCursorInvalidError) reply.code(400);
 * ```
 */
export class AuditCursorInvalidError extends ChitError {
  constructor() {
    super('ERR_BAD_REQUEST', 'audit cursor is invalid');
  }
}

/** Fields a caller supplies to {@link createAuditEvent}. */
export type AuditEventInput = Omit<AuditEvent, 'id' | 'time' | 'caveats' | 'decision'> & {
  readonly caveats?: readonly string[];
  readonly decision?: 'allow' | 'deny' | null;
};

const defaultId = (): string => globalThis.crypto.randomUUID();

/**
 * Builds a validated audit event. Time is an input (`now`, Unix milliseconds); the id is
 * random unless given. `decision` defaults from the type (`verify.allow` → `allow`,
 * `verify.deny` → `deny`, otherwise `null`). Throws a zod error on invalid fields (a
 * programming error: callers build events from verified data).
 *
 * @example
 * ```ts
 * const event = createAuditEvent(
 *   { type: 'verify.deny', service: 'orders', tokenId, code: 'ERR_TOKEN_REVOKED', route: '/orders/:id' },
 *   { now: clock() },
 * );
 * await store.appendAudit(event);
 * ```
 */
export function createAuditEvent(
  input: AuditEventInput,
  opts: { readonly now: number; readonly id?: string },
): AuditEvent {
  const decision =
    input.decision !== undefined
      ? input.decision
      : input.type === 'verify.allow'
        ? 'allow'
        : input.type === 'verify.deny'
          ? 'deny'
          : null;
  return auditEventSchema.parse({
    ...input,
    id: opts.id ?? defaultId(),
    time: new Date(opts.now).toISOString(),
    caveats: input.caveats ? [...input.caveats] : [],
    decision,
  });
}

/**
 * Does `event` satisfy every filter of `query`? (Shared by every store so they agree.)
 *
 * @example
 * ```ts
 * const hits = events.filter((e) => matchesAuditQuery(e, query));
 * ```
 */
export function matchesAuditQuery(event: AuditEvent, query: AuditQuery): boolean {
  if (query.tokenId !== undefined && event.tokenId !== query.tokenId) return false;
  if (query.session !== undefined && event.session !== query.session) return false;
  if (query.principal !== undefined && event.principal !== query.principal) return false;
  if (query.tenant !== undefined && event.tenant !== query.tenant) return false;
  if (query.traceId !== undefined && event.traceId !== query.traceId) return false;
  if (query.type !== undefined && event.type !== query.type) return false;
  if (query.since !== undefined || query.until !== undefined) {
    const t = Date.parse(event.time);
    if (query.since !== undefined && t < Date.parse(query.since)) return false;
    if (query.until !== undefined && t >= Date.parse(query.until)) return false;
  }
  return true;
}
