/**
 * Revocation propagation: one mint and three verifier instances, each with its own Redis
 * connections and revocation mirror, on one Redis or on a 3-master Redis Cluster. For each
 * of `revocations` fresh tokens (first verified by every instance, so their chains are
 * cached), the mint is asked to revoke it; the delay is measured from the moment the mint
 * acknowledges to the moment every instance refuses the token with ERR_TOKEN_REVOKED.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startMint } from '@chit/mint';
import { createRedisStore } from '@chit/redis';
import type { ChitStore } from '@chit/store';
import { startRedis, startRedisCluster } from '@chit/testkit';
import { Cluster } from 'ioredis';
import { authHeaders, keys, mintToken, readerCaveats } from './fixtures.js';
import { percentile } from './stats.js';
import { buildVerifierApp, type VerifierApp } from './verifier-app.js';

/**
 * The figures of one topology.
 * @example
 * ```ts
 * const { p99Ms }: PropagationReport = await measurePropagation({ topology: 'cluster', revocations: 100 });
 * ```
 */
export interface PropagationReport {
  readonly topology: 'single' | 'cluster';
  readonly instances: number;
  readonly revocations: number;
  /** Acknowledged-to-enforced-everywhere delays, ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Delays from sending the revocation (includes the durable write), ms. */
  readonly p99FromSendMs: number;
}

const ADMIN = `hardening-admin-${'c'.repeat(40)}`;
const nowS = () => Math.floor(Date.now() / 1000);

/**
 * Measures one topology.
 * @example
 * ```ts
 * const r = await measurePropagation({ topology: 'single', revocations: 100 }); r.p99Ms
 * ```
 */
export async function measurePropagation(opts: {
  topology: 'single' | 'cluster';
  revocations: number;
}): Promise<PropagationReport> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    let open: () => Promise<ChitStore>;
    if (opts.topology === 'single') {
      const redis = await startRedis();
      cleanups.push(() => redis.stop());
      open = () => createRedisStore({ url: redis.url, clock: Date.now });
    } else {
      const cluster = await startRedisCluster({ masters: 3 });
      cleanups.push(() => cluster.stop());
      open = async () => {
        const client = new Cluster([...cluster.startupNodes], {
          enableOfflineQueue: false,
          redisOptions: { commandTimeout: 1000, maxRetriesPerRequest: 1 },
        });
        client.on('error', () => {});
        cleanups.push(async () => client.disconnect());
        return createRedisStore({ redis: client, clock: Date.now });
      };
    }
    const dir = await mkdtemp(join(tmpdir(), 'chit-hardening-prop-'));
    const mintStore = await open();
    const mint = await startMint(
      loadConfig({ CHIT_DATA_DIR: dir, CHIT_ADMIN_TOKEN: ADMIN, CHIT_LOG_LEVEL: 'warn' }),
      { store: mintStore, logDestination: { write: () => true } },
    );
    cleanups.push(() => mint.app.close());
    const verifiers: VerifierApp[] = [];
    for (let i = 0; i < 3; i++) {
      const store = await open();
      const v = await buildVerifierApp({ chit: { keys, store, clock: Date.now } });
      verifiers.push(v);
      cleanups.push(async () => {
        await v.app.close();
        await store.close();
      });
    }
    const status = async (v: VerifierApp, token: string) =>
      (await v.app.inject({ url: '/orders/7', headers: authHeaders(token) })).statusCode;
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    for (let i = 0; i < opts.revocations; i++) {
      const t = mintToken({ issuedAt: nowS() - 5, caveats: readerCaveats(nowS() + 3600) });
      for (const v of verifiers) {
        if ((await status(v, t.token)) !== 200) throw new Error('fresh token refused');
      }
      const sent = performance.now();
      const res = await mint.app.inject({
        method: 'POST',
        url: '/v1/revocations',
        headers: { authorization: `Bearer ${ADMIN}` },
        payload: { tokenId: t.tokenId },
      });
      if (res.statusCode !== 200) throw new Error(`revocation answered ${res.statusCode}`);
      const acked = performance.now();
      const pending = new Set(verifiers);
      while (pending.size > 0) {
        for (const v of [...pending]) if ((await status(v, t.token)) === 401) pending.delete(v);
        if (performance.now() - acked > 10_000) throw new Error('revocation not enforced in 10 s');
        if (pending.size > 0) await new Promise((r) => setImmediate(r));
      }
      const done = performance.now();
      fromAck.push(done - acked);
      fromSend.push(done - sent);
    }
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return {
      topology: opts.topology,
      instances: verifiers.length,
      revocations: opts.revocations,
      p50Ms: r2(percentile(fromAck, 50)),
      p99Ms: r2(percentile(fromAck, 99)),
      maxMs: r2(Math.max(...fromAck)),
      p99FromSendMs: r2(percentile(fromSend, 99)),
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}
