/**
 * Verified chain prefixes (internal; see docs/protocol.md, "Resuming a verified chain").
 *
 * A tree of chain positions proved by a valid signature: a root per (identifier bytes,
 * derived key), a child per caveat id appended to a position. Each position keeps the
 * running signature after it (in a private slab, never handed out), its fingerprint and
 * its condition text, so a token whose first k caveats are byte-for-byte those of a
 * verified chain under the same key resumes the HMAC chain after step k.
 *
 * Bounded by a number of positions, least recently used first. Every use touches a path
 * from its deepest position up to the root, so a position is always more recent than
 * each of its descendants and the least recently used position is always a leaf: no
 * position outlives its parent, and a slot is reused only after its position (which had
 * no children) is gone.
 */
import type { DerivedKey } from './keys.js';
import type { ChitIdentifier } from './types.js';

/**
 * One verified chain position (internal). Public data only: the signature after this
 * position lives in the store's private slab at `slot`.
 * @example store.child(root, bytes, s, e)?.text // 'tenant = 42'
 */
export class Step {
  /** The position this one extends (`null`: the identifier). */
  parent: Step | null;
  /** The caveat id (root: identifier) bytes, compared byte for byte. */
  readonly bytes: Uint8Array;
  /** Bucket key in the store's map. */
  readonly bucket: number;
  /** Index of this position's signature in the store's slab. */
  readonly slot: number;
  /** Fingerprint of the chain position (public: one-way). */
  readonly fingerprint: string;
  /** The condition text (root: ''). */
  readonly text: string;
  /** Root only: the decoded identifier and the derived key it was verified under. */
  readonly identifier: ChitIdentifier | null;
  readonly key: DerivedKey | null;
  /** Next position in the same bucket. */
  next: Step | null = null;
  /** LRU neighbours. */
  older: Step | null = null;
  newer: Step | null = null;

  constructor(
    parent: Step | null,
    bytes: Uint8Array,
    bucket: number,
    slot: number,
    fingerprint: string,
    text: string,
    identifier: ChitIdentifier | null,
    key: DerivedKey | null,
  ) {
    this.parent = parent;
    this.bytes = bytes;
    this.bucket = bucket;
    this.slot = slot;
    this.fingerprint = fingerprint;
    this.text = text;
    this.identifier = identifier;
    this.key = key;
  }
}

/**
 * FNV-1a of `b[s, e)` from `seed`, masked to a small integer (a Smi: no heap number).
 * A collision costs a byte comparison, never a wrong match.
 */
function hashRange(seed: number, b: Uint8Array, s: number, e: number): number {
  let h = Math.imul(0x811c9dc5 ^ seed, 0x01000193) ^ (e - s);
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h & 0x3fffffff;
}

function sameBytes(a: Uint8Array, b: Uint8Array, s: number, e: number): boolean {
  if (a.length !== e - s) return false;
  for (let i = 0, j = s; j < e; i++, j++) if (a[i] !== b[j]) return false;
  return true;
}

/**
 * Do two derived keys hold the same words? Every word is read (no early exit).
 * @example sameKey(deriveKey(k), root.key)
 */
export function sameKey(a: DerivedKey, b: DerivedKey): boolean {
  if (a === b) return true;
  let diff = 0;
  for (let j = 0; j < 8; j++) diff |= a.words[j]! ^ b.words[j]!;
  return diff === 0;
}

/**
 * The bounded tree of verified chain positions behind a `VerifiedChainCache` (internal).
 * @example
 * ```ts
 * const store = new PrefixStore(65_536);
 * const root = store.root(bytes, idStart, idEnd, key);
 * ```
 */
export class PrefixStore {
  /** Maximum number of positions. */
  readonly max: number;
  /** Running signatures, 8 words per slot: secret, never leaves this object. */
  #sigs: Int32Array;
  readonly #buckets = new Map<number, Step>();
  readonly #free: number[] = [];
  #nextSlot = 0;
  #count = 0;
  #oldest: Step | null = null;
  #newest: Step | null = null;

  constructor(max: number) {
    this.max = max;
    // Grown on demand up to `max`: an idle cache costs nothing.
    this.#sigs = new Int32Array(0);
  }

  /** Number of positions held. */
  get size(): number {
    return this.#count;
  }

  /**
   * The first root whose identifier bytes equal `b[s, e)` (under any key): its decoded
   * identifier spares a decode; the key must still be checked with {@link root}.
   */
  anyRoot(b: Uint8Array, s: number, e: number): Step | null {
    for (let r = this.#buckets.get(hashRange(0, b, s, e)) ?? null; r !== null; r = r.next) {
      if (r.parent === null && sameBytes(r.bytes, b, s, e)) return r;
    }
    return null;
  }

