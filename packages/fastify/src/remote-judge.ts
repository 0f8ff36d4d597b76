/**
 * Remote mode: the mint service decides (`POST /v1/verify` runs the same `decide()`:
 * signatures, revocation, budgets, its own audit event). A bounded cache keeps allowed
 * capabilities for `ttlMs` (default 1 s, below the 2 s staleness bound of local mode) so
 * repeated requests with the same token re-check only the caveats here, through the
 * decision's own `authorizeAt`; a capability with budgets is never cached, since every
 * use must be counted by the mint. Denials keep their coded error class across the wire.
 */
import {
  authorizeAt,
  capabilityFromView,
  type Decision,
  denial,
  errorFromCode,
} from '@chit/decision';
import { HTTP_STATUS, verifyResponseSchema } from '@chit/protocol';
import type { DelegationCredential } from '@chit/protocol/headers';
import {
  ChitError,
  type RequestContext,
  TokenMalformedError,
  TokenTooLargeError,
  type VerifiedCapability,
} from '@chit/token';
import type { Judge } from './judge.js';
import type { NormalizedRemote } from './options.js';

interface Entry {
  readonly capability: VerifiedCapability;
  readonly until: number;
}

function unavailable(message: string): ChitError {
  return new ChitError('ERR_STORE_UNAVAILABLE', message);
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
    let body: unknown;
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
      body = await res.json();
    } catch {
      throw unavailable('the mint service is unavailable');
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 413) throw new TokenTooLargeError();
    if (res.status === 400) throw new TokenMalformedError('the mint rejected the request');
    const parsed = res.status === 200 ? verifyResponseSchema.safeParse(body) : undefined;
    if (parsed === undefined || !parsed.success) {
      throw unavailable('the mint service answered with an error');
    }
    const answer = parsed.data;
    if (!answer.allowed) {
      const code = answer.code ?? 'ERR_FORBIDDEN';
      // Never let a remote answer turn into a 500.
      if (code === 'ERR_INTERNAL') throw unavailable('the mint service failed');
      throw errorFromCode(code, answer.message);
    }
    if (answer.capability === undefined) {
      throw unavailable('the mint answered without a capability');
    }
    return capabilityFromView(answer.capability);
  }

  function decided(
    credential: DelegationCredential,
    key: string,
    context: RequestContext,
    nowMs: number,
  ): Promise<Decision> {
    return call(credential, context).then(
      (capability): Decision => {
        if (o.cacheEntries > 0 && o.cacheTtlMs > 0 && capability.budgets.length === 0) {
          if (cache.size >= o.cacheEntries) {
            const oldest = cache.keys().next();
            if (!oldest.done) cache.delete(oldest.value);
          }
          cache.set(key, { capability, until: clock() + o.cacheTtlMs });
        }
        return { allowed: true, capability, context, consumed: [], nowMs };
      },
      (err: unknown) => denial(err, 'verify', undefined, context, nowMs),
    );
  }

  return {
    judge(credential, context, authenticateOnly) {
      const now = clock();
      const key = cacheKey(credential);
      if (authenticateOnly) {
        // Nothing to authorize: a genuine token the mint judges "not for this" (403) is
        // authenticated; 401 and 503 still deny.
        return decided(credential, key, {}, now).then((d) =>
          !d.allowed && HTTP_STATUS[d.code] === 403 ? null : d,
        );
      }
      const hit = o.cacheEntries > 0 ? cache.get(key) : undefined;
      if (hit !== undefined) {
        if (hit.until > now) {
          try {
            authorizeAt(hit.capability, context, now);
          } catch (err) {
            return denial(err, 'verify', hit.capability, context, now);
          }
          return { allowed: true, capability: hit.capability, context, consumed: [], nowMs: now };
        }
        cache.delete(key);
      }
      return decided(credential, key, context, now);
    },
    stats() {
      return { cacheEntries: cache.size };
    },
    async close() {
      cache.clear();
    },
  };
}

function cacheKey(credential: DelegationCredential): string {
  return credential.discharges.length === 0
    ? credential.token
    : `${credential.token} ${credential.discharges.join(' ')}`;
}
