/**
 * The embedded store: everything in process memory, optionally persisted to a directory
 * (revocations, budget counters and audit events as append-only JSONL files, fsync'd
 * before a write is acknowledged). Used by the mint service's default mode.
 */
import { join } from 'node:path';
import { type Clock, StoreUnavailableError } from '@chit/token';
import { validateAuditBatch } from './audit-batch.js';
import {
  AUDIT_PAGE_DEFAULT,
  AuditCursorInvalidError,
  type AuditEvent,
  type AuditPage,
  matchesAuditQuery,
} from './audit-schema.js';
import { type BudgetCounters, openBudgetCounters } from './budget-log.js';
import { JsonlAppender, readJsonl, rewriteJsonl } from './jsonl-log.js';
import type {
  BudgetResult,
  ChitStore,
  FeedStatus,
  RevocationEntry,
  Subscription,
} from './ports.js';
import { revocationKey, validateBudgets, validateRevocation } from './validate.js';

/** Options of {@link createEmbeddedStore}. */
export interface EmbeddedStoreOptions {
  /** Directory for `revocations.jsonl`, `budgets.jsonl` and `audit.jsonl` (created if missing). Absent: memory only. */
  readonly dir?: string;
  /** Current time in Unix ms (budget expiry, compaction). */
  readonly clock: Clock;
}

type Listener = (entry: RevocationEntry) => void;

/**
 * Creates the embedded store. With `dir`, revocations, budget counters and audit events
 * survive a restart (and a SIGKILL: nothing acknowledged is lost; a torn last line is
 * dropped on reload).
 * One process owns a directory at a time.
 *
 * @example
 * ```ts
 * const store = await createEmbeddedStore({ dir: '.chit', clock: Date.now });
 * await store.revoke({ kind: 'token', value: tokenId, revokedAt: now, expiresAt });
 * ```
 */
export async function createEmbeddedStore(opts: EmbeddedStoreOptions): Promise<ChitStore> {
  if (typeof opts?.clock !== 'function') throw new TypeError('clock must be a function');
  const clock = opts.clock;
  const revocations = new Map<string, RevocationEntry>();
  const audit: AuditEvent[] = [];
  let revLog: JsonlAppender | undefined;
  let auditLog: JsonlAppender | undefined;
  let budgets: BudgetCounters;

  if (opts.dir !== undefined) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    const revPath = join(opts.dir, 'revocations.jsonl');
    const auditPath = join(opts.dir, 'audit.jsonl');
    const nowSeconds = clock() / 1000;
    const stored = (await readJsonl(revPath)) as RevocationEntry[];
    for (const e of stored) if (e.expiresAt > nowSeconds) merge(revocations, e);
    // Compact at open when expired or merged lines dominate the file.
    if (stored.length > 64 && revocations.size * 2 < stored.length) {
      await rewriteJsonl(revPath, [...revocations.values()]);
    }
    for (const e of (await readJsonl(auditPath)) as AuditEvent[]) audit.push(e);
    budgets = await openBudgetCounters({ path: join(opts.dir, 'budgets.jsonl'), clock });
    revLog = await JsonlAppender.open(revPath);
    auditLog = await JsonlAppender.open(auditPath);
  } else {
    budgets = await openBudgetCounters({ clock });
  }

  const listeners = new Set<{ onEntry: Listener; onStatus: (s: FeedStatus) => void }>();
  let closed = false;
  const assertOpen = () => {
    if (closed) throw new StoreUnavailableError('store is closed');
  };

  return {
    async revoke(entry) {
      assertOpen();
      validateRevocation(entry);
      // Principal cuts default to revokedAt, stored explicitly (as every store lists them).
      const copy: RevocationEntry =
        entry.kind === 'principal' && entry.issuedBefore === undefined
          ? { ...entry, issuedBefore: entry.revokedAt }
          : { ...entry };
      if (revLog) await durably(() => revLog!.append(copy));
      merge(revocations, copy);
      for (const l of listeners) {
        try {
          l.onEntry(copy);
        } catch {
          // A subscriber's failure must not fail the acknowledged write.
        }
      }
    },

    async listRevocations(nowSeconds) {
      assertOpen();
      const out: RevocationEntry[] = [];
      for (const [k, e] of revocations) {
        if (e.expiresAt > nowSeconds) out.push(e);
        else revocations.delete(k);
      }
      return out;
    },

    async subscribeRevocations(onEntry, onStatus) {
      assertOpen();
      // In process the feed cannot be lost: onStatus is never called.
      const l = { onEntry, onStatus };
      listeners.add(l);
      return {
        async close() {
          listeners.delete(l);
        },
      } satisfies Subscription;
    },

    async consumeBudgets(family, list): Promise<BudgetResult> {
      assertOpen();
      validateBudgets(family, list);
      // With a directory, an allowed call resolves once its counts are fsync'd.
      return budgets.consume(family, list);
    },

    async appendAudit(event) {
      assertOpen();
      if (auditLog) await durably(() => auditLog!.append(event));
      audit.push(event);
    },

    async appendAudits(events) {
      assertOpen();
      validateAuditBatch(events);
      if (events.length === 0) return;
      if (auditLog) await durably(() => auditLog!.appendMany(events));
      for (const e of events) audit.push(e);
    },

    async queryAudit(query): Promise<AuditPage> {
      assertOpen();
      let start = 0;
      if (query.cursor !== undefined) {
        if (!/^\d{1,15}$/.test(query.cursor)) throw new AuditCursorInvalidError();
        start = Number(query.cursor);
        if (start > audit.length) throw new AuditCursorInvalidError();
      }
      const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
      const events: AuditEvent[] = [];
      for (let i = start; i < audit.length; i++) {
        const e = audit[i]!;
        if (!matchesAuditQuery(e, query)) continue;
        if (events.length === limit) return { events, next: String(i) };
        events.push(e);
      }
      return { events, next: null };
    },

    async ping() {
      assertOpen();
    },

    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      await revLog?.close();
      await budgets.close();
      await auditLog?.close();
    },
  };
}

/** A failed write (disk full, I/O error) is reported as the store being unavailable. */
async function durably(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (e) {
    const err = new StoreUnavailableError(
      `store write failed: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
    );
    Object.defineProperty(err, 'cause', { value: e, enumerable: false });
    throw err;
  }
}

function merge(map: Map<string, RevocationEntry>, e: RevocationEntry): void {
  const k = revocationKey(e);
  const prev = map.get(k);
  if (prev === undefined) {
    map.set(k, e);
    return;
  }
  const issuedBefore =
    e.kind === 'principal'
      ? Math.max(prev.issuedBefore ?? prev.revokedAt, e.issuedBefore ?? e.revokedAt)
      : undefined;
  // A holder entry keeps its family once any write has told it (as the Redis script does).
  const family = prev.family ?? e.family;
  map.set(k, {
    ...prev,
    revokedAt: Math.max(prev.revokedAt, e.revokedAt),
    expiresAt: Math.max(prev.expiresAt, e.expiresAt),
    ...(issuedBefore !== undefined ? { issuedBefore } : {}),
    ...(family !== undefined ? { family } : {}),
  });
}
