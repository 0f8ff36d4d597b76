/**
 * Verified chain prefixes (internal; see docs/protocol.md, "Resuming a verified chain").
 *
 * A tree of chain positions proved by a valid signature: a root per (identifier bytes,
 * derived key), a child per caveat id appended to a position. Each position keeps the
 * running signature after it and its fingerprint digest, so a token whose first k caveats
 * are byte-for-byte those of a verified chain under the same key resumes the HMAC chain
 * after step k.
 *
 * Positions are slots in typed arrays (no object per position: a per-call narrowing adds
 * positions on every request, and objects living that long would be old-generation garbage).
 * The signatures live in a private slab, never handed out, wiped on eviction and `clear`.
 *
 * Bounded by a number of positions, least recently used first. Every use touches a path
 * from its deepest position up to the root, so a position is always more recent than each
 * of its descendants and the least recently used position is always a leaf: no position
 * outlives its parent, and a slot is reused only after its position (which had no
 * children) is gone.
 */
import { hex128 } from './bytes.js';
import { type DerivedKey, sameKey } from './keys.js';
import type { ChitIdentifier } from './types.js';

/** Caveat bytes kept inline per slot; longer ids (rare) get their own array. */
const INLINE = 48;
const NONE = -1;

/**
 * FNV-1a of `b[s, e)` from `seed` (a small integer: no heap number). A collision costs a
 * byte comparison, never a wrong match.
 */
function hashRange(seed: number, b: Uint8Array, s: number, e: number): number {
  let h = Math.imul(0x811c9dc5 ^ seed, 0x01000193) ^ (e - s);
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h & 0x3fffffff;
}

/**
 * The bounded tree of verified chain positions behind a `VerifiedChainCache` (internal).
 * Positions are slot numbers; `-1` is none.
 * @example
 * ```ts
 * const store = new PrefixStore(65_536);
 * const root = store.root(bytes, idStart, idEnd, key); // -1: not held
 * ```
 */
export class PrefixStore {
  /** Maximum number of positions. */
  readonly max: number;
  #capacity = 0;
  #count = 0;
  #nextSlot = 0;
  /** Running signature after each position, 8 words per slot: secret, never handed out. */
  #sigs = new Int32Array(0);
  /** Fingerprint digest (4 words) per slot: public. */
  #fps = new Int32Array(0);
  #parent = new Int32Array(0);
  /** Per position: its child most recently added or resumed from (a hint, -1: none). */
  #lastChild = new Int32Array(0);
  /**
   * Per slot: how many times it has been taken, and per position: its parent's count when
   * it was added. A child matches only its parent's current occupant, so even a broken
   * eviction order could never graft a held position onto another chain.
   */
  #generation = new Int32Array(0);
  #parentGeneration = new Int32Array(0);
  #bucketOf = new Int32Array(0);
  #next = new Int32Array(0);
  #older = new Int32Array(0);
  #newer = new Int32Array(0);
  #length = new Int32Array(0);
  #inline = new Uint8Array(0);
  #long: (Uint8Array | undefined)[] = [];
  /**
   * The condition text and fingerprint string of each position, made the first time the
   * position is resumed from ('': not yet). Positions never resumed from (most per-call
   * narrowings) keep no strings.
   */
  #texts: string[] = [];
  #fpTexts: string[] = [];
  /** Roots only: the decoded identifier and the derived key it was verified under. */
  #identifiers: (ChitIdentifier | undefined)[] = [];
  #keys: (DerivedKey | undefined)[] = [];
  #heads = new Int32Array(0);
  #free: number[] = [];
  #oldest = NONE;
  #newest = NONE;

  constructor(max: number) {
    this.max = max;
  }

  /** Number of positions held. */
  get size(): number {
    return this.#count;
  }

