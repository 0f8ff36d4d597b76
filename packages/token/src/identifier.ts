/**
 * The Chit identifier, see docs/protocol.md. Version 2 (written by `mint`):
 *
 *   0xC2 | kidLen(1) kid | tokenId(16) | issuedAt uvarint | sealed uvarint | [sessionLen(1) session]
 *
 * `sealed` is how many caveats the minter itself added: the identifier is signed with the
 * root key, so the count is the one thing a holder cannot change, and it marks where the
 * minter's caveats end and holders' begin (claims come only from the sealed prefix, see
 * docs/protocol.md "Claims"). Version 1 (0xC1, no `sealed`) still decodes, as sealed = 0.
 *
 * 0xC1 can never start valid UTF-8, so a Chit identifier is never confused with the text
 * identifiers of plain macaroons. Every field has one encoding (minimal varint, no trailing
 * bytes), so equal claims give equal bytes.
 */
import { hex128, utf8Decode, utf8Encode } from './bytes.js';
import type { ChitIdentifier } from './types.js';

/**
 * First byte of a version-1 Chit identifier.
 * @example bytes[0] === IDENTIFIER_V1 // a Chit identifier
 */
export const IDENTIFIER_V1 = 0xc1;
/**
 * First byte of a version-2 Chit identifier (the one `mint` writes).
 * @example bytes[0] === IDENTIFIER_V2 // carries the sealed caveat count
 */
export const IDENTIFIER_V2 = 0xc2;
/** Most caveats a minter may seal (a token holds at most this many anyway). */
const MAX_SEALED = 0xffff;
/** Largest accepted issue time (2^40 - 1 seconds: beyond year 36000). */
const MAX_ISSUED_AT = 2 ** 40 - 1;
const KID_RE = /^[A-Za-z0-9._-]{1,64}$/;
/** Byte lookup for kid characters (no regex or string building before validation). */
const KID_CHAR = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-') {
  KID_CHAR[c.charCodeAt(0)] = 1;
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Does `text` hold a control character (C0, DEL, C1) or a Unicode line/paragraph
 * separator? The one rule for text that names something (a session, an identifier field):
 * such characters split log lines and records, so the identifier refuses them and the
 * HTTP boundary (@chit/protocol) rejects them.
 * @example hasControlCharacter('a\nb') // true
 */
export function hasControlCharacter(text: string): boolean {
  return CONTROL_RE.test(text);
}

/**
 * Input of {@link encodeIdentifier}.
 * @example encodeIdentifier({ kid: 'k1', tokenId, issuedAt: 1767225600, session: 's-1' })
 */
export interface IdentifierInput {
  /** Key id, 1-64 chars of `[A-Za-z0-9._-]`. */
  readonly kid: string;
  /** 16 random bytes. */
  readonly tokenId: Uint8Array;
  /** Issue time, Unix seconds (integer, 0 to 2^40-1). */
  readonly issuedAt: number;
  /** Optional session id: 1-255 UTF-8 bytes, no control characters. */
  readonly session?: string;
  /** How many caveats the minter adds right after the identifier (default 0). */
  readonly sealed?: number;
}

/**
 * Is `session` acceptable in an identifier?
 * @example
 * ```ts
 * isValidSession('s-1') // true
 * ```
 */
export function isValidSession(session: string): boolean {
  if (session.length === 0 || CONTROL_RE.test(session)) return false;
  const n = utf8Encode(session).length;
  return n >= 1 && n <= 255 && utf8Decode(utf8Encode(session)) === session;
}

/**
 * Encodes a Chit identifier. Throws TypeError/RangeError naming the bad field.
 * @example
 * ```ts
 * const id = encodeIdentifier({ kid: 'k1', tokenId: crypto.getRandomValues(new Uint8Array(16)), issuedAt: 1767225600 });
 * ```
 */
