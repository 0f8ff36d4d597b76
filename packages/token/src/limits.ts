/**
 * Parsing and verification bounds. Every limit is checked before the work it bounds.
 */
import type { Limits } from './types.js';

/**
 * The default limits: 8192 bytes of token text, 64 caveats per macaroon, 1024 bytes
 * per caveat identifier, 16 discharges.
 * @example
 * ```ts
 * parseToken(text, { ...DEFAULT_LIMITS, maxCaveats: 16 })
 * ```
 */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxTokenBytes: 8192,
  maxCaveats: 64,
  maxConditionBytes: 1024,
  maxDischarges: 16,
});

/**
 * Most `uses <= N` budgets one request may carry (primary and discharges together). The
 * core refuses a token with more after verification (`ERR_CAVEAT_MALFORMED`) and every
 * store accepts at least this many in one `consumeBudgets` call: one number, so no layer
 * can be handed more than the next one takes.
 * @example if (cap.budgets.length > MAX_BUDGETS) throw new RangeError('budgets')
 */
export const MAX_BUDGETS = 64;

const KEYS = ['maxTokenBytes', 'maxCaveats', 'maxConditionBytes', 'maxDischarges'] as const;

/**
 * Fills in defaults and validates a partial limits object (RangeError/TypeError naming
 * the field on misuse). The defaults object is returned as is when nothing is given.
 * @example
 * ```ts
 * resolveLimits({ maxCaveats: 8 }) // { maxTokenBytes: 8192, maxCaveats: 8, ... }
 * ```
 */
export function resolveLimits(limits: Partial<Limits> | undefined, name = 'limits'): Limits {
  if (limits === undefined || limits === DEFAULT_LIMITS) return DEFAULT_LIMITS;
  if (typeof limits !== 'object' || limits === null) {
    throw new TypeError(`${name} must be an object`);
  }
  const out: Record<string, number> = {};
  for (const k of KEYS) {
    const v = limits[k];
    if (v === undefined) {
      out[k] = DEFAULT_LIMITS[k];
      continue;
    }
    if (typeof v !== 'number') throw new TypeError(`${name}.${k} must be a number`);
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(`${name}.${k} must be a non-negative safe integer`);
    }
    out[k] = v;
  }
  return Object.freeze(out) as unknown as Limits;
}
