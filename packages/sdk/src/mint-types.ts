/**
 * Request and response shapes of the mint service's `/v1` API, as the client sees them
 * (field names fixed by the mint service issue: extend, never rename).
 */
import type { ErrorCode } from '@chit/token';

/**
 * Body of `POST /v1/tokens`.
 * @example
 * ```ts
 * const req: MintRequest = { principal: { id: 'user-1', role: 'agent' }, tenant: '42',
 *   resources: ['orders/*'], actions: ['read'], ttl: 3600 }
 * ```
 */
export interface MintRequest {
  readonly principal: { readonly id: string; readonly role?: string };
  readonly tenant: string;
  readonly resources: readonly string[];
  readonly actions: readonly string[];
  /** Lifetime in seconds. */
  readonly ttl: number;
  readonly session?: string;
  readonly traceId?: string;
  readonly audience?: string;
  readonly budget?: { readonly uses: number };
  readonly attributes?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Answer of `POST /v1/tokens` (201).
 * @example const { token, expiresAt } = await client.mint(req)
 */
export interface MintResponse {
  readonly token: string;
  readonly tokenId: string;
  readonly kid: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly caveats: readonly string[];
}

/**
 * Body of `POST /v1/verify`.
 * @example
 * ```ts
 * await client.verify({ token, discharges: [], context: { tenant: '42', resource: 'orders/7', action: 'read' } })
 * ```
 */
export interface VerifyRequest {
  readonly token: string;
  readonly discharges?: readonly string[];
  readonly context: {
    readonly tenant?: string;
    readonly resource?: string;
    readonly action?: string;
    readonly audience?: string;
    readonly attributes?: Readonly<Record<string, string>>;
  };
}

/**
 * Answer of `POST /v1/verify` (200): a decision, never an HTTP error for a denied token.
 * @example if (!(await client.verify(req)).allowed) deny()
 */
export interface VerifyResponse {
  readonly allowed: boolean;
  readonly code?: ErrorCode;
  readonly message?: string;
  readonly capability?: Readonly<Record<string, unknown>>;
}

/**
 * Body of `POST /v1/revocations`: exactly one form.
 * @example await client.revoke({ tokenId: '0f1e...' })
 */
export type RevokeRequest =
  | { readonly tokenId: string }
  | { readonly session: string }
  | { readonly principal: string; readonly issuedBefore: number }
  | { readonly token: string; readonly discharges?: readonly string[] };

/**
 * Answer of `POST /v1/revocations`.
 * @example const { revoked } = await client.revoke({ session: 's-1' })
 */
export interface RevokeResponse {
  readonly revoked: Readonly<Record<string, unknown>>;
}

/**
 * Query of `GET /v1/audit` (all optional; `since`/`until` in Unix seconds).
 * @example await client.audit({ tokenId, since: 1700000000 })
 */
export interface AuditQueryParams {
  readonly tokenId?: string;
  readonly session?: string;
  readonly principal?: string;
  readonly tenant?: string;
  readonly traceId?: string;
  /** Event type: `mint`, `verify.allow`, `verify.deny`, `revoke`, ... */
  readonly type?: string;
  /** Unix seconds or ISO 8601. */
  readonly since?: number | string;
  /** Unix seconds or ISO 8601. */
  readonly until?: number | string;
  readonly cursor?: string;
  readonly limit?: number;
}

/**
 * Answer of `GET /v1/audit`.
 * @example for (const e of (await client.audit({ session: 's-1' })).events) console.log(e.type)
 */
export interface AuditPage {
  readonly events: readonly Readonly<Record<string, unknown>>[];
  readonly next: string | null;
}
