/**
 * Byte helpers: strict UTF-8, hex, constant-time equality (and the base64 helpers,
 * re-exported from base64.ts). Pure, no `Buffer`.
 */
export {
  base64Decode,
  base64DecodeScratch,
  base64UrlEncode,
  base64UrlEncodeRange,
  lastDecodeWasCanonical,
} from './base64.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_ENCODER = new TextEncoder();

/**
 * Strict UTF-8 decoding of `bytes[start, end)`: returns `null` on any invalid sequence.
 * @example
 * ```ts
 * utf8Decode(new Uint8Array([104, 105])) // 'hi'
 * utf8Decode(new Uint8Array([0xc0, 0x80])) // null
 * ```
 */
export function utf8Decode(bytes: Uint8Array, start = 0, end = bytes?.length): string | null {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  try {
    return STRICT_UTF8.decode(
      start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end),
    );
  } catch {
    return null;
  }
}

/**
 * UTF-8 encoding.
 * @example
 * ```ts
 * utf8Encode('hi') // Uint8Array [104, 105]
 * ```
 */
export function utf8Encode(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  return UTF8_ENCODER.encode(text);
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/**
 * Lowercase hex of `bytes[start, end)`.
 * @example
 * ```ts
 * toHex(new Uint8Array([0, 255])) // '00ff'
 * ```
 */
export function toHex(bytes: Uint8Array, start = 0, end = bytes?.length): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  let s = '';
  for (let i = start; i < end; i++) s += HEX[bytes[i]!]!;
  return s;
}

const fromCharCode = String.fromCharCode;

/** Char code of the lowercase hex digit of `n` (0..15), branch-free. */
function hexCode(n: number): number {
  return n + 48 + (((9 - n) >> 31) & 39);
}

/**
 * 32 lowercase hex characters of four big-endian words (internal: fingerprints, token
 * ids), built by one `String.fromCharCode` call: a flat string and no temporaries
 * (concatenating 2-character pieces made 15 intermediate strings and a cons string).
 * @example hex128(0x00010203, 0x04050607, 0x08090a0b, 0x0c0d0e0f) // '000102...0f'
 */
// biome-ignore format: one row of eight digits per word
export function hex128(a: number, b: number, c: number, d: number): string {
  return fromCharCode(
    hexCode(a >>> 28), hexCode((a >>> 24) & 15), hexCode((a >>> 20) & 15), hexCode((a >>> 16) & 15),
    hexCode((a >>> 12) & 15), hexCode((a >>> 8) & 15), hexCode((a >>> 4) & 15), hexCode(a & 15),
    hexCode(b >>> 28), hexCode((b >>> 24) & 15), hexCode((b >>> 20) & 15), hexCode((b >>> 16) & 15),
    hexCode((b >>> 12) & 15), hexCode((b >>> 8) & 15), hexCode((b >>> 4) & 15), hexCode(b & 15),
    hexCode(c >>> 28), hexCode((c >>> 24) & 15), hexCode((c >>> 20) & 15), hexCode((c >>> 16) & 15),
    hexCode((c >>> 12) & 15), hexCode((c >>> 8) & 15), hexCode((c >>> 4) & 15), hexCode(c & 15),
    hexCode(d >>> 28), hexCode((d >>> 24) & 15), hexCode((d >>> 20) & 15), hexCode((d >>> 16) & 15),
    hexCode((d >>> 12) & 15), hexCode((d >>> 8) & 15), hexCode((d >>> 4) & 15), hexCode(d & 15),
  );
}

/**
 * Strict hex decoding (even length, `[0-9a-fA-F]` only); `null` otherwise.
 * @example
 * ```ts
 * fromHex('00ff') // Uint8Array [0, 255]
 * fromHex('0g')   // null
 * ```
 */
export function fromHex(hex: string): Uint8Array | null {
  if (typeof hex !== 'string') throw new TypeError('hex must be a string');
  if (hex.length % 2 !== 0) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i));
    const lo = hexValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Constant-time equality of two byte arrays (time depends only on the length; unequal
 * lengths return `false` at once, so a short MAC is a plain mismatch, never a throw).
 * @example
 * ```ts
 * constantTimeEqual(new Uint8Array([1]), new Uint8Array([1])) // true
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array)) throw new TypeError('a must be a Uint8Array');
  if (!(b instanceof Uint8Array)) throw new TypeError('b must be a Uint8Array');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Byte equality that may exit early: only for public data (identifiers, ids).
 * @example
 * ```ts
 * bytesEqual(new Uint8Array([1]), new Uint8Array([2])) // false
 * ```
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Concatenates byte arrays.
 * @example
 * ```ts
 * concatBytes(new Uint8Array([1]), new Uint8Array([2])) // Uint8Array [1, 2]
 * ```
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Is `text` well-formed Unicode (no lone surrogates), so that UTF-8 encoding is lossless?
 * @example
 * ```ts
 * isWellFormedText('ok') // true
 * isWellFormedText('\uD800') // false
 * ```
 */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
