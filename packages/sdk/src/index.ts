/**
 * @chit/sdk: what a token holder needs. Narrow a token offline, inspect it (unverified),
 * delegate it to a downstream service, send it in the delegation headers, talk to the
 * mint service. No `node:` imports: runs in browsers, workers and Node.
 *
 * @example
 * ```ts
 * import { narrow, inspect } from '@chit/sdk'
 * const sub = narrow(token, { actions: ['read'], attributes: { customer_id: '7' }, ttl: 300 })
 * console.log(inspect(sub).remaining) // 'in 5m'
 * ```
 */
export { DEFAULT_DELEGATION_TTL, type DelegateOptions, delegate } from './delegate.js';
export {
  createDelegatingFetch,
  type DelegatingFetchOptions,
  type Delegator,
} from './delegating-fetch.js';
export * from './headers.js';
export {
  humanDuration,
  type InspectedThirdParty,
  type InspectedToken,
  inspect,
} from './inspect.js';
export {
  createMintClient,
  type FetchLike,
  MintApiError,
  type MintClient,
  type MintClientOptions,
  MintUnavailableError,
} from './mint-client.js';
export type * from './mint-types.js';
export { type NarrowContext, type NarrowOptions, narrow } from './narrow.js';
export { patternCovers } from './narrowing.js';
