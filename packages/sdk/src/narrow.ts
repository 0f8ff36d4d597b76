/**
 * `narrow`: offline attenuation with typed options, the one method a holder needs.
 */

import type { Condition } from '@chit/token';
import { type Clock, caveat, parseCondition } from '@chit/token';
import { checkAppend } from './narrowing.js';
import { appendConditions, readToken } from './token-io.js';

/**
 * What to narrow a token to. Every option must be strictly narrower than the token.
 * @example const o: NarrowOptions = { actions: ['read'], ttl: 300 }
 */
export interface NarrowOptions {
  /** Tenant(s): each must be one the token already allows. */
  readonly tenant?: string | readonly string[];
  /** Resource patterns: each must be covered by the token's resource patterns. */
  readonly resources?: readonly string[];
  /** Actions: each must be one the token already allows. */
  readonly actions?: readonly string[];
  /** Lifetime from now, in seconds: must end before the token's current expiry. */
  readonly ttl?: number;
  /** Absolute expiry, Unix seconds (instead of `ttl`): must be before the current expiry. */
  readonly expiresAt?: number;
  /** The service(s) that may accept the narrowed token. */
  readonly audience?: string | readonly string[];
  /** Attribute narrowing, e.g. `{ customer_id: '7' }`. */
  readonly attributes?: Readonly<Record<string, string | readonly string[]>>;
  /** A usage budget smaller than any the token has. */
  readonly budget?: { readonly uses: number };
  /** Raw conditions in their canonical text, judged by the same rules. */
  readonly conditions?: readonly string[];
}

/**
 * Environment of `narrow` and `delegate`.
 * @example narrow(token, { ttl: 60 }, { clock: () => 1_800_000_000_000 } satisfies NarrowContext)
 */
export interface NarrowContext {
  /** Current time in Unix milliseconds; default `Date.now`. Needed for `ttl`. */
  readonly clock?: Clock;
}

/**
 * A condition to append: its canonical text and parsed form.
 * @example const p: PlannedCondition = { text: 'action = read', parsed: parseCondition('action = read') }
 */
export interface PlannedCondition {
  readonly text: string;
  readonly parsed: Condition;
}

function planned(text: string): PlannedCondition {
  return { text, parsed: parseCondition(text) };
}

function list(name: string, v: string | readonly string[]): readonly string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) throw new TypeError(`${name} must be a string or an array of strings`);
  if (v.length === 0) throw new RangeError(`${name} must not be empty`);
  return v;
}

/**
 * Unix seconds of an expiry given as ttl or expiresAt (RangeError on misuse).
 * @example expiryFrom(60, undefined, () => 1_800_000_000_000) // 1800000060
 */
export function expiryFrom(
  ttl: number | undefined,
  expiresAt: number | undefined,
  clock: Clock | undefined,
): number | undefined {
  if (ttl !== undefined && expiresAt !== undefined) {
    throw new TypeError('give ttl or expiresAt, not both');
  }
  if (ttl !== undefined) {
    if (typeof ttl !== 'number') throw new TypeError('ttl must be a number');
    if (!Number.isSafeInteger(ttl) || ttl <= 0)
      throw new RangeError('ttl must be a positive integer');
    const now = (clock ?? Date.now)();
    if (!Number.isFinite(now)) throw new TypeError('clock must return a number');
    return Math.floor(now / 1000) + ttl;
  }
  if (expiresAt !== undefined) {
    if (typeof expiresAt !== 'number') throw new TypeError('expiresAt must be a number');
    if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) {
      throw new RangeError('expiresAt must be a non-negative integer');
    }
    return expiresAt;
  }
  return undefined;
}

/**
 * Turns typed options into the conditions they stand for, in a fixed order.
 * @example planConditions({ actions: ['read'] }).map((p) => p.text) // ['action = read']
 */
export function planConditions(
  options: NarrowOptions,
  ctx: NarrowContext = {},
): PlannedCondition[] {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('options must be an object');
  }
  const out: PlannedCondition[] = [];
  if (options.tenant !== undefined)
    out.push(planned(caveat.tenant(list('tenant', options.tenant))));
  if (options.resources !== undefined) {
    out.push(planned(caveat.resource(list('resources', options.resources))));
  }
  if (options.actions !== undefined) {
    out.push(planned(caveat.action(list('actions', options.actions))));
  }
  if (options.audience !== undefined) {
    out.push(planned(caveat.audience(list('audience', options.audience))));
  }
  if (options.attributes !== undefined) {
    if (options.attributes === null || typeof options.attributes !== 'object') {
      throw new TypeError('attributes must be an object');
    }
    for (const name of Object.keys(options.attributes).sort()) {
      const v = options.attributes[name]!;
      out.push(planned(caveat.attribute(name, list(`attributes.${name}`, v))));
    }
  }
  if (options.budget !== undefined) {
    if (options.budget === null || typeof options.budget !== 'object') {
      throw new TypeError('budget must be an object');
    }
    out.push(planned(caveat.uses(options.budget.uses)));
  }
  const exp = expiryFrom(options.ttl, options.expiresAt, ctx.clock);
  if (exp !== undefined) out.push(planned(caveat.expires(exp)));
  if (options.conditions !== undefined) {
    if (!Array.isArray(options.conditions)) throw new TypeError('conditions must be an array');
    for (const text of options.conditions) {
      if (typeof text !== 'string') throw new TypeError('conditions must be strings');
      out.push(planned(text));
    }
  }
  return out;
}

/**
 * Narrows a token offline: appends the caveats that the options stand for and returns
 * the new token. Never widens, never appends silently: an option that would not narrow
 * (an action the token does not allow, a ttl ending after the current expiry, a tenant
 * outside the current tenants, a budget no smaller than the current one) throws
 * `NotNarrowerError` (`ERR_NOT_NARROWER`); a raw condition that is not understood throws
 * `CaveatUnknownError`/`CaveatMalformedError`; a malformed token `TokenMalformedError`.
 *
 * The judgement uses the token's unverified caveats: it protects the holder from
 * mistakes. Verifiers enforce the intersection of all caveats regardless.
 *
 * @example
 * ```ts
 * const sub = narrow(token, { actions: ['read'], attributes: { customer_id: '7' }, ttl: 300 })
 * ```
 */
export function narrow(token: string, options: NarrowOptions, ctx: NarrowContext = {}): string {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  const added = planConditions(options, ctx);
  if (added.length === 0) throw new RangeError('options must name at least one caveat');
  const { conditions, session, sealed } = readToken(token);
  checkAppend(conditions, added, session, sealed);
  return appendConditions(
    token,
    added.map((a) => a.text),
  );
}
