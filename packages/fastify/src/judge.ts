/**
 * The decision pipeline of local mode: chain (signatures, cached), revocation (the local
 * mirror, failing closed when stale), caveats against the route's context, then budgets
 * (atomic in the store). Remote mode has the same shape (remote-judge.ts).
 */

import type { DelegationCredential } from '@chit/sdk/headers';
import { type RevocationEntry, RevocationMirror, syncMirror } from '@chit/store';
import {
  authorize,
  BudgetExhaustedError,
  BudgetUnavailableError,
  ChitError,
  createVerifiedChainCache,
  type ErrorCode,
  type RequestContext,
  TokenExpiredError,
  TokenNotYetValidError,
  type VerifiedCapability,
  verifyChain,
} from '@chit/token';
import type { FastifyBaseLogger } from 'fastify';
import type { NormalizedLocal, NormalizedOptions } from './options.js';
import { createRemoteJudge } from './remote-judge.js';

/** Which stage a decision reached: names the code of an unexpected failure there. */
export type JudgeStage = 'verify' | 'revocation' | 'budget' | 'remote';

/** Filled in while judging, so a denial's audit event can name what was verified. */
export interface JudgeProgress {
  stage: JudgeStage;
  /** Set as soon as the chain verified. */
  capability?: VerifiedCapability;
}

/** The code of a non-Chit failure at each stage (never a 500 for token content). */
export const STAGE_CODE: Readonly<Record<JudgeStage, ErrorCode>> = Object.freeze({
  verify: 'ERR_TOKEN_MALFORMED',
  revocation: 'ERR_REVOCATION_UNAVAILABLE',
  budget: 'ERR_BUDGET_UNAVAILABLE',
  remote: 'ERR_STORE_UNAVAILABLE',
});

/** State of the revocation mirror (local mode). */
export interface RevocationStats {
  readonly loaded: boolean;
  /** Trustworthy now: loaded and within the staleness bound. */
  readonly available: boolean;
  readonly feedUp: boolean;
  readonly entries: number;
  /** Full lookups in the mirror (a cached chain found clean skips them until it changes). */
  readonly lookups: number;
}

/** Counters of a judge. */
export interface JudgeStats {
  readonly revocation?: RevocationStats;
  readonly cacheEntries: number;
}

/** Decides requests; throws a ChitError (or anything, mapped by stage) to deny. */
export interface Judge {
  /**
   * `authenticateOnly` (the not-found handler, which has nothing to authorize): the chain,
   * revocation and validity period are checked, caveats and budgets are not; the result
   * may then be `null` (remote mode: the mint judged a genuine token not for this request).
   */
  judge(
    credential: DelegationCredential,
    context: RequestContext,
    progress: JudgeProgress,
    authenticateOnly: boolean,
  ): VerifiedCapability | null | Promise<VerifiedCapability | null>;
  stats(): JudgeStats;
  close(): Promise<void>;
}

/**
 * The store's mirror with a change counter: a capability found clean at version v stays
 * clean while no entry has been added since (entries only ever lapse otherwise), so the
 * hot path skips the map lookups for a cached chain. Staleness is still checked on every
 * request.
 */
class VersionedMirror extends RevocationMirror {
  version = 0;
  override apply(entry: RevocationEntry): void {
    this.version++;
    super.apply(entry);
  }
  override load(entries: Iterable<RevocationEntry>): void {
    this.version++;
    super.load(entries);
    this.version++;
  }
}

// A token without an expiry still needs its budget counters to outlive it: one year,
// refreshed by no one (documented in docs/verifier.md).
const NO_EXPIRY_BUDGET_SECONDS = 365 * 24 * 3600;

function checkPeriod(cap: VerifiedCapability, nowSeconds: number, leeway: number): void {
  if (cap.expiresAt !== null && nowSeconds >= cap.expiresAt + leeway) throw new TokenExpiredError();
  if (cap.notBefore !== null && nowSeconds < cap.notBefore - leeway) {
    throw new TokenNotYetValidError();
  }
}

