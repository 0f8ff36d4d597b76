/**
 * Resource patterns and requested resources: path-segment grammar and matching.
 * Matchers are prepared once per capability; matching allocates nothing.
 */
import { isValueChar, MAX_VALUE_LENGTH, SLASH, STAR } from './grammar.js';

const DOT = 0x2e;

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
  if (typeof s !== 'string') return false;
  // The same rules as checkSegments without wildcards, as one tight loop: this runs on
  // every request.
  const n = s.length;
  let start = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === SLASH) {
      const len = i - start;
      if (len === 0 || (dots === len && len <= 2)) return false;
      start = i + 1;
      dots = 0;
    } else if (c === DOT) {
      dots++;
    } else if (!isValueChar(c)) {
      return false;
    }
  }
  const last = n - start;
  return last > 0 && !(dots === last && last <= 2);
}

/** Segment walk for general patterns (with `*` segments). Linear, no allocation. */
function matchSegments(pattern: string, resource: string): boolean {
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

const EXACT = 0;
const PREFIX = 1;
const ANY = 2;
const SEGMENTS = 3;
const NOTHING = 4;
const LAST_SEGMENT = 5;

/**
 * A pattern prepared for matching: most patterns are exact (`orders/7`), a prefix
 * (`orders/**`) or a prefix and one segment (`orders/*`), matched with a string comparison
 * or two.
 * @example const m: ResourceMatcher = compilePatterns(['orders/**'])[0]!;
 */
export interface ResourceMatcher {
  readonly kind: number;
  /** The pattern; for a prefix, the part before `**`, with its trailing `/`. */
  readonly text: string;
}

function compilePattern(pattern: string): ResourceMatcher {
  if (!isResourcePattern(pattern)) return { kind: NOTHING, text: '' };
  return compileValidPattern(pattern);
}

function compileValidPattern(pattern: string): ResourceMatcher {
  const star = pattern.indexOf('*');
  if (star === -1) return { kind: EXACT, text: pattern };
  if (pattern === '**') return { kind: ANY, text: '' };
  if (star === pattern.length - 2 && pattern.endsWith('/**')) {
    return { kind: PREFIX, text: pattern.slice(0, -2) };
  }
  if (star === pattern.length - 1 && pattern.endsWith('/*')) {
    return { kind: LAST_SEGMENT, text: pattern.slice(0, -1) };
  }
  return { kind: SEGMENTS, text: pattern };
}

/**
 * Matchers for one resource condition's patterns, prepared once per capability. An
 * invalid pattern (possible only in a hand-built capability) matches nothing.
 * @example matchAny(compilePatterns(['orders/**', 'users/*']), 'orders/7/items') // true
 */
export function compilePatterns(patterns: readonly string[]): readonly ResourceMatcher[] {
  return patterns.map(compilePattern);
}

/**
 * {@link compilePatterns} for patterns that `parseCondition` accepted (so already checked
 * by `isResourcePattern`): no second validation pass.
 * @example compileParsedPatterns(parseCondition('resource = orders/*').patterns)
 */
export function compileParsedPatterns(patterns: readonly string[]): readonly ResourceMatcher[] {
  return patterns.map(compileValidPattern);
}

/**
 * Does `resource` (checked by {@link isRequestResource}) match one of the patterns?
 * A prefix `p/**` needs at least one more segment: since the resource is valid, any text
 * after `p/` is one or more whole, non-empty segments.
 * @example matchAny(compilePatterns(['orders/*']), 'orders/7') // true
 */
export function matchAny(matchers: readonly ResourceMatcher[], resource: string): boolean {
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    switch (m.kind) {
      case EXACT:
        if (resource === m.text) return true;
        break;
      case PREFIX:
        if (resource.length > m.text.length && resource.startsWith(m.text)) return true;
        break;
      case LAST_SEGMENT: {
        // `p/*`: the prefix, then exactly one (non-empty, valid) segment.
        const n = m.text.length;
        if (resource.length > n && resource.startsWith(m.text) && resource.indexOf('/', n) === -1) {
          return true;
        }
        break;
      }
      case ANY:
        return true;
      case SEGMENTS:
        if (matchSegments(m.text, resource)) return true;
        break;
    }
  }
  return false;
}
