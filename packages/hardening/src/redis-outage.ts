/**
 * Redis killed under load and restarted. A verifier process (Redis store, command timeout
 * 500 ms, staleness 2 s) serves a mix of valid, revoked and budgeted tokens to a closed-loop
 * load; Redis (AOF, fsync always) is SIGKILLed, kept down, then restarted. Measured: every
 * answer's latency, any revoked token accepted, the codes while down, and the time from
 * Redis answering again to the verifier serving valid and budgeted tokens again.
 */
import { createRedisStore } from '@chit/redis';
import { startRedis } from '@chit/testkit';
import { caveat } from '@chit/token';
import { mintToken, readerCaveats } from './fixtures.js';
import { type RequestKind, type Sample, startLoad } from './load.js';
import { startService } from './process.js';
import { percentile } from './stats.js';

/**
 * The figures of one outage.
 * @example
 * ```ts
 * const { recoveryMs }: RedisOutageReport = await runRedisOutage({ warmMs: 800, downMs: 3000, afterMs: 800, concurrency: 6 });
 * ```
 */
export interface RedisOutageReport {
  readonly requests: number;
  readonly duringOutage: number;
  readonly revokedAccepted: number;
  /** Answers other than 200/401/503 (or connection failures). */
  readonly unexpected: number;
  readonly maxLatencyMs: number;
  readonly p99LatencyMs: number;
  /** Codes of the 503s while Redis was down. */
  readonly outageCodes: Readonly<Record<string, number>>;
  /** From Redis answering PING again to valid and budgeted tokens served again. */
  readonly recoveryMs: number;
}

const nowS = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one outage.
 * @example
 * ```ts
 * const r = await runRedisOutage({ warmMs: 1000, downMs: 3000, afterMs: 1000, concurrency: 6 });
 * ```
 */
export async function runRedisOutage(opts: {
  warmMs: number;
  downMs: number;
  afterMs: number;
  concurrency: number;
}): Promise<RedisOutageReport> {
  const redis = await startRedis({ appendonly: true, appendfsync: 'always' });
  const verifier = await startService('verifier', { REDIS_URL: redis.url });
  try {
    const exp = nowS() + 3600;
    const issued = { issuedAt: nowS() - 5 };
    const valid = mintToken({ ...issued, caveats: readerCaveats(exp) });
    const revoked = mintToken({ ...issued, caveats: readerCaveats(exp) });
    const budget = mintToken({
      ...issued,
      caveats: [...readerCaveats(exp), caveat.uses(1_000_000)],
    });
    const admin = await createRedisStore({ url: redis.url, clock: Date.now });
    await admin.revoke({
      kind: 'token',
      value: revoked.tokenId,
      revokedAt: nowS(),
      expiresAt: exp,
    });
    await admin.close();
    const h = (token: string) => ({ authorization: `Chit ${token}`, 'x-tenant': '42' });
    const kinds: RequestKind[] = [
      { kind: 'valid', path: '/orders/7', headers: h(valid.token) },
      { kind: 'revoked', path: '/orders/7', headers: h(revoked.token) },
      { kind: 'budget', path: '/orders/7', headers: h(budget.token) },
    ];
    // The revocation reaches the verifier's mirror before the load starts.
    for (let i = 0; ; i++) {
      const res = await fetch(`${verifier.url}/orders/7`, { headers: h(revoked.token) });
      if (res.status === 401) break;
      if (i > 500) throw new Error('revocation never reached the verifier');
      await sleep(10);
    }
    const load = startLoad(verifier.url, kinds, opts.concurrency);
    await sleep(opts.warmMs);
    const killedAt = load.now();
    await redis.kill();
    await sleep(opts.downMs);
    await redis.restart();
    const back = load.now();
    let recoveredAt = Number.NaN;
    const deadline = back + 20_000;
    while (load.now() < deadline) {
      const since = load.samples.filter((s) => s.start >= back);
      const servedAgain = (k: string) => since.some((s) => s.kind === k && s.status === 200);
      if (servedAgain('valid') && servedAgain('budget')) {
        const ok = since.filter((s) => s.status === 200 && s.kind !== 'revoked');
        recoveredAt = Math.max(
          Math.min(...ok.filter((s) => s.kind === 'valid').map((s) => s.end)),
          Math.min(...ok.filter((s) => s.kind === 'budget').map((s) => s.end)),
        );
        break;
      }
      await sleep(20);
    }
    await sleep(opts.afterMs);
    const samples = await load.stop();
    const down = samples.filter((s) => s.start >= killedAt && s.end <= back);
    const outageCodes: Record<string, number> = {};
    for (const s of down) {
      if (s.status === 503) outageCodes[s.code ?? '?'] = (outageCodes[s.code ?? '?'] ?? 0) + 1;
    }
    const latencies = samples.map((s: Sample) => s.end - s.start);
    return {
      requests: samples.length,
      duringOutage: down.length,
      revokedAccepted: samples.filter((s) => s.kind === 'revoked' && s.status === 200).length,
      unexpected: samples.filter((s) => ![200, 401, 503].includes(s.status)).length,
      maxLatencyMs: Math.round(Math.max(...latencies)),
      p99LatencyMs: Math.round(percentile(latencies, 99)),
      outageCodes,
      recoveryMs: Math.round(recoveredAt - back),
    };
  } finally {
    await verifier.stop('SIGKILL');
    await redis.stop();
  }
}
