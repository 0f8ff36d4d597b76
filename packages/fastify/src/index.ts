/**
 * @chit/fastify: the Chit verifier middleware. Deny by default; every route declares
 * what it needs; `request.capability` carries the verified authority.
 */
export type { AuditStats } from './audit.js';
export type { DelegationOptions, RequestCapability } from './capability.js';
export { type ChitErrorBody, type ChitHttpErrorConstructor, ChitHttpErrors } from './errors.js';
export type { NarrowInput } from './holder.js';
export type { JudgeStats, RevocationStats } from './judge.js';
export type {
  ChitCommonOptions,
  ChitLocalOptions,
  ChitPluginOptions,
  ChitRemoteOptions,
} from './options.js';
export { type ChitInstance, type ChitStats, chit, chit as default } from './plugin.js';
export type { ChitRouteConfig, ChitRouteOptions, ValueSource } from './route-config.js';
