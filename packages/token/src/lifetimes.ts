/**
 * Time bounds shared by every verifier, store and service: the one definition of the
 * clock-skew leeway and of how long state about a token (budget counters, revocation
 * entries) must outlive the token itself. See docs/security.md ("lifetimes").
 */

/**
 * Clock-skew leeway, seconds: a token is accepted while
 * `notBefore - LEEWAY_SECONDS <= now < expiresAt + LEEWAY_SECONDS`.
 * Every verifier uses this value; state about a token must outlive `expiresAt + LEEWAY_SECONDS`.
 * @example authorize(cap, context, nowSeconds, LEEWAY_SECONDS)
 */
export const LEEWAY_SECONDS = 30;

/**
 * The last Unix second (exclusive) at which any verifier could still accept a token
 * whose chain expires at `expiresAt`: state about the token (a budget counter, a
 * revocation entry) must live at least until then. `null` (no expiry): the state must
 * never lapse, and so neither is this bound.
 * @example stateLifetime(1767225600) // 1767225630
 */
export function stateLifetime(expiresAt: number | null): number | null {
  return expiresAt === null ? null : expiresAt + LEEWAY_SECONDS;
}