/**
 * Creates the judge for the options' mode. In local mode it starts the revocation mirror
 * and waits up to `revocation.startupMs` for its first load; after that requests get
 * `ERR_REVOCATION_UNAVAILABLE` until it loads (it keeps retrying).
 *
 * @example
 * ```ts
 * const judge = await createJudge(normalizeOptions(opts), app.log)
 * ```
 */
export async function createJudge(
  options: NormalizedOptions,
  log: FastifyBaseLogger,
): Promise<Judge> {
  if (options.mode === 'remote') return createRemoteJudge(options);
  return createLocalJudge(options, log);
}

async function createLocalJudge(o: NormalizedLocal, log: FastifyBaseLogger): Promise<Judge> {
  const mirror = new VersionedMirror({ stalenessMs: o.stalenessMs });
  const clean = new WeakMap<VerifiedCapability, { version: number; size: number }>();
  let lookups = 0;
  let failures = 0;
  const sync = syncMirror(o.store, mirror, o.clock, {
    onError: (err) => {
      failures++;
      // The error's code only: store errors carry no token material, but stay terse.
      const code = err instanceof ChitError ? err.code : 'unknown';
      log.warn({ chitRevocationSync: { code, failures } }, 'chit revocation sync failed');
    },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loaded = await Promise.race([
    sync.ready.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), o.startupMs);
    }),
  ]);
  clearTimeout(timer);
  if (!loaded) log.warn('chit revocation mirror not loaded yet: denying with 503 until it is');

  const cache =
    o.cacheEntries > 0 ? createVerifiedChainCache({ maxEntries: o.cacheEntries }) : undefined;
  const chainOptions = { keys: o.keys, cache };
  const leeway = o.leeway ?? 30;
  const { store, clock } = o;

  async function consume(cap: VerifiedCapability, nowSeconds: number): Promise<VerifiedCapability> {
    let result: Awaited<ReturnType<typeof store.consumeBudgets>>;
    try {
      const expiresAt = (cap.expiresAt ?? nowSeconds + NO_EXPIRY_BUDGET_SECONDS) + leeway;
      result = await store.consumeBudgets(cap.tokenId, cap.budgets, expiresAt);
    } catch (err) {
      throw err instanceof ChitError ? err : new BudgetUnavailableError();
    }
    if (!result.allowed) throw new BudgetExhaustedError();
    return cap;
  }

  return {
    judge(credential, context, progress, authenticateOnly) {
      const cap = verifyChain(
        credential.token,
        credential.discharges.length === 0
          ? chainOptions
          : { ...chainOptions, discharges: credential.discharges },
      );
      progress.capability = cap;
      progress.stage = 'revocation';
      const nowMs = clock();
      const nowSeconds = nowMs / 1000;
      // The size is folded in as a second guard, should an entry ever arrive other than
      // through apply/load.
      const seen = clean.get(cap);
      if (
        seen === undefined ||
        seen.version !== mirror.version ||
        seen.size !== mirror.size ||
        !mirror.available(nowMs)
      ) {
        lookups++;
        mirror.check(cap, nowSeconds);
        clean.set(cap, { version: mirror.version, size: mirror.size });
      }
      progress.stage = 'verify';
      if (authenticateOnly) {
        checkPeriod(cap, Math.floor(nowSeconds), leeway);
        return cap;
      }
      authorize(cap, context, Math.floor(nowSeconds), leeway);
      if (cap.budgets.length === 0) return cap;
      progress.stage = 'budget';
      return consume(cap, Math.floor(nowSeconds));
    },
    stats() {
      return {
        revocation: {
          loaded: mirror.loaded,
          available: mirror.available(clock()),
          feedUp: mirror.feedIsUp,
          entries: mirror.size,
          lookups,
        },
        cacheEntries: cache?.size ?? 0,
      };
    },
    async close() {
      await sync.close();
    },
  };
}
