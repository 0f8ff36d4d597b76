/**
 * The HMAC chain steps on 8-word signatures (internal). See docs/protocol.md:
 *
 *   sig0 = HMAC(K, identifier)                       K = HMAC("macaroons-key-generator", rootKey)
 *   sig  = HMAC(sig, cid)                            first-party caveat
 *   sig  = HMAC(sig, HMAC(sig, vid) || HMAC(sig, cid))  third-party caveat
 *   bound = HMAC(0^32, HMAC(0^32, rootSig) || HMAC(0^32, dischargeSig))
 *   fingerprint = hex(SHA-256("chit/fingerprint/v1\0" || sig)[0..16])
 */
import { hex128 } from './bytes.js';
import type { DerivedKey } from './keys.js';
import { hmacFromState, hmacKeyState, hmacWords, wordsToBytes } from './sha256.js';
import { compress, W } from './sha256-compress.js';

/**
 * `out = HMAC(K, identifier)` with the derived key's cached state.
 * @example
 * ```ts
 * chainStart(deriveKey(rootKey), m.identifier, sig);
 * ```
 */
export function chainStart(dk: DerivedKey, identifier: Uint8Array, out: Int32Array): void {
  hmacFromState(dk.state, 0, identifier, 0, identifier.length, out, 0);
}

/**
 * `sig = HMAC(sig, cid)` in place.
 * @example
 * ```ts
 * chainFirstParty(sig, caveat.id);
 * ```
 */
export function chainFirstParty(sig: Int32Array, cid: Uint8Array): void {
  hmacWords(sig, 0, cid, 0, cid.length, sig, 0);
}

const PAIR_WORDS = new Int32Array(16);
const PAIR_BYTES = new Uint8Array(64);

/**
 * `sig = HMAC(sig, HMAC(sig, vid) || HMAC(sig, cid))` in place.
 * @example
 * ```ts
 * chainThirdParty(sig, caveat.vid, caveat.id);
 * ```
 */
export function chainThirdParty(sig: Int32Array, vid: Uint8Array, cid: Uint8Array): void {
  hmacWords(sig, 0, vid, 0, vid.length, PAIR_WORDS, 0);
  hmacWords(sig, 0, cid, 0, cid.length, PAIR_WORDS, 8);
  wordsToBytes(PAIR_WORDS, 0, PAIR_BYTES, 0);
  wordsToBytes(PAIR_WORDS, 8, PAIR_BYTES, 32);
  hmacWords(sig, 0, PAIR_BYTES, 0, 64, sig, 0);
}

const ZERO_KEY_STATE = new Int32Array(16);
hmacKeyState(new Int32Array(8), 0, ZERO_KEY_STATE, 0);
const BIND_BYTES = new Uint8Array(64);
const BIND_WORDS = new Int32Array(8);

/**
 * `out = HMAC(0^32, HMAC(0^32, rootSig) || HMAC(0^32, dischargeSig))`: binds a discharge
 * signature to the primary's signature (libmacaroons `prepare_for_request`).
 * @example
 * ```ts
 * bindWords(primarySigBytes, dischargeSigWords, bound);
 * ```
 */
export function bindWords(rootSig: Uint8Array, dischargeSig: Int32Array, out: Int32Array): void {
  hmacFromState(ZERO_KEY_STATE, 0, rootSig, 0, 32, BIND_WORDS, 0);
  wordsToBytes(BIND_WORDS, 0, BIND_BYTES, 0);
  wordsToBytes(dischargeSig, 0, BIND_BYTES, 32);
  hmacFromState(ZERO_KEY_STATE, 0, BIND_BYTES, 32, 32, BIND_WORDS, 0);
  wordsToBytes(BIND_WORDS, 0, BIND_BYTES, 32);
  hmacFromState(ZERO_KEY_STATE, 0, BIND_BYTES, 0, 64, out, 0);
}

/** "chit/fingerprint/v1\0": exactly 20 bytes, so the block is built from words directly. */
const FP_PREFIX_WORDS = (() => {
  const p = new TextEncoder().encode('chit/fingerprint/v1\0');
  const w = new Int32Array(5);
  for (let j = 0; j < 5; j++)
    w[j] = (p[4 * j]! << 24) | (p[4 * j + 1]! << 16) | (p[4 * j + 2]! << 8) | p[4 * j + 3]!;
  return w;
})();
const FP_STATE = new Int32Array(8);

