/**
 * The embedded store's budget counters: all-or-nothing consumption in memory and, with a
 * file, `budgets.jsonl`: one line per allowed call holding the new state of every counter
 * it touched, fsync'd before the call resolves. The last line of a counter wins on reload;
 * a torn last line is a call that was never acknowledged. Lapsed and superseded lines are
 * compacted away (atomic rewrite) so the file stays proportional to the live counters.
 */
import { BudgetUnavailableError, type Clock } from '@chit/token';
import { JsonlAppender, readJsonl, rewriteJsonl } from './jsonl-log.js';
import type { BudgetResult, BudgetUse } from './ports.js';

interface Counter {
  used: number;
  /** Unix ms at which the counter lapses; only ever grows (Infinity: never). */
  expiresAtMs: number;
}

/** One counter's state on disk: key, uses so far, lapse time in Unix ms (`null`: never). */
type CounterState = [key: string, used: number, expiresAtMs: number | null];
/** One line: the states of counters of one family (one call's, or a compaction's). */
interface BudgetLine {
  readonly f: string;
  readonly c: CounterState[];
}

/** Counter states written since the last compaction beyond which it compacts, at least. */
const COMPACT_SLACK = 1024;
/** In-memory pruning of lapsed counters, every this many allowed calls. */
const PRUNE_EVERY = 4096;

/**
 * Budget counters of the embedded store, persisted when `path` is given.
 *
 * @example
 * ```ts
 * const budgets = await openBudgetCounters({ path: join(dir, 'budgets.jsonl'), clock });
 * await budgets.consume(tokenId, [{ key: fp, limit: 3, until: null }]); // { allowed: true }
 * ```
 */
export interface BudgetCounters {
  /** Consumes one use of every budget or none; arguments are already validated. */
  consume(family: string, list: readonly BudgetUse[]): Promise<BudgetResult>;
  /** Waits for pending writes, then closes the file. */
  close(): Promise<void>;
}

/**
 * Opens the counters: with `path`, reloads the live counters from the file (dropping a
 * torn last line and lapsed counters, compacting if they dominate) and persists every
 * allowed call before it resolves; without, memory only.
 *
 * @example
 * ```ts
 * const memoryOnly = await openBudgetCounters({ clock: Date.now });
 * ```
 */
export async function openBudgetCounters(opts: {
  readonly path?: string;
  readonly clock: Clock;
}): Promise<BudgetCounters> {
  const { clock, path } = opts;
  const families = new Map<string, Map<string, Counter>>();
  let size = 0; // counters in `families`, lapsed ones not yet pruned included
  let written = 0; // counter states in the file
  let allowedCalls = 0;
  let log: JsonlAppender | undefined;

  const prune = (now: number) => {
    for (const [family, counters] of families) {
      for (const [key, c] of counters) {
        if (c.expiresAtMs > now) continue;
        counters.delete(key);
        size--;
      }
      if (counters.size === 0) families.delete(family);
    }
  };
  const snapshot = (): BudgetLine[] => {
    const lines: BudgetLine[] = [];
    for (const [f, counters] of families) {
      const c: CounterState[] = [];
      for (const [key, { used, expiresAtMs }] of counters) c.push(stateOf(key, used, expiresAtMs));
      lines.push({ f, c });
    }
    return lines;
  };

  if (path !== undefined) {
    const now = clock();
    const records = await readJsonl(path);
    for (let i = 0; i < records.length; i++) {
      const line = records[i];
      if (!isBudgetLine(line)) throw new Error(`${path}: line ${i + 1} is not a budget record`);
      written += line.c.length;
      let counters = families.get(line.f);
      if (counters === undefined) {
        counters = new Map();
        families.set(line.f, counters);
      }
      for (const [key, used, exp] of line.c) {
        const expiresAtMs = exp ?? Number.POSITIVE_INFINITY;
        if (!counters.has(key)) size++;
        counters.set(key, { used, expiresAtMs }); // the latest state wins
      }
    }
    prune(now);
    if (written > 2 * size + COMPACT_SLACK) {
      await rewriteJsonl(path, snapshot());
      written = size;
    }
    log = await JsonlAppender.open(path);
  }

  return {
    consume(family, list) {
      if (list.length === 0) return Promise.resolve({ allowed: true });
      const now = clock();
      const counters = families.get(family);
      // Check every budget before touching any counter: a denial changes nothing.
      const live: (Counter | undefined)[] = [];
      for (const b of list) {
        if (b.until !== null && b.until * 1000 <= now) {
          return Promise.resolve({ allowed: false, exhausted: b.key });
        }
        let c = counters?.get(b.key);
        if (c !== undefined && c.expiresAtMs <= now) c = undefined; // lapsed: absent
        if ((c?.used ?? 0) >= b.limit) return Promise.resolve({ allowed: false, exhausted: b.key });
        live.push(c);
      }
      let mine = counters;
      if (mine === undefined) {
        mine = new Map();
        families.set(family, mine);
      }
      const states: CounterState[] | undefined = log ? [] : undefined;
      for (let i = 0; i < list.length; i++) {
        const { key, until } = list[i]!;
        // A counter's lifetime only grows; null (never lapse) is the longest.
        const untilMs = until === null ? Number.POSITIVE_INFINITY : until * 1000;
        let c = live[i];
        if (c === undefined) {
          if (!mine.has(key)) size++;
          c = { used: 1, expiresAtMs: untilMs };
          mine.set(key, c);
        } else {
          c.used++;
          if (untilMs > c.expiresAtMs) c.expiresAtMs = untilMs;
        }
        states?.push(stateOf(key, c.used, c.expiresAtMs));
      }
      if (++allowedCalls % PRUNE_EVERY === 0) prune(now);
      if (log === undefined || states === undefined) return Promise.resolve({ allowed: true });
      // The memory state already counts this use (a concurrent call sees it): if the write
      // fails the use stays counted, never granted twice. Answer only once it is durable.
      const durable = log
        .append({ f: family, c: states } satisfies BudgetLine)
        .then(() => ({ allowed: true }) as const, unavailable);
      written += states.length;
      if (written > 2 * size + COMPACT_SLACK) {
        prune(now);
        const lines = snapshot();
        written = size;
        // Queued after this call's line: its promise already covers the call. A failed
        // compaction leaves the old file, which still holds every state.
        log.replace(lines).catch(() => undefined);
      }
      return durable;
    },

    async close() {
      await log?.close();
    },
  };
}

function stateOf(key: string, used: number, expiresAtMs: number): CounterState {
  return [key, used, expiresAtMs === Number.POSITIVE_INFINITY ? null : expiresAtMs];
}

function isBudgetLine(v: unknown): v is BudgetLine {
  if (typeof v !== 'object' || v === null) return false;
  const { f, c } = v as Partial<BudgetLine>;
  if (typeof f !== 'string' || !Array.isArray(c)) return false;
  return c.every(
    (s) =>
      Array.isArray(s) &&
      s.length === 3 &&
      typeof s[0] === 'string' &&
      Number.isSafeInteger(s[1]) &&
      (s[1] as number) > 0 &&
      (s[2] === null || (typeof s[2] === 'number' && Number.isFinite(s[2]))),
  );
}

function unavailable(e: unknown): never {
  const err = new BudgetUnavailableError(
    `budget write failed: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
  );
  Object.defineProperty(err, 'cause', { value: e, enumerable: false });
  throw err;
}