export function encodeIdentifier(input: IdentifierInput, name = 'identifier'): Uint8Array {
  if (typeof input !== 'object' || input === null) throw new TypeError(`${name} must be an object`);
  const { kid, tokenId, issuedAt, session } = input;
  const sealed = input.sealed ?? 0;
  if (typeof sealed !== 'number') throw new TypeError(`${name}.sealed must be a number`);
  if (!Number.isSafeInteger(sealed) || sealed < 0 || sealed > MAX_SEALED) {
    throw new RangeError(`${name}.sealed must be an integer from 0 to ${MAX_SEALED}`);
  }
  if (typeof kid !== 'string') throw new TypeError(`${name}.kid must be a string`);
  if (!KID_RE.test(kid))
    throw new RangeError(`${name}.kid must be 1-64 characters of [A-Za-z0-9._-]`);
  if (!(tokenId instanceof Uint8Array)) throw new TypeError(`${name}.tokenId must be a Uint8Array`);
  if (tokenId.length !== 16) throw new RangeError(`${name}.tokenId must be 16 bytes`);
  if (typeof issuedAt !== 'number') throw new TypeError(`${name}.issuedAt must be a number`);
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0 || issuedAt > MAX_ISSUED_AT) {
    throw new RangeError(`${name}.issuedAt must be an integer number of Unix seconds`);
  }
  let sessionBytes: Uint8Array | undefined;
  if (session !== undefined) {
    if (typeof session !== 'string') throw new TypeError(`${name}.session must be a string`);
    if (!isValidSession(session)) {
      throw new RangeError(`${name}.session must be 1-255 UTF-8 bytes without control characters`);
    }
    sessionBytes = utf8Encode(session);
  }
  const out = new Uint8Array(
    2 + kid.length + 16 + 6 + 3 + (sessionBytes ? 1 + sessionBytes.length : 0),
  );
  let o = 0;
  out[o++] = IDENTIFIER_V2;
  out[o++] = kid.length;
  for (let i = 0; i < kid.length; i++) out[o++] = kid.charCodeAt(i);
  out.set(tokenId, o);
  o += 16;
  let t = issuedAt;
  while (t >= 0x80) {
    out[o++] = (t % 128) | 0x80;
    t = Math.floor(t / 128);
  }
  out[o++] = t;
  let c = sealed;
  while (c >= 0x80) {
    out[o++] = (c & 0x7f) | 0x80;
    c >>>= 7;
  }
  out[o++] = c;
  if (sessionBytes) {
    out[o++] = sessionBytes.length;
    out.set(sessionBytes, o);
    o += sessionBytes.length;
  }
  return out.slice(0, o);
}

// Where the last readUvarint stopped (module scratch: the decoder allocates nothing).
let varintEnd = 0;

/** A minimal uvarint of at most `maxBytes` from `bytes[o, n)`, or -1; sets `varintEnd`. */
function readUvarint(bytes: Uint8Array, o: number, n: number, maxBytes: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (o >= n) return -1;
    const b = bytes[o++]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) {
      if (b === 0 && i > 0) return -1; // non-minimal
      varintEnd = o;
      return value;
    }
  }
  return -1;
}

/**
 * Decodes a Chit identifier; `null` when the bytes are not a (valid) Chit identifier,
 * so plain macaroons can still be inspected.
 * @example
 * ```ts
 * decodeIdentifier(m.identifier)?.kid // 'k1'
 * decodeIdentifier(new TextEncoder().encode('keyid')) // null
 * ```
 */
export function decodeIdentifier(bytes: Uint8Array): ChitIdentifier | null {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('identifier must be a Uint8Array');
  return decodeIdentifierRange(bytes, 0, bytes.length);
}

/**
 * {@link decodeIdentifier} over `bytes[start, end)` (internal: no copy on the hot path).
 * @example
 * ```ts
 * decodeIdentifierRange(buffer, idStart, idEnd)
 * ```
 */
export function decodeIdentifierRange(
  bytes: Uint8Array,
  start: number,
  end: number,
): ChitIdentifier | null {
  const first = bytes[start];
  if (end - start < 2 + 1 + 16 + 1 || (first !== IDENTIFIER_V1 && first !== IDENTIFIER_V2)) {
    return null;
  }
  const n = end;
  const kidLen = bytes[start + 1]!;
  let o = start + 2 + kidLen;
  if (kidLen === 0 || kidLen > 64 || o + 17 > n) return null;
  let kid = '';
  for (let i = start + 2; i < o; i++) {
    const c = bytes[i]!;
    if (!KID_CHAR[c]) return null;
    kid += String.fromCharCode(c);
  }
  const tokenId = hex128(
    (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!,
    (bytes[o + 4]! << 24) | (bytes[o + 5]! << 16) | (bytes[o + 6]! << 8) | bytes[o + 7]!,
    (bytes[o + 8]! << 24) | (bytes[o + 9]! << 16) | (bytes[o + 10]! << 8) | bytes[o + 11]!,
    (bytes[o + 12]! << 24) | (bytes[o + 13]! << 16) | (bytes[o + 14]! << 8) | bytes[o + 15]!,
  );
  o += 16;
  const issuedAt = readUvarint(bytes, o, n, 6);
  if (issuedAt < 0 || issuedAt > MAX_ISSUED_AT) return null;
  o = varintEnd;
  let sealed = 0;
  if (first === IDENTIFIER_V2) {
    sealed = readUvarint(bytes, o, n, 3);
    if (sealed < 0 || sealed > MAX_SEALED) return null;
    o = varintEnd;
  }
  let session: string | undefined;
  if (o < n) {
    const sl = bytes[o++]!;
    if (sl === 0 || o + sl !== n) return null;
    const s = utf8Decode(bytes, o, n);
    if (s === null || CONTROL_RE.test(s)) return null;
    session = s;
  }
  const version = first === IDENTIFIER_V2 ? 2 : 1;
  return session === undefined
    ? Object.freeze({ version, kid, tokenId, issuedAt, sealed })
    : Object.freeze({ version, kid, tokenId, issuedAt, sealed, session });
}
