/**
 * Lexical rules shared by the caveat parser, formatter and builders: character classes,
 * value and number grammar, key registry. Internal to the caveats module.
 */
import { CaveatMalformedError } from '../errors.js';

/** Longest value (or resource pattern) in code units. */
export const MAX_VALUE_LENGTH = 256;
/** Fewest elements of a list: one element is spelled `key = value`. */
export const MIN_LIST_LENGTH = 2;
/** Most elements of a list. */
export const MAX_LIST_LENGTH = 64;
/** Largest `uses <= N` budget: 2^31 - 1. */
export const MAX_USES = 2_147_483_647;
/** Longest attribute name. */
const MAX_ATTRIBUTE_NAME_LENGTH = 64;

export const SP = 0x20;
export const COMMA = 0x2c;
export const SLASH = 0x2f;
export const STAR = 0x2a;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;

const VALUE_CHAR = 1;
const ATTR_CHAR = 4;
const OP_SYMBOL = 8;
const OP_WORD = 16;

// One lookup table instead of regexes: the parser runs on every uncached verify.
const CLASS = new Uint8Array(128);
function mark(chars: string, bits: number): void {
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i);
    CLASS[c] = (CLASS[c] ?? 0) | bits;
  }
}
const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
mark(DIGITS, VALUE_CHAR | ATTR_CHAR);
mark(LOWER.toUpperCase(), VALUE_CHAR);
mark(LOWER, VALUE_CHAR | ATTR_CHAR | OP_WORD);
mark('._~:@+-', VALUE_CHAR);
mark('_', ATTR_CHAR);
mark('-', OP_WORD); // future word operators such as `not-in`
mark('<>=!~', OP_SYMBOL);

/**
 * Is `c` (a UTF-16 code unit) one of `[A-Za-z0-9._~:@+-]`?
 * @example isValueChar(0x41) // true ('A'); isValueChar(0x2f) // false ('/')
 */
export function isValueChar(c: number): boolean {
  return c < 128 && (CLASS[c]! & VALUE_CHAR) !== 0;
}

/**
 * Is `s` a plain value: 1-256 chars of `[A-Za-z0-9._~:@+-]`?
 * @example isPlainValue('user-1') // true; isPlainValue('a b') // false
 */
export function isPlainValue(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > MAX_VALUE_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & VALUE_CHAR) === 0) return false;
  }
  return true;
}

/**
 * Is `s` shaped like an attribute name: `[a-z][a-z0-9_]{0,63}`? (Reserved words not checked.)
 * @example isAttributeNameShape('customer_id') // true; isAttributeNameShape('Customer') // false
 */
export function isAttributeNameShape(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > MAX_ATTRIBUTE_NAME_LENGTH) return false;
  const first = s.charCodeAt(0);
  if (first < 0x61 || first > 0x7a) return false;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & ATTR_CHAR) === 0) return false;
  }
  return true;
}

/**
 * Is `s` shaped like an operator (a run of `<>=!~`, or a lowercase word with `-`)? A
 * well-shaped operator that a type does not take is "not understood" (unknown); anything
 * else in operator position is a misspelling (malformed).
 * @example isOperatorShape('==') // true; isOperatorShape('not-in') // true; isOperatorShape('IN') // false
 */
export function isOperatorShape(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const first = s.charCodeAt(0);
  const cls = first < 128 ? CLASS[first]! : 0;
  const want = (cls & OP_SYMBOL) !== 0 ? OP_SYMBOL : OP_WORD;
  if ((cls & want) === 0 || first === 0x2d) return false;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & want) === 0) return false;
  }
  return true;
}

/**
 * Parses a canonical non-negative decimal safe integer (`0`, or a non-zero digit followed
 * by digits); returns -1 when `s` is not one.
 * @example parseCanonicalInteger('1767225600') // 1767225600; parseCanonicalInteger('07') // -1
 */
export function parseCanonicalInteger(s: string): number {
  return parseCanonicalIntegerAt(s, 0);
}

/**
 * {@link parseCanonicalInteger} of `s` from index `start` to its end, without a slice.
 * @example parseCanonicalIntegerAt('expires = 1767225600', 10) // 1767225600
 */
