/**
 * Budgets and revocation on a 3-master Redis Cluster, and budget exactness under
 * concurrency through real sockets: 1,000 concurrent requests against `uses <= 100`,
 * spread over two app instances, grant exactly 100 (single Redis and Cluster).
 */
import { createRedisStore } from '@chit/redis';
import type { AuditEvent, ChitStore } from '@chit/store';
import {
  type RedisClusterProcess,
  type RedisProcess,
  startRedis,
  startRedisCluster,
} from '@chit/testkit';
import { attenuate, caveat, encode } from '@chit/token';
import type { FastifyInstance } from 'fastify';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoSecretsInLogs, buildApp, keys, mintToken, readerCaveats } from './helpers.js';

const clock = Date.now;
const nowS = () => Math.floor(Date.now() / 1000);
let redis: RedisProcess;
let cluster: RedisClusterProcess;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster({ masters: 3 })]);
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await Promise.all([redis?.stop(), cluster?.stop()]);
  assertNoSecretsInLogs();
});

function clusterClient(): Cluster {
  const client = new Cluster([...cluster.startupNodes], {
    enableOfflineQueue: false,
    redisOptions: { commandTimeout: 1000, maxRetriesPerRequest: 1 },
  });
  client.on('error', () => {});
  cleanups.push(async () => client.disconnect());
  return client;
}

interface Instance {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: ChitStore;
}

async function twoApps(makeStore: () => Promise<ChitStore>): Promise<Instance[]> {
  const out: Instance[] = [];
  for (let i = 0; i < 2; i++) {
    const store = await makeStore();
    const { app } = await buildApp({ keys, store, audience: 'orders', clock });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => store.close());
    cleanups.push(() => app.close());
    out.push({ url, app, store });
  }
  return out;
}

/** Every audit event of a token, across pages. */
async function auditOf(store: ChitStore, tokenId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.queryAudit({ tokenId, limit: 1000, ...(cursor ? { cursor } : {}) });
    events.push(...page.events);
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
  return events;
}

async function get(base: string, token: string, path = '/orders/7'): Promise<number> {
  const res = await fetch(`${base}${path}`, {
    headers: { authorization: `Chit ${token}`, 'x-tenant': '42' },
  });
  await res.arrayBuffer();
  return res.status;
}

/** 1,000 concurrent requests over two instances; returns the status counts. */
async function hammer(urls: string[], token: string): Promise<Record<number, number>> {
  const statuses = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => get(urls[i % 2]!, token)),
  );
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

describe.each([
  ['single Redis', () => createRedisStore({ url: redis.url, prefix: 'fb1', clock })],
  ['3-master Cluster', () => createRedisStore({ redis: clusterClient(), prefix: 'fb2', clock })],
] as const)('%s', (_name, makeStore) => {
  let urls: string[];
  let instances: Instance[];
  beforeAll(async () => {
    instances = await twoApps(makeStore);
    urls = instances.map((i) => i.url);
  });

  it('1,000 concurrent requests against uses <= 100 grant exactly 100, each audited', async () => {
    const t = mintToken({
      caveats: [...readerCaveats(nowS() + 3600), caveat.uses(100)],
      issuedAt: nowS(),
    });
    expect(await hammer(urls, t.token)).toEqual({ 200: 100, 403: 900 });
    for (const i of instances) await i.app.chit.flushAudit();
    const tally: Record<string, number> = {};
    for (const e of await auditOf(instances[0]!.store, t.tokenId)) {
      const key = e.code === undefined ? e.type : `${e.type} ${e.code}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    expect(tally).toEqual({ 'verify.allow': 100, 'verify.deny ERR_BUDGET_EXHAUSTED': 900 });
    for (const i of instances) expect(i.app.chit.stats().audit.lost).toBe(0);
  });

  it('siblings have their own budget; descendants share their ancestor’s', async () => {
    const parent = mintToken({ caveats: [...readerCaveats(nowS() + 3600)], issuedAt: nowS() });
    const a = encode(attenuate(parent.token, [caveat.uses(3)]));
    // A sibling: another chain position (identical caveats would be the same token).
    const b = encode(attenuate(parent.token, [caveat.action('read'), caveat.uses(3)]));
    const aChild = encode(attenuate(a, [caveat.action('read')]));
    expect(await get(urls[0]!, a)).toBe(200);
    expect(await get(urls[1]!, aChild)).toBe(200);
    expect(await get(urls[0]!, aChild)).toBe(200);
    expect(await get(urls[1]!, a)).toBe(403);
    for (let i = 0; i < 3; i++) expect(await get(urls[i % 2]!, b)).toBe(200);
    expect(await get(urls[0]!, b)).toBe(403);
  });

  it('a revocation through one instance’s store reaches the other', async () => {
    const t = mintToken({ caveats: readerCaveats(nowS() + 3600), issuedAt: nowS() });
    expect(await get(urls[1]!, t.token)).toBe(200);
    const store = await makeStore();
    cleanups.push(() => store.close());
    await store.revoke({
      kind: 'token',
      value: t.tokenId,
      revokedAt: nowS(),
      expiresAt: nowS() + 3600,
    });
    const start = performance.now();
    while ((await get(urls[1]!, t.token)) !== 401) {
      if (performance.now() - start > 3000) throw new Error('revocation not enforced within 3 s');
    }
    expect(await get(urls[0]!, t.token)).toBe(401);
  });
});
