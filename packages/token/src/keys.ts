/**
 * The standard macaroon key derivation, `K = HMAC-SHA256("macaroons-key-generator", rootKey)`,
 * with the derived key's HMAC state cached per root key object.
 */
import { hmacAnyKey, hmacKeyState, wordsToBytes } from './sha256.js';

/** The libmacaroons derivation key (HMAC zero-pads it to the block size, as libmacaroons does). */
const GENERATOR = new TextEncoder().encode('macaroons-key-generator');

/**
 * A derived key, ready for the chain: its 8 words and its HMAC key state
 * (inner and outer midstates, 16 words). Internal: it is key material.
 * @example deriveKey(masterKey).state // HMAC midstates of K
 */
export interface DerivedKey {
  /** `HMAC("macaroons-key-generator", rootKey)` as 8 big-endian words. */
  readonly words: Int32Array;
  /** HMAC key state of `words`: 8 inner then 8 outer midstate words. */
  readonly state: Int32Array;
}

const CACHE = new WeakMap<Uint8Array, DerivedKey>();

/**
 * Derives (and caches, keyed by the `rootKey` object itself) the chain key of a root key.
 * A key array mutated in place after first use keeps its old derivation: key resolvers
 * must hand out immutable key arrays (they normally do: keys are loaded once).
 * @example
 * ```ts
 * const dk = deriveKey(masterKey); // cached: the second call is a WeakMap lookup
 * ```
 */
export function deriveKey(rootKey: Uint8Array): DerivedKey {
  let dk = CACHE.get(rootKey);
  if (dk === undefined) {
    dk = deriveKeyUncached(rootKey);
    CACHE.set(rootKey, dk);
  }
  return dk;
}

/**
 * Derivation without the cache (for keys that arrive once, e.g. a decrypted caveat key).
 * @example
 * ```ts
 * const dk = deriveKeyUncached(caveatKey);
 * ```
 */
export function deriveKeyUncached(rootKey: Uint8Array): DerivedKey {
  const words = new Int32Array(8);
  hmacAnyKey(GENERATOR, rootKey, words, 0);
  const state = new Int32Array(16);
  hmacKeyState(words, 0, state, 0);
  return { words, state };
}

/**
 * A derived key from its 32 raw bytes (a discharge root key recovered from a VID, which
 * is already derived: no second derivation).
 * @example
 * ```ts
 * const dk = derivedKeyFromBytes(decryptedVid);
 * ```
 */
export function derivedKeyFromBytes(bytes: Uint8Array): DerivedKey {
  const words = new Int32Array(8);
  for (let j = 0; j < 8; j++) {
    const o = 4 * j;
    words[j] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
  }
  const state = new Int32Array(16);
  hmacKeyState(words, 0, state, 0);
  return { words, state };
}

/**
 * The 32 bytes of a derived key (for the VID secretbox plaintext).
 * @example
 * ```ts
 * const bytes = derivedKeyBytes(deriveKeyUncached(caveatKey));
 * ```
 */
export function derivedKeyBytes(dk: DerivedKey): Uint8Array {
  const out = new Uint8Array(32);
  wordsToBytes(dk.words, 0, out, 0);
  return out;
}

/**
 * Do two derived keys hold the same words? Every word is read (no early exit).
 * @example sameKey(deriveKey(k), held)
 */
export function sameKey(a: DerivedKey, b: DerivedKey): boolean {
  if (a === b) return true;
  let diff = 0;
  for (let j = 0; j < 8; j++) diff |= a.words[j]! ^ b.words[j]!;
  return diff === 0;
}
