/**
 * Mint killed with SIGKILL during a revocation burst. The mint runs as a real process;
 * `concurrency` clients revoke token ids as fast as it answers; after `burstMs` the mint
 * is SIGKILLed (in Redis mode, Redis too: it restarts from its AOF, `appendfsync always`).
 * The mint is restarted and every acknowledged revocation must be present: checked through
 * `/v1/verify` for minted tokens and by reading the store for the rest.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisStore } from '@chit/redis';
import { type ChitStore, createEmbeddedStore } from '@chit/store';
import { type RedisProcess, startRedis } from '@chit/testkit';
import { type ServiceProcess, startService } from './process.js';

/**
 * The figures of one run.
 * @example
 * ```ts
 * const { missing }: MintKillReport = await runMintKill({ mode: 'embedded', burstMs: 1000, concurrency: 8 });
 * ```
 */
export interface MintKillReport {
  readonly mode: 'embedded' | 'redis';
  /** Revocations answered 200 before the kill. */
  readonly acknowledged: number;
  /** Requests in flight or refused at the kill (not acknowledged, may or may not persist). */
  readonly unacknowledged: number;
  /** Acknowledged revocations missing after the restart: must be 0. */
  readonly missing: readonly string[];
  /** Minted tokens whose acknowledged revocation the restarted mint enforces. */
  readonly enforcedAfterRestart: number;
  readonly mintedRevoked: number;
}

const ADMIN = `hardening-admin-${'a'.repeat(40)}`;

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function mintTokens(base: string, n: number): Promise<{ token: string; tokenId: string }[]> {
  const out: { token: string; tokenId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const res = await post(`${base}/v1/tokens`, {
      principal: { id: `user-${i}` },
      tenant: '42',
      resources: ['orders/*'],
      actions: ['read'],
      ttl: 3600,
    });
    if (res.status !== 201) throw new Error(`mint answered ${res.status}`);
    out.push((await res.json()) as { token: string; tokenId: string });
  }
  return out;
}

/**
 * Runs the scenario once.
 * @example
 * ```ts
 * const r = await runMintKill({ mode: 'redis', burstMs: 500, concurrency: 8 }); r.missing // []
 * ```
 */
export async function runMintKill(opts: {
  mode: 'embedded' | 'redis';
  burstMs: number;
  concurrency: number;
  mintedTokens?: number;
}): Promise<MintKillReport> {
  const dir = await mkdtemp(join(tmpdir(), 'chit-hardening-kill-'));
  let redis: RedisProcess | undefined;
  if (opts.mode === 'redis') redis = await startRedis({ appendonly: true, appendfsync: 'always' });
  const env = {
    CHIT_DATA_DIR: dir,
    CHIT_ADMIN_TOKEN: ADMIN,
    CHIT_MINT_RATE_LIMIT: '1000000',
    ...(redis ? { REDIS_URL: redis.url } : {}),
  };
  let mint: ServiceProcess | undefined = await startService('mint', env);
  try {
    const minted = await mintTokens(mint.url, opts.mintedTokens ?? 40);
    const acknowledged: string[] = [];
    let unacknowledged = 0;
    let stop = false;
    let next = 0;
    const worker = async () => {
      while (!stop) {
        const i = next++;
        const tokenId = i < minted.length ? minted[i]!.tokenId : randomBytes(16).toString('hex');
        try {
          const res = await post(`${mint!.url}/v1/revocations`, { tokenId });
          if (res.status === 200) acknowledged.push(tokenId);
          else unacknowledged++;
        } catch {
          unacknowledged++;
          return;
        }
      }
    };
    const workers = Array.from({ length: opts.concurrency }, worker);
    await new Promise((r) => setTimeout(r, opts.burstMs));
    await mint.stop('SIGKILL');
    stop = true;
    await Promise.all(workers);
    if (redis) {
      await redis.kill();
      await redis.restart();
    }
    mint = await startService('mint', env);
    const revokedMinted = minted.filter((m) => acknowledged.includes(m.tokenId));
    let enforced = 0;
    for (const m of revokedMinted) {
      const res = await post(`${mint.url}/v1/verify`, {
        token: m.token,
        context: { tenant: '42', resource: 'orders/1', action: 'read' },
      });
      const d = (await res.json()) as { allowed: boolean; code?: string };
      if (!d.allowed && d.code === 'ERR_TOKEN_REVOKED') enforced++;
    }
    await mint.stop('SIGTERM');
    mint = undefined;
    const store: ChitStore = redis
      ? await createRedisStore({ url: redis.url, clock: Date.now })
      : await createEmbeddedStore({ dir, clock: Date.now });
    const present = new Set(
      (await store.listRevocations(Math.floor(Date.now() / 1000)))
        .filter((e) => e.kind === 'token')
        .map((e) => e.value),
    );
    await store.close();
    return {
      mode: opts.mode,
      acknowledged: acknowledged.length,
      unacknowledged,
      missing: acknowledged.filter((id) => !present.has(id)),
      enforcedAfterRestart: enforced,
      mintedRevoked: revokedMinted.length,
    };
  } finally {
    await mint?.stop('SIGKILL');
    await redis?.stop();
  }
}
