#!/usr/bin/env node
// Verifier benchmark (issue 4), one run:
//  1. HTTP: a route protected by @chit/fastify (local mode, revocation mirror on Redis, audit
//     events to pino at info level written to a file, and to the Redis audit stream) against
//     the same route protected by @fastify/jwt HS256 plus a Redis EXISTS denylist lookup per
//     request (what a user would build instead). autocannon, 50 connections, loopback; each
//     server in its own child process; rounds alternate; medians reported.
//  2. Mirror at scale: 1,000,000 revocation entries in Redis: the plugin's start-up time
//     (mirror loaded), heap added by the mirror, and hot-path throughput (cached chain +
//     revocation check + authorize) against an empty mirror.
// Usage: pnpm build && node bench/verifier.bench.mjs   (or `pnpm bench verifier`).
// Knobs: BENCH_VERIFIER_SECONDS (default 5), BENCH_VERIFIER_ROUNDS (default 3),
// BENCH_VERIFIER_ENTRIES (default 1000000), BENCH_VERIFIER_PARTS (default `http,mirror`),
// BENCH_VERIFIER_LOG_LEVEL (both servers' pino level, default info: request lines for both,
// plus the audit line of every decision for Chit; `warn` shows the cost without logging).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const ROOT = new URL('..', import.meta.url);
const dist = (p) => new URL(p, ROOT).href;
const SECONDS = Number(process.env.BENCH_VERIFIER_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_VERIFIER_ROUNDS ?? 3);
const ENTRIES = Number(process.env.BENCH_VERIFIER_ENTRIES ?? 1_000_000);
const CONNECTIONS = 50;
const KEY_HEX = '5a'.repeat(32);
const JWT_SECRET = 'b7'.repeat(32);
// One client configuration for both servers: fail fast, with ioredis auto-pipelining
// (commands issued in one tick share a write; the plugin hands a turn's audit events to the
// store together). BENCH_VERIFIER_AUTOPIPELINE=0 turns it off for both.
const REDIS_OPTIONS = {
  enableOfflineQueue: false,
  commandTimeout: 500,
  maxRetriesPerRequest: 1,
  enableAutoPipelining: process.env.BENCH_VERIFIER_AUTOPIPELINE !== '0',
};

function keyBytes() {
  return Uint8Array.from(Buffer.from(KEY_HEX, 'hex'));
}

/** The same authority in both worlds: tenant 42, orders/*, read, 1 h, principal user-1. */
async function credentials() {
  const { caveat, encode, mint } = await import(dist('packages/token/dist/index.js'));
  const now = Math.floor(Date.now() / 1000);
  const chit = encode(
    mint({
      key: keyBytes(),
      kid: 'k1',
      tokenId: crypto.getRandomValues(new Uint8Array(16)),
      issuedAt: now,
      caveats: [
        caveat.tenant('42'),
        caveat.resource('orders/*'),
        caveat.action('read'),
        caveat.expires(now + 3600),
        caveat.principal('user-1'),
      ],
    }),
  );
  const { createSigner } = await import('fast-jwt');
  const jwt = createSigner({ key: JWT_SECRET, algorithm: 'HS256' })({
    sub: 'user-1',
    tenant: '42',
    resource: 'orders/',
    actions: ['read'],
    jti: crypto.randomUUID(),
    exp: now + 3600,
  });
  return { chit, jwt };
}

