#!/usr/bin/env node
// Store benchmark (issue 4): the revocation mirror at 1,000,000 entries against an empty
// one (memory added, check throughput), the mirror's start-up load from a real Redis, and
// the per-request cost the mirror replaces (a Redis EXISTS round trip), in one run.
// Usage: pnpm build && node bench/redis.bench.mjs   (or via `pnpm bench`, which calls run()).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import { createRedisStore, keyLayout } from '../packages/redis/dist/index.js';
import { RevocationMirror, syncMirror } from '../packages/store/dist/index.js';
import { startRedis } from '../packages/testkit/dist/index.js';
import { encode, mint, verify } from '../packages/token/dist/index.js';

const ENTRIES = 1_000_000;
const NOW = Math.floor(Date.now() / 1000);
const hex = () => randomBytes(16).toString('hex');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** 1M entries, the mix a busy deployment might hold: mostly per-step fingerprints. */
function makeEntries(n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = i % 10;
    const kind = r < 7 ? 'fingerprint' : r < 9 ? 'token' : 'session';
    out[i] = { kind, value: hex(), revokedAt: NOW, expiresAt: NOW + 3600 };
  }
  return out;
}

/** Process CPU time in ms: on a shared, overloaded machine wall time mostly measures the wait. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Checks per CPU-second, each check on one of 1024 different capabilities (cold strings). */
function checksPerSecond(mirror, caps, ms = 300) {
  let n = 0;
  const now = Date.now() / 1000;
  const start = cpuMs();
  while (cpuMs() - start < ms) {
    for (let i = 0; i < 1000; i++) mirror.check(caps[(n + i) & 1023], now);
    n += 1000;
  }
  return (n / (cpuMs() - start)) * 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString('en-US');

export async function run() {
  const rows = [];
  // A live (non-revoked) capability with an 8-step chain: the common case.
  const caps = Array.from({ length: 1024 }, () => ({
    tokenId: hex(),
    issuedAt: NOW - 60,
    session: hex(),
    principal: 'user-1',
    fingerprints: Array.from({ length: 8 }, hex),
  }));

  // 1. Memory (strings included: the entries array is dropped) and load time, in process.
  const before = heap();
  const full = new RevocationMirror();
  const generated = makeEntries(ENTRIES);
  let t = cpuMs();
  full.load(generated);
  const loadMs = cpuMs() - t;
  generated.length = 0;
  const added = heap() - before;
  const empty = new RevocationMirror();
  empty.load([]);
  rows.push([
    'mirror memory added, 1,000,000 entries (32-char values)',
    `${(added / 2 ** 20).toFixed(1)} MB`,
    '<= 200 MB',
    added <= 200 * 2 ** 20,
  ]);
  rows.push(['mirror.load of 1M entries (in process, CPU time)', `${fmt(loadMs)} ms`, '', true]);

  // 2. mirror.check alone, and verify + check (the verifier's hot path), empty vs 1M,
  //    alternating batches so machine noise hits both alike.
  const emptyRuns = [];
  const fullRuns = [];
  for (let i = 0; i < 7; i++) {
    emptyRuns.push(checksPerSecond(empty, caps));
    fullRuns.push(checksPerSecond(full, caps));
  }
  rows.push([
    'mirror.check per CPU-second, empty set (median of 7)',
    `${fmt(median(emptyRuns))}/s`,
    '',
    true,
  ]);
  rows.push([
    'mirror.check per CPU-second, 1,000,000 entries (median of 7)',
    `${fmt(median(fullRuns))}/s`,
    '',
    true,
  ]);
  const key = new Uint8Array(randomBytes(32));
  const token = encode(
    mint({
      key,
      kid: 'k1',
      tokenId: new Uint8Array(randomBytes(16)),
      issuedAt: NOW - 60,
      caveats: ['tenant = 42', 'action in [read,write]', `expires = ${NOW + 3600}`],
    }),
  );
  const verifyOpts = {
    keys: (kid) => (kid === 'k1' ? key : undefined),
    context: { tenant: '42', action: 'read' },
    clock: () => NOW * 1000,
  };
  const verifyAndCheck = (mirror, ms = 300) => {
    let n = 0;
    const start = cpuMs();
    while (cpuMs() - start < ms) {
      for (let i = 0; i < 100; i++) mirror.check(verify(token, verifyOpts), NOW);
      n += 100;
    }
    return (n / (cpuMs() - start)) * 1000;
  };
  const vEmpty = [];
  const vFull = [];
  for (let i = 0; i < 7; i++) {
    vEmpty.push(verifyAndCheck(empty));
    vFull.push(verifyAndCheck(full));
  }
  const vRatio = median(vFull) / median(vEmpty);
  rows.push(['verify + mirror.check, empty set', `${fmt(median(vEmpty))}/s`, '', true]);
  rows.push(['verify + mirror.check, 1,000,000 entries', `${fmt(median(vFull))}/s`, '', true]);
  rows.push(['verify throughput, 1M vs empty', `${vRatio.toFixed(2)}x`, '>= 0.90x', vRatio >= 0.9]);

  // 2. Start-up load from Redis (HSCAN + parse + load), and the round trip the mirror saves.
  const redis = await startRedis();
  const raw = new Redis(redis.port);
  try {
    // The layout the revoke script writes (hash, expiry zset, log, meta), written in bulk.
    const keys = keyLayout('bench');
    const entries = makeEntries(ENTRIES);
    for (let i = 0; i < ENTRIES; i += 10_000) {
      const p = raw.pipeline();
      const hash = [];
      const zset = [];
      let log = '';
      for (const e of entries.slice(i, i + 10_000)) {
        const field = `${e.kind}:${e.value}`;
        const value = `${e.revokedAt},${e.expiresAt},`;
        hash.push(field, value);
        zset.push(e.expiresAt, field);
        log += `${field}\t${value}\n`;
      }
      p.hset(keys.revocations, ...hash);
      p.zadd(keys.revocationExpiry, ...zset);
      p.append(keys.revocationLog, log);
      p.hset(keys.revocationMeta, 'lines', i + 10_000);
      await p.exec();
    }
    const store = await createRedisStore({
      url: redis.url,
      prefix: 'bench',
      clock: Date.now,
      commandTimeoutMs: 5000,
    });
    const mirror = new RevocationMirror();
    t = performance.now();
    const cpu0 = cpuMs();
    const sync = syncMirror(store, mirror, Date.now);
    await sync.ready;
    const startMs = performance.now() - t;
    const startCpuMs = cpuMs() - cpu0;
    if (mirror.size !== ENTRIES) throw new Error(`mirror loaded ${mirror.size} entries`);
    rows.push([
      'mirror start-up load from Redis (list + load), 1M entries, wall',
      `${fmt(startMs)} ms`,
      '< 5000 ms',
      startMs < 5000,
    ]);
    rows.push(['  same, CPU time of this process', `${fmt(startCpuMs)} ms`, '', true]);
    await sync.close();

    // Per-request cost: one mirror check vs one EXISTS round trip (the usual denylist).
    const n = 5000;
    t = performance.now();
    for (let i = 0; i < n; i++) await raw.exists(`deny:${caps[i & 1023].tokenId}`);
    const existsUs = ((performance.now() - t) / n) * 1000;
    const checkUs = 1e6 / median(fullRuns);
    // The alternative the mirror replaces: one EXISTS per request. (Sequential round trips.)
    rows.push([
      'Redis EXISTS round trip (sequential, loopback)',
      `${existsUs.toFixed(1)} µs`,
      '',
      true,
    ]);
    rows.push(['mirror.check at 1M entries (CPU time)', `${checkUs.toFixed(3)} µs`, '', true]);
    rows.push([
      'EXISTS round trip (wall) / mirror.check (CPU)',
      `${fmt(existsUs / checkUs)}x`,
      '',
      true,
    ]);

    // Store operations (50 in flight).
    const opsPerSecond = async (op, total = 20_000) => {
      let i = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (i < total) await op(i++);
        }),
      );
      return (total / (performance.now() - started)) * 1000;
    };
    const revokeRate = await opsPerSecond((i) =>
      store.revoke({ kind: 'token', value: `r${i}`, revokedAt: NOW, expiresAt: NOW + 600 }),
    );
    const budgetRate = await opsPerSecond((i) =>
      store.consumeBudgets(`f${i & 255}`, [
        { key: 'a', limit: 1e9, until: NOW + 600 },
        { key: 'b', limit: 1e9, until: NOW + 600 },
      ]),
    );
    rows.push([
      'revoke (Lua: write + prune + publish), 50 in flight',
      `${fmt(revokeRate)}/s`,
      '',
      true,
    ]);
    rows.push(['consumeBudgets, 2 budgets (Lua), 50 in flight', `${fmt(budgetRate)}/s`, '', true]);
    await store.close();
  } finally {
    raw.disconnect();
    await redis.stop();
  }

  console.log(
    `load average ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${(await import('node:os')).cpus().length} cores`,
  );
  console.log('| measure | value | target | met |');
  console.log('|---|---|---|---|');
  for (const [name, value, target, met] of rows) {
    console.log(`| ${name} | ${value} | ${target} | ${target ? (met ? 'yes' : 'NO') : ''} |`);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
