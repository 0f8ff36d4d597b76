/**
 * Remote mode: the mint service decides (`POST /v1/verify`: signatures, revocation,
 * budgets, its own audit event). A bounded cache keeps verified chains for `ttlMs`
 * (default 1 s, below the 2 s staleness bound of local mode) so repeated requests with
 * the same token re-check only the caveats here; a capability with budgets is never
 * cached, since every use must be counted by the mint.
 */
import type { DelegationCredential } from '@chit/sdk/headers';
import {
  authorize,
  ChitError,
  HTTP_STATUS,
  isErrorCode,
  type RequestContext,
  type VerifiedCapability,
} from '@chit/token';
import type { Judge } from './judge.js';
import type { NormalizedRemote } from './options.js';

interface Entry {
  readonly capability: VerifiedCapability;
  readonly until: number;
}

interface RemoteAnswer {
  readonly allowed?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly capability?: Record<string, unknown>;
}

function unavailable(message: string): ChitError {
  return new ChitError('ERR_STORE_UNAVAILABLE', message);
}

// The mint's public view carries no fingerprints or budget keys: fill what authorize and
// the request capability need, and keep the budget limits for display.
function fromView(view: Record<string, unknown>): VerifiedCapability {
  const budgets = Array.isArray(view.budgets)
    ? (view.budgets as { limit: number }[]).map((b) => Object.freeze({ key: '', limit: b.limit }))
    : [];
  return Object.freeze({
    ...(view as unknown as VerifiedCapability),
    budgets: Object.freeze(budgets),
    fingerprints: Object.freeze([]) as readonly string[],
    thirdParty: Object.freeze([]) as VerifiedCapability['thirdParty'],
  });
}

/**
 * The remote judge.
 *
 * @example
 * ```ts
 * const judge = createRemoteJudge(normalizeOptions({ remote: { url }, audience: 'orders' }) as NormalizedRemote)
 * ```
 */
export function createRemoteJudge(o: NormalizedRemote): Judge {
  const cache = new Map<string, Entry>();
  const { clock } = o;

  async function call(
    credential: DelegationCredential,
    context: RequestContext,
  ): Promise<VerifiedCapability> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), o.timeoutMs);
    let res: Response;
    let answer: RemoteAnswer;
    try {
      res = await o.fetch(o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token: credential.token,
          discharges: credential.discharges,
          context,
        }),
        signal: controller.signal,
      });
      answer = (await res.json()) as RemoteAnswer;
    } catch {
      throw unavailable('the mint service is unavailable');
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 413)
      throw new ChitError('ERR_TOKEN_TOO_LARGE', 'token exceeds a size limit');
    if (res.status === 400)
      throw new ChitError('ERR_TOKEN_MALFORMED', 'the mint rejected the request');
    if (res.status !== 200 || answer === null || typeof answer !== 'object') {
      throw unavailable('the mint service answered with an error');
    }
    if (answer.allowed !== true) {
      const code = isErrorCode(answer.code) ? answer.code : 'ERR_FORBIDDEN';
      const message = typeof answer.message === 'string' ? answer.message : 'denied by the mint';
      // Never let a remote answer turn into a 500.
      throw new ChitError(code === 'ERR_INTERNAL' ? 'ERR_STORE_UNAVAILABLE' : code, message);
    }
    if (answer.capability === undefined || typeof answer.capability !== 'object') {
      throw unavailable('the mint answered without a capability');
    }
    return fromView(answer.capability);
  }

  return {
    judge(credential, context, progress, authenticateOnly) {
      progress.stage = 'remote';
      const key =
        credential.discharges.length === 0
          ? credential.token
          : `${credential.token} ${credential.discharges.join(' ')}`;
      const now = clock();
      if (authenticateOnly) {
        // Nothing to authorize: a genuine token the mint judges "not for this" (403) is
        // authenticated; 401 and 503 still deny.
        return call(credential, {}).then(
          (cap) => cap,
          (err: unknown) => {
            if (err instanceof ChitError && HTTP_STATUS[err.code] === 403) return null;
            throw err;
          },
        );
      }
      const hit = o.cacheEntries > 0 ? cache.get(key) : undefined;
      if (hit !== undefined) {
        if (hit.until > now) {
          progress.capability = hit.capability;
          progress.stage = 'verify';
          authorize(hit.capability, context, Math.floor(now / 1000), 30);
          return hit.capability;
        }
        cache.delete(key);
      }
      return call(credential, context).then((cap) => {
        progress.capability = cap;
        if (o.cacheEntries > 0 && o.cacheTtlMs > 0 && cap.budgets.length === 0) {
          if (cache.size >= o.cacheEntries) {
            const oldest = cache.keys().next();
            if (!oldest.done) cache.delete(oldest.value);
          }
          cache.set(key, { capability: cap, until: clock() + o.cacheTtlMs });
        }
        return cap;
      });
    },
    stats() {
      return { cacheEntries: cache.size };
    },
    async close() {
      cache.clear();
    },
  };
}
