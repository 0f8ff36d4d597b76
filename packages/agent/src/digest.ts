/**
 * The digest of a tool call's arguments: what the audit log records instead of the
 * arguments themselves (they may hold personal data). Canonical JSON (object keys
 * sorted, no whitespace), then SHA-256, so equal arguments always give equal digests.
 */
import { createHash } from 'node:crypto';

function canonical(value: unknown, depth: number): string {
  if (depth > 64) throw new RangeError('args are nested too deeply to digest');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError('args hold a non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonical(v, depth + 1)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        // A Date, Map, class instance...: JSON would flatten it; refuse rather than guess.
        throw new TypeError('args hold an object that is not plain JSON');
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k], depth + 1)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`args hold a value of type ${typeof value} that cannot be digested`);
  }
}

/**
 * The canonical JSON text of tool arguments (sorted keys, no whitespace, `undefined`
 * members dropped). Throws a `TypeError`/`RangeError` for values JSON cannot carry.
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, 'x'] }) // '{"a":[true,"x"],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, 0);
}

/**
 * The audit digest of tool arguments: `sha256:` and 64 hex digits of their canonical JSON.
 * @example
 * ```ts
 * argsDigest({ tenant: '42' }) === argsDigest({ tenant: '42' }) // true
 * argsDigest({ tenant: '42' }).startsWith('sha256:')          // true
 * ```
 */
export function argsDigest(args: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(args)).digest('hex')}`;
}
