/**
 * The zod schemas of the HTTP API: one source for validation, handler types and the
 * OpenAPI document. They live in @chit/protocol, the one wire contract that the SDK, the
 * CLI, the agent and the approval service share; this module re-exports them for the
 * routes.
 * @example import { mintBodySchema, errorSchema } from './schemas.js';
 */
export {
  type CapabilityView,
  capabilitySchema,
  errorSchema,
  healthSchema,
  keysResponseSchema,
  type MintBody,
  mintBodySchema,
  mintResponseSchema,
  type RevokeBody,
  retireBodySchema,
  revokeBodySchema,
  revokeResponseSchema,
  type VerifyBody,
  verifyBodySchema,
  verifyResponseSchema,
} from '@chit/protocol';
