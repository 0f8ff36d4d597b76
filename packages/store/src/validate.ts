/**
 * Guards for store inputs (programmer misuse throws TypeError/RangeError naming the
 * argument). Shared by every store implementation so they reject the same inputs.
 */
import { MAX_BUDGETS } from '@chit/token';
import type { BudgetUse, RevocationEntry, RevocationKind } from './ports.js';

const KINDS: ReadonlySet<string> = new Set<RevocationKind>([
  'token',
  'session',
  'principal',
  'fingerprint',
]);

// biome-ignore lint/suspicious/noControlCharactersInRegex: this is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Longest revocation value / budget key / family accepted. */
export const MAX_STORE_KEY_LENGTH = 512;

/**
 * What a holder entry's `family` must be: a token id, lowercase hex (the stores keep it in
 * a delimited text form, and the mirror counts entries by it).
 * @example REVOCATION_FAMILY.test('ab12') // true
 */
export const REVOCATION_FAMILY = /^[0-9a-f]{1,128}$/;

function assertText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  if (value.length > MAX_STORE_KEY_LENGTH) {
    throw new RangeError(`${name} must be at most ${MAX_STORE_KEY_LENGTH} characters`);
  }
}

function assertSeconds(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer (Unix seconds)`);
  }
}

/**
 * Throws unless `entry` is a well-formed revocation entry.
 *
 * @example
 * ```ts
 * validateRevocation({ kind: 'session', value: 's-1', revokedAt: 1, expiresAt: 2 });
 * ```
 */
export function validateRevocation(entry: RevocationEntry): void {
  if (entry === null || typeof entry !== 'object') throw new TypeError('entry must be an object');
  if (!KINDS.has(entry.kind)) throw new TypeError('entry.kind must be a revocation kind');
  assertText(entry.value, 'entry.value');
  // Stores keep entries as lines of text: no control characters in a value.
  if (CONTROL.test(entry.value))
    throw new TypeError('entry.value must not contain control characters');
  assertSeconds(entry.revokedAt, 'entry.revokedAt');
  assertSeconds(entry.expiresAt, 'entry.expiresAt');
  if (entry.issuedBefore !== undefined) {
    if (entry.kind !== 'principal') {
      throw new TypeError('entry.issuedBefore is only allowed on principal entries');
    }
    assertSeconds(entry.issuedBefore, 'entry.issuedBefore');
  }
  if (entry.family !== undefined) {
    if (entry.kind !== 'fingerprint') {
      throw new TypeError('entry.family is only allowed on fingerprint entries');
    }
    if (typeof entry.family !== 'string' || !REVOCATION_FAMILY.test(entry.family)) {
      throw new TypeError('entry.family must be a token id (lowercase hex)');
    }
  }
}

/**
 * Throws unless the arguments of `consumeBudgets` are well formed: unique keys, limits
 * that are non-negative integers, and each `until` a non-negative safe integer (Unix
 * seconds) or `null` (a missing `until` is a TypeError, never a default lifetime).
 *
 * @example
 * ```ts
 * validateBudgets(tokenId, [{ key: fp, limit: 100, until: stateLifetime(budget.expiresAt) }]);
 * ```
 */
export function validateBudgets(family: string, budgets: readonly BudgetUse[]): void {
  assertText(family, 'family');
  if (!Array.isArray(budgets)) throw new TypeError('budgets must be an array');
  // The core's one number: it refuses a capability with more, so a verified token never
  // hands a store more budgets than it takes.
  if (budgets.length > MAX_BUDGETS) {
    throw new RangeError(`budgets must hold at most ${MAX_BUDGETS} entries`);
  }
  const seen = new Set<string>();
  for (const b of budgets) {
    assertText(b?.key, 'budgets[].key');
    if (seen.has(b.key)) throw new TypeError('budgets[].key must be unique');
    seen.add(b.key);
    if (!Number.isSafeInteger(b.limit) || b.limit < 0) {
      throw new RangeError('budgets[].limit must be a non-negative integer');
    }
    if (b.until !== null) {
      if (typeof b.until !== 'number') {
        throw new TypeError('budgets[].until must be Unix seconds or null');
      }
      assertSeconds(b.until, 'budgets[].until');
    }
  }
}

/**
 * The identity of a revocation entry: one entry per kind and value (later writes merge).
 *
 * @example
 * ```ts
 * revocationKey({ kind: 'token', value: 'ab', revokedAt: 1, expiresAt: 2 }); // 'token:ab'
 * ```
 */
export function revocationKey(entry: Pick<RevocationEntry, 'kind' | 'value'>): string {
  return `${entry.kind}:${entry.value}`;
}
