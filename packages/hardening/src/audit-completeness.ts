/**
 * Audit completeness: a service serves a mix of allowed and denied requests under load; at
 * the end it gets a graceful SIGTERM while the load is still running. Every decision served
 * must have exactly one audit event with its request id and the same decision, and no
 * decision event may lack an answer. Two targets: a verifier process (`@chit/fastify` on
 * Redis; request ids echoed in `x-request-id`) and the mint's `POST /v1/verify` (embedded
 * store; request ids sent by the client, which the mint adopts).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisStore } from '@chit/redis';
import { type AuditEvent, type ChitStore, createEmbeddedStore } from '@chit/store';
import { startRedis } from '@chit/testkit';
import { FOREIGN_KEY, mintToken, readerCaveats } from './fixtures.js';
import { type RequestKind, type Sample, startLoad } from './load.js';
import { startService } from './process.js';

/**
 * The reconciliation of one run.
 * @example
 * ```ts
 * const { missing, orphaned }: AuditReport = await runAuditCompleteness({ durationMs: 6000, concurrency: 8 });
 * ```
 */
export interface AuditReport {
  readonly target: 'verifier' | 'mint';
  /** Decisions served (answers that carry one). */
  readonly decisions: number;
  readonly allowed: number;
  readonly denied: number;
  /** Decision events in the audit trail. */
  readonly events: number;
  /** Decisions without an event, events without a decision, decisions recorded twice. */
  readonly missing: number;
  readonly orphaned: number;
  readonly duplicated: number;
  /** Events whose decision differs from the answer. */
  readonly mismatched: number;
  /** The service's exit code after SIGTERM. */
  readonly exitCode: number | string;
}

const nowS = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ADMIN = `hardening-admin-${'d'.repeat(40)}`;
const PREFIX = 'h8audit';

interface Target {
  readonly url: string;
  readonly kinds: RequestKind[];
  stop(): Promise<number | string>;
  /** The decision an answer carries, keyed by request id; `undefined`: no decision. */
  decision(s: Sample): [string, 'allow' | 'deny'] | undefined;
  events(): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

async function readAll(store: ChitStore, keep: (e: AuditEvent) => boolean): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.queryAudit({ limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.events.filter(keep));
    cursor = page.next ?? undefined;
  } while (cursor);
  await store.close();
  return out;
}

async function verifierTarget(): Promise<Target> {
  const redis = await startRedis();
  const svc = await startService('verifier', { REDIS_URL: redis.url });
  const exp = nowS() + 3600;
  const issuedAt = nowS() - 5;
  const h = (token: string, tenant = '42') => ({
    authorization: `Chit ${token}`,
    'x-tenant': tenant,
  });
  const valid = mintToken({ issuedAt, caveats: readerCaveats(exp) }).token;
  const forged = mintToken({ issuedAt, key: FOREIGN_KEY, caveats: readerCaveats(exp) }).token;
  const expired = mintToken({ issuedAt, caveats: readerCaveats(nowS() - 120) }).token;
  return {
    url: svc.url,
    kinds: [
      { kind: 'allow', path: '/orders/7', headers: h(valid) },
      { kind: 'deny-tenant', path: '/orders/7', headers: h(valid, '43') },
      { kind: 'deny-forged', path: '/orders/7', headers: h(forged) },
      { kind: 'deny-expired', path: '/orders/7', headers: h(expired) },
      { kind: 'deny-missing', path: '/orders/7', headers: { 'x-tenant': '42' } },
      { kind: 'allow', path: '/orders/8', headers: h(valid) },
    ],
    stop: () => svc.stop('SIGTERM'),
    decision: (s) => (s.requestId ? [s.requestId, s.status === 200 ? 'allow' : 'deny'] : undefined),
    events: async () =>
      readAll(
        await createRedisStore({ url: redis.url, clock: Date.now }),
        (e) => e.service === 'orders',
      ),
    close: async () => {
      await svc.stop('SIGKILL');
      await redis.stop();
    },
  };
}

async function mintTarget(): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'chit-hardening-audit-'));
  const svc = await startService('mint', { CHIT_DATA_DIR: dir, CHIT_ADMIN_TOKEN: ADMIN });
  const res = await fetch(`${svc.url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      principal: { id: 'user-1' },
      tenant: '42',
      resources: ['orders/*'],
      actions: ['read'],
      ttl: 3600,
    }),
  });
  const { token } = (await res.json()) as { token: string };
  const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
  const verify = (kind: string, t: string, tenant: string): RequestKind => ({
    kind,
    path: '/v1/verify',
    method: 'POST',
    headers: {},
    body: { token: t, context: { tenant, resource: 'orders/7', action: 'read' } },
  });
  return {
    url: svc.url,
    kinds: [
      verify('allow', token, '42'),
      verify('deny-tenant', token, '43'),
      verify('deny-forged', forged, '42'),
    ],
    stop: () => svc.stop('SIGTERM'),
    decision: (s) =>
      s.status === 200 && s.allowed !== undefined && s.sentId
        ? [s.sentId, s.allowed ? 'allow' : 'deny']
        : undefined,
    events: async () =>
      readAll(
        await createEmbeddedStore({ dir, clock: Date.now }),
        (e) => e.requestId?.startsWith(PREFIX) ?? false,
      ),
    close: async () => {
      await svc.stop('SIGKILL');
    },
  };
}

/**
 * Runs the load for `durationMs`, then SIGTERMs the service under load and reconciles.
 * @example
 * ```ts
 * const r = await runAuditCompleteness({ durationMs: 60_000, concurrency: 8 }); r.missing // 0
 * ```
 */
export async function runAuditCompleteness(opts: {
  durationMs: number;
  concurrency: number;
  target?: 'verifier' | 'mint';
}): Promise<AuditReport> {
  const targetName = opts.target ?? 'verifier';
  const target = targetName === 'mint' ? await mintTarget() : await verifierTarget();
  try {
    const load = startLoad(target.url, target.kinds, opts.concurrency, {
      stopOnConnectionError: true,
      requestIdPrefix: PREFIX,
    });
    await sleep(opts.durationMs);
    const exitCode = await target.stop();
    const samples = await load.stop();
    const decisions = new Map<string, 'allow' | 'deny'>();
    for (const s of samples) {
      const d = target.decision(s);
      if (d) decisions.set(d[0], d[1]);
    }
    const events = await target.events();
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
      target: targetName,
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
    await target.close();
  }
}
