/**
 * Resource patterns and requested resources: path-segment grammar and matching.
 * Patterns are compiled once per capability; matching allocates nothing.
 */
import { isValueChar, MAX_VALUE_LENGTH, SLASH, STAR } from './grammar.js';

/**
 * Checks the segment rules shared by patterns and requested resources: `/`-separated,
 * no empty segment (so no leading, trailing or doubled `/`), no `.` or `..` segment, every
 * other character in `[A-Za-z0-9._~:@+-]`. With `wildcards`, a whole segment may be `*`,
 * and the last segment may be `**`.
 */
function checkSegments(s: string, wildcards: boolean): boolean {
  const n = s.length;
  if (n === 0) return false;
  let start = 0;
  let stars = 0;
  let dots = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : SLASH;
    if (c === SLASH) {
      const len = i - start;
      if (len === 0) return false;
      if (dots === len && len <= 2) return false;
      if (stars > 0) {
        // A star is only ever a whole segment: `*` anywhere, `**` only last.
        if (stars !== len || len > 2) return false;
        if (len === 2 && i !== n) return false;
      }
      start = i + 1;
      stars = 0;
      dots = 0;
    } else if (c === STAR) {
      if (!wildcards) return false;
      stars++;
    } else if (isValueChar(c)) {
      if (c === 0x2e) dots++;
    } else {
      return false;
    }
  }
  return true;
}

/**
 * Is `s` a resource pattern: 1-256 chars, segment rules, `*` as a whole segment matches
 * exactly one segment, `**` as the last segment matches one or more?
 * @example isResourcePattern('orders/**') // true; isResourcePattern('orders/../x') // false
 */
export function isResourcePattern(s: string): boolean {
  return s.length <= MAX_VALUE_LENGTH && checkSegments(s, true);
}

/**
 * Is `s` a resource a request may name (segment rules, no wildcards, any length)? A
 * requested resource that is not one never matches any pattern.
 * @example isRequestResource('orders/7') // true; isRequestResource('orders/7/') // false
 */
export function isRequestResource(s: unknown): s is string {
  return typeof s === 'string' && checkSegments(s, false);
}

/**
 * Does the requested `resource` (already checked by {@link isRequestResource}) match the
 * `pattern` (already checked by {@link isResourcePattern})? Walks both strings segment by
 * segment: no compilation, no allocation, linear in their lengths.
 */
function matchPattern(pattern: string, resource: string): boolean {
  const pn = pattern.length;
  const rn = resource.length;
  let p = 0;
  let r = 0;
  while (p <= pn) {
    let pe = pattern.indexOf('/', p);
    if (pe === -1) pe = pn;
    const len = pe - p;
    const first = pattern.charCodeAt(p);
    // `**` is always the last segment: it needs one or more resource segments left.
    if (len === 2 && first === STAR && pattern.charCodeAt(p + 1) === STAR) return r <= rn;
    if (r > rn) return false;
    let re = resource.indexOf('/', r);
    if (re === -1) re = rn;
    if (len !== 1 || first !== STAR) {
      if (re - r !== len) return false;
      for (let k = 0; k < len; k++) {
        if (resource.charCodeAt(r + k) !== pattern.charCodeAt(p + k)) return false;
      }
    }
    p = pe + 1;
    r = re + 1;
  }
  return r === rn + 1;
}

/**
 * Does `resource` (checked by {@link isRequestResource}) match one of `patterns`?
 * @example matchAny(['orders/**', 'users/*'], 'orders/7/items') // true
 */
export function matchAny(patterns: readonly string[], resource: string): boolean {
  for (let i = 0; i < patterns.length; i++) {
    if (matchPattern(patterns[i]!, resource)) return true;
  }
  return false;
}
