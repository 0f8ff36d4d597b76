/**
 * The core's parsed-condition and summary types, derived from its functions (so the SDK
 * does not depend on the core re-exporting the type names).
 */
import type { parseCondition, summarizeConditions } from '@chit/token';

/**
 * A parsed first-party condition.
 * @example const c: Condition = parseCondition('action = read')
 */
export type Condition = ReturnType<typeof parseCondition>;
/**
 * The unverified summary of a condition list.
 * @example const s: ConditionSummary = summarizeConditions(['tenant = 42'])
 */
export type ConditionSummary = ReturnType<typeof summarizeConditions>;