/** Child: serve one protected route and print `READY <port>`. */
async function serve(kind, redisUrl, logFile) {
  const { default: Fastify } = await import('fastify');
  const pino = (await import('pino')).default;
  const stream = pino.destination({ dest: logFile, sync: false, minLength: 4096 });
  const app = Fastify({
    logger: { level: process.env.BENCH_VERIFIER_LOG_LEVEL ?? 'info', stream },
  });
  const handler = async (req) => ({ id: req.params.id, ok: true });
  if (kind === 'chit') {
    const { chit } = await import(dist('packages/fastify/dist/index.js'));
    const { createRedisStore } = await import(dist('packages/redis/dist/index.js'));
    const { default: Redis } = await import('ioredis');
    const client = new Redis(redisUrl, REDIS_OPTIONS);
    client.on('error', () => {});
    await new Promise((r) => client.once('ready', r));
    const store = await createRedisStore({ redis: client, url: redisUrl, clock: Date.now });
    const key = keyBytes();
    await app.register(chit, {
      keys: (kid) => (kid === 'k1' ? key : undefined),
      store,
      audience: 'orders',
      tenant: 'headers.x-tenant',
    });
    app.get(
      '/orders/:id',
      { config: { chit: { action: 'read', resource: 'orders/:id' } } },
      handler,
    );
  } else {
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(redisUrl, REDIS_OPTIONS);
    await new Promise((r) => redis.once('ready', r));
    await app.register((await import('@fastify/jwt')).default, {
      secret: JWT_SECRET,
      verify: { algorithms: ['HS256'] },
    });
    app.addHook('onRequest', async (req, reply) => {
      try {
        await req.jwtVerify();
      } catch {
        return reply.code(401).send({ error: { code: 'ERR_UNAUTHORIZED', message: 'no' } });
      }
      const c = req.user;
      if ((await redis.exists(`deny:${c.jti}`)) === 1) {
        return reply.code(401).send({ error: { code: 'ERR_TOKEN_REVOKED', message: 'revoked' } });
      }
      const resource = `orders/${req.params.id}`;
      if (
        c.tenant !== req.headers['x-tenant'] ||
        !c.actions.includes('read') ||
        !resource.startsWith(c.resource)
      ) {
        return reply.code(403).send({ error: { code: 'ERR_FORBIDDEN', message: 'no' } });
      }
    });
    app.get('/orders/:id', handler);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`READY ${app.server.address().port}\n`);
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in 1/100 s
  } catch {
    return Number.NaN;
  }
}

/** The pid of the redis-server listening on `port` (for its CPU time), if visible. */
function redisPid(port) {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.startsWith('redis-server') && cmd.includes(`:${port}`)) return Number(d);
    } catch {
      // process gone
    }
  }
  return undefined;
}

function child(args, nodeArgs = []) {
  return spawn(process.execPath, [...nodeArgs, SELF, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function startServer(kind, redisUrl, logFile) {
  return new Promise((resolve, reject) => {
    const proc = child(['--serve', kind, redisUrl, logFile]);
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        resolve({ url: `http://127.0.0.1:${m[1]}`, pid: proc.pid, stop: () => stopChild(proc) });
      }
    });
    proc.on('exit', (code) => reject(new Error(`${kind} server exited (${code}) before ready`)));
  });
}

function stopChild(proc) {
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.on('exit', resolve);
    proc.kill('SIGTERM');
  });
}

