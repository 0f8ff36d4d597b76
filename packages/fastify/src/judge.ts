/**
 * The plugin's judge: in local mode, @chit/decision's `decide()` with this service's
 * ports (the master keys through a bounded chain cache, the revocation mirror kept in
 * sync with the store, the store's budgets); in remote mode the mint decides
 * (remote-judge.ts). Neither re-implements a step of the decision.
 */

import { CachedRevocationMirror, type Decision, type DecisionPorts, decide } from '@chit/decision';
import type { DelegationCredential } from '@chit/protocol/headers';
import { syncMirror } from '@chit/store';
import { ChitError, createVerifiedChainCache, type RequestContext, verifyChain } from '@chit/token';
import type { FastifyBaseLogger } from 'fastify';
import type { NormalizedLocal, NormalizedOptions } from './options.js';
import { createRemoteJudge } from './remote-judge.js';

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

/** Decides requests. */
export interface Judge {
  /**
   * A decision (synchronous unless budgets or the remote mint are involved). With
   * `authenticateOnly` (the not-found handler, which has nothing to authorize) caveats and
   * budgets are not judged; the result may then be `null` (remote mode: the mint judged a
   * genuine token not for this request).
   */
  judge(
    credential: DelegationCredential,
    context: RequestContext,
    authenticateOnly: boolean,
  ): Decision | null | Promise<Decision | null>;
  stats(): JudgeStats;
  close(): Promise<void>;
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
  const mirror = new CachedRevocationMirror({ stalenessMs: o.stalenessMs });
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
  const { keys, clock } = o;
  const plain = { keys, cache };
  const ports: DecisionPorts = {
    verify: (token, discharges) =>
      verifyChain(token, discharges.length === 0 ? plain : { keys, cache, discharges }),
    revocations: mirror,
    budgets: o.store,
    clock,
  };

  return {
    judge(credential, context, authenticateOnly) {
      return decide(
        {
          token: credential.token,
          discharges: credential.discharges,
          context,
          authenticateOnly,
        },
        ports,
      );
    },
    stats() {
      return {
        revocation: {
          loaded: mirror.loaded,
          available: mirror.available(clock()),
          feedUp: mirror.feedIsUp,
          entries: mirror.size,
          lookups: mirror.lookups,
        },
        cacheEntries: cache?.size ?? 0,
      };
    },
    async close() {
      await sync.close();
    },
  };
}
