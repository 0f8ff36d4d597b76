/**
 * The verifier's hot path for the common token: text form, V2 binary, no location, only
 * first-party caveats. Decodes into a reused buffer, parses to offsets and runs the chain
 * straight over the buffer: no Macaroon object, no per-caveat copies.
 *
 * It accepts exactly what `parseBinary` + `walkChain` accept and rejects with the same
 * codes (differential tests pin this); anything outside the common case (JSON, a non-empty
 * location, a third-party caveat) returns `null` and the general path decides. An empty
 * LOCATION field (`01 00`, pymacaroons' spelling of "none") is skipped here, as the
 * general parser reads it as no location.
 *
 * With a prefix store (a `VerifiedChainCache`), the chain resumes after the longest prefix
 * held under the same identifier bytes and derived key (docs/protocol.md, "Resuming a
 * verified chain"): the structure, the limits, the fresh kid resolution, the
 * constant-time comparison and the order of errors are the same as without one.
 */
import { base64DecodeScratch, utf8Decode } from './bytes.js';
import { fingerprintInto, fingerprintStrings } from './chain.js';
import {
  CaveatMalformedError,
  KeyUnknownError,
  SignatureInvalidError,
  TokenMalformedError,
  TokenTooLargeError,
} from './errors.js';
import { decodeIdentifierRange } from './identifier.js';
import { type DerivedKey, deriveKey } from './keys.js';
import type { PrefixStore } from './prefix-store.js';
import { hmacFromState, hmacWords, wordsEqualBytes } from './sha256.js';
import type { ChitIdentifier, KeyResolver, Limits } from './types.js';

/**
 * What the fast walk verified.
 * @example fastWalk(text, DEFAULT_LIMITS, keys)?.fingerprints
 */
export interface FastWalkResult {
  readonly identifier: ChitIdentifier;
  readonly key: DerivedKey;
  readonly conditions: string[];
  readonly fingerprints: string[];
  /** Fingerprint after each condition (all caveats are first-party here). */
  readonly conditionFingerprints: string[];
  /**
   * With a prefix store: how many caveats were new to it (0: the whole chain was held, so
   * this exact chain was verified before). Without one: the number of caveats.
   */
  readonly fresh: number;
  /** Did the chain resume from a held prefix (its root, at least)? */
  readonly resumed: boolean;
}

let buf: Uint8Array = new Uint8Array(0);
let pos = 0;
/** Caveat id offsets: start, end pairs. */
let offsets = new Int32Array(2 * 64);
const SIG = new Int32Array(8);
/** The running signature after each position, while a chain is being verified (secret: wiped). */
let STEP_SIGS = new Int32Array(8 * 65);
/** The held positions matched for the current token. */
let PATH = new Int32Array(65);

function copy8(src: Int32Array, dst: Int32Array, o: number): void {
  for (let j = 0; j < 8; j++) dst[o + j] = src[j]!;
}
/** Fingerprint digests, 4 words per chain position (public data: kept between calls). */
let fpWords = new Int32Array(4 * 65);

/**
 * Condition texts repeat across tokens (the same tenants, actions, resources): decoded
 * strings are kept in a small bounded map keyed by a hash of the bytes' ends, and a hit is
 * confirmed byte for byte. Saves the UTF-8 decoder call per condition.
 */
const TEXTS = new Map<number, { bytes: Uint8Array; text: string }>();
const MAX_TEXTS = 4096;
const SEEN = new Int32Array(8192);

function wordAt(b: Uint8Array, p: number): number {
  return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}

function conditionText(bytes: Uint8Array, s: number, e: number): string | null {
  // The key hashes the length and the first and last 8 bytes (where conditions differ:
  // the key at the start, the value at the end); the byte-for-byte check below makes any
  // collision a miss, never a wrong text.
  const len = e - s;
  let h = Math.imul(0x811c9dc5 ^ len, 0x01000193);
  if (len >= 8) {
    h = Math.imul(h ^ wordAt(bytes, s), 0x01000193);
    h = Math.imul(h ^ wordAt(bytes, s + 4), 0x01000193);
    h = Math.imul(h ^ wordAt(bytes, e - 8), 0x01000193);
    h = Math.imul(h ^ wordAt(bytes, e - 4), 0x01000193);
  } else {
    for (let i = s; i < e; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  }
  h &= 0x3fffffff; // a small integer key: no heap number per lookup
  const hit = TEXTS.get(h);
  if (hit !== undefined && hit.bytes.length === e - s) {
    let same = true;
    for (let i = s, j = 0; i < e; i++, j++) {
      if (hit.bytes[j] !== bytes[i]) {
        same = false;
        break;
      }
    }
    if (same) return hit.text;
  }
  const text = utf8Decode(bytes, s, e);
  // Kept only once seen twice (SEEN holds one hash per slot): a text distinct per request
  // (a per-call narrowing) would otherwise churn the map and the old generation.
  const at = h & (SEEN.length - 1);
  if (text !== null && SEEN[at] === h) {
    if (TEXTS.size >= MAX_TEXTS) TEXTS.clear();
    TEXTS.set(h, { bytes: bytes.slice(s, e), text });
  } else SEEN[at] = h;
  return text;
}

function malformed(): never {
  throw new TokenMalformedError('token is malformed');
}

function readUvarint(): number {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) malformed();
    const b = buf[pos++]!;
    if (shift === 28 && b > 0x07) malformed();
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      if (b === 0 && shift > 0) malformed();
      return value >>> 0;
    }
    shift += 7;
  }
}

