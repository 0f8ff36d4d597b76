/**
 * `delegate`: the token a service passes to a downstream service. Audience set to the
 * downstream, expiry shortened, the delegating service recorded as a `via` hop.
 */
import { type Clock, caveat, NotNarrowerError, parseCondition } from '@chit/token';
import { expiryFrom, type PlannedCondition } from './narrow.js';
import { assertNarrows, summarize } from './narrowing.js';
import { appendConditions, readToken } from './token-io.js';

/**
 * Options of {@link delegate}.
 * @example const o: DelegateOptions = { audience: 'billing', via: 'orders', ttl: 30 }
 */
export interface DelegateOptions {
  /** The downstream service's audience name: the only service that may accept the result. */
  readonly audience: string;
  /** The delegating service's name, recorded as `via = <name>` (one hop in the audit). */
  readonly via: string;
  /** Lifetime of the delegated token in seconds (default 60), capped by the token's expiry. */
  readonly ttl?: number;
  /** Current time in Unix milliseconds; default `Date.now`. */
  readonly clock?: Clock;
}

/**
 * Default lifetime of a delegated token: short, since it is made per request.
 * @example delegate(token, { audience, via, ttl: DEFAULT_DELEGATION_TTL / 2 })
 */
export const DEFAULT_DELEGATION_TTL = 60;

/**
 * Derives the token for a downstream service: appends `audience = <audience>` (unless the
 * token already names exactly that audience), `expires = now + ttl` (unless the token
 * already expires sooner), and `via = <via>` (always: each hop shows in the audit).
 * An audience outside the token's audiences throws `NotNarrowerError`; a token that has
 * already expired throws `NotNarrowerError` too (nothing left to delegate).
 *
 * @example
 * ```ts
 * const downstream = delegate(token, { audience: 'billing', via: 'orders', ttl: 30 })
 * await fetch(url, { headers: formatHeaders(downstream) })
 * ```
 */
export function delegate(token: string, options: DelegateOptions): string {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  if (options === null || typeof options !== 'object') {
    throw new TypeError('options must be an object');
  }
  const audience = caveat.audience(options.audience);
  const via = caveat.via(options.via);
  const expiry = expiryFrom(options.ttl ?? DEFAULT_DELEGATION_TTL, undefined, options.clock)!;
  const { conditions, session, sealed } = readToken(token);
  const s = summarize(conditions, session, sealed);
  const now = expiry - (options.ttl ?? DEFAULT_DELEGATION_TTL);
  if (s.expiresAt !== null && s.expiresAt <= now) {
    throw new NotNarrowerError('the token has expired: nothing to delegate');
  }
  const added: PlannedCondition[] = [];
  const aud = { text: audience, parsed: parseCondition(audience) };
  const alreadyOnly = s.audiences?.length === 1 && s.audiences[0] === options.audience;
  if (!alreadyOnly) {
    assertNarrows(s, aud.parsed);
    added.push(aud);
  }
  if (s.expiresAt === null || expiry < s.expiresAt) {
    added.push({ text: caveat.expires(expiry), parsed: parseCondition(caveat.expires(expiry)) });
  }
  added.push({ text: via, parsed: parseCondition(via) });
  return appendConditions(
    token,
    added.map((a) => a.text),
  );
}
