/**
 * The revocation mirror as a decision port, with a per-capability memo: a capability found
 * clean at mirror version v stays clean while no entry has been added since (entries only
 * ever lapse otherwise), so a cached chain skips the map lookups. Trust (loaded, within
 * the staleness bound) is still checked on every request.
 */
import { type RevocationEntry, RevocationMirror, type RevocationSubject } from '@chit/store';

interface Seen {
  version: number;
  size: number;
}

/**
 * A {@link RevocationMirror} whose `check` remembers clean capabilities until an entry is
 * added. Use it wherever a mirror is the revocation port of {@link decide}.
 *
 * @example
 * ```ts
 * const mirror = new CachedRevocationMirror({ stalenessMs: 2000 });
 * decide(request, { verify, revocations: mirror, budgets: store, clock: Date.now });
 * ```
 */
export class CachedRevocationMirror extends RevocationMirror {
  #version = 0;
  #lookups = 0;
  readonly #clean = new WeakMap<RevocationSubject, Seen>();

  /** Full lookups made (a memoised clean capability skips them). */
  get lookups(): number {
    return this.#lookups;
  }

  override apply(entry: RevocationEntry): void {
    this.#version++;
    super.apply(entry);
  }

  override load(entries: Iterable<RevocationEntry>): void {
    this.#version++;
    super.load(entries);
    this.#version++;
  }

  override check(cap: RevocationSubject, nowSeconds: number): void {
    const seen = this.#clean.get(cap);
    // The size is folded in as a second guard, should an entry ever arrive other than
    // through apply/load.
    if (
      seen !== undefined &&
      seen.version === this.#version &&
      seen.size === this.size &&
      this.available(nowSeconds * 1000)
    ) {
      return;
    }
    this.#lookups++;
    super.check(cap, nowSeconds);
    this.#clean.set(cap, { version: this.#version, size: this.size });
  }
}
