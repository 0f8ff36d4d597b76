/**
 * The one decision. Every place that admits a request on a Chit token (the fastify
 * plugin in local mode, the mint's `POST /v1/verify` that the plugin's remote mode asks,
 * the agent's tool guard) calls {@link decide}; none of them re-implements a step.
 *
 * Order: the chain (signatures, then caveats resolved: nothing about the token is judged
 * before its signature verified), revocation (a revoked token is revoked whatever the
 * request), the caveats against the request at one leeway, then budgets, atomically in
 * the store, each counter kept for the lifetime of the chain that created it.
 */
import type { BudgetResult, BudgetUse } from '@chit/store';
import {
  authorize,
  BudgetExhaustedError,
  BudgetUnavailableError,
  ChitError,
  type Clock,
  checkTimeBounds,
  type ErrorCode,
  LEEWAY_SECONDS,
  type RequestContext,
  type VerifiedCapability,
} from '@chit/token';
import { budgetUses } from './budgets.js';
import { errorFromCode } from './error-from-code.js';

/** The step a decision reached: names the code of an unexpected failure there. */
export type DecisionStage = 'verify' | 'revocation' | 'budget';

/**
 * The code a denial carries when a step fails with something other than a ChitError (a
 * store bug, a thrown non-error): never a 500, never the foreign message.
 * @example STAGE_CODE.budget // 'ERR_BUDGET_UNAVAILABLE'
 */
export const STAGE_CODE: Readonly<Record<DecisionStage, ErrorCode>> = Object.freeze({
  verify: 'ERR_TOKEN_MALFORMED',
  revocation: 'ERR_REVOCATION_UNAVAILABLE',
  budget: 'ERR_BUDGET_UNAVAILABLE',
});

/**
 * The revocation port: throws `TokenRevokedError`, or `RevocationUnavailableError` when
 * its state cannot be trusted (fail closed). `RevocationMirror` fits; see
 * {@link createRevocationView} for the cached form.
 * @example const view: RevocationView = mirror
 */
export interface RevocationView {
  check(cap: VerifiedCapability, nowSeconds: number): void;
}

/**
 * The budget port: `ChitStore.consumeBudgets` fits.
 * @example const budgets: BudgetPort = store
 */
export interface BudgetPort {
  consumeBudgets(family: string, budgets: readonly BudgetUse[]): Promise<BudgetResult>;
}

/**
 * What {@link decide} is given besides the request: every effect is a port.
 * @example
 * ```ts
 * const ports: DecisionPorts = {
 *   verify: (token, discharges) => verifyChain(token, { keys, discharges, cache }),
 *   revocations: mirror, budgets: store, clock: Date.now,
 * };
 * ```
 */
export interface DecisionPorts {
  /** Verifies the chain and its discharges and resolves the capability (throws ChitErrors). */
  readonly verify: (token: string, discharges: readonly string[]) => VerifiedCapability;
  readonly revocations: RevocationView;
  /** `undefined`: a token with budgets is denied with `ERR_BUDGET_UNAVAILABLE`. */
  readonly budgets: BudgetPort | undefined;
  /** Unix milliseconds. */
  readonly clock: Clock;
}

/**
 * One request to decide.
 * @example const req: DecisionRequest = { token, discharges: [], context: { tenant: '42', action: 'read' } }
 */
export interface DecisionRequest {
  readonly token: string;
  readonly discharges: readonly string[];
  readonly context: RequestContext;
  /**
   * Authenticate only (a request with nothing to authorize, such as a route that does not
   * exist): chain, revocation and validity period; no caveats, no budgets.
   */
  readonly authenticateOnly?: boolean;
}

/**
 * A request allowed. `consumed` are the budget uses taken (empty when none).
 * @example if (d.allowed) handle(d.capability)
 */
export interface Allowed {
  readonly allowed: true;
  readonly capability: VerifiedCapability;
  readonly context: RequestContext;
  readonly consumed: readonly BudgetUse[];
  /** Unix milliseconds at which it was decided. */
  readonly nowMs: number;
}

/**
 * A request denied, with a coded error. `capability` is set when the chain verified (the
 * denial came later): only then does the audit name the token.
 * @example if (!d.allowed) reply.code(statusOf(d.code))
 */
