#!/usr/bin/env node
// HTTP benchmark of the mint service (issue 3): `POST /v1/tokens` and `POST /v1/verify` in
// Redis mode against a bare fastify route that echoes the same JSON body, in one run,
// autocannon on loopback with 50 connections. Each server runs in its own child process
// (this file, re-invoked with --serve) so autocannon and the server do not share a thread.
// Usage: pnpm build && node bench/http.bench.mjs   (or `pnpm bench http`, which calls run()).
// Knobs: BENCH_HTTP_SECONDS (default 5), BENCH_HTTP_ROUNDS (default 3), BENCH_HTTP_LOG_LEVEL
// (mint log level, default info: request logs and audit events written to a file).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const ADMIN = 'bench-admin-token-0123456789abcdef0123456789';
const ROOT_KEYS = `k1:${'7e'.repeat(32)}`;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);
const CONNECTIONS = 50;

const MINT_BODY = {
  principal: { id: 'user-1', role: 'agent' },
  tenant: '42',
  resources: ['orders/*'],
  actions: ['read'],
  ttl: 3600,
  session: 's-1',
  audience: 'orders',
  attributes: { customer_id: '7' },
};

/** Child mode: serve one kind of server and print `READY <port>`; `CPU <µs>` on SIGUSR2. */
async function serve(kind, redisUrl) {
  process.on('SIGUSR2', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`CPU ${user + system}\n`);
  });
  if (kind === 'bare') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.post('/echo', async (request) => request.body);
    await app.listen({ port: 0, host: '127.0.0.1' });
    process.stdout.write(`READY ${app.server.address().port}\n`);
    return;
  }
  const { loadConfig, startMint } = await import('../services/mint/dist/index.js');
  const pino = (await import('pino')).default;
  const logFile = join(mkdtempSync(join(tmpdir(), 'chit-bench-http-')), 'mint.log');
  const config = loadConfig({
    REDIS_URL: redisUrl,
    CHIT_ADMIN_TOKEN: ADMIN,
    CHIT_ROOT_KEYS: ROOT_KEYS,
    CHIT_MINT_RATE_LIMIT: '1000000000',
    CHIT_LOG_LEVEL: process.env.BENCH_HTTP_LOG_LEVEL ?? 'info',
    CHIT_DATA_DIR: join(tmpdir(), 'chit-bench-unused'),
  });
  const rt = await startMint(config, {
    logDestination: pino.destination({ dest: logFile, sync: false, minLength: 4096 }),
  });
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`READY ${rt.app.server.address().port}\n`);
  process.on('SIGTERM', () => rt.app.close().then(() => process.exit(0)));
}