  /** The root for identifier bytes `b[s, e)` verified under `key`, if held. */
  root(b: Uint8Array, s: number, e: number, key: DerivedKey): Step | null {
    for (let r = this.#buckets.get(hashRange(0, b, s, e)) ?? null; r !== null; r = r.next) {
      if (r.parent === null && sameBytes(r.bytes, b, s, e) && sameKey(r.key!, key)) return r;
    }
    return null;
  }

  /** The position extending `parent` by the caveat id `b[s, e)`, if held. */
  child(parent: Step, b: Uint8Array, s: number, e: number): Step | null {
    for (
      let c = this.#buckets.get(hashRange(parent.slot + 1, b, s, e)) ?? null;
      c !== null;
      c = c.next
    ) {
      if (c.parent === parent && sameBytes(c.bytes, b, s, e)) return c;
    }
    return null;
  }

  /** Copies the signature after `step` into `out[oo..oo+8)`. */
  loadSignature(step: Step, out: Int32Array, oo: number): void {
    const sigs = this.#sigs;
    const o = 8 * step.slot;
    for (let j = 0; j < 8; j++) out[oo + j] = sigs[o + j]!;
  }

  /**
   * Adds a verified position after `parent` (`null`: a root, with its identifier and key)
   * whose signature is `sig[so..so+8)`. The caller then {@link touch}es the path.
   */
  add(
    parent: Step | null,
    b: Uint8Array,
    s: number,
    e: number,
    sig: Int32Array,
    so: number,
    fingerprint: string,
    text: string,
    identifier: ChitIdentifier | null,
    key: DerivedKey | null,
  ): Step {
    const slot = this.#takeSlot();
    const sigs = this.#sigs;
    for (let j = 0; j < 8; j++) sigs[8 * slot + j] = sig[so + j]!;
    const bucket = hashRange(parent === null ? 0 : parent.slot + 1, b, s, e);
    const step = new Step(parent, b.slice(s, e), bucket, slot, fingerprint, text, identifier, key);
    step.next = this.#buckets.get(bucket) ?? null;
    this.#buckets.set(bucket, step);
    this.#count++;
    return step;
  }

  /**
   * Marks `step` and then every ancestor most recently used (deepest first: a position
   * stays more recent than its descendants), then evicts down to the bound.
   */
  touch(step: Step): void {
    for (let s: Step | null = step; s !== null; s = s.parent) {
      if (this.#newest === s) continue;
      this.#unlink(s);
      s.older = this.#newest;
      s.newer = null;
      if (this.#newest !== null) this.#newest.newer = s;
      this.#newest = s;
      if (this.#oldest === null) this.#oldest = s;
    }
    while (this.#count > this.max && this.#oldest !== null) this.#evict(this.#oldest);
  }

  /** Drops every position and wipes the signatures. */
  clear(): void {
    this.#buckets.clear();
    this.#sigs.fill(0);
    this.#free.length = 0;
    this.#nextSlot = 0;
    this.#count = 0;
    this.#oldest = null;
    this.#newest = null;
  }

  #takeSlot(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const slot = this.#nextSlot++;
    if (8 * (slot + 1) > this.#sigs.length) this.#grow(slot + 1);
    return slot;
  }

  #grow(slots: number): void {
    // Adds run ahead of eviction by at most one chain, so slots never exceed max + 65.
    const want = Math.max(
      slots,
      Math.min(this.max + 65, Math.max(2 * (this.#sigs.length >> 3), 64)),
    );
    const grown = new Int32Array(8 * want);
    grown.set(this.#sigs);
    this.#sigs.fill(0);
    this.#sigs = grown;
  }

  #unlink(s: Step): void {
    const { older, newer } = s;
    if (older !== null) older.newer = newer;
    else if (this.#oldest === s) this.#oldest = newer;
    if (newer !== null) newer.older = older;
    else if (this.#newest === s) this.#newest = older;
    s.older = null;
    s.newer = null;
  }

  #evict(s: Step): void {
    this.#unlink(s);
    let head = this.#buckets.get(s.bucket) ?? null;
    if (head === s) {
      if (s.next === null) this.#buckets.delete(s.bucket);
      else this.#buckets.set(s.bucket, s.next);
    } else {
      while (head !== null && head.next !== s) head = head.next;
      if (head !== null) head.next = s.next;
    }
    s.next = null;
    s.parent = null;
    this.#sigs.fill(0, 8 * s.slot, 8 * s.slot + 8);
    this.#free.push(s.slot);
    this.#count--;
  }
}