function readLength(max: number): number {
  const len = readUvarint();
  if (len > max) throw new TokenTooLargeError('token exceeds a size limit: caveat too long');
  if (len > buf.length - pos) malformed();
  return len;
}

/**
 * Verifies a text token on the fast path, or returns `null` when the token needs the
 * general path. Throws the same errors as the general path otherwise.
 * @example
 * ```ts
 * const r = fastWalk(text, DEFAULT_LIMITS, keys) ?? generalPath();
 * ```
 */
export function fastWalk(
  text: string,
  limits: Limits,
  keys: KeyResolver,
  prefixes?: PrefixStore,
): FastWalkResult | null {
  if (text.length > limits.maxTokenBytes) {
    throw new TokenTooLargeError('token exceeds a size limit: too long');
  }
  if (text.length === 0 || text.charCodeAt(0) === 123 /* '{' */) return null;
  const bytes = base64DecodeScratch(text);
  if (bytes === null) throw new TokenMalformedError('token is malformed: not base64');
  buf = bytes;
  pos = 0;
  // structure first (same order of checks as parseBinary)
  if (bytes.length === 0 || bytes[0] !== 2) malformed();
  pos = 1;
  let t0 = readUvarint();
  if (t0 === 1) {
    if (buf[pos] !== 0) return null; // a location (or an odd length): general path
    pos++; // an empty location is no location
    t0 = readUvarint();
  }
  if (t0 !== 2) malformed();
  const idLen = readLength(0x7fffffff);
  const idStart = pos;
  pos += idLen;
  if (readUvarint() !== 0) malformed();
  let n = 0;
  for (;;) {
    let t = readUvarint();
    if (t === 0) break;
    if (n >= limits.maxCaveats)
      throw new TokenTooLargeError('token exceeds a size limit: too many caveats');
    if (t === 1) {
      // a caveat location: third-party or malformed, general path; an empty one is none
      if (buf[pos] !== 0) return null;
      pos++;
      t = readUvarint();
    }
    if (t !== 2) malformed();
    const len = readLength(limits.maxConditionBytes);
    if (2 * n + 1 >= offsets.length) {
      const grown = new Int32Array(offsets.length * 2);
      grown.set(offsets);
      offsets = grown;
    }
    offsets[2 * n] = pos;
    offsets[2 * n + 1] = pos + len;
    pos += len;
    const after = readUvarint();
    if (after === 4) return null; // third-party caveat: general path
    if (after !== 0) malformed();
    n++;
  }
  if (readUvarint() !== 6 || readUvarint() !== 32 || buf.length - pos !== 32) malformed();
  const sigStart = pos;

  const idEnd = idStart + idLen;
  // A held root with these identifier bytes spares the decode; its key is checked below.
  const held = prefixes === undefined ? -1 : prefixes.anyRoot(bytes, idStart, idEnd);
  const identifier =
    held !== -1 ? prefixes!.identifierOf(held) : decodeIdentifierRange(bytes, idStart, idEnd);
  if (identifier === null)
    throw new TokenMalformedError('token is malformed: not a Chit identifier');
  // The kid is resolved afresh on every call, cached or not.
  const raw = keys(identifier.kid);
  if (raw === undefined || raw === null) throw new KeyUnknownError();
  if (!(raw instanceof Uint8Array) || raw.length === 0) {
    throw new TypeError('options.keys must return a non-empty Uint8Array or undefined');
  }
  const key = deriveKey(raw);

  if (fpWords.length < 4 * (n + 1)) fpWords = new Int32Array(4 * (n + 1));
  if (PATH.length < n + 1) PATH = new Int32Array(2 * (n + 1));
  // Resume after the longest held prefix verified under this very key (byte-exact ids).
  // Looked up again now that `keys` (user code) has returned: nothing found before it is
  // trusted; the root must hold these identifier bytes under this very key.
  const root = held === -1 ? -1 : prefixes!.root(bytes, idStart, idEnd, key);
  let depth = 0;
  if (root !== -1) {
    PATH[0] = root;
    let at = root;
    for (; depth < n; depth++) {
      const s = offsets[2 * depth]!;
      const e = offsets[2 * depth + 1]!;
      // the last child taken from here first (a broad token's prefix has one), then a lookup
      let next = prefixes!.lastChildOf(at);
      if (next === -1 || !prefixes!.isChild(next, at, bytes, s, e)) {
        next = prefixes!.child(at, bytes, s, e);
        if (next === -1) break;
      }
      at = next;
      PATH[depth + 1] = next;
    }
    prefixes!.loadSignature(at, SIG, 0);
  }
  const keep = prefixes !== undefined;
  if (keep && STEP_SIGS.length < 8 * (n + 1)) STEP_SIGS = new Int32Array(8 * (n + 1));
  if (root === -1) {
    hmacFromState(key.state, 0, bytes, idStart, idLen, SIG, 0);
    fingerprintInto(SIG, fpWords, 0);
    if (keep) copy8(SIG, STEP_SIGS, 0);
  }
  for (let i = depth; i < n; i++) {
    const s = offsets[2 * i]!;
    const e = offsets[2 * i + 1]!;
    hmacWords(SIG, 0, bytes, s, e - s, SIG, 0);
    fingerprintInto(SIG, fpWords, 4 * (i + 1));
    if (keep) copy8(SIG, STEP_SIGS, 8 * (i + 1));
  }
  const valid = wordsEqualBytes(SIG, 0, bytes, sigStart);
  SIG.fill(0);
  if (!valid) {
    if (keep) STEP_SIGS.fill(0, 0, 8 * (n + 1));
    throw new SignatureInvalidError();
  }
  // Signatures verified: only now may a condition be read and judged.
  const conditions: string[] = [];
  for (let i = 0; i < depth; i++) {
    // held positions all decoded once (they were verified); their text is kept on resume
    const slot = PATH[i + 1]!;
    let text = prefixes!.textOf(slot);
    if (text === '') {
      text = conditionText(bytes, offsets[2 * i]!, offsets[2 * i + 1]!) ?? '';
      prefixes!.setText(slot, text);
    }
    conditions.push(text);
  }
  for (let i = depth; i < n; i++) {
    const text = conditionText(bytes, offsets[2 * i]!, offsets[2 * i + 1]!);
    if (text === null) {
      if (keep) STEP_SIGS.fill(0, 0, 8 * (n + 1));
      throw new CaveatMalformedError('caveat is malformed: not UTF-8');
    }
    conditions.push(text);
  }
  if (keep) {
    // Every position of this chain is now proved: hold the new ones (extending the deepest
    // matched position, or a new root), then touch the path.
    let at =
      root === -1
        ? prefixes.add(-1, bytes, idStart, idEnd, STEP_SIGS, 0, fpWords, 0, identifier, key)
        : PATH[depth]!;
    for (let i = depth; i < n; i++) {
      at = prefixes.add(
        at,
        bytes,
        offsets[2 * i]!,
        offsets[2 * i + 1]!,
        STEP_SIGS,
        8 * (i + 1),
        fpWords,
        4 * (i + 1),
        undefined,
        undefined,
      );
    }
    prefixes.touch(at);
    STEP_SIGS.fill(0, 0, 8 * (n + 1));
  }
  // held positions: their kept strings; new ones: one decoder call for all of them
  const first = root === -1 ? 0 : depth + 1;
  let fingerprints: string[];
  if (first === 0) fingerprints = fingerprintStrings(fpWords, n + 1);
  else {
    fingerprints = [];
    for (let i = 0; i < first; i++) fingerprints.push(prefixes!.fingerprintOf(PATH[i]!));
    if (first <= n) {
      const fresh = fingerprintStrings(fpWords.subarray(4 * first), n + 1 - first);
      for (let i = 0; i < fresh.length; i++) fingerprints.push(fresh[i]!);
    }
  }
  return {
    identifier,
    key,
    conditions,
    fingerprints,
    conditionFingerprints: fingerprints.slice(1),
    fresh: n - depth,
    resumed: root !== -1,
  };
}
