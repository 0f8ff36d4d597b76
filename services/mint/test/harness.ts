/**
 * Test harness of the mint: apps on a temp data dir (or a given store), an injected clock,
 * captured logs, and a record of every secret seen (admin token, keys, minted tokens) so
 * each test file ends by scanning all its logs for them.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditPageSchema as auditPageOf } from '@chit/protocol';
import { auditEventSchema } from '@chit/store';
import { type CapturedLogs, captureLogs } from '@chit/testkit';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import type { MintApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type MintRuntime, type MintRuntimeDeps, startMint } from '../src/runtime.js';
import {
  errorSchema,
  healthSchema,
  keysResponseSchema,
  mintResponseSchema,
  revokeResponseSchema,
  verifyResponseSchema,
} from '../src/schemas.js';

const auditPageSchema = auditPageOf(auditEventSchema);

/**
 * The app serializes with JSON.stringify (no runtime response validation): every JSON
 * answer the tests see must parse, unchanged, with its route's response schema.
 */
function checkAnswer(url: string, res: LightMyRequestResponse): void {
  if (!String(res.headers['content-type'] ?? '').includes('application/json')) return;
  const path = url.split('?')[0];
  const schema =
    res.statusCode >= 400
      ? errorSchema
      : path === '/v1/tokens'
        ? mintResponseSchema
        : path === '/v1/verify'
          ? verifyResponseSchema
          : path === '/v1/revocations'
            ? revokeResponseSchema
            : path?.startsWith('/v1/keys')
              ? keysResponseSchema
              : path === '/healthz' || path === '/readyz'
                ? healthSchema
                : path === '/v1/audit'
                  ? auditPageSchema
                  : undefined;
  if (!schema) return;
  const body: unknown = res.json();
  expect(schema.parse(body), `answer of ${path} ${res.statusCode}`).toEqual(body);
}

/** Every log of this test file and every secret seen. */
const allLogs: CapturedLogs[] = [];
const secrets = new Set<string>();

/** Remembers a secret (and its usual encodings) for the final log scan. */
export function rememberSecret(s: string): void {
  secrets.add(s);
  if (/^[0-9a-f]+$/.test(s) && s.length >= 64) {
    const bytes = Buffer.from(s, 'hex');
    secrets.add(bytes.toString('base64'));
    secrets.add(bytes.toString('base64url'));
  }
}

/** Fails if any remembered secret appears in any captured log line of this file. */
export function assertNoSecretsInLogs(): void {
  expect(secrets.size).toBeGreaterThan(0);
  expect(allLogs.some((l) => l.lines.length > 0)).toBe(true);
  for (const logs of allLogs) logs.assertNoSecrets([...secrets]);
}

/** A settable clock (Unix ms). */
export interface TestClock {
  now: number;
  readonly fn: () => number;
  advance(seconds: number): void;
}

/** A clock at 2026-01-01T00:00:00Z unless told otherwise. */
export function testClock(start = Date.UTC(2026, 0, 1)): TestClock {
  const c: TestClock = {
    now: start,
    fn: () => c.now,
    advance(seconds) {
      c.now += seconds * 1000;
    },
  };
  return c;
}

/** A running test app. */
export interface TestMint {
  readonly app: MintApp;
  readonly runtime: MintRuntime;
  readonly admin: string;
  readonly dir: string;
  readonly clock: TestClock;
  readonly logs: CapturedLogs;
  /** `inject` that records every `token` in JSON answers as a secret. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** JSON request with the admin bearer token. */
  asAdmin(method: 'GET' | 'POST', url: string, body?: unknown): Promise<LightMyRequestResponse>;
  /** Mints with the admin token; returns the 201 body. */
  mint(body?: Record<string, unknown>): Promise<MintAnswer>;
  close(): Promise<void>;
}

/** Body of a 201 from `POST /v1/tokens`. */
export interface MintAnswer {
  token: string;
  tokenId: string;
  kid: string;
  expiresAt: number;
  caveats: string[];
}

/** A minimal valid mint body. */
export const MINT_BODY = {
  principal: { id: 'user-1', role: 'agent' },
  tenant: '42',
  resources: ['orders/*'],
  actions: ['read'],
  ttl: 3600,
  session: 's-1',
};

/** Makes a fresh temp dir. */
export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'chit-mint-test-'));
}

/**
 * Starts a mint app with the given environment (defaults: embedded, temp data dir).
 * @example const m = await startTestMint({ env: { CHIT_MAX_TTL: '600' } })
 */
export async function startTestMint(
  opts: {
    env?: Record<string, string>;
    dir?: string;
    clock?: TestClock;
    deps?: MintRuntimeDeps;
  } = {},
): Promise<TestMint> {
  const dir = opts.dir ?? (await tempDir());
  const clock = opts.clock ?? testClock();
  const logs = captureLogs();
  allLogs.push(logs);
  const config = loadConfig({ CHIT_DATA_DIR: dir, CHIT_LOG_LEVEL: 'info', ...opts.env });
  const runtime = await startMint(config, {
    clock: clock.fn,
    logDestination: logs.stream,
    mirrorWaitMs: 2000,
    ...opts.deps,
  });
  const admin = config.adminToken ?? (await readFile(runtime.paths.adminTokenFile, 'utf8')).trim();
  rememberSecret(admin);
  if (runtime.keysFile) {
    const file = JSON.parse(await readFile(runtime.keysFile, 'utf8')) as {
      keys: { key: string }[];
    };
    for (const k of file.keys) rememberSecret(k.key);
  }
  for (const k of config.rootKeys ?? []) rememberSecret(Buffer.from(k.key).toString('hex'));
  const app = runtime.app;
  const inject = async (o: InjectOptions) => {
    const res = await app.inject(o);
    checkAnswer(String(o.url ?? ''), res);
    if (res.headers['content-type']?.toString().includes('json')) {
      const body = res.json() as { token?: unknown };
      if (typeof body?.token === 'string') rememberSecret(body.token);
    }
    return res;
  };
  const m: TestMint = {
    app,
    runtime,
    admin,
    dir,
    clock,
    logs,
    inject,
    asAdmin: (method, url, body) =>
      inject({
        method,
        url,
        headers: { authorization: `Bearer ${admin}` },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
    async mint(body = {}) {
      const res = await m.asAdmin('POST', '/v1/tokens', { ...MINT_BODY, ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as MintAnswer;
    },
    close: () => app.close(),
  };
  return m;
}

/**
 * One test mint for the calling suite: started in `beforeAll` with `opts` (as
 * {@link startTestMint}); closed in `afterAll`, which then checks that no secret reached
 * the logs. The object is filled in when the suite starts; read it only in hooks and tests.
 * @example const m = suiteTestMint({ env: { CHIT_MAX_TTL: '600' } })
 */
export function suiteTestMint(opts: Parameters<typeof startTestMint>[0] = {}): TestMint {
  const m = {} as TestMint;
  beforeAll(async () => {
    Object.assign(m, await startTestMint(opts));
  });
  afterAll(async () => {
    await m.close();
    assertNoSecretsInLogs();
  });
  return m;
}

/** Asserts an error answer: status and exact code. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({
    status: res.statusCode,
    code: (res.json() as { error?: { code?: string } }).error?.code,
  }).toEqual({
    status,
    code,
  });
  expect(Object.keys(res.json() as object)).toEqual(['error']);
}

/** Verify request body for a token. */
export function verifyBody(
  token: string,
  context: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    token,
    discharges: [],
    context: { tenant: '42', resource: 'orders/7', action: 'read', ...context },
  };
}
