/**
 * The in-process copy of the revocation set: the verifier's hot path checks it with no
 * network round trip. Kept current by a feed; fails closed when the feed has been down
 * longer than the staleness bound or before the first load.
 */
import {
  RevocationUnavailableError,
  TokenRevokedError,
  type VerifiedCapability,
} from '@chit/token';
import type { RevocationEntry } from './ports.js';

/** The parts of a verified capability the mirror checks. */
export type RevocationSubject = Pick<
  VerifiedCapability,
  'tokenId' | 'session' | 'principal' | 'issuedAt' | 'fingerprints'
>;

/** Options of {@link RevocationMirror}. */
export interface RevocationMirrorOptions {
  /** How long the feed may be down (or unsynchronised) before checks fail closed. Default 2000 ms. */
  readonly stalenessMs?: number;
}

/**
 * The `expiresAt` of a revocation entry that must never lapse (a token with no expiry):
 * 9999-12-31T23:59:59Z, a whole number every store holds exactly (JSON, Redis scores and
 * Lua integers alike) and no clock reaches.
 * @example store.revoke({ kind: 'fingerprint', value, revokedAt: now, expiresAt: REVOCATION_NEVER_LAPSES })
 */
export const REVOCATION_NEVER_LAPSES = 253_402_300_799;

interface PrincipalCut {
  issuedBefore: number;
  expiresAt: number;
}

/**
 * The local revocation set. Time is always an argument: `nowSeconds` may be fractional
 * (`clock() / 1000`), which the staleness check uses at millisecond precision.
 *
 * Memory: one `Map<string, number>` per kind (value → expiresAt): about 90 bytes per
 * entry of a 32-character value, string included (docs/bench/redis.md: 1,000,000 entries).
 * A holder entry that names its family costs one more map entry (fingerprint → family)
 * and shares a per-family counter.
 *
 * @example
 * ```ts
 * const mirror = new RevocationMirror({ stalenessMs: 2000 });
 * mirror.load(await store.listRevocations(now));
 * mirror.check(capability, clock() / 1000); // throws TokenRevokedError / RevocationUnavailableError
 * ```
 */
export class RevocationMirror {
  readonly stalenessMs: number;
  readonly #tokens = new Map<string, number>();
  readonly #sessions = new Map<string, number>();
  readonly #fingerprints = new Map<string, number>();
  readonly #principals = new Map<string, PrincipalCut>();
  /** Holder entries that name their family: fingerprint → family. */
  readonly #holderFamilies = new Map<string, string>();
  /** family → number of its holder entries held. */
  readonly #holderCounts = new Map<string, number>();
  #loaded = false;
  /** Unix ms since when the mirror may have missed entries; `null` when current. */
  #staleSince: number | null = null;
  #feedUp = true;

  constructor(opts: RevocationMirrorOptions = {}) {
    const stalenessMs = opts.stalenessMs ?? 2000;
    if (!Number.isFinite(stalenessMs) || stalenessMs < 0) {
      throw new RangeError('stalenessMs must be a non-negative finite number');
    }
    this.stalenessMs = stalenessMs;
  }

  /** Number of entries held (all kinds). */
  get size(): number {
    return (
      this.#tokens.size + this.#sessions.size + this.#fingerprints.size + this.#principals.size
    );
  }

  /** True once {@link load} has run. */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** True while the feed is reported up. */
  get feedIsUp(): boolean {
    return this.#feedUp;
  }

  /**
   * Adds every entry (a union: revocations are never undone, only expire) and marks the
   * mirror loaded. Does not clear a feed outage: call {@link resynced} for that.
   */
  load(entries: Iterable<RevocationEntry>): void {
    for (const e of entries) this.apply(e);
    this.#loaded = true;
  }