export interface Denied {
  readonly allowed: false;
  readonly code: ErrorCode;
  readonly error: ChitError;
  readonly stage: DecisionStage;
  readonly capability: VerifiedCapability | undefined;
  readonly context: RequestContext;
  readonly nowMs: number;
  /** The name of a non-Chit failure that was turned into `code` (for the log; never its message). */
  readonly unexpected: string | undefined;
}

/**
 * A verdict.
 * @example const d: Decision = await decide(req, ports)
 */
export type Decision = Allowed | Denied;

const NONE: readonly BudgetUse[] = Object.freeze([]);

/**
 * A {@link Denied} for `err` at `stage`: a ChitError keeps its code, anything else takes
 * the stage's code (its name kept for the log, never its message). For deciders that
 * reach a verdict outside {@link decide} (a remote answer, a malformed header).
 * @example denial(new TokenMissingError(), 'verify', undefined, {}, Date.now())
 */
export function denial(
  err: unknown,
  stage: DecisionStage,
  capability: VerifiedCapability | undefined,
  context: RequestContext,
  nowMs: number,
): Denied {
  const chit = err instanceof ChitError;
  const error = chit ? err : errorFromCode(STAGE_CODE[stage]);
  const unexpected = chit ? undefined : err instanceof Error ? err.name : typeof err;
  return { allowed: false, code: error.code, error, stage, capability, context, nowMs, unexpected };
}

/**
 * The caveats of an already verified and revocation-checked capability against a request,
 * at the one leeway: the step {@link decide} takes, for a caller that holds a capability
 * decided moments ago (the remote plugin's short cache). Throws the coded denial.
 * @example authorizeAt(cap, { tenant: '42', action: 'read' }, Date.now())
 */
export function authorizeAt(cap: VerifiedCapability, context: RequestContext, nowMs: number): void {
  authorize(cap, context, Math.floor(nowMs / 1000), LEEWAY_SECONDS);
}

/**
 * Decides one request. Never throws for anything the request or a port does: every
 * failure is a {@link Denied} with a stable code. Synchronous unless budgets must be
 * consumed (then a promise), so a cached chain without budgets costs no promise.
 *
 * @example
 * ```ts
 * const d = await decide({ token, discharges: [], context: { tenant: '42', action: 'read' } }, ports);
 * if (!d.allowed) return deny(d.code);
 * ```
 */
export function decide(
  request: DecisionRequest,
  ports: DecisionPorts,
): Decision | Promise<Decision> {
  const { context } = request;
  const nowMs = ports.clock();
  let stage: DecisionStage = 'verify';
  let cap: VerifiedCapability | undefined;
  try {
    cap = ports.verify(request.token, request.discharges);
    stage = 'revocation';
    const nowSeconds = nowMs / 1000;
    ports.revocations.check(cap, nowSeconds);
    stage = 'verify';
    if (request.authenticateOnly === true) {
      checkTimeBounds(cap, Math.floor(nowSeconds), LEEWAY_SECONDS);
      return { allowed: true, capability: cap, context, consumed: NONE, nowMs };
    }
    authorize(cap, context, Math.floor(nowSeconds), LEEWAY_SECONDS);
    if (cap.budgets.length === 0) {
      return { allowed: true, capability: cap, context, consumed: NONE, nowMs };
    }
    stage = 'budget';
    return consume(cap, context, nowMs, ports.budgets);
  } catch (err) {
    return denial(err, stage, cap, context, nowMs);
  }
}

function consume(
  cap: VerifiedCapability,
  context: RequestContext,
  nowMs: number,
  port: BudgetPort | undefined,
): Promise<Decision> {
  if (port === undefined) {
    const err = new BudgetUnavailableError('this verifier has no budget store');
    return Promise.resolve(denial(err, 'budget', cap, context, nowMs));
  }
  const uses = budgetUses(cap);
  let pending: Promise<BudgetResult>;
  try {
    pending = port.consumeBudgets(cap.tokenId, uses);
  } catch (err) {
    return Promise.resolve(denial(err, 'budget', cap, context, nowMs));
  }
  return pending.then(
    (result): Decision =>
      result.allowed
        ? { allowed: true, capability: cap, context, consumed: uses, nowMs }
        : denial(new BudgetExhaustedError(), 'budget', cap, context, nowMs),
    // A store failure is a coded 503: its own ChitError if it has one, else the stage's.
    (err: unknown) => denial(err, 'budget', cap, context, nowMs),
  );
}