async function load(server, authorization, redis) {
  const { default: autocannon } = await import('autocannon');
  const cpu0 = cpuSeconds(server.pid) + cpuSeconds(redis);
  const r = await autocannon({
    url: `${server.url}/orders/7`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization, 'x-tenant': '42' },
  });
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) {
    const codes = JSON.stringify(r.statusCodeStats);
    throw new Error(
      `${bad} failed requests against ${server.url}: non2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}, statuses ${codes}`,
    );
  }
  // CPU per request (the server and redis-server together): steadier than req/s on a
  // machine shared with other work.
  const cpuUs = ((cpuSeconds(server.pid) + cpuSeconds(redis) - cpu0) / r.requests.total) * 1e6;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuUs };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function httpComparison(redisUrl) {
  const redis = redisPid(new URL(redisUrl).port);
  const { chit, jwt } = await credentials();
  const logDir = mkdtempSync(join(tmpdir(), 'chit-bench-verifier-'));
  const servers = {
    chit: await startServer('chit', redisUrl, join(logDir, 'chit.log')),
    jwt: await startServer('jwt', redisUrl, join(logDir, 'jwt.log')),
  };
  const tokens = { chit: `Chit ${chit}`, jwt: `Bearer ${jwt}` };
  const runs = { chit: [], jwt: [] };
  try {
    for (const kind of ['chit', 'jwt']) await load(servers[kind], tokens[kind], redis); // warm-up
    for (let i = 0; i < ROUNDS; i++) {
      for (const kind of i % 2 === 0 ? ['chit', 'jwt'] : ['jwt', 'chit']) {
        runs[kind].push(await load(servers[kind], tokens[kind], redis));
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    rmSync(logDir, { recursive: true, force: true });
  }
  const m = (kind, f) => median(runs[kind].map((r) => r[f]));
  const rows = ['chit', 'jwt'].map((kind) => ({
    server: kind === 'chit' ? '@chit/fastify (mirror, audit)' : '@fastify/jwt HS256 + EXISTS',
    'req/s': Math.round(m(kind, 'rps')),
    'p50 ms': m(kind, 'p50'),
    'p99 ms': m(kind, 'p99'),
    'CPU µs/req (server+redis)': Math.round(m(kind, 'cpuUs')),
  }));
  const ratio = m('chit', 'rps') / m('jwt', 'rps');
  console.log(
    `HTTP, ${CONNECTIONS} connections, ${SECONDS} s x ${ROUNDS} rounds (medians), loopback, ` +
      `log level ${process.env.BENCH_VERIFIER_LOG_LEVEL ?? 'info'}:`,
  );
  console.table(rows);
  console.log(
    `req/s ratio chit/peer ${ratio.toFixed(2)}x (target >= 1.2x); ` +
      `p99 ${m('chit', 'p99')} ms vs ${m('jwt', 'p99')} ms (target <= peer); ` +
      `CPU per request chit/peer ${(m('chit', 'cpuUs') / m('jwt', 'cpuUs')).toFixed(2)}x`,
  );
  return { rows, ratio };
}

/** Writes `entries` revocations in the store's key layout (see `keyLayout` of @chit/redis). */
async function seed(redisUrl, entries) {
  const { keyLayout } = await import(dist('packages/redis/dist/index.js'));
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(redisUrl);
  const keys = keyLayout('chit');
  const now = Math.floor(Date.now() / 1000);
  const kinds = ['token', 'session', 'fingerprint', 'principal'];
  const hex = (i, salt) => (i * 2654435761 + salt).toString(16).padStart(32, 'e').slice(-32);
  for (let start = 0; start < entries; start += 10_000) {
    const end = Math.min(entries, start + 10_000);
    const hash = [];
    const zset = [];
    for (let i = start; i < end; i++) {
      const kind = kinds[i % 4];
      const value =
        kind === 'session' ? `s-${i}` : kind === 'principal' ? `user-${i}` : hex(i, i % 4);
      const field = `${kind}:${value}`;
      hash.push(field, `${now},${now + 86_400},${kind === 'principal' ? now - 60 : ''}`);
      zset.push(now + 86_400, field);
    }
    // The layout the store's revoke script writes (hash, expiry zset, log, meta), in bulk,
    // as bench/redis.bench.mjs does: a million EVALSHAs would take minutes on this machine.
    const log = [];
    for (let j = 0; j < hash.length; j += 2) log.push(`${hash[j]}\t${hash[j + 1]}\n`);
    const p = redis.pipeline();
    p.hset(keys.revocations, ...hash);
    p.zadd(keys.revocationExpiry, ...zset);
    p.append(keys.revocationLog, log.join(''));
    p.hset(keys.revocationMeta, 'lines', end);
    await p.exec();
  }
  await redis.quit();
}

/** Child (run with --expose-gc): start-up, memory and throughput against a mirror. */
async function mirrorChild(redisUrl) {
  const token = await import(dist('packages/token/dist/index.js'));
  const { RevocationMirror, syncMirror } = await import(dist('packages/store/dist/index.js'));
  const { createRedisStore } = await import(dist('packages/redis/dist/index.js'));
  const { chit: plugin } = await import(dist('packages/fastify/dist/index.js'));
  const { default: Fastify } = await import('fastify');
  const { chit: text } = await credentials();
  const key = keyBytes();
  const keys = (kid) => (kid === 'k1' ? key : undefined);
  const store = await createRedisStore({ url: redisUrl, clock: Date.now });

  // Start-up: registering the plugin loads the whole mirror before `ready` resolves.
  let t0 = performance.now();
  // fastify's default plugin timeout (10 s) would cut a slow load short: measure it whole.
  const app = Fastify({ pluginTimeout: 120_000 });
  await app.register(plugin, {
    keys,
    store,
    audience: 'orders',
    revocation: { startupMs: 60_000 },
  });
  await app.ready();
  const startupMs = performance.now() - t0;
  const loadedEntries = app.chit.stats().revocation.entries;
  await app.close();
  if (loadedEntries !== ENTRIES)
    throw new Error(`the mirror loaded ${loadedEntries} entries, not ${ENTRIES}`);

  // Memory: heap added by a loaded mirror (the store client exists before and after).
  globalThis.gc();
  globalThis.gc();
  const heap0 = process.memoryUsage().heapUsed;
  const full = new RevocationMirror();
  const sync = syncMirror(store, full, Date.now, { pruneIntervalMs: 0 });
  t0 = performance.now();
  await sync.ready;
  const mirrorLoadMs = performance.now() - t0;
  await sync.close();
  globalThis.gc();
  globalThis.gc();
  const addedMb = (process.memoryUsage().heapUsed - heap0) / 1e6;

  // Verify throughput through the plugin (fastify inject: chain cache, revocation check,
  // caveats, audit), an app on the loaded set against one on an empty set.
  const emptyStore = await createRedisStore({ url: redisUrl, prefix: 'empty', clock: Date.now });
  const appOn = async (s) => {
    const a = Fastify({ pluginTimeout: 120_000 });
    await a.register(plugin, {
      keys,
      store: s,
      audience: 'orders',
      tenant: 'headers.x-tenant',
      revocation: { startupMs: 120_000 },
    });
    a.get(
      '/orders/:id',
      { config: { chit: { action: 'read', resource: 'orders/:id' } } },
      async () => 'ok',
    );
    await a.ready();
    return a;
  };
  const apps = { empty: await appOn(emptyStore), full: await appOn(store) };
  const request = {
    method: 'GET',
    url: '/orders/7',
    headers: { authorization: `Chit ${text}`, 'x-tenant': '42' },
  };
  let failClosed = 0;
  const viaPlugin = async (a, n) => {
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const res = await a.inject(request);
      // A 503 is the mirror failing closed (feed lost, resync running): counted, reported.
      if (res.statusCode === 503) failClosed++;
      else if (res.statusCode !== 200) throw new Error(`status ${res.statusCode} ${res.body}`);
    }
    return n / ((performance.now() - start) / 1000);
  };
  // The store's mirror alone (cached chain + check + authorize), for the record.
  const empty = new RevocationMirror();
  empty.load([]);
  const cache = token.createVerifiedChainCache({ maxEntries: 16 });
  const ctx = { tenant: '42', resource: 'orders/7', action: 'read', audience: 'orders' };
  const raw = (mirror, n) => {
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const now = Date.now() / 1000;
      const cap = token.verifyChain(text, { keys, cache });
      mirror.check(cap, now);
      token.authorize(cap, ctx, Math.floor(now), 30);
    }
    return n / ((performance.now() - start) / 1000);
  };
  const rates = { empty: [], full: [], rawEmpty: [], rawFull: [] };
  await viaPlugin(apps.empty, 2000);
  await viaPlugin(apps.full, 2000);
  for (let r = 0; r < 5; r++) {
    // Alternate the order so neither set always runs second.
    for (const k of r % 2 === 0 ? ['empty', 'full'] : ['full', 'empty']) {
      rates[k].push(await viaPlugin(apps[k], 10_000));
    }
    rates.rawEmpty.push(raw(empty, 100_000));
    rates.rawFull.push(raw(full, 100_000));
  }
  const lookups = {
    empty: apps.empty.chit.stats().revocation.lookups,
    full: apps.full.chit.stats().revocation.lookups,
  };
  await apps.empty.close();
  await apps.full.close();
  await emptyStore.close();
  await store.close();
  const result = {
    entries: loadedEntries,
    startupMs,
    mirrorLoadMs,
    addedMb,
    emptyOps: median(rates.empty),
    fullOps: median(rates.full),
    failClosed,
    lookups,
    rawEmptyOps: median(rates.rawEmpty),
    rawFullOps: median(rates.rawFull),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

async function mirrorAtScale(redisUrl) {
  const t0 = performance.now();
  await seed(redisUrl, ENTRIES);
  const seedMs = performance.now() - t0;
  const result = await new Promise((resolve, reject) => {
    const proc = child(['--mirror', redisUrl], ['--expose-gc', '--max-old-space-size=4096']);
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d.toString();
    });
    proc.on('exit', (code) => {
      const m = /RESULT (.*)/.exec(out);
      if (m) resolve(JSON.parse(m[1]));
      else reject(new Error(`mirror child exited (${code}) without a result`));
    });
  });
  const ratio = result.fullOps / result.emptyOps;
  console.log(
    `\nRevocation mirror with ${result.entries.toLocaleString('en')} entries (seeded in ${(seedMs / 1000).toFixed(1)} s):`,
  );
  console.table([
    {
      measure: 'plugin start-up (mirror loaded)',
      value: `${(result.startupMs / 1000).toFixed(2)} s`,
      target: '< 5 s',
    },
    {
      measure: 'mirror load (listRevocations + load)',
      value: `${(result.mirrorLoadMs / 1000).toFixed(2)} s`,
      target: '< 5 s',
    },
    {
      measure: 'heap added by the mirror',
      value: `${result.addedMb.toFixed(0)} MB`,
      target: '<= 200 MB',
    },
    { measure: 'plugin verify req/s, empty set', value: Math.round(result.emptyOps), target: '' },
    { measure: 'plugin verify req/s, loaded set', value: Math.round(result.fullOps), target: '' },
    {
      measure: 'loaded / empty (plugin)',
      value: `${(ratio * 100).toFixed(1)} %`,
      target: '>= 90 %',
    },
    { measure: '503s (mirror failing closed) meanwhile', value: result.failClosed, target: '0' },
    {
      measure: 'full mirror lookups (empty / loaded app)',
      value: `${result.lookups.empty} / ${result.lookups.full}`,
      target: '(memo misses)',
    },
    {
      measure: 'mirror.check path ops/s, empty',
      value: Math.round(result.rawEmptyOps),
      target: '',
    },
    {
      measure: 'mirror.check path ops/s, loaded',
      value: Math.round(result.rawFullOps),
      target: '',
    },
    {
      measure: 'loaded / empty (mirror.check alone)',
      value: `${((result.rawFullOps / result.rawEmptyOps) * 100).toFixed(1)} %`,
      target: '(for the record)',
    },
  ]);
  return { ...result, ratio };
}

/**
 * Runs the whole verifier benchmark (needs `pnpm build` and `redis-server` on PATH).
 * @example
 * ```js
 * const { http, mirror } = await (await import('./bench/verifier.bench.mjs')).run();
 * ```
 */
export async function run() {
  const { startRedis } = await import(dist('packages/testkit/dist/index.js'));
  const parts = (process.env.BENCH_VERIFIER_PARTS ?? 'http,mirror').split(',');
  // A fresh redis-server for each part: nothing of one run leaks into the other.
  const withRedis = async (fn) => {
    const redis = await startRedis();
    try {
      return await fn(redis.url);
    } finally {
      await redis.stop();
    }
  };
  const http = parts.includes('http') ? await withRedis(httpComparison) : undefined;
  const mirror = parts.includes('mirror') ? await withRedis(mirrorAtScale) : undefined;
  return { http, mirror };
}

const argv = process.argv.slice(2);
if (argv[0] === '--serve') {
  await serve(argv[1], argv[2], argv[3]);
} else if (argv[0] === '--mirror') {
  await mirrorChild(argv[1]);
  process.exit(0);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
