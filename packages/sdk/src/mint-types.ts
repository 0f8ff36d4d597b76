/**
 * Request and response shapes of the mint service's `/v1` API, as the client sees them:
 * re-exported from @chit/protocol, the one wire contract the mint validates with (field
 * names are public API: extend, never rename).
 * @example
 * ```ts
 * const req: MintRequest = { principal: { id: 'user-1', role: 'agent' }, tenant: '42',
 *   resources: ['orders/*'], actions: ['read'], ttl: 3600 }
 * ```
 */
export type {
  AuditPage,
  AuditQueryParams,
  MintRequest,
  MintResponse,
  RevokeRequest,
  RevokeResponse,
  VerifyRequest,
  VerifyResponse,
} from '@chit/protocol';
