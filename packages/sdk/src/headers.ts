/**
 * The delegation headers (`Authorization: Chit <token>`, `Chit-Discharges`) and
 * `traceIdFrom`: re-exported from `@chit/protocol/headers`, the one codec that the SDK,
 * the @chit/fastify verifier and the services share. Pure, browser-safe.
 * @example
 * ```ts
 * import { formatHeaders, readDelegationHeaders } from '@chit/sdk/headers';
 * ```
 */
export * from '@chit/protocol/headers';
