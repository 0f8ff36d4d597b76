/**
 * The approval book: pending and decided approval requests, in memory. One record per
 * caveat id (asking twice returns the same record); expiry is computed from the injected
 * clock; waiters are woken when a record is decided. Deny by default: a request that is
 * not approved before it expires is never approved.
 */
import type { ApprovalRequest } from '@chit/agent';
import { ChitError } from '@chit/token';

/** The life of an approval. */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

/** One approval record. The caveat key is kept only to issue the discharge. */
export interface ApprovalRecord {
  readonly id: string;
  readonly caveatId: string;
  readonly request: ApprovalRequest;
  readonly caveatKey: Uint8Array;
  /** Unix seconds. */
  readonly createdAt: number;
  /** Unix seconds: the request's deadline, capped by the book's pending limit. */
  readonly expiresAt: number;
  status: ApprovalStatus;
  decidedAt?: number;
  /** Who decided (the approver's label), for the audit trail. */
  decidedBy?: string;
  /** The discharge, issued once at approval. Bearer material: never log it. */
  discharge?: string;
}

/** Options of {@link ApprovalBook}. */
export interface ApprovalBookOptions {
  readonly clock: () => number;
  readonly newId: () => string;
  /** Longest a request stays pending, seconds. */
  readonly maxPendingSeconds: number;
  /** Most records kept at once (pending and decided); beyond it new requests get 429. */
  readonly maxRecords: number;
}

/**
 * The in-memory approval book.
 * @example
 * ```ts
 * const book = new ApprovalBook({ clock: Date.now, newId, maxPendingSeconds: 600, maxRecords: 10_000 })
 * const rec = book.register(caveatId, opened)
 * book.decide(rec.id, 'approved', 'alice')
 * ```
 */
export class ApprovalBook {
  readonly #opts: ApprovalBookOptions;
  readonly #byId = new Map<string, ApprovalRecord>();
  readonly #byCaveat = new Map<string, string>();
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(options: ApprovalBookOptions) {
    this.#opts = options;
  }

  #now(): number {
    return Math.floor(this.#opts.clock() / 1000);
  }

  #refresh(rec: ApprovalRecord): ApprovalRecord {
    if (rec.status === 'pending' && this.#now() >= rec.expiresAt) {
      rec.status = 'expired';
      this.#wake(rec.id);
    }
    return rec;
  }

  #sweep(): void {
    const now = this.#now();
    for (const rec of this.#byId.values()) {
      // Decided or expired records are kept a little for late pollers, then dropped.
      if (rec.status !== 'pending' && now >= Math.max(rec.expiresAt, rec.decidedAt ?? 0) + 300) {
        this.#byId.delete(rec.id);
        this.#byCaveat.delete(rec.caveatId);
      }
    }
  }

  /** Registers a request (or returns the record already made for this caveat id). */
  register(
    caveatId: string,
    opened: { readonly request: ApprovalRequest; readonly caveatKey: Uint8Array },
  ): ApprovalRecord {
    const known = this.#byCaveat.get(caveatId);
    if (known !== undefined) {
      const rec = this.#byId.get(known);
      if (rec !== undefined) return this.#refresh(rec);
    }
    const now = this.#now();
    if (opened.request.expiresAt <= now) {
      throw new ChitError('ERR_BAD_REQUEST', 'approval request has expired');
    }
    this.#sweep();
    if (this.#byId.size >= this.#opts.maxRecords) {
      throw new ChitError('ERR_RATE_LIMITED', 'too many approval requests');
    }
    const rec: ApprovalRecord = {
      id: this.#opts.newId(),
      caveatId,
      request: opened.request,
      caveatKey: opened.caveatKey,
      createdAt: now,
      expiresAt: Math.min(opened.request.expiresAt, now + this.#opts.maxPendingSeconds),
      status: 'pending',
    };
    this.#byId.set(rec.id, rec);
    this.#byCaveat.set(caveatId, rec.id);
    return rec;
  }

  /** The record, or `ERR_NOT_FOUND`. */
  get(id: string): ApprovalRecord {
    const rec = this.#byId.get(id);
    if (rec === undefined) throw new ChitError('ERR_NOT_FOUND', 'no such approval');
    return this.#refresh(rec);
  }

  /** Records of one status (all when omitted), oldest first. */
  list(status?: ApprovalStatus): ApprovalRecord[] {
    const out: ApprovalRecord[] = [];
    for (const rec of this.#byId.values()) {
      this.#refresh(rec);
      if (status === undefined || rec.status === status) out.push(rec);
    }
    return out;
  }

  /**
   * Approves or denies a pending record (`issue` makes the discharge of an approval);
   * `ERR_CONFLICT` once decided or expired.
   */
  decide(
    id: string,
    outcome: 'approved' | 'denied',
    by: string,
    issue?: (rec: ApprovalRecord) => string,
  ): ApprovalRecord {
    const rec = this.get(id);
    if (rec.status !== 'pending') {
      throw new ChitError('ERR_CONFLICT', `approval is already ${rec.status}`);
    }
    // The discharge exists before anyone can see the approval (a failure leaves it pending).
    if (outcome === 'approved' && issue !== undefined) rec.discharge = issue(rec);
    rec.status = outcome;
    rec.decidedAt = this.#now();
    rec.decidedBy = by;
    this.#wake(id);
    return rec;
  }

  /** Resolves when the record is decided, or after `ms` (whichever first). */
  wait(id: string, ms: number): Promise<void> {
    const rec = this.get(id);
    if (rec.status !== 'pending' || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.#waiters.delete(id);
        resolve();
      };
      // The wait is capped by the record's own expiry, so an expired request answers promptly.
      const left = Math.max(0, rec.expiresAt * 1000 - this.#opts.clock());
      const timer = setTimeout(done, Math.min(ms, left + 5));
      set.add(done);
    });
  }

  /** Wakes every waiter (shutdown). */
  wakeAll(): void {
    for (const id of [...this.#waiters.keys()]) this.#wake(id);
  }

  #wake(id: string): void {
    const set = this.#waiters.get(id);
    if (set === undefined) return;
    for (const done of [...set]) done();
  }
}
