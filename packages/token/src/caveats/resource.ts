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
 */
export function isResourcePattern(s: string): boolean {
  return s.length <= MAX_VALUE_LENGTH && checkSegments(s, true);
}

/**
 * Is `s` a resource a request may name (segment rules, no wildcards, any length)? A
 * requested resource that is not one never matches any pattern.
 */
export function isRequestResource(s: unknown): s is string {
  return typeof s === 'string' && checkSegments(s, false);
}

/** A pattern prepared for allocation-free matching. */
export interface CompiledPattern {
  /** The pattern itself when it has no wildcard (matched by string equality). */
  readonly exact: string | null;
  /** Segments; `null` stands for `*`. Excludes a trailing `**`. */
  readonly segments: readonly (string | null)[];
  /** The pattern ends in `**`. */
  readonly tail: boolean;
}

/** Prepares a pattern (assumed valid) for {@link matchPattern}. */
export function compilePattern(pattern: string): CompiledPattern {
  if (pattern.indexOf('*') === -1) return { exact: pattern, segments: [], tail: false };
  const parts = pattern.split('/');
  const tail = parts[parts.length - 1] === '**';
  if (tail) parts.pop();
  return { exact: null, segments: parts.map((p) => (p === '*' ? null : p)), tail };
}

/** Does the requested `resource` (already checked by {@link isRequestResource}) match? */
export function matchPattern(p: CompiledPattern, resource: string): boolean {
  if (p.exact !== null) return resource === p.exact;
  const n = resource.length;
  const segments = p.segments;
  let pos = 0;
  for (let k = 0; k < segments.length; k++) {
    if (pos > n) return false;
    let end = resource.indexOf('/', pos);
    if (end === -1) end = n;
    const seg = segments[k]!;
    if (seg !== null && (end - pos !== seg.length || !resource.startsWith(seg, pos))) return false;
    pos = end + 1;
  }
  // pos === n + 1: every segment consumed. pos <= n: more segments follow (none empty).
  return p.tail ? pos <= n : pos === n + 1;
}

/** Does `resource` match at least one of `patterns`? */
export function matchAny(patterns: readonly CompiledPattern[], resource: string): boolean {
  for (let i = 0; i < patterns.length; i++) {
    if (matchPattern(patterns[i]!, resource)) return true;
  }
  return false;
}
