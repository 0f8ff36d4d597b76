/**
 * Audit completeness: a verifier process on Redis serves a mix of allowed and denied
 * requests under load; at the end it gets a graceful SIGTERM while the load is still
 * running. Every answer carrying a request id (a decision served) must have exactly one
 * audit event with that request id and the same decision, and no event may lack an answer.
 */
import { createRedisStore } from '@chit/redis';
import type { AuditEvent } from '@chit/store';
import { startRedis } from '@chit/testkit';
import { FOREIGN_KEY, mintToken, readerCaveats } from './fixtures.js';
import { type RequestKind, startLoad } from './load.js';
import { startService } from './process.js';

/**
 * The reconciliation of one run.
 * @example
 * ```ts
 * const { missing, orphaned }: AuditReport = await runAuditCompleteness({ durationMs: 6000, concurrency: 8 });
 * ```
 */
export interface AuditReport {
  /** Answers with a request id: decisions served. */
  readonly decisions: number;
  readonly allowed: number;
  readonly denied: number;
  /** Decision events in the audit stream. */
  readonly events: number;
  /** Decisions without an event, events without a decision, decisions recorded twice. */
  readonly missing: number;
  readonly orphaned: number;
  readonly duplicated: number;
  /** Events whose decision differs from the answer. */
  readonly mismatched: number;
  /** The verifier's exit code after SIGTERM. */
  readonly exitCode: number | string;
}

const nowS = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the load for `durationMs`, then SIGTERMs the verifier under load and reconciles.
 * @example
 * ```ts
 * const r = await runAuditCompleteness({ durationMs: 60_000, concurrency: 8 }); r.missing // 0
 * ```
 */
export async function runAuditCompleteness(opts: {
  durationMs: number;
  concurrency: number;
}): Promise<AuditReport> {
  const redis = await startRedis();
  const verifier = await startService('verifier', { REDIS_URL: redis.url });
  try {
    const exp = nowS() + 3600;
    const issuedAt = nowS() - 5;
    const h = (token: string, tenant = '42') => ({
      authorization: `Chit ${token}`,
      'x-tenant': tenant,
    });
    const valid = mintToken({ issuedAt, caveats: readerCaveats(exp) }).token;
    const forged = mintToken({ issuedAt, key: FOREIGN_KEY, caveats: readerCaveats(exp) }).token;
    const expired = mintToken({ issuedAt, caveats: readerCaveats(nowS() - 120) }).token;
    const kinds: RequestKind[] = [
      { kind: 'allow', path: '/orders/7', headers: h(valid) },
      { kind: 'deny-tenant', path: '/orders/7', headers: h(valid, '43') },
      { kind: 'deny-forged', path: '/orders/7', headers: h(forged) },
      { kind: 'deny-expired', path: '/orders/7', headers: h(expired) },
      { kind: 'deny-missing', path: '/orders/7', headers: { 'x-tenant': '42' } },
      { kind: 'allow', path: '/orders/8', headers: h(valid) },
    ];
    const load = startLoad(verifier.url, kinds, opts.concurrency, { stopOnConnectionError: true });
    await sleep(opts.durationMs);
    const exitCode = await verifier.stop('SIGTERM');
    const samples = await load.stop();
    const decisions = new Map<string, 'allow' | 'deny'>();
    for (const s of samples) {
      if (s.requestId !== undefined)
        decisions.set(s.requestId, s.status === 200 ? 'allow' : 'deny');
    }
    const store = await createRedisStore({ url: redis.url, clock: Date.now });
    const events: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.queryAudit({ limit: 1000, ...(cursor ? { cursor } : {}) });
      events.push(...page.events.filter((e) => e.service === 'orders'));
      cursor = page.next ?? undefined;
    } while (cursor);
    await store.close();
    const seen = new Map<string, number>();
    let mismatched = 0;
    let orphaned = 0;
    for (const e of events) {
      const id = e.requestId ?? '';
      seen.set(id, (seen.get(id) ?? 0) + 1);
      const d = decisions.get(id);
      if (d === undefined) orphaned++;
      else if (d !== e.decision) mismatched++;
    }
    const values = [...decisions.values()];
    return {
      decisions: decisions.size,
      allowed: values.filter((d) => d === 'allow').length,
      denied: values.filter((d) => d === 'deny').length,
      events: events.length,
      missing: [...decisions.keys()].filter((id) => !seen.has(id)).length,
      orphaned,
      duplicated: [...seen.values()].filter((n) => n > 1).length,
      mismatched,
      exitCode,
    };
  } finally {
    await verifier.stop('SIGKILL');
    await redis.stop();
  }
}
