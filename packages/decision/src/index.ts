/**
 * @chit/decision: the one decision every Chit verifier makes (see docs/verifier.md and
 * docs/security.md), with time, keys, revocations and budgets injected as ports.
 */
export { type DecisionFacts, eventFromDecision, tenantOf } from './audit-event.js';
export { budgetUses } from './budgets.js';
export {
  type Allowed,
  authorizeAt,
  type BudgetPort,
  type Decision,
  type DecisionPorts,
  type DecisionRequest,
  type DecisionStage,
  type Denied,
  decide,
  denial,
  type RevocationView,
  STAGE_CODE,
} from './decide.js';
export { errorFromCode } from './error-from-code.js';
export { capabilityFromView } from './foreign-capability.js';
export { CachedRevocationMirror } from './revocation-view.js';
