/**
 * The store ports shared by the mint service and the verifier middleware.
 * One interface, several adapters (embedded in this package, Redis in @chit/redis),
 * all run through the one contract suite in `@chit/store/contract`.
 */
import type { AuditEvent, AuditPage, AuditQuery } from './audit-schema.js';

/** What a revocation entry covers. */
export type RevocationKind = 'token' | 'session' | 'principal' | 'fingerprint';

/**
 * One revocation. Entries expire (`expiresAt`) once no token they cover can still be
 * valid, so the set does not grow without bound.
 */
export interface RevocationEntry {
  readonly kind: RevocationKind;
  /** token id (kind token), session id, principal id, or chain fingerprint. */
  readonly value: string;
  /**
   * kind principal only: tokens issued strictly before this Unix second are revoked.
   * Defaults to `revokedAt`; stores list principal entries with it set.
   */
  readonly issuedBefore?: number;
  /** Unix seconds when the entry was recorded. */
  readonly revokedAt: number;
  /**
   * Unix seconds (exclusive) from which the entry can be dropped: it is live while
   * `now < expiresAt`, the same comparison as a token's `now < expires + leeway`, so an
   * entry made to last until `stateLifetime(expires)` covers every second a verifier
   * accepts. `REVOCATION_NEVER_LAPSES` (mirror.ts) for an entry that must never lapse.
   */
  readonly expiresAt: number;
  /**
   * kind fingerprint only: the token id (family) of the revoked token, lowercase hex, so
   * that every instance can count holder revocations per family (the mint caps them).
   */
  readonly family?: string;
}

/** Health of the revocation feed, reported to the mirror. */
export type FeedStatus = 'up' | 'down';

/** Handle for a feed subscription. */
export interface Subscription {
  close(): Promise<void>;
}

/**
 * One use of one budget, as handed to {@link ChitStore.consumeBudgets}.
 *
 * @example
 * ```ts
 * const use: BudgetUse = { key: budget.key, limit: budget.limit, until: stateLifetime(budget.expiresAt) };
 * ```
 */
export interface BudgetUse {
  /** The fingerprint of the chain position that added the `uses <= N` caveat. */
  readonly key: string;
  /** Maximum number of uses. */
  readonly limit: number;
  /**
   * Unix second until which the counter must live at least (`stateLifetime` of the budget's
   * own `expiresAt`, from @chit/token); `null`: the counter must never lapse. A counter's
   * lifetime only grows: a later use with an earlier `until` never shortens it.
   */
  readonly until: number | null;
}

/** Result of consuming one use of every budget of a request. */
export interface BudgetResult {
  readonly allowed: boolean;
  /** The budget key that was exhausted (when not allowed). */
  readonly exhausted?: string;
}

/**
 * The store. Every method that acknowledges a write resolves only once the write is
 * durable (fsync in the embedded store; Redis acknowledges per its persistence config).
 * A store that cannot answer rejects with `StoreUnavailableError`,
 * `RevocationUnavailableError` or `BudgetUnavailableError` (from @chit/token): callers fail closed.
 */
export interface ChitStore {
  /** Records a revocation durably, then publishes it on the feed. */
  revoke(entry: RevocationEntry): Promise<void>;
  /** Every unexpired revocation (for loading a mirror at start or on resync). */
  listRevocations(nowSeconds: number): Promise<RevocationEntry[]>;
  /**
   * Optional bulk form of {@link listRevocations} for loading a mirror: streams every
   * unexpired entry to `onEntry` without building a deduplicated list, so an entry may be
   * delivered more than once (later deliveries are its merged, wider form). Only for
   * idempotent consumers such as `RevocationMirror.apply`; `syncMirror` uses it when present.
   */
  scanRevocations?(nowSeconds: number, onEntry: (entry: RevocationEntry) => void): Promise<void>;
  /**
   * Subscribes to new revocations. `onStatus('down')` when the feed is lost (the mirror
   * then starts its staleness clock), `onStatus('up')` once re-established (the mirror
   * must then resync with `listRevocations`, since a feed may lose messages).
   */
  subscribeRevocations(
    onEntry: (entry: RevocationEntry) => void,
    onStatus: (status: FeedStatus) => void,
  ): Promise<Subscription>;
  /**
   * Atomically: if every budget has a use left, consume one use of each and allow;
   * otherwise consume nothing and deny (`exhausted`: the first budget without a use left,
   * or whose `until` has already passed by the store's clock). Each counter lives until
   * the latest `until` it was consumed with, forever once one was `null`: a shorter
   * `until` never shortens it. `family` is the token id: all budgets of one token share it
   * (one Redis Cluster slot).
   *
   * @example
   * ```ts
   * await store.consumeBudgets(cap.tokenId, [{ key: fp, limit: 3, until: stateLifetime(exp) }]);
   * ```
   */
  consumeBudgets(family: string, budgets: readonly BudgetUse[]): Promise<BudgetResult>;
  /** Appends an audit event (durable once resolved). */
  appendAudit(event: AuditEvent): Promise<void>;
  /**
   * Appends several audit events in order, in one write (one buffered append and one
   * fsync in the embedded store, one round trip on Redis). Once it resolves, every event
   * of the batch is durable and queryable, in the given order; when it rejects, some of
   * them may still have been stored (a batch is not all-or-nothing). An empty batch is a
   * no-op. `createAuditBatcher` groups one event-loop turn's appends into one call.
   *
   * @example
   * ```ts
   * await store.appendAudits([allowEvent, denyEvent]);
   * ```
   */
  appendAudits(events: readonly AuditEvent[]): Promise<void>;
  /** Queries audit events, oldest first, paginated by an opaque cursor. */
  queryAudit(query: AuditQuery): Promise<AuditPage>;
  /** Resolves when the store can serve requests; rejects otherwise. */
  ping(): Promise<void>;
  /** Closes only what this store created. */
  close(): Promise<void>;
}
