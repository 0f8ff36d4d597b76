/**
 * The per-request decision: a verified capability against a request context. On the hot
 * path (also the cached-verify path): no allocation, no regex, no re-validation beyond
 * cheap guards. Claim conflicts and attribute lists are prepared once per capability;
 * resource patterns are matched in place, segment by segment.
 */
import { CaveatUnsatisfiedError, TokenExpiredError, TokenNotYetValidError } from '../errors.js';
import type { RequestContext, VerifiedCapability } from '../types.js';
import { compiledOf } from './capability.js';
import { isRequestResource, matchAny } from './resource.js';

function deny(message: string): CaveatUnsatisfiedError {
  return new CaveatUnsatisfiedError(message);
}

function checkSet(allowed: readonly string[] | null, value: unknown, field: string): void {
  if (allowed === null) return;
  if (value === undefined) throw deny(`the request has no ${field} but the token restricts it`);
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw deny(`the token does not allow this ${field}`);
  }
}

// A claim constrains; no claim leaves the field open. (Denying a context principal for a
// token without a claim would protect nothing: any holder could append the claim, and
// attenuation must never turn a denial into an allowance.)
function checkClaim(claimed: string | undefined, value: unknown, field: string): void {
  if (claimed !== undefined && value !== undefined && value !== claimed) {
    throw deny(`the request's ${field} is not the token's ${field}`);
  }
}

/**
 * The validity period alone: valid while `notBefore - leeway <= now < expiresAt + leeway`.
 * The one place that compares a token's time bounds; `authorize` starts with it, and a
 * caller with nothing else to authorize (an unknown route) calls it alone.
 * @throws {TokenExpiredError} now is at or past expiry plus leeway.
 * @throws {TokenNotYetValidError} now is before not-before minus leeway.
 * @example checkTimeBounds(cap, Math.floor(Date.now() / 1000), LEEWAY_SECONDS)
 */
export function checkTimeBounds(
  cap: Pick<VerifiedCapability, 'expiresAt' | 'notBefore'>,
  nowSeconds: number,
  leewaySeconds: number,
): void {
  const exp = cap.expiresAt;
  if (exp !== null && nowSeconds >= exp + leewaySeconds) throw new TokenExpiredError();
  const nbf = cap.notBefore;
  if (nbf !== null && nowSeconds < nbf - leewaySeconds) throw new TokenNotYetValidError();
}

/**
 * Decides whether `cap` allows the request described by `context` at `nowSeconds`. Call it
 * only on a capability whose signatures verified; its messages explain the denial (they
 * never contain token material). Budgets (`cap.budgets`) are the caller's to consume.
 *
 * Time: valid while `notBefore - leeway <= now < expiresAt + leeway`. A field the token
 * constrains but the context lacks denies (fail closed); a context `principal` or
 * `session`, when given, must equal the token's claim when it has one.
 *
 * @throws {TokenExpiredError} now is at or past expiry plus leeway.
 * @throws {TokenNotYetValidError} now is before not-before minus leeway.
 * @throws {CaveatUnsatisfiedError} any other constraint is not met.
 * @throws {TypeError|RangeError} `nowSeconds` not finite, `leewaySeconds` negative or not finite.
 * @example
 * ```ts
 * const cap = verify(token, { keys, context, clock });   // resolves and authorizes once
 * authorize(cap, { tenant: '42', resource: 'orders/7', action: 'read' }, Date.now() / 1000, 30);
 * ```
 */
export function authorize(
  cap: VerifiedCapability,
  context: RequestContext,
  nowSeconds: number,
  leewaySeconds: number,
): void {
  if (!Number.isFinite(nowSeconds)) throw new TypeError('nowSeconds must be a finite number');
  if (!Number.isFinite(leewaySeconds) || leewaySeconds < 0) {
    throw new RangeError('leewaySeconds must be a finite number >= 0');
  }
  if (context === null || typeof context !== 'object') {
    throw new TypeError('context must be an object');
  }
  checkTimeBounds(cap, nowSeconds, leewaySeconds);

  const compiled = compiledOf(cap);
  if (compiled.unsatisfiable) throw deny('the token is unsatisfiable: its caveats contradict');

  checkSet(cap.tenants, context.tenant, 'tenant');
  checkSet(cap.actions, context.action, 'action');
  checkSet(cap.audiences, context.audience, 'audience');

  const resources = compiled.resources;
  if (resources.length > 0) {
    const resource = context.resource;
    if (resource === undefined)
      throw deny('the request has no resource but the token restricts it');
    if (!isRequestResource(resource)) throw deny('the requested resource is not a valid path');
    for (let i = 0; i < resources.length; i++) {
      if (!matchAny(resources[i]!, resource)) throw deny('the token does not allow this resource');
    }
  }

  checkClaim(cap.principal, context.principal, 'principal');
  checkClaim(cap.session, context.session, 'session');

  const names = compiled.attributeNames;
  if (names.length > 0) {
    const attributes = context.attributes;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      // Own properties only: `constructor` or `toString` must not come from a prototype.
      const value =
        attributes != null && Object.hasOwn(attributes, name) ? attributes[name] : undefined;
      if (value === undefined) {
        throw deny(`the request has no attribute ${name} but the token restricts it`);
      }
      if (typeof value !== 'string' || !compiled.attributeValues[i]!.includes(value)) {
        throw deny(`the token does not allow this value of attribute ${name}`);
      }
    }
  }
}
