/**
 * Byte helpers: strict base64 (both alphabets in, base64url out), strict UTF-8, hex and
 * constant-time equality. Pure, no `Buffer`, no allocation beyond the result.
 */

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Decoding table: char code to 6-bit value, 255 = invalid, 64 = '+' / '/' (standard alphabet). */
const DECODE = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) DECODE[B64URL.charCodeAt(i)] = i;
DECODE[43] = 62; // '+'
DECODE[47] = 63; // '/'

/** Which alphabet a character belongs to: 1 = url-safe only ('-' '_'), 2 = standard only ('+' '/'). */
const KIND = new Uint8Array(128);
KIND[45] = 1;
KIND[95] = 1;
KIND[43] = 2;
KIND[47] = 2;

const ENCODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) ENCODE[i] = B64URL.charCodeAt(i);

/**
 * Length in bytes that `text` decodes to, or -1 when the length itself is impossible
 * (after stripping up to two '=' of padding, only when the padded length is a multiple of 4).
 */
function decodedLength(text: string): { chars: number; bytes: number } | null {
  let chars = text.length;
  if (chars > 0 && text.charCodeAt(chars - 1) === 61) {
    // padded form: the whole text must be a multiple of 4
    if (chars % 4 !== 0) return null;
    chars--;
    if (text.charCodeAt(chars - 1) === 61) chars--;
  }
  const rem = chars % 4;
  if (rem === 1) return null;
  if (text.length !== chars && rem === 0) return null; // padding where none is due
  return { chars, bytes: ((chars >> 2) * 3 + (rem === 0 ? 0 : rem - 1)) | 0 };
}

/**
 * Strict base64 decoding: accepts the URL-safe and the standard alphabet (but not both
 * mixed), with or without padding. Rejects whitespace, bad padding and non-canonical
 * trailing bits. Returns `null` for anything else (the caller decides the error).
 * @example
 * ```ts
 * base64Decode('AQID') // Uint8Array [1, 2, 3]
 * base64Decode('AQI=') // Uint8Array [1, 2]
 * base64Decode('AQJ')  // null (non-canonical trailing bits)
 * ```
 */
export function base64Decode(text: string): Uint8Array | null {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  const len = decodedLength(text);
  if (len === null) return null;
  const { chars, bytes } = len;
  const out = new Uint8Array(bytes);
  let alphabet = 0; // 1 = url-safe seen, 2 = standard seen
  let o = 0;
  let i = 0;
  const full = chars - (chars % 4);
  for (; i < full; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 127) return null;
    const a = DECODE[c0]!;
    const b = DECODE[c1]!;
    const c = DECODE[c2]!;
    const d = DECODE[c3]!;
    if ((a | b | c | d) > 63) return null;
    alphabet |= KIND[c0]! | KIND[c1]! | KIND[c2]! | KIND[c3]!;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  const rem = chars - full;
  if (rem > 0) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = rem === 3 ? text.charCodeAt(i + 2) : 65; // 'A'
    if ((c0 | c1 | c2) > 127) return null;
    const a = DECODE[c0]!;
    const b = DECODE[c1]!;
    const c = DECODE[c2]!;
    if ((a | b | c) > 63) return null;
    alphabet |= KIND[c0]! | KIND[c1]! | KIND[c2]!;
    out[o++] = (a << 2) | (b >> 4);
    if (rem === 2) {
      if ((b & 15) !== 0) return null; // non-canonical trailing bits
    } else {
      out[o++] = ((b & 15) << 4) | (c >> 2);
      if ((c & 3) !== 0) return null;
    }
  }
  if (alphabet === 3) return null;
  lastCanonical = alphabet !== 2 && chars === text.length;
  return out;
}

let lastCanonical = false;

/**
 * Whether the last successful {@link base64Decode} input was the canonical spelling
 * (URL-safe alphabet, no padding). Lets the parser cache the text without a regex pass.
 * @example
 * ```ts
 * base64Decode('-_8'); lastDecodeWasCanonical() // true
 * ```
 */
export function lastDecodeWasCanonical(): boolean {
  return lastCanonical;
}

/**
 * Encodes bytes as base64url without padding (the one canonical text form).
 * @example
 * ```ts
 * base64UrlEncode(new Uint8Array([251, 255])) // '-_8'
 * ```
 */
export function base64UrlEncode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const n = bytes.length;
  const parts: string[] = [];
  // Chunks keep String.fromCharCode's argument count small.
  const chunk = new Uint8Array(Math.min(4 * Math.ceil(n / 3), 12288));
  let c = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk[c++] = ENCODE[v >>> 18]!;
    chunk[c++] = ENCODE[(v >>> 12) & 63]!;
    chunk[c++] = ENCODE[(v >>> 6) & 63]!;
    chunk[c++] = ENCODE[v & 63]!;
    if (c === chunk.length) {
      parts.push(String.fromCharCode.apply(null, chunk as unknown as number[]));
      c = 0;
    }
  }
  if (n - i === 1) {
    const v = bytes[i]! << 16;
    chunk[c++] = ENCODE[v >>> 18]!;
    chunk[c++] = ENCODE[(v >>> 12) & 63]!;
  } else if (n - i === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    chunk[c++] = ENCODE[v >>> 18]!;
    chunk[c++] = ENCODE[(v >>> 12) & 63]!;
    chunk[c++] = ENCODE[(v >>> 6) & 63]!;
  }
  if (c > 0)
    parts.push(String.fromCharCode.apply(null, chunk.subarray(0, c) as unknown as number[]));
  return parts.length === 1 ? parts[0]! : parts.join('');
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_ENCODER = new TextEncoder();

/**
 * Strict UTF-8 decoding of `bytes[start, end)`: returns `null` on any invalid sequence.
 * A fast path handles pure ASCII without the TextDecoder call overhead.
 * @example
 * ```ts
 * utf8Decode(new Uint8Array([104, 105])) // 'hi'
 * utf8Decode(new Uint8Array([0xc0, 0x80])) // null
 * ```
 */
export function utf8Decode(bytes: Uint8Array, start = 0, end = bytes?.length): string | null {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const n = end - start;
  if (n <= 64) {
    let s = '';
    let i = start;
    for (; i < end; i++) {
      const b = bytes[i]!;
      if (b > 127) break;
      s += String.fromCharCode(b);
    }
    if (i === end) return s;
  }
  try {
    return STRICT_UTF8.decode(bytes.subarray(start, end));
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
