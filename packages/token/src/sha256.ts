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

/** `st[so..so+8) = IV`, written out (no loop, no table read). */
function loadIV(st: Int32Array, so: number): void {
  st[so] = 0x6a09e667;
  st[so + 1] = 0xbb67ae85 | 0;
  st[so + 2] = 0x3c6ef372;
  st[so + 3] = 0xa54ff53a | 0;
  st[so + 4] = 0x510e527f;
  st[so + 5] = 0x9b05688c | 0;
  st[so + 6] = 0x1f83d9ab;
  st[so + 7] = 0x5be0cd19;
}

/** Big-endian word of `msg[p..p+4)`. */
function wordAt(msg: Uint8Array, p: number): number {
  return (msg[p]! << 24) | (msg[p + 1]! << 16) | (msg[p + 2]! << 8) | msg[p + 3]!;
}

/**
 * Loads the last `rest` (< 64) message bytes from `msg[p..)` into W with the 0x80 pad
 * byte, zero-filling W up to (not including) `W[upTo]`.
 */
function loadTail(msg: Uint8Array, p: number, rest: number, upTo: number): void {
  const full = rest >> 2;
  let j = 0;
  for (; j < full; j++, p += 4) W[j] = wordAt(msg, p);
  const r = rest & 3;
  let w = 0x80 << (24 - 8 * r);
  if (r > 0) {
    w |= msg[p]! << 24;
    if (r > 1) {
      w |= msg[p + 1]! << 16;
      if (r > 2) w |= msg[p + 2]! << 8;
    }
  }
  W[j++] = w;
  for (; j < upTo; j++) W[j] = 0;
}

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
    for (let j = 0; j < 16; j++, p += 4) W[j] = wordAt(msg, p);
    compress(st, so);
  }
  // tail + padding: one block, or two when the length does not fit after the tail
  // (word-wise; no native fill/set calls on the hot path)
  const rest = end - p;
  if (rest >= 56) {
    loadTail(msg, p, rest, 16);
    compress(st, so);
    for (let j = 0; j < 14; j++) W[j] = 0;
  } else {
    loadTail(msg, p, rest, 14);
  }
  const bits = (prefixBytes + len) * 8;
  W[14] = Math.floor(bits / 0x100000000);
  W[15] = bits | 0;
  compress(st, so);
}

/** Writes the key block (`key` words XOR `pad`, zero-extended to 64 bytes) into W. */
function loadKeyBlock(key: Int32Array, ko: number, pad: number): void {
  W[0] = key[ko]! ^ pad;
  W[1] = key[ko + 1]! ^ pad;
  W[2] = key[ko + 2]! ^ pad;
  W[3] = key[ko + 3]! ^ pad;
  W[4] = key[ko + 4]! ^ pad;
  W[5] = key[ko + 5]! ^ pad;
  W[6] = key[ko + 6]! ^ pad;
  W[7] = key[ko + 7]! ^ pad;
  W[8] = pad;
  W[9] = pad;
  W[10] = pad;
  W[11] = pad;
  W[12] = pad;
  W[13] = pad;
  W[14] = pad;
  W[15] = pad;
}

/** The outer block of an HMAC: the 8-word inner digest, padding, bit length 768. */
function loadOuterBlock(inner: Int32Array): void {
  W[0] = inner[0]!;
  W[1] = inner[1]!;
  W[2] = inner[2]!;
  W[3] = inner[3]!;
  W[4] = inner[4]!;
  W[5] = inner[5]!;
  W[6] = inner[6]!;
  W[7] = inner[7]!;
  W[8] = 0x80000000 | 0;
  W[9] = 0;
  W[10] = 0;
  W[11] = 0;
  W[12] = 0;
  W[13] = 0;
  W[14] = 0;
  W[15] = (64 + 32) * 8;
}

/** `dst[d..d+8) = src[s..s+8)`, written out. */
function copy8(src: Int32Array, s: number, dst: Int32Array, d: number): void {
  dst[d] = src[s]!;
  dst[d + 1] = src[s + 1]!;
  dst[d + 2] = src[s + 2]!;
  dst[d + 3] = src[s + 3]!;
  dst[d + 4] = src[s + 4]!;
  dst[d + 5] = src[s + 5]!;
  dst[d + 6] = src[s + 6]!;
  dst[d + 7] = src[s + 7]!;
}

/**
 * Computes the HMAC key state (16 words: inner midstate then outer midstate) of a
 * 32-byte key given as 8 big-endian words `key[ko..ko+8)`, into `out[oo..oo+16)`.
 * @example hmacKeyState(sigWords, 0, keyState, 0)
 */
export function hmacKeyState(key: Int32Array, ko: number, out: Int32Array, oo: number): void {
  loadIV(out, oo);
  loadIV(out, oo + 8);
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
  copy8(state, so, INNER, 0);
  finish(INNER, 0, msg, off, len, 64);
  loadOuterBlock(INNER);
  copy8(state, so + 8, S, 0);
  compress(S, 0);
  copy8(S, 0, out, oo);
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
  // Both key blocks first, straight from the key words (no key-state copy), so that
  // `out` may alias `key`: inner H(key ^ ipad || msg), outer H(key ^ opad || inner).
  loadIV(CI, 0);
  loadKeyBlock(key, ko, 0x36363636);
  compress(CI, 0);
  loadIV(CO, 0);
  loadKeyBlock(key, ko, 0x5c5c5c5c);
  compress(CO, 0);
  finish(CI, 0, msg, off, len, 64);
  loadOuterBlock(CI);
  compress(CO, 0);
  copy8(CO, 0, out, oo);
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
