import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installShutdown } from '../src/shutdown.js';
import { expectError, rememberSecret, startTestMint, suiteTestMint, tempDir } from './harness.js';

const m = suiteTestMint();

describe('health, metrics, docs', () => {
  it('serves /healthz and /readyz', async () => {
    expect((await m.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await m.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('serves Prometheus metrics including the revocation set size', async () => {
    await m.asAdmin('POST', '/v1/revocations', { session: 'metrics-s' });
    const res = await m.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^chit_mint_revocation_set_size 1$/m);
    expect(res.body).toMatch(/^chit_mint_revocations_total\{kind="session"\} 1$/m);
  });

  it('serves a valid OpenAPI document generated from the zod schemas, and Swagger UI', async () => {
    const res = await m.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = JSON.parse(res.body);
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/readyz',
      '/v1/audit',
      '/v1/keys',
      '/v1/keys/retire',
      '/v1/keys/rotate',
      '/v1/revocations',
      '/v1/tokens',
      '/v1/verify',
    ]);
    const mintOp = doc.paths['/v1/tokens'].post;
    const body = mintOp.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(
      expect.arrayContaining(['principal', 'tenant', 'resources', 'actions', 'ttl']),
    );
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['session', 'traceId', 'audience', 'budget', 'attributes']),
    );
    expect(Object.keys(mintOp.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '429']),
    );
    expect(doc.paths['/v1/audit'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'tokenId',
        'session',
        'principal',
        'tenant',
        'traceId',
        'since',
        'until',
        'cursor',
      ]),
    );
    let url = '/docs';
    let page = await m.inject({ method: 'GET', url });
    for (let hops = 0; page.statusCode === 302 && hops < 3; hops++) {
      url = new URL(String(page.headers.location), `http://x${url}`).pathname;
      page = await m.inject({ method: 'GET', url });
    }
    expect(page.statusCode).toBe(200);
    expect(page.body.toLowerCase()).toContain('swagger');
    expect(
      (await m.inject({ method: 'GET', url: '/docs/json' })).json().paths['/v1/verify'],
    ).toBeDefined();
  });
});

describe('graceful shutdown', () => {
  it('closes the app (store, mirror, logs) on the signal and exits 0', async () => {
    const r = await startTestMint();
    const exits: number[] = [];
    let resolveExit: () => void = () => {};
    const exited = new Promise<void>((res) => {
      resolveExit = res;
    });
    const remove = installShutdown(r.app, {
      signals: ['SIGUSR2'],
      exit: (code) => {
        exits.push(code);
        resolveExit();
      },
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    await exited;
    remove();
    expect(exits).toEqual([0]);
    // Closed: the store refuses further use, the server answers nothing more.
    await expect(r.runtime.app.mint.store.ping()).rejects.toBeDefined();
  });
});

/** Runs the real entry point (TypeScript sources through tsx) with an environment. */
function runMain(env: Record<string, string>): {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
} {
  let err = '';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@chit/source', join(__dirname, '../src/main.ts')],
    { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { child, stderr: () => err, stdout: () => out };
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

describe('main.ts (real process, real socket)', () => {
  it('starts with no configuration, prints paths not secrets, serves HTTP, exits 0 on SIGTERM', async () => {
    const dir = join(await tempDir(), 'data');
    const { child, stderr, stdout } = runMain({ CHIT_DATA_DIR: dir, PORT: '0' });
    const exit = exitOf(child);
    const started = Date.now();
    while (!/listening on (http:\/\/[^\s]+)/.test(stderr())) {
      if (child.exitCode !== null || Date.now() - started > 20_000)
        throw new Error(`did not start: ${stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const base = /listening on (http:\/\/[^\s]+)/.exec(stderr())![1]!;
    const admin = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
    rememberSecret(admin);
    const keyFile = JSON.parse(await readFile(join(dir, 'keys.json'), 'utf8'));
    rememberSecret(keyFile.keys[0].key);
    expect((await stat(join(dir, 'keys.json'))).mode & 0o777).toBe(0o600);
    expect(stderr()).toContain(join(dir, 'admin-token'));
    expect(stderr()).not.toContain(admin);
    expect(stderr()).not.toContain(keyFile.keys[0].key);

    const minted = await fetch(`${base}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        principal: { id: 'u' },
        tenant: '1',
        resources: ['a/*'],
        actions: ['read'],
        ttl: 60,
      }),
    });
    expect(minted.status).toBe(201);
    const { token } = (await minted.json()) as { token: string };
    rememberSecret(token);
    const verified = await fetch(`${base}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, context: { tenant: '1', resource: 'a/b', action: 'read' } }),
    });
    expect(await verified.json()).toMatchObject({ allowed: true });
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr()).not.toContain(token);
    // The process's own log (stdout, JSON lines at info: audit events included) holds no secret.
    expect(stdout()).toContain('"type":"verify.allow"');
    for (const secret of [token, admin, keyFile.keys[0].key])
      expect(stdout()).not.toContain(secret);
  });

  it('exits non-zero naming the variable on a bad configuration', async () => {
    const { child, stderr } = runMain({ PORT: 'eighty' });
    expect(await exitOf(child)).toBe(2);
    expect(stderr()).toMatch(/invalid configuration: PORT: /);
  });

  it('answers 404 in the error shape on a real socket too', async () => {
    await m.app.listen({ port: 0, host: '127.0.0.1' });
    const address = m.app.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${address.port}/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'ERR_NOT_FOUND', message: 'no such route' },
    });
  });
});

describe('errors', () => {
  it('never answers 500 for hostile JSON', async () => {
    for (const payload of [
      '[]',
      'null',
      '"x"',
      '{"__proto__":{"admin":true}}',
      '{"token":{"a":1}}',
    ]) {
      const res = await m.inject({
        method: 'POST',
        url: '/v1/verify',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expectError(res, 400, 'ERR_BAD_REQUEST');
    }
  });
});

describe('request ids', () => {
  it('records a well-formed upstream x-request-id in audit events and replaces a hostile one', async () => {
    const t = await m.mint();
    const send = (id: string) =>
      m.inject({
        method: 'POST',
        url: '/v1/verify',
        headers: { 'x-request-id': id },
        payload: {
          token: t.token,
          context: { tenant: '42', resource: 'orders/1', action: 'read' },
        },
      });
    expect((await send('upstream-id-1')).statusCode).toBe(200);
    expect((await send('x'.repeat(5000))).statusCode).toBe(200);
    const events = (
      await m.asAdmin('GET', `/v1/audit?tokenId=${t.tokenId}&type=verify.allow`)
    ).json().events;
    expect(events.map((e: { requestId: string }) => e.requestId.length <= 128)).toEqual([
      true,
      true,
    ]);
    expect(events[0].requestId).toBe('upstream-id-1');
  });
});
