/**
 * @chit/token: macaroon V2 capability tokens. Mint, attenuate, verify; pure, runs anywhere.
 * See docs/protocol.md for the wire format and docs/caveats.md for the conditions.
 */

export {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  type CreateMacaroonOptions,
  createMacaroon,
  encode,
  encodeBinary,
  fingerprint,
  type ThirdPartyCaveatOptions,
} from './build.js';
export {
  base64Decode,
  base64UrlEncode,
  constantTimeEqual,
  fromHex,
  toHex,
  utf8Decode,
  utf8Encode,
} from './bytes.js';
export {
  createVerifiedChainCache,
  DEFAULT_PREFIX_STEPS,
  type VerifiedChainCache,
  type VerifiedChainCacheOptions,
} from './cache.js';
export {
  type AttributeCondition,
  authorize,
  type ClaimCondition,
  type Condition,
  type ConditionSummary,
  caveat,
  checkTimeBounds,
  claimField,
  formatCondition,
  parseCondition,
  type ResolveInput,
  type ResourceCondition,
  resolveCapability,
  type SetCondition,
  summarizeConditions,
  type TimeCondition,
  type UsesCondition,
  type ViaCondition,
} from './caveats/index.js';
export { attenuate, type MintOptions, mint } from './chit.js';
export * from './errors.js';
export {
  decodeIdentifier,
  encodeIdentifier,
  hasControlCharacter,
  type IdentifierInput,
} from './identifier.js';
export { LEEWAY_SECONDS, stateLifetime } from './lifetimes.js';
export { DEFAULT_LIMITS, MAX_BUDGETS } from './limits.js';
export { MacaroonV2 } from './macaroon.js';
export { decode, parseToken } from './parse.js';
export type * from './types.js';
export {
  type TokenInput,
  type VerifyChainOptions,
  type VerifyOptions,
  verify,
  verifyChain,
} from './verify.js';
export { type VerifyMacaroonOptions, verifyMacaroon } from './verify-macaroon.js';
