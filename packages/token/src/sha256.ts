/**
 * A lean SHA-256 / HMAC-SHA256 for the macaroon chain: 32-byte keys, short messages.
 *
 * Why not @noble/hashes here: the chain runs 6+ HMACs per verify, each with a fresh
 * 32-byte key; a general-purpose hasher allocates per call and re-pads the key. This
 * module works on words in preallocated Int32Array state, keeps HMAC key states
 * (the ipad/opad midstates) as 16 words, and never allocates on the hot path.
 * Cross-checked against @noble/hashes by property tests.
 *
 * Not re-entrant across async boundaries by design: every function runs to completion
 * synchronously on the module's scratch buffers.
 */

import { compress, SHA256_IV as IV, W } from './sha256-compress.js';

/** Scratch hash state. */
const S = new Int32Array(8);
/** Scratch inner digest. */
const INNER = new Int32Array(8);

/**
 * Hashes `msg[off, off+len)` into `st[so..so+8)`, continuing from that state, as if
 * `prefixBytes` (a multiple of 64) had already been compressed; adds the final padding.
 */
function finish(
  st: Int32Array,
  so: number,
  msg: Uint8Array,
  off: number,
  len: number,
  prefixBytes: number,
): void {
  let p = off;
  const end = off + len;
  // full blocks
  while (end - p >= 64) {
    for (let j = 0; j < 16; j++, p += 4) {
      W[j] = (msg[p]! << 24) | (msg[p + 1]! << 16) | (msg[p + 2]! << 8) | msg[p + 3]!;
    }
    compress(st, so);
  }
  // tail + padding: one or two blocks (word-wise; no native fill/set calls on the hot path)
  const rest = end - p;
  let q = 0;
  for (; q + 4 <= rest; q += 4, p += 4) {
    W[q >> 2] = (msg[p]! << 24) | (msg[p + 1]! << 16) | (msg[p + 2]! << 8) | msg[p + 3]!;
  }
  let w = 0;
  let shift = 24;
  for (; q < rest; q++, shift -= 8) w |= msg[p++]! << shift;
  W[q >> 2] = w | (0x80 << shift);
  for (let j = (q >> 2) + 1; j < 16; j++) W[j] = 0;
  const bits = (prefixBytes + len) * 8;
  if (rest >= 56) {
    compress(st, so);
    for (let j = 0; j < 14; j++) W[j] = 0;
  }
  W[14] = Math.floor(bits / 0x100000000);
  W[15] = bits | 0;
  compress(st, so);
}

/** Writes the key block (`key` words XOR `pad`, zero-extended to 64 bytes) into W. */
function loadKeyBlock(key: Int32Array, ko: number, pad: number): void {
  for (let j = 0; j < 8; j++) W[j] = key[ko + j]! ^ pad;
  for (let j = 8; j < 16; j++) W[j] = pad;
}

/**
 * Computes the HMAC key state (16 words: inner midstate then outer midstate) of a
 * 32-byte key given as 8 big-endian words `key[ko..ko+8)`, into `out[oo..oo+16)`.
 * @example hmacKeyState(sigWords, 0, keyState, 0)
 */
export function hmacKeyState(key: Int32Array, ko: number, out: Int32Array, oo: number): void {
  for (let j = 0; j < 8; j++) {
    out[oo + j] = IV[j]!;
    out[oo + 8 + j] = IV[j]!;
  }
  loadKeyBlock(key, ko, 0x36363636);
  compress(out, oo);
  loadKeyBlock(key, ko, 0x5c5c5c5c);
  compress(out, oo + 8);
}

/**
 * HMAC from a precomputed key state: `out[oo..oo+8) = HMAC(key, msg[off, off+len))`.
 * `out` may alias the key state's own storage only if the state is not needed afterwards.
 * @example hmacFromState(keyState, 0, msg, 0, msg.length, out, 0)
 */
export function hmacFromState(
  state: Int32Array,
  so: number,
  msg: Uint8Array,
  off: number,
  len: number,
  out: Int32Array,
  oo: number,
): void {
  for (let j = 0; j < 8; j++) INNER[j] = state[so + j]!;
  finish(INNER, 0, msg, off, len, 64);
  for (let j = 0; j < 8; j++) {
    W[j] = INNER[j]!;
    S[j] = state[so + 8 + j]!;
  }
  W[8] = 0x80000000;
  for (let j = 9; j < 15; j++) W[j] = 0;
  W[15] = (64 + 32) * 8;
  compress(S, 0);
  for (let j = 0; j < 8; j++) out[oo + j] = S[j]!;
}

const CI = new Int32Array(8);
const CO = new Int32Array(8);

/**
 * `out[oo..oo+8) = HMAC(key, msg)` where the key is 8 words `key[ko..ko+8)`.
 * This is the chain step `sig = HMAC(sig, cid)`; `out` may alias `key`.
 * @example hmacWords(sig, 0, cid, 0, cid.length, sig, 0) // sig = HMAC(sig, cid)
 */