  #sameBytes(slot: number, b: Uint8Array, s: number, e: number): boolean {
    const len = this.#length[slot]!;
    if (len !== e - s) return false;
    if (len > INLINE) {
      const bytes = this.#long[slot]!;
      for (let i = 0, j = s; j < e; i++, j++) if (bytes[i] !== b[j]) return false;
      return true;
    }
    const a = this.#inline;
    for (let i = slot * INLINE, j = s; j < e; i++, j++) if (a[i] !== b[j]) return false;
    return true;
  }

  #head(bucket: number): number {
    return this.#capacity === 0 ? NONE : this.#heads[bucket & (this.#heads.length - 1)]!;
  }

  /**
   * The first root whose identifier bytes equal `b[s, e)`, under any key (its decoded
   * identifier spares a decode; resuming needs {@link root}, with the key), or -1.
   */
  anyRoot(b: Uint8Array, s: number, e: number): number {
    const bucket = hashRange(0, b, s, e);
    for (let r = this.#head(bucket); r !== NONE; r = this.#next[r]!) {
      if (this.#parent[r] === NONE && this.#bucketOf[r] === bucket && this.#sameBytes(r, b, s, e))
        return r;
    }
    return NONE;
  }

  /** The root for identifier bytes `b[s, e)` verified under `key`, or -1. */
  root(b: Uint8Array, s: number, e: number, key: DerivedKey): number {
    const bucket = hashRange(0, b, s, e);
    for (let r = this.#head(bucket); r !== NONE; r = this.#next[r]!) {
      if (
        this.#parent[r] === NONE &&
        this.#bucketOf[r] === bucket &&
        this.#sameBytes(r, b, s, e) &&
        sameKey(this.#keys[r]!, key)
      )
        return r;
    }
    return NONE;
  }

  /** The decoded identifier of a root. */
  identifierOf(root: number): ChitIdentifier {
    return this.#identifiers[root]!;
  }

  /** The position extending `parent` by the caveat id `b[s, e)`, or -1. */
  child(parent: number, b: Uint8Array, s: number, e: number): number {
    const bucket = hashRange(parent + 1, b, s, e);
    for (let c = this.#head(bucket); c !== NONE; c = this.#next[c]!) {
      if (
        this.#parent[c] === parent &&
        this.#parentGeneration[c] === this.#generation[parent] &&
        this.#bucketOf[c] === bucket &&
        this.#sameBytes(c, b, s, e)
      )
        return c;
    }
    return NONE;
  }

  /** The condition text of a (non-root) position ('': not kept yet). */
  textOf(slot: number): string {
    return this.#texts[slot]!;
  }

  /** Keeps the condition text of a position resumed from. */
  setText(slot: number, text: string): void {
    this.#texts[slot] = text;
  }

  /** The fingerprint string of a position resumed from. */
  fingerprintOf(slot: number): string {
    let fp = this.#fpTexts[slot]!;
    if (fp === '') {
      const o = 4 * slot;
      const w = this.#fps;
      fp = hex128(w[o]!, w[o + 1]!, w[o + 2]!, w[o + 3]!);
      this.#fpTexts[slot] = fp;
    }
    return fp;
  }

  /** The child of `parent` most recently added or resumed from (-1: none), checked first. */
  lastChildOf(parent: number): number {
    return this.#lastChild[parent]!;
  }

  /** Does position `slot` extend `parent` by the caveat id `b[s, e)`? */
  isChild(slot: number, parent: number, b: Uint8Array, s: number, e: number): boolean {
    return (
      this.#parent[slot] === parent &&
      this.#parentGeneration[slot] === this.#generation[parent] &&
      this.#sameBytes(slot, b, s, e)
    );
  }

  /** Copies the signature after position `slot` into `out[oo..oo+8)`. */
  loadSignature(slot: number, out: Int32Array, oo: number): void {
    const sigs = this.#sigs;
    const o = 8 * slot;
    for (let j = 0; j < 8; j++) out[oo + j] = sigs[o + j]!;
  }

  /** Copies the fingerprint digest of position `slot` into `out[oo..oo+4)`. */
  loadFingerprint(slot: number, out: Int32Array, oo: number): void {
    const fps = this.#fps;
    const o = 4 * slot;
    out[oo] = fps[o]!;
    out[oo + 1] = fps[o + 1]!;
    out[oo + 2] = fps[o + 2]!;
    out[oo + 3] = fps[o + 3]!;
  }

  /**
   * Adds a verified position after `parent` (-1: a root, with its identifier and key),
   * with signature `sig[so..so+8)` and fingerprint digest `fp[fo..fo+4)`. The caller then
   * {@link touch}es its deepest new position.
   */
  add(
    parent: number,
    b: Uint8Array,
    s: number,
    e: number,
    sig: Int32Array,
    so: number,
    fp: Int32Array,
    fo: number,
    identifier: ChitIdentifier | undefined,
    key: DerivedKey | undefined,
  ): number {
    const slot = this.#takeSlot();
    const sigs = this.#sigs;
    for (let j = 0; j < 8; j++) sigs[8 * slot + j] = sig[so + j]!;
    const fps = this.#fps;
    for (let j = 0; j < 4; j++) fps[4 * slot + j] = fp[fo + j]!;
    const len = e - s;
    this.#length[slot] = len;
    this.#lastChild[slot] = NONE;
    if (parent !== NONE) this.#lastChild[parent] = slot;
    if (len > INLINE) this.#long[slot] = b.slice(s, e);
    else {
      const inline = this.#inline;
      for (let i = slot * INLINE, j = s; j < e; i++, j++) inline[i] = b[j]!;
    }
    if (identifier !== undefined) {
      this.#identifiers[slot] = identifier;
      this.#keys[slot] = key;
    }
    this.#parent[slot] = parent;
    this.#generation[slot] = (this.#generation[slot]! + 1) | 0;
    if (parent !== NONE) this.#parentGeneration[slot] = this.#generation[parent]!;
    const bucket = hashRange(parent + 1, b, s, e);
    this.#bucketOf[slot] = bucket;
    const at = bucket & (this.#heads.length - 1);
    this.#next[slot] = this.#heads[at]!;
    this.#heads[at] = slot;
    this.#older[slot] = NONE;
    this.#newer[slot] = NONE;
    this.#count++;
    return slot;
  }

  /**
   * Marks `slot` and then every ancestor most recently used (deepest first: a position
   * stays more recent than its descendants), then evicts down to the bound.
   */
  touch(slot: number): void {
    const parent = this.#parent;
    const older = this.#older;
    const newer = this.#newer;
    let oldest = this.#oldest;
    let newest = this.#newest;
    for (let s = slot; s !== NONE; s = parent[s]!) {
      if (newest === s) continue;
      // unlink (a new position has no links yet)
      const o = older[s]!;
      const n = newer[s]!;
      if (o !== NONE) newer[o] = n;
      else if (oldest === s) oldest = n;
      if (n !== NONE) older[n] = o;
      // link as the newest
      older[s] = newest;
      newer[s] = NONE;
      if (newest !== NONE) newer[newest] = s;
      newest = s;
      if (oldest === NONE) oldest = s;
    }
    this.#oldest = oldest;
    this.#newest = newest;
    while (this.#count > this.max && this.#oldest !== NONE) this.#evict(this.#oldest);
  }

  /** Drops every position and wipes the signatures. */
  clear(): void {
    this.#sigs.fill(0);
    this.#capacity = 0;
    this.#count = 0;
    this.#nextSlot = 0;
    this.#sigs = new Int32Array(0);
    this.#fps = new Int32Array(0);
    this.#parent = new Int32Array(0);
    this.#bucketOf = new Int32Array(0);
    this.#next = new Int32Array(0);
    this.#older = new Int32Array(0);
    this.#newer = new Int32Array(0);
    this.#length = new Int32Array(0);
    this.#inline = new Uint8Array(0);
    this.#long = [];
    this.#texts = [];
    this.#fpTexts = [];
    this.#lastChild = new Int32Array(0);
    this.#generation = new Int32Array(0);
    this.#parentGeneration = new Int32Array(0);
    this.#identifiers = [];
    this.#keys = [];
    this.#heads = new Int32Array(0);
    this.#free = [];
    this.#oldest = NONE;
    this.#newest = NONE;
  }

  #takeSlot(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const slot = this.#nextSlot++;
    if (slot >= this.#capacity) this.#grow(slot + 1);
    return slot;
  }

  /** Grows every slot array (doubling; adds run ahead of eviction by at most one chain). */
  #grow(slots: number): void {
    const cap = Math.max(slots, Math.min(this.max + 65, Math.max(2 * this.#capacity, 256)));
    const widen = (a: Int32Array, per: number) => {
      const out = new Int32Array(per * cap);
      out.set(a);
      return out;
    };
    const sigs = widen(this.#sigs, 8);
    this.#sigs.fill(0);
    this.#sigs = sigs;
    this.#fps = widen(this.#fps, 4);
    this.#parent = widen(this.#parent, 1);
    this.#bucketOf = widen(this.#bucketOf, 1);
    this.#next = widen(this.#next, 1);
    this.#older = widen(this.#older, 1);
    this.#newer = widen(this.#newer, 1);
    this.#length = widen(this.#length, 1);
    // packed arrays of the full capacity (no holes: V8 keeps them fast)
    const grownTexts = new Array<string>(cap).fill('');
    const grownFps = new Array<string>(cap).fill('');
    for (let i = 0; i < this.#texts.length; i++) {
      grownTexts[i] = this.#texts[i]!;
      grownFps[i] = this.#fpTexts[i]!;
    }
    this.#texts = grownTexts;
    this.#fpTexts = grownFps;
    this.#lastChild = widen(this.#lastChild, 1);
    this.#generation = widen(this.#generation, 1);
    this.#parentGeneration = widen(this.#parentGeneration, 1);
    const grownLong = new Array<Uint8Array | undefined>(cap).fill(undefined);
    for (let i = 0; i < this.#long.length; i++) grownLong[i] = this.#long[i];
    this.#long = grownLong;
    const grownIds = new Array<ChitIdentifier | undefined>(cap).fill(undefined);
    const grownKeys = new Array<DerivedKey | undefined>(cap).fill(undefined);
    for (let i = 0; i < this.#identifiers.length; i++) {
      grownIds[i] = this.#identifiers[i];
      grownKeys[i] = this.#keys[i];
    }
    this.#identifiers = grownIds;
    this.#keys = grownKeys;
    const inline = new Uint8Array(INLINE * cap);
    inline.set(this.#inline);
    this.#inline = inline;
    this.#capacity = cap;
    // bucket heads: a power of two at least twice the capacity, rebuilt from the slots
    let size = 1024;
    while (size < 2 * cap) size *= 2;
    if (size !== this.#heads.length) {
      const heads = new Int32Array(size).fill(NONE);
      for (let slot = 0; slot < this.#nextSlot - 1; slot++) {
        if (this.#length[slot] === NONE) continue; // evicted, free
        const at = this.#bucketOf[slot]! & (size - 1);
        this.#next[slot] = heads[at]!;
        heads[at] = slot;
      }
      this.#heads = heads;
    }
  }

  #unlink(s: number): void {
    const older = this.#older[s]!;
    const newer = this.#newer[s]!;
    if (older !== NONE) this.#newer[older] = newer;
    else if (this.#oldest === s) this.#oldest = newer;
    if (newer !== NONE) this.#older[newer] = older;
    else if (this.#newest === s) this.#newest = older;
    this.#older[s] = NONE;
    this.#newer[s] = NONE;
  }

  #evict(s: number): void {
    this.#unlink(s);
    const at = this.#bucketOf[s]! & (this.#heads.length - 1);
    let h = this.#heads[at]!;
    if (h === s) this.#heads[at] = this.#next[s]!;
    else {
      while (h !== NONE && this.#next[h] !== s) h = this.#next[h]!;
      if (h !== NONE) this.#next[h] = this.#next[s]!;
    }
    this.#next[s] = NONE;
    const p = this.#parent[s]!;
    if (p === NONE) {
      this.#identifiers[s] = undefined;
      this.#keys[s] = undefined;
    } else if (this.#lastChild[p] === s) this.#lastChild[p] = NONE;
    this.#parent[s] = NONE;
    if (this.#length[s]! > INLINE) this.#long[s] = undefined;
    this.#length[s] = NONE; // matches no bytes until reused
    this.#texts[s] = '';
    this.#fpTexts[s] = '';
    const sigs = this.#sigs;
    for (let j = 8 * s; j < 8 * s + 8; j++) sigs[j] = 0;
    this.#free.push(s);
    this.#count--;
  }
}
