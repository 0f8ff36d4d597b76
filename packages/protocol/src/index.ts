/**
 * @chit/protocol: Chit's `/v1` wire contract in one place. The request and response zod
 * schemas of the mint API, the error body, the capability view, the code-to-HTTP-status
 * table, the string rules of the boundary, and the header codec (also at
 * `@chit/protocol/headers`, without zod). The mint, the SDK, the CLI, the approval service,
 * the agent and the verifier plugin import this one copy. No `node:` imports: runs in
 * browsers.
 *
 * @example
 * ```ts
 * import { HTTP_STATUS, mintBodySchema, verifyResponseSchema } from '@chit/protocol'
 * const body = mintBodySchema.parse(json) // 400 on a lone surrogate or a control character
 * ```
 */
export { healthSchema, keysResponseSchema, retireBodySchema } from './admin-api.js';
export {
  type AuditPage,
  type AuditQueryParams,
  auditPageSchema,
  auditQueryFields,
  instantSchema,
} from './audit-api.js';
export { bearerSecretSchema } from './bearer-secret.js';
export { type CapabilityView, capabilitySchema, capabilityView } from './capability.js';
export { type ErrorBody, errorBody, errorCodeSchema, errorSchema } from './error-body.js';
export * from './headers.js';
export { HTTP_STATUS, httpStatusFor } from './http-status.js';
export {
  type RevokeBody,
  type RevokeRequest,
  type RevokeResponse,
  revokeBodySchema,
  revokeResponseSchema,
  tokenIdSchema,
} from './revocations-api.js';
export { identifier, isIdentifierText, isWellFormedText, wellFormed } from './text.js';
export {
  type MintBody,
  type MintRequest,
  type MintResponse,
  mintBodySchema,
  mintResponseSchema,
  traceIdSchema,
} from './tokens-api.js';
export {
  dischargesSchema,
  tokenTextSchema,
  type VerifyBody,
  type VerifyRequest,
  type VerifyResponse,
  verifyBodySchema,
  verifyResponseSchema,
} from './verify-api.js';
export type { WireRequest } from './wire-request.js';
