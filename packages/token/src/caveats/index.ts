/**
 * The caveat language of Chit: parse, format and build first-party conditions, resolve a
 * verified chain's conditions into a capability, and authorize requests against it.
 * See docs/caveats.md for the grammar.
 */
export { authorize, checkTimeBounds } from './authorize.js';
export type {
  AttributeCondition,
  ClaimCondition,
  Condition,
  ConditionSummary,
  ResourceCondition,
  SetCondition,
  TimeCondition,
  UsesCondition,
  ViaCondition,
} from './condition.js';
export { caveat, formatCondition } from './format.js';
export { claimField } from './intersect.js';
export { parseCondition } from './parse.js';
export { type ResolveInput, resolveCapability } from './resolve.js';
export { summarizeConditions } from './summary.js';