  /** Adds one entry (from the feed or a local revoke). Idempotent; keeps the wider entry. */
  apply(entry: RevocationEntry): void {
    switch (entry.kind) {
      case 'token':
        keepLater(this.#tokens, entry.value, entry.expiresAt);
        return;
      case 'session':
        keepLater(this.#sessions, entry.value, entry.expiresAt);
        return;
      case 'fingerprint':
        keepLater(this.#fingerprints, entry.value, entry.expiresAt);
        if (entry.family !== undefined && !this.#holderFamilies.has(entry.value)) {
          this.#holderFamilies.set(entry.value, entry.family);
          this.#holderCounts.set(entry.family, (this.#holderCounts.get(entry.family) ?? 0) + 1);
        }
        return;
      case 'principal': {
        const before = entry.issuedBefore ?? entry.revokedAt;
        const cut = this.#principals.get(entry.value);
        if (cut === undefined) {
          this.#principals.set(entry.value, { issuedBefore: before, expiresAt: entry.expiresAt });
        } else {
          // Merging two cuts conservatively: revoke the wider range for the longer time.
          if (before > cut.issuedBefore) cut.issuedBefore = before;
          if (entry.expiresAt > cut.expiresAt) cut.expiresAt = entry.expiresAt;
        }
        return;
      }
      default:
        throw new TypeError(`entry.kind is not a revocation kind: ${String(entry.kind)}`);
    }
  }

  /**
   * Throws {@link RevocationUnavailableError} when the mirror cannot be trusted, and
   * {@link TokenRevokedError} when the capability is revoked by token id, session,
   * principal issued-before, or any chain fingerprint (an ancestor's revocation).
   */
  check(cap: RevocationSubject, nowSeconds: number): void {
    if (!this.#loaded) throw new RevocationUnavailableError('revocation mirror is not loaded');
    if (this.#staleSince !== null && nowSeconds * 1000 - this.#staleSince > this.stalenessMs) {
      throw new RevocationUnavailableError('revocation feed is down beyond its staleness bound');
    }
    if (live(this.#tokens.get(cap.tokenId), nowSeconds)) throw new TokenRevokedError();
    if (cap.session !== undefined && live(this.#sessions.get(cap.session), nowSeconds)) {
      throw new TokenRevokedError();
    }
    if (cap.principal !== undefined && this.#principals.size > 0) {
      const cut = this.#principals.get(cap.principal);
      if (cut !== undefined && nowSeconds < cut.expiresAt && cap.issuedAt < cut.issuedBefore) {
        throw new TokenRevokedError();
      }
    }
    if (this.#fingerprints.size > 0) {
      for (const fp of cap.fingerprints) {
        if (live(this.#fingerprints.get(fp), nowSeconds)) throw new TokenRevokedError();
      }
    }
  }

  /**
   * How many holder (fingerprint) entries of token family `family` the mirror holds: each
   * counted once however often applied. Entries leave the count when {@link prune} drops
   * them, so between prunes it is an upper bound of the live ones (exact right after a
   * prune). Entries without a `family` are not counted.
   * @example if (mirror.holderRevocations(cap.tokenId) >= cap) revokeFamily(cap.tokenId)
   */
  holderRevocations(family: string): number {
    return this.#holderCounts.get(family) ?? 0;
  }

  /** Is the mirror currently trustworthy (loaded, within the staleness bound)? */
  available(nowMs: number): boolean {
    return (
      this.#loaded && (this.#staleSince === null || nowMs - this.#staleSince <= this.stalenessMs)
    );
  }

  /** The feed was lost at `nowMs`: the staleness clock starts (keeps the earliest start). */
  feedDown(nowMs: number): void {
    this.#feedUp = false;
    if (this.#staleSince === null) this.#staleSince = nowMs;
  }

  /**
   * The feed is back. Entries may have been lost meanwhile, so the staleness clock keeps
   * running until {@link resynced}.
   */
  feedUp(): void {
    this.#feedUp = true;
  }

  /** A full `listRevocations` has been loaded since the feed came back: the mirror is current. */
  resynced(): void {
    this.#feedUp = true;
    this.#staleSince = null;
  }

  /** Drops entries whose `expiresAt` has passed. O(size); run it now and then. */
  prune(nowSeconds: number): number {
    let dropped = 0;
    // Live while `now < expiresAt` (as in `check`): gone from the first moment it is not.
    for (const map of [this.#tokens, this.#sessions, this.#fingerprints]) {
      for (const [k, exp] of map) {
        if (exp <= nowSeconds) {
          map.delete(k);
          if (map === this.#fingerprints) this.#forgetHolder(k);
          dropped++;
        }
      }
    }
    for (const [k, cut] of this.#principals) {
      if (cut.expiresAt <= nowSeconds) {
        this.#principals.delete(k);
        dropped++;
      }
    }
    return dropped;
  }

  #forgetHolder(fingerprint: string): void {
    const family = this.#holderFamilies.get(fingerprint);
    if (family === undefined) return;
    this.#holderFamilies.delete(fingerprint);
    const n = (this.#holderCounts.get(family) ?? 1) - 1;
    if (n > 0) this.#holderCounts.set(family, n);
    else this.#holderCounts.delete(family);
  }
}

function keepLater(map: Map<string, number>, key: string, expiresAt: number): void {
  const prev = map.get(key);
  if (prev === undefined || expiresAt > prev) map.set(key, expiresAt);
}

function live(expiresAt: number | undefined, nowSeconds: number): boolean {
  return expiresAt !== undefined && nowSeconds < expiresAt;
}
