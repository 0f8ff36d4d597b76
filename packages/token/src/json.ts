/**
 * V2J, the JSON form of a V2 macaroon (input only: Chit emits the binary form).
 *
 *   {"v":2,"l":"loc","i":"id"|"i64":"b64","c":[{"i"|"i64","v"|"v64","l"}],"s"|"s64":"b64"}
 *
 * Each binary field is `x` (UTF-8 text) or `x64` (base64, either alphabet); both at once
 * is an error, as is any unknown member. `"v"` may be 2 or absent (go-macaroon omits it).
 */
import { base64Decode, utf8Encode } from './bytes.js';
import { TokenMalformedError, TokenTooLargeError } from './errors.js';
import { MacaroonV2, makeCaveat } from './macaroon.js';
import type { Caveat, Limits } from './types.js';

const TOP_KEYS = new Set(['v', 'l', 'i', 'i64', 'c', 's', 's64']);
const CAVEAT_KEYS = new Set(['i', 'i64', 'v', 'v64', 'l']);

function malformed(what: string): never {
  throw new TokenMalformedError(`token is malformed: ${what}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function binaryField(
  obj: Record<string, unknown>,
  key: string,
  what: string,
): Uint8Array | undefined {
  const text = obj[key];
  const b64 = obj[`${key}64`];
  if (text !== undefined && b64 !== undefined) malformed(`${what} given twice`);
  if (text !== undefined) {
    if (typeof text !== 'string') malformed(`${what} is not a string`);
    return utf8Encode(text);
  }
  if (b64 !== undefined) {
    if (typeof b64 !== 'string') malformed(`${what} is not a string`);
    const bytes = base64Decode(b64);
    if (bytes === null) malformed(`${what} is not base64`);
    return bytes;
  }
  return undefined;
}

function location(obj: Record<string, unknown>): string | undefined {
  const l = obj.l;
  if (l === undefined) return undefined;
  if (typeof l !== 'string') malformed('location is not a string');
  return l === '' ? undefined : l;
}

/**
 * Parses a V2J JSON macaroon. The caller has already checked the text length.
 * @example
 * ```ts
 * const m = parseJson('{"v":2,"i":"keyid","c":[],"s64":"..."}', DEFAULT_LIMITS);
 * ```
 */
export function parseJson(text: string, limits: Limits): MacaroonV2 {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    malformed('invalid JSON');
  }
  if (!isPlainObject(value)) malformed('not a JSON object');
  for (const k of Object.keys(value)) if (!TOP_KEYS.has(k)) malformed('unknown JSON member');
  if (value.v !== undefined && value.v !== 2) malformed('unsupported version');
  const identifier = binaryField(value, 'i', 'identifier');
  if (identifier === undefined) malformed('missing identifier');
  const signature = binaryField(value, 's', 'signature');
  if (signature === undefined || signature.length !== 32) malformed('signature is not 32 bytes');
  const rawCaveats = value.c ?? [];
  if (!Array.isArray(rawCaveats)) malformed('caveats are not an array');
  if (rawCaveats.length > limits.maxCaveats) {
    throw new TokenTooLargeError('token exceeds a size limit: too many caveats');
  }
  const caveats: Caveat[] = [];
  for (const rc of rawCaveats as unknown[]) {
    if (!isPlainObject(rc)) malformed('caveat is not an object');
    for (const k of Object.keys(rc)) if (!CAVEAT_KEYS.has(k)) malformed('unknown caveat member');
    const id = binaryField(rc, 'i', 'caveat identifier');
    if (id === undefined) malformed('caveat without identifier');
    if (id.length > limits.maxConditionBytes) {
      throw new TokenTooLargeError('token exceeds a size limit: caveat too long');
    }
    const vid = binaryField(rc, 'v', 'verification id');
    const loc = location(rc);
    if (vid === undefined && loc !== undefined) malformed('first-party caveat with a location');
    caveats.push(makeCaveat(id, vid, loc));
  }
  return new MacaroonV2(location(value), identifier, caveats, signature);
}