export function parseCanonicalIntegerAt(s: string, start: number): number {
  const n = s.length - start;
  if (n <= 0 || n > 16) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(start + i);
    if (c < 0x30 || c > 0x39) return -1;
    if (i === 0 && c === 0x30 && n > 1) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value <= Number.MAX_SAFE_INTEGER ? value : -1;
}

/**
 * The condition types, by key. `attribute` has no key of its own.
 * @example const t: ConditionType = 'not-before';
 */
export type ConditionType =
  | 'tenant'
  | 'resource'
  | 'action'
  | 'audience'
  | 'expires'
  | 'not-before'
  | 'uses'
  | 'principal'
  | 'role'
  | 'session'
  | 'trace'
  | 'via'
  | 'attribute';

/**
 * The operators of the language.
 * @example const op: Operator = 'in';
 */
export type Operator = '=' | 'in' | '<=';

/**
 * A keyed condition type: its name and the operators it takes.
 * @example KEYED_TYPES.get('uses') // { type: 'uses', operators: ['<='] }
 */
export interface KeyedType {
  readonly type: Exclude<ConditionType, 'attribute'>;
  readonly operators: readonly Operator[];
}

const SET_OPERATORS: readonly Operator[] = ['=', 'in'];
const EQ_OPERATOR: readonly Operator[] = ['='];

/**
 * Each keyed type by its key.
 * @example KEYED_TYPES.get('tenant')?.operators // ['=', 'in']
 */
export const KEYED_TYPES: ReadonlyMap<string, KeyedType> = new Map(
  (
    [
      ['tenant', SET_OPERATORS],
      ['resource', SET_OPERATORS],
      ['action', SET_OPERATORS],
      ['audience', SET_OPERATORS],
      ['expires', EQ_OPERATOR],
      ['not-before', EQ_OPERATOR],
      ['uses', ['<=']],
      ['principal', EQ_OPERATOR],
      ['role', EQ_OPERATOR],
      ['session', EQ_OPERATOR],
      ['trace', EQ_OPERATOR],
      ['via', EQ_OPERATOR],
    ] as const
  ).map(([type, operators]) => [type, { type, operators }]),
);

/** The keyed types by key length: recognising a key needs no slice and no hashing. */
const KEYED_BY_LENGTH: readonly (readonly KeyedType[])[] = (() => {
  const table: KeyedType[][] = [];
  for (const k of KEYED_TYPES.values()) {
    const length = k.type.length;
    const row = table[length] ?? [];
    row.push(k);
    table[length] = row;
  }
  return table;
})();

/**
 * The keyed type whose key is exactly the first `length` characters of `text`, if any.
 * @example keyedTypeAt('tenant = 42', 6)?.type // 'tenant'
 */
export function keyedTypeAt(text: string, length: number): KeyedType | undefined {
  const candidates = KEYED_BY_LENGTH[length];
  if (candidates === undefined) return undefined;
  for (let i = 0; i < candidates.length; i++) {
    const k = candidates[i]!;
    if (text.startsWith(k.type)) return k;
  }
  return undefined;
}

/** Operators an attribute caveat takes. */
export const ATTRIBUTE_OPERATORS: readonly Operator[] = SET_OPERATORS;

/**
 * Names that can never be attribute names: the type keys (also those spelled without a
 * hyphen) and words kept for future condition types.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  ...KEYED_TYPES.keys(),
  'not_before',
  'notbefore',
  'attribute',
  'time',
  'ip',
  'method',
  'scope',
  'kid',
  'id',
  'version',
]);

/**
 * Is `s` a usable attribute name (shape and not reserved)?
 * @example isAttributeName('region') // true; isAttributeName('time') // false
 */
export function isAttributeName(s: string): boolean {
  return isAttributeNameShape(s) && !RESERVED_NAMES.has(s);
}

/**
 * A malformed-caveat error whose message names only the (known) type, never the text.
 * @example throw malformed('tenant', 'list must be strictly ascending')
 */
export function malformed(type: string, why: string): CaveatMalformedError {
  return new CaveatMalformedError(`${type} caveat is malformed: ${why}`);
}
