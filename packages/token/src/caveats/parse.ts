/**
 * The condition parser: hand-written scanning, one canonical spelling per condition,
 * reject (never normalise) anything else.
 */
import { CaveatUnknownError } from '../errors.js';
import type { Condition } from './condition.js';
import {
  ATTRIBUTE_OPERATORS,
  COMMA,
  isAttributeName,
  isOperatorShape,
  isPlainValue,
  keyedTypeAt,
  LBRACKET,
  MAX_LIST_LENGTH,
  MAX_USES,
  MIN_LIST_LENGTH,
  malformed,
  type Operator,
  parseCanonicalIntegerAt,
  RBRACKET,
  SP,
} from './grammar.js';
import { isResourcePattern } from './resource.js';

const EQ = 0x3d;
const LT = 0x3c;
const GT = 0x3e;
const BANG = 0x21;
const LOWER_I = 0x69;
const LOWER_N = 0x6e;

/**
 * Parses one first-party condition in its canonical spelling.
 *
 * The key is the text before the first space or operator character. A key that is
 * neither a type name nor a valid, unreserved attribute name, or an operator the type
 * does not take, is not understood: `CaveatUnknownError`. Any other departure from the
 * canonical spelling of a known type is `CaveatMalformedError`. Messages never echo the
 * condition text.
 *
 * @throws {CaveatUnknownError} unknown key or operator form.
 * @throws {CaveatMalformedError} a known type, not canonically spelled.
 * @example
 * ```ts
 * parseCondition('action in [read,write]'); // { type: 'action', values: ['read', 'write'] }
 * parseCondition('expires = 1767225600');   // { type: 'expires', at: 1767225600 }
 * parseCondition('customer_id = 7');        // { type: 'attribute', name: 'customer_id', values: ['7'] }
 * parseCondition('tenant  = 42');           // throws CaveatMalformedError
 * parseCondition('colour = red ');          // throws CaveatMalformedError (an attribute)
 * parseCondition('time < 5');               // throws CaveatUnknownError
 * ```
 */
export function parseCondition(text: string): Condition {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SP || c === EQ || c === LT || c === GT || c === BANG) break;
    i++;
  }
  const known = keyedTypeAt(text, i);
  const name = known === undefined ? attributeName(text.slice(0, i)) : '';
  const type = known === undefined ? 'attribute' : known.type;
  const operators = known === undefined ? ATTRIBUTE_OPERATORS : known.operators;
  if (i >= n || text.charCodeAt(i) !== SP)
    throw malformed(type, 'expected one space after the key');
  const op = operatorAt(text, i + 1, type, operators);
  const valueStart = i + 2 + op.length;
  if (valueStart >= n) throw malformed(type, 'expected one space and a value after the operator');
  switch (type) {
    case 'tenant':
    case 'action':
    case 'audience':
      return {
        type,
        values:
          op === 'in'
            ? parseList(type, text.slice(valueStart), isPlainValue)
            : [scalar(type, text.slice(valueStart))],
      };
    case 'resource':
      return {
        type,
        patterns:
          op === 'in'
            ? parseList(type, text.slice(valueStart), isResourcePattern)
            : [pattern(text.slice(valueStart))],
      };
    case 'expires':
    case 'not-before':
      return { type, at: integer(type, text, valueStart, Number.MAX_SAFE_INTEGER) };
    case 'uses':
      return { type, limit: integer(type, text, valueStart, MAX_USES) };
    case 'principal':
    case 'role':
    case 'session':
    case 'trace':
      return { type, value: scalar(type, text.slice(valueStart)) };
    case 'via':
      return { type, service: scalar(type, text.slice(valueStart)) };
    default:
      return {
        type: 'attribute',
        name,
        values:
          op === 'in'
            ? parseList(type, text.slice(valueStart), isPlainValue)
            : [scalar(type, text.slice(valueStart))],
      };
  }
}

function attributeName(key: string): string {
  if (!isAttributeName(key)) throw new CaveatUnknownError('caveat type is not understood');
  return key;
}

/**
 * The operator starting at `at`, which must be followed by one space. The three operators
 * are recognised without allocating; anything else is classified: a well-shaped operator
 * the type does not take is unknown, any other text is malformed.
 */
function operatorAt(
  text: string,
  at: number,
  type: string,
  operators: readonly Operator[],
): Operator {
  const c0 = text.charCodeAt(at);
  const c1 = text.charCodeAt(at + 1);
  let op: Operator | undefined;
  if (c0 === EQ && c1 === SP) op = '=';
  else if (c0 === LOWER_I && c1 === LOWER_N && text.charCodeAt(at + 2) === SP) op = 'in';
  else if (c0 === LT && c1 === EQ && text.charCodeAt(at + 2) === SP) op = '<=';
  if (op === undefined) {
    let end = at;
    while (end < text.length && text.charCodeAt(end) !== SP) end++;
    const token = text.slice(at, end);
    if (!isOperatorShape(token)) {
      throw malformed(type, 'expected an operator between single spaces');
    }
    if (end === text.length && operators.includes(token as Operator)) {
      throw malformed(type, 'expected one space and a value after the operator');
    }
    throw new CaveatUnknownError(`${type} caveat uses an operator it does not take`);
  }
  if (!operators.includes(op)) {
    throw new CaveatUnknownError(`${type} caveat uses an operator it does not take`);
  }
  return op;
}

function scalar(type: string, value: string): string {
  if (!isPlainValue(value)) throw malformed(type, 'value must be 1-256 of [A-Za-z0-9._~:@+-]');
  return value;
}

function pattern(value: string): string {
  if (!isResourcePattern(value)) throw malformed('resource', 'not a valid resource pattern');
  return value;
}

/** The integer spelled by `text` from `start` to its end (no slice). */
function integer(type: string, text: string, start: number, max: number): number {
  const v = parseCanonicalIntegerAt(text, start);
  if (v < 0 || v > max) {
    throw malformed(
      type,
      `value must be a decimal integer from 0 to ${max}, no sign or leading zero`,
    );
  }
  return v;
}

/** `[v1,v2,...]`: 2-64 elements, strictly ascending by code unit, no spaces. */
function parseList(type: string, text: string, valid: (s: string) => boolean): string[] {
  const n = text.length;
  if (n < 2 || text.charCodeAt(0) !== LBRACKET || text.charCodeAt(n - 1) !== RBRACKET) {
    throw malformed(type, 'expected a list [v1,v2,...]');
  }
  const values: string[] = [];
  const last = n - 1;
  let p = 1;
  for (;;) {
    let q = p;
    while (q < last && text.charCodeAt(q) !== COMMA) q++;
    const element = text.slice(p, q);
    if (!valid(element)) throw malformed(type, 'invalid list element');
    const count = values.length;
    if (count > 0 && !(values[count - 1]! < element)) {
      throw malformed(type, 'list must be strictly ascending (sorted, no duplicates)');
    }
    if (count === MAX_LIST_LENGTH)
      throw malformed(type, `list has more than ${MAX_LIST_LENGTH} elements`);
    values.push(element);
    if (q === last) break;
    p = q + 1;
  }
  if (values.length < MIN_LIST_LENGTH) {
    throw malformed(type, 'a one-element list is spelled `key = value`');
  }
  return values;
}
