/**
 * Canonical text for conditions: `formatCondition` (strict: the input must already be
 * canonical) and the `caveat` builders (convenient: lists are sorted and deduplicated).
 */
import type { Condition } from './condition.js';
import {
  isAttributeNameShape,
  isPlainValue,
  MAX_LIST_LENGTH,
  MAX_USES,
  RESERVED_NAMES,
} from './grammar.js';
import { isResourcePattern } from './resource.js';

type Check = (s: string) => boolean;

function text(arg: string, value: unknown, valid: Check): string {
  if (typeof value !== 'string') throw new TypeError(`${arg} must be a string`);
  if (!valid(value)) throw new RangeError(`${arg} is not a valid caveat value`);
  return value;
}

function integer(arg: string, value: unknown, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`${arg} must be a number`);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${arg} must be an integer from 0 to ${max}`);
  }
  return value;
}

function attributeName(arg: string, name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`${arg} must be a string`);
  if (!isAttributeNameShape(name)) throw new RangeError(`${arg} must match [a-z][a-z0-9_]{0,63}`);
  if (RESERVED_NAMES.has(name)) throw new RangeError(`${arg} is a reserved word`);
  return name;
}

/** Writes `key = v` or `key in [..]` from canonical (sorted, unique, 1-64) values. */
function setText(key: string, arg: string, values: readonly string[], valid: Check): string {
  if (!Array.isArray(values)) throw new TypeError(`${arg} must be an array`);
  const n = values.length;
  if (n === 0 || n > MAX_LIST_LENGTH) {
    throw new RangeError(`${arg} must have 1 to ${MAX_LIST_LENGTH} elements`);
  }
  for (let i = 0; i < n; i++) {
    text(arg, values[i], valid);
    if (i > 0 && !(values[i - 1]! < values[i]!)) {
      throw new RangeError(`${arg} must be strictly ascending (sorted, no duplicates)`);
    }
  }
  return n === 1 ? `${key} = ${values[0]}` : `${key} in [${values.join(',')}]`;
}

/** Sorts and deduplicates builder input, then writes it. */
function buildSet(key: string, arg: string, input: unknown, valid: Check): string {
  if (typeof input === 'string') return `${key} = ${text(arg, input, valid)}`;
  if (!Array.isArray(input)) throw new TypeError(`${arg} must be a string or an array of strings`);
  for (const v of input) text(arg, v, valid);
  const sorted = [...new Set(input as string[])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return setText(key, arg, sorted, valid);
}

/**
 * The canonical text of a condition. Strict: lists must already be sorted and unique,
 * values valid; otherwise it throws rather than write text that would parse differently.
 * `parseCondition(formatCondition(c))` deep-equals `c`.
 * @throws {TypeError|RangeError} `c` is not a valid canonical condition.
 * @example
 * ```ts
 * formatCondition({ type: 'action', values: ['read', 'write'] }); // 'action in [read,write]'
 * formatCondition({ type: 'uses', limit: 3 });                      // 'uses <= 3'
 * ```
 */
export function formatCondition(c: Condition): string {
  if (c === null || typeof c !== 'object') throw new TypeError('c must be a condition object');
  switch (c.type) {
    case 'tenant':
    case 'action':
    case 'audience':
      return setText(c.type, 'c.values', c.values, isPlainValue);
    case 'resource':
      return setText('resource', 'c.patterns', c.patterns, isResourcePattern);
    case 'expires':
    case 'not-before':
      return `${c.type} = ${integer('c.at', c.at, Number.MAX_SAFE_INTEGER)}`;
    case 'uses':
      return `uses <= ${integer('c.limit', c.limit, MAX_USES)}`;
    case 'principal':
    case 'role':
    case 'session':
    case 'trace':
      return `${c.type} = ${text('c.value', c.value, isPlainValue)}`;
    case 'via':
      return `via = ${text('c.service', c.service, isPlainValue)}`;
    case 'attribute':
      return setText(attributeName('c.name', c.name), 'c.values', c.values, isPlainValue);
    default:
      throw new RangeError('c.type is not a condition type');
  }
}

/**
 * Builders of canonical condition text. Lists are sorted and deduplicated; a list that
 * ends up with one element is written `key = v`. Bad arguments throw `TypeError` (wrong
 * type) or `RangeError` (invalid value), naming the argument.
 * @example
 * ```ts
 * caveat.tenant('42');                   // 'tenant = 42'
 * caveat.action(['write', 'read']);      // 'action in [read,write]'
 * caveat.resource('orders/*');           // 'resource = orders/*'
 * caveat.expires(1767225600);            // 'expires = 1767225600'
 * caveat.attribute('customer_id', '7');  // 'customer_id = 7'
 * caveat.uses(100);                      // 'uses <= 100'
 * ```
 */
export const caveat = Object.freeze({
  /** `tenant = v` / `tenant in [..]` */
  tenant: (v: string | readonly string[]): string => buildSet('tenant', 'v', v, isPlainValue),
  /** `resource = p` / `resource in [..]`: segment patterns with `*` and a final `**`. */
  resource: (p: string | readonly string[]): string =>
    buildSet('resource', 'p', p, isResourcePattern),
  /** `action = a` / `action in [..]` */
  action: (a: string | readonly string[]): string => buildSet('action', 'a', a, isPlainValue),
  /** `audience = a` / `audience in [..]`: the services that may accept the token. */
  audience: (a: string | readonly string[]): string => buildSet('audience', 'a', a, isPlainValue),
  /** `expires = T` (Unix seconds): valid while now < T (plus leeway). */
  expires: (unixSeconds: number): string =>
    `expires = ${integer('unixSeconds', unixSeconds, Number.MAX_SAFE_INTEGER)}`,
  /** `not-before = T` (Unix seconds): valid once now >= T (minus leeway). */
  notBefore: (unixSeconds: number): string =>
    `not-before = ${integer('unixSeconds', unixSeconds, Number.MAX_SAFE_INTEGER)}`,
  /** `principal = id` (claim) */
  principal: (id: string): string => `principal = ${text('id', id, isPlainValue)}`,
  /** `role = r` (claim) */
  role: (r: string): string => `role = ${text('r', r, isPlainValue)}`,
  /** `session = id` (claim) */
  session: (id: string): string => `session = ${text('id', id, isPlainValue)}`,
  /** `via = service` (delegation hop) */
  via: (service: string): string => `via = ${text('service', service, isPlainValue)}`,
  /** `trace = id` (claim) */
  trace: (traceId: string): string => `trace = ${text('traceId', traceId, isPlainValue)}`,
  /** `uses <= n` (budget, 0 to 2^31-1) */
  uses: (n: number): string => `uses <= ${integer('n', n, MAX_USES)}`,
  /** `name = v` / `name in [..]`: attribute narrowing. */
  attribute: (name: string, value: string | readonly string[]): string =>
    buildSet(attributeName('name', name), 'value', value, isPlainValue),
});
