/**
 * Argument helpers on `node:util` parseArgs: strict parsing (unknown flags are usage
 * errors), durations, hex keys, `key=value` pairs, and `-` for a token on stdin.
 */
import { parseArgs } from 'node:util';
import { fromHex } from '@chit/token';
import { type CliIo, UsageError } from './io.js';

/**
 * Option specs as parseArgs takes them.
 * @example const specs: OptionSpecs = { key: { type: 'string' } }
 */
export type OptionSpecs = Record<
  string,
  { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
>;

/**
 * Flags every command takes.
 * @example parseArgs({ args, options: { ...COMMON, ...specs } })
 */
export const COMMON: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
};

/**
 * Parsed arguments.
 * @example const p: Parsed = parse(args, { key: { type: 'string' } })
 */
export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
}

/**
 * Parses strictly; any parseArgs complaint becomes a UsageError.
 * @example const p = parse(['--key', 'ab'], { key: { type: 'string' } })
 */
export function parse(args: readonly string[], options: OptionSpecs): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...COMMON, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

/**
 * A string flag's value (the last one given), or undefined.
 * @example str(p, 'kid') // 'k1' or undefined
 */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A repeatable string flag's values (possibly empty).
 * @example list(p, 'action') // ['read', 'write']
 */
export function list(p: Parsed, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

/**
 * A boolean flag.
 * @example flag(p, 'json') // true
 */
export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/**
 * A required string flag.
 * @example const key = required(p, 'key')
 */
export function required(p: Parsed, name: string): string {
  const v = str(p, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * A duration: `90`, `90s`, `15m`, `1h`, `7d` (whole numbers only) to seconds.
 * @example parseDuration('1h', '--ttl') // 3600
 */
export function parseDuration(text: string, name: string): number {
  const m = /^([1-9][0-9]{0,9})([smhd]?)$/.exec(text);
  if (m === null) throw new UsageError(`${name} must be a duration like 90s, 15m, 1h or 7d`);
  return Number(m[1]) * UNITS[m[2] || 's']!;
}

/**
 * A non-negative whole number.
 * @example parseCount('10', '--uses') // 10
 */
export function parseCount(text: string, name: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) throw new UsageError(`${name} must be a whole number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${name} is too large`);
  return n;
}

/**
 * A hex key of at least `minBytes` bytes (never echoed in errors).
 * @example parseHexKey('ab'.repeat(32), '--key') // 32 bytes
 */
export function parseHexKey(text: string, name: string, minBytes = 16): Uint8Array {
  const key = fromHex(text.toLowerCase());
  if (key === null || key.length === 0) throw new UsageError(`${name} must be hex`);
  if (key.length < minBytes) throw new UsageError(`${name} must be at least ${minBytes} bytes`);
  return key;
}

/**
 * `key=value` (the value may contain `=`).
 * @example parsePair('tenant=42', '--ctx') // ['tenant', '42']
 */
export function parsePair(text: string, name: string): [string, string] {
  const i = text.indexOf('=');
  if (i <= 0) throw new UsageError(`${name} takes key=value`);
  return [text.slice(0, i), text.slice(i + 1)];
}

/**
 * The token argument: the one positional, or stdin when it is `-` (surrounding
 * whitespace removed).
 * @example const token = await tokenArg(p, io) // '-' reads stdin
 */
export async function tokenArg(p: Parsed, io: CliIo): Promise<string> {
  if (p.positionals.length === 0)
    throw new UsageError('a token argument is required (or - for stdin)');
  if (p.positionals.length > 1) throw new UsageError('exactly one token argument is expected');
  const arg = p.positionals[0]!;
  if (arg !== '-') return arg;
  const text = (await io.readStdin()).trim();
  if (text === '') throw new UsageError('no token on stdin');
  return text;
}

/**
 * Rejects positionals on commands that take none.
 * @example noPositionals(parse(['keygen'], {}))
 */
export function noPositionals(p: Parsed): void {
  if (p.positionals.length > 0) throw new UsageError('this command takes no positional argument');
}
