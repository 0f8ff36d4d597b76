/**
 * The soak: a verifier process on Redis, its peak measured with autocannon on the protected
 * route, then held at `loadFraction` of that peak for `durationMs` while its RSS is sampled
 * every second. Figures: errors (non-2xx, socket errors, timeouts) and RSS growth from the
 * end of the warm-up to the end of the run.
 */
import { startRedis } from '@chit/testkit';
import autocannon from 'autocannon';
import { authHeaders, mintToken, readerCaveats } from './fixtures.js';
import { startService } from './process.js';
import { percentile } from './stats.js';

/**
 * The figures of one soak.
 * @example
 * ```ts
 * const { rssGrowthPercent }: SoakReport = await runSoak({ peakMs: 4000, durationMs: 20_000, warmupMs: 8000 });
 * ```
 */
export interface SoakReport {
  readonly peakRps: number;
  readonly targetRps: number;
  readonly achievedRps: number;
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly timeouts: number;
  readonly p99LatencyMs: number;
  /** Median RSS of the first window after the warm-up and of the last window, MiB. */
  readonly rssAfterWarmupMiB: number;
  readonly rssEndMiB: number;
  /** (end - after warm-up) / after warm-up, percent. */
  readonly rssGrowthPercent: number;
}

const nowS = () => Math.floor(Date.now() / 1000);

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * Runs one soak.
 * @example
 * ```ts
 * const r = await runSoak({ peakMs: 10_000, durationMs: 600_000, warmupMs: 60_000 });
 * ```
 */
export async function runSoak(opts: {
  peakMs: number;
  durationMs: number;
  warmupMs: number;
  loadFraction?: number;
  connections?: number;
}): Promise<SoakReport> {
  const redis = await startRedis();
  const verifier = await startService('verifier', { REDIS_URL: redis.url });
  try {
    const token = mintToken({
      issuedAt: nowS() - 5,
      caveats: readerCaveats(nowS() + 86_400),
    }).token;
    const base = {
      url: `${verifier.url}/orders/7`,
      headers: authHeaders(token),
      connections: opts.connections ?? 16,
    };
    const peak = await cannon({ ...base, duration: opts.peakMs / 1000 });
    const peakRps = peak.requests.average;
    const targetRps = Math.max(1, Math.floor(peakRps * (opts.loadFraction ?? 0.8)));
    const rss: { at: number; bytes: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => {
      rss.push({ at: Date.now() - started, bytes: verifier.rssBytes() });
    }, 1000);
    const soak = await cannon({
      ...base,
      duration: opts.durationMs / 1000,
      overallRate: targetRps,
    });
    clearInterval(sampler);
    const window = Math.max(3, Math.floor((opts.durationMs - opts.warmupMs) / 10_000));
    const afterWarm = rss.filter((s) => s.at >= opts.warmupMs).map((s) => s.bytes);
    const first = percentile(afterWarm.slice(0, window), 50);
    const last = percentile(afterWarm.slice(-window), 50);
    const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
    return {
      peakRps: Math.round(peakRps),
      targetRps,
      achievedRps: Math.round(soak.requests.average),
      requests: soak.requests.total,
      errors: soak.errors,
      non2xx: soak.non2xx,
      timeouts: soak.timeouts,
      p99LatencyMs: soak.latency.p99,
      rssAfterWarmupMiB: mib(first),
      rssEndMiB: mib(last),
      rssGrowthPercent: Math.round(((last - first) / first) * 1000) / 10,
    };
  } finally {
    await verifier.stop('SIGKILL');
    await redis.stop();
  }
}