export function hmacWords(
  key: Int32Array,
  ko: number,
  msg: Uint8Array,
  off: number,
  len: number,
  out: Int32Array,
  oo: number,
): void {
  // inner: H(key ^ ipad || msg), straight from the key words (no key-state copy)
  for (let j = 0; j < 8; j++) {
    CI[j] = IV[j]!;
    W[j] = key[ko + j]! ^ 0x36363636;
  }
  for (let j = 8; j < 16; j++) W[j] = 0x36363636;
  compress(CI, 0);
  finish(CI, 0, msg, off, len, 64);
  // outer: H(key ^ opad || inner)
  for (let j = 0; j < 8; j++) {
    CO[j] = IV[j]!;
    W[j] = key[ko + j]! ^ 0x5c5c5c5c;
  }
  for (let j = 8; j < 16; j++) W[j] = 0x5c5c5c5c;
  compress(CO, 0);
  for (let j = 0; j < 8; j++) W[j] = CI[j]!;
  W[8] = 0x80000000;
  for (let j = 9; j < 15; j++) W[j] = 0;
  W[15] = (64 + 32) * 8;
  compress(CO, 0);
  for (let j = 0; j < 8; j++) out[oo + j] = CO[j]!;
}

const LONG_KEY = new Int32Array(8);

/**
 * HMAC-SHA256 with a key of any length (keys over 64 bytes are hashed first, per RFC 2104),
 * writing 8 words to `out`. Used for the key derivation, off the hot path.
 * @example hmacAnyKey(utf8Encode('macaroons-key-generator'), rootKey, out, 0)
 */
export function hmacAnyKey(key: Uint8Array, msg: Uint8Array, out: Int32Array, oo: number): void {
  const kw = new Int32Array(16);
  if (key.length > 64) {
    sha256Words(key, LONG_KEY, 0);
    kw.set(LONG_KEY, 0);
  } else {
    for (let j = 0; j < key.length; j++) kw[j >> 2] = kw[j >> 2]! | (key[j]! << (24 - 8 * (j & 3)));
  }
  const st = new Int32Array(16);
  st.set(IV, 0);
  for (let j = 0; j < 16; j++) W[j] = kw[j]! ^ 0x36363636;
  compress(st, 0);
  st.set(IV, 8);
  for (let j = 0; j < 16; j++) W[j] = kw[j]! ^ 0x5c5c5c5c;
  compress(st, 8);
  hmacFromState(st, 0, msg, 0, msg.length, out, oo);
}

/**
 * SHA-256 of `msg` as 8 big-endian words into `out[oo..oo+8)`.
 * @example
 * ```ts
 * const out = new Int32Array(8); sha256Words(new Uint8Array(0), out, 0); // e3b0c442...
 * ```
 */
export function sha256Words(msg: Uint8Array, out: Int32Array, oo: number): void {
  out.set(IV, oo);
  finish(out, oo, msg, 0, msg.length, 0);
}

/**
 * Writes 8 words big-endian as 32 bytes into `out[oo..oo+32)`.
 * @example
 * ```ts
 * wordsToBytes(words, 0, bytes, 0)
 * ```
 */
export function wordsToBytes(w: Int32Array, wo: number, out: Uint8Array, oo: number): void {
  for (let j = 0; j < 8; j++) {
    const v = w[wo + j]!;
    out[oo++] = v >>> 24;
    out[oo++] = (v >>> 16) & 255;
    out[oo++] = (v >>> 8) & 255;
    out[oo++] = v & 255;
  }
}

/**
 * Reads 32 bytes big-endian as 8 words into `out[oo..oo+8)`.
 * @example
 * ```ts
 * bytesToWords(signature, 0, words, 0)
 * ```
 */
export function bytesToWords(b: Uint8Array, bo: number, out: Int32Array, oo: number): void {
  for (let j = 0; j < 8; j++, bo += 4) {
    out[oo + j] = (b[bo]! << 24) | (b[bo + 1]! << 16) | (b[bo + 2]! << 8) | b[bo + 3]!;
  }
}

/**
 * Constant-time comparison of 8 words against 32 bytes (a signature as received).
 * @example
 * ```ts
 * wordsEqualBytes(sig, 0, presented, 0) // true when equal
 * ```
 */
export function wordsEqualBytes(w: Int32Array, wo: number, b: Uint8Array, bo: number): boolean {
  let diff = 0;
  for (let j = 0; j < 8; j++, bo += 4) {
    diff |= w[wo + j]! ^ ((b[bo]! << 24) | (b[bo + 1]! << 16) | (b[bo + 2]! << 8) | b[bo + 3]!);
  }
  return diff === 0;
}

/**
 * Convenience: HMAC-SHA256 over bytes, returning 32 new bytes (tests, off the hot path).
 * @example
 * ```ts
 * hmacSha256(key, utf8Encode('message')) // 32 bytes
 * ```
 */
export function hmacSha256(key: Uint8Array, msg: Uint8Array): Uint8Array {
  const w = new Int32Array(8);
  hmacAnyKey(key, msg, w, 0);
  const out = new Uint8Array(32);
  wordsToBytes(w, 0, out, 0);
  return out;
}

/**
 * Convenience: SHA-256 over bytes, returning 32 new bytes.
 * @example
 * ```ts
 * sha256(new Uint8Array(0)) // e3b0c442...
 * ```
 */
export function sha256(msg: Uint8Array): Uint8Array {
  const w = new Int32Array(8);
  sha256Words(msg, w, 0);
  const out = new Uint8Array(32);
  wordsToBytes(w, 0, out, 0);
  return out;
}