function startServer(kind, redisUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, '--serve', kind, redisUrl ?? ''], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let cpuWaiter = null;
    const cpu = () =>
      new Promise((res) => {
        cpuWaiter = res;
        child.kill('SIGUSR2');
      });
    child.stdout.on('data', (d) => {
      out += d.toString();
      let m = /READY (\d+)\n/.exec(out);
      if (m) {
        out = out.slice(m.index + m[0].length);
        resolve({ url: `http://127.0.0.1:${m[1]}`, stop: () => stop(child), cpu });
      }
      m = /CPU (\d+)\n/.exec(out);
      if (m && cpuWaiter) {
        out = out.slice(m.index + m[0].length);
        const w = cpuWaiter;
        cpuWaiter = null;
        w(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited (${code}) before ready`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function load(server, path, body, headers = {}) {
  const { default: autocannon } = await import('autocannon');
  const cpuBefore = await server.cpu();
  const result = await autocannon({
    url: server.url + path,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const expected = path === '/v1/tokens' ? '2xx' : '2xx';
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(
      `${path}: ${bad} failed requests of ${result.requests.total} (${expected} expected)`,
    );
  const cpuUs = (await server.cpu()) - cpuBefore;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    // Server CPU per request: unlike req/s, barely affected by other load on the machine.
    cpuPerReq: cpuUs / result.requests.total,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString('en-US');

/** Runs the HTTP cases and prints the table; returns its rows. */
export async function run() {
  const { startRedis } = await import('../packages/testkit/dist/index.js');
  const redis = await startRedis({ appendonly: true, appendfsync: 'everysec' });
  const mint = await startServer('mint', redis.url);
  const bare = await startServer('bare');
  const rows = [];
  try {
    const admin = { authorization: `Bearer ${ADMIN}` };
    const minted = await fetch(`${mint.url}/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin },
      body: JSON.stringify(MINT_BODY),
    }).then((r) => r.json());
    const verifyBody = {
      token: minted.token,
      discharges: [],
      context: {
        tenant: '42',
        resource: 'orders/7',
        action: 'read',
        audience: 'orders',
        attributes: { customer_id: '7' },
      },
    };
    const check = await fetch(`${mint.url}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(verifyBody),
    }).then((r) => r.json());
    if (!check.allowed) throw new Error(`verify setup denied: ${check.code}`);

    const cases = [
      ['bare echo (mint body)', () => load(bare, '/echo', MINT_BODY)],
      ['POST /v1/tokens', () => load(mint, '/v1/tokens', MINT_BODY, admin)],
      ['bare echo (verify body)', () => load(bare, '/echo', verifyBody)],
      ['POST /v1/verify', () => load(mint, '/v1/verify', verifyBody)],
    ];
    // Warm-up (JIT, connections), not recorded.
    for (const [, fn] of cases) await fn();
    const samples = new Map(cases.map(([name]) => [name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, fn] of cases) samples.get(name).push(await fn());
    }
    for (const [name] of cases) {
      const s = samples.get(name);
      rows.push({
        name,
        rps: median(s.map((x) => x.rps)),
        p50: median(s.map((x) => x.p50)),
        p99: median(s.map((x) => x.p99)),
        cpuPerReq: median(s.map((x) => x.cpuPerReq)),
      });
    }
  } finally {
    await mint.stop();
    await bare.stop();
    await redis.stop();
  }
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  const mintRatio = by['POST /v1/tokens'].rps / by['bare echo (mint body)'].rps;
  const verifyRatio = by['POST /v1/verify'].rps / by['bare echo (verify body)'].rps;
  console.log(
    `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per run, median of ${ROUNDS} rounds, loopback, Redis mode (appendonly yes, everysec)`,
  );
  const bareOf = (name) =>
    name === 'POST /v1/tokens'
      ? 'bare echo (mint body)'
      : name === 'POST /v1/verify'
        ? 'bare echo (verify body)'
        : name;
  console.log(
    '| case | req/s | p50 ms | p99 ms | ratio to bare | server CPU µs/req | CPU ratio to bare |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const bareRow = by[bareOf(r.name)];
    const ratio = r.rps / bareRow.rps;
    const cpuRatio = bareRow.cpuPerReq / r.cpuPerReq;
    console.log(
      `| ${r.name} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${ratio.toFixed(2)}x | ${r.cpuPerReq.toFixed(0)} | ${cpuRatio.toFixed(2)}x |`,
    );
  }
  const met = (ok) => (ok ? 'met' : 'NOT met');
  console.log(
    `mint ≥ 0.5x bare: ${mintRatio.toFixed(2)}x (${met(mintRatio >= 0.5)}); p99 < 10 ms: ${by['POST /v1/tokens'].p99} ms (${met(by['POST /v1/tokens'].p99 < 10)})`,
  );
  console.log(
    `verify ≥ 0.6x bare: ${verifyRatio.toFixed(2)}x (${met(verifyRatio >= 0.6)}); p99 < 10 ms: ${by['POST /v1/verify'].p99} ms (${met(by['POST /v1/verify'].p99 < 10)})`,
  );
  return rows;
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3], process.argv[4]);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