/**
 * The fingerprint digest of a chain signature, its first 4 words (128 bits), into
 * `out[oo..oo+4)`. Public data, unlike the signature: these words may be kept.
 * @example fingerprintInto(sig, words, 4 * i)
 */
export function fingerprintInto(sig: Int32Array, out: Int32Array, oo: number): void {
  // one block: prefix (5 words) || sig (8 words) || 0x80 padding || bit length 416
  W[0] = FP_PREFIX_WORDS[0]!;
  W[1] = FP_PREFIX_WORDS[1]!;
  W[2] = FP_PREFIX_WORDS[2]!;
  W[3] = FP_PREFIX_WORDS[3]!;
  W[4] = FP_PREFIX_WORDS[4]!;
  W[5] = sig[0]!;
  W[6] = sig[1]!;
  W[7] = sig[2]!;
  W[8] = sig[3]!;
  W[9] = sig[4]!;
  W[10] = sig[5]!;
  W[11] = sig[6]!;
  W[12] = sig[7]!;
  W[13] = 0x80000000 | 0;
  W[14] = 0;
  W[15] = 52 * 8;
  FP_STATE[0] = 0x6a09e667; // SHA-256 IV, written out
  FP_STATE[1] = 0xbb67ae85 | 0;
  FP_STATE[2] = 0x3c6ef372;
  FP_STATE[3] = 0xa54ff53a | 0;
  FP_STATE[4] = 0x510e527f;
  FP_STATE[5] = 0x9b05688c | 0;
  FP_STATE[6] = 0x1f83d9ab;
  FP_STATE[7] = 0x5be0cd19;
  compress(FP_STATE, 0);
  out[oo] = FP_STATE[0]!;
  out[oo + 1] = FP_STATE[1]!;
  out[oo + 2] = FP_STATE[2]!;
  out[oo + 3] = FP_STATE[3]!;
}

/**
 * The fingerprint of a chain signature: 128 bits of a domain-separated SHA-256, as 32
 * lowercase hex characters. One-way: it names a chain position without revealing the
 * signature (a bearer secret of the wider parent token).
 * @example
 * ```ts
 * fingerprintWords(sig) // '3f0c...' (32 hex chars)
 * ```
 */
export function fingerprintWords(sig: Int32Array): string {
  fingerprintInto(sig, FP_STATE, 0);
  return hex128(FP_STATE[0]!, FP_STATE[1]!, FP_STATE[2]!, FP_STATE[3]!);
}

/** Two lowercase hex digits of a byte as one 16-bit unit, in this platform's byte order. */
const HEX_PAIR = (() => {
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const digits = '0123456789abcdef';
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    const hi = digits.charCodeAt(i >> 4);
    const lo = digits.charCodeAt(i & 15);
    table[i] = little ? hi | (lo << 8) : (hi << 8) | lo;
  }
  return table;
})();
const ASCII_DECODER = new TextDecoder();
let hexBytes = new Uint8Array(32 * 65);
let hexUnits = new Uint16Array(hexBytes.buffer);

/**
 * The hex strings of `count` fingerprints given as 4 words each (`fingerprintInto`):
 * all digits written into one buffer and decoded by one native call, then cut into
 * 32-character strings (one decoder call instead of one string build per fingerprint).
 * @example fingerprintStrings(words, 6) // ['3f0c...', ...]
 */
export function fingerprintStrings(words: Int32Array, count: number): string[] {
  if (hexBytes.length < 32 * count) {
    hexBytes = new Uint8Array(32 * count);
    hexUnits = new Uint16Array(hexBytes.buffer);
  }
  const units = hexUnits;
  const n = 4 * count;
  for (let j = 0, u = 0; j < n; j++, u += 4) {
    const w = words[j]!;
    units[u] = HEX_PAIR[w >>> 24]!;
    units[u + 1] = HEX_PAIR[(w >>> 16) & 255]!;
    units[u + 2] = HEX_PAIR[(w >>> 8) & 255]!;
    units[u + 3] = HEX_PAIR[w & 255]!;
  }
  const all = ASCII_DECODER.decode(hexBytes.subarray(0, 32 * count));
  const out: string[] = [];
  for (let k = 0; k < count; k++) out.push(all.slice(32 * k, 32 * k + 32));
  return out;
}
