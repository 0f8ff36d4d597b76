/**
 * Strings at the boundary: every string of every `/v1` body and query goes through one of
 * these helpers, so no lone UTF-16 surrogate (which no UTF-8 encoder can represent) and,
 * in identifiers, no control character ever reaches the core, a store or a log line.
 * Rejected, never normalised.
 */
import { hasControlCharacter } from '@chit/token';
import { z } from 'zod';

// With the `u` flag a surrogate pair is one code point, so `\p{Cs}` matches lone ones only
// (the same test as `String.prototype.isWellFormed`, which ES2022 typings lack).
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Is `text` well formed (no lone UTF-16 surrogate)?
 * @example isWellFormedText('a\ud800') // false
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Is `text` a well-formed identifier: well formed and free of control characters?
 * @example isIdentifierText('s-1') // true; isIdentifierText('a\nb') // false
 */
export function isIdentifierText(text: string): boolean {
  return !LONE_SURROGATE.test(text) && !hasControlCharacter(text);
}

function bounded(max: number, min: number, test: (text: string) => boolean, rule: string) {
  return z.string().min(min).max(max).refine(test, rule);
}

/**
 * A well-formed string (no lone surrogate) of at most `max` UTF-16 units, for free text.
 * @example wellFormed(1024).parse('a\ud800') // throws: not well-formed UTF-16
 */
export function wellFormed(max: number, min = 0): z.ZodString {
  return bounded(max, min, isWellFormedText, 'must be well-formed UTF-16 (no lone surrogate)');
}

/**
 * A non-empty identifier of at most `max` UTF-16 units: well formed and no control
 * characters. Every name, id, tenant, resource, action and token field uses it.
 * @example identifier(128).parse('tenant-42'); identifier(128).parse('a\u0000') // throws
 */
export function identifier(max: number, min = 1): z.ZodString {
  return bounded(max, min, isIdentifierText, 'must be well formed with no control characters');
}
