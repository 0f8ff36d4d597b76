/** Shared test fixtures: keys, minting, an app with representative routes. */
import { type ChitStore, createEmbeddedStore } from '@chit/store';
import { type CapturedLogs, captureLogs } from '@chit/testkit';
import { caveat, encode, mint, toHex } from '@chit/token';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { type ChitPluginOptions, chit } from '../src/index.js';

export const KEY = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 255);
export const KEY_HEX = toHex(KEY);
export const keys = (kid: string) => (kid === 'k1' ? KEY : undefined);

/** A controllable clock (Unix ms). */
export function testClock(startMs = 1_800_000_000_000) {
  let now = startMs;
  const clock = () => now;
  return Object.assign(clock, {
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  });
}

/** Every token minted and every log captured in this test file, for the final scan. */
const minted: string[] = [];
const allLogs: CapturedLogs[] = [];

/**
 * Fails if any minted token, extra secret or the master key (hex, base64, base64url)
 * appears in any log line captured by {@link buildApp} in this file.
 */
export function assertNoSecretsInLogs(extra: readonly string[] = []): void {
  const b = Buffer.from(KEY);
  const secrets = [...minted, ...extra, KEY_HEX, b.toString('base64'), b.toString('base64url')];
  if (allLogs.every((l) => l.lines.length === 0)) throw new Error('no log lines captured');
  for (const logs of allLogs) logs.assertNoSecrets(secrets);
}

let counter = 0;
/** Mints a token; returns its text and token id. */
export function mintToken(
  opts: {
    caveats?: string[];
    session?: string;
    issuedAt?: number;
    key?: Uint8Array;
    kid?: string;
  } = {},
): { token: string; tokenId: string } {
  counter++;
  const id = new Uint8Array(16);
  crypto.getRandomValues(id);
  id[0] = counter & 255;
  const m = mint({
    key: opts.key ?? KEY,
    kid: opts.kid ?? 'k1',
    tokenId: id,
    issuedAt: opts.issuedAt ?? 1_800_000_000 - 60,
    session: opts.session,
    caveats: opts.caveats ?? [],
  });
  const token = encode(m);
  minted.push(token);
  return { token, tokenId: toHex(id) };
}

/** The standard caveats of a tenant-42 reader of orders. */
export function readerCaveats(expires = 1_800_000_000 + 3600): string[] {
  return [
    caveat.tenant('42'),
    caveat.resource('orders/*'),
    caveat.action(['read', 'refund']),
    caveat.expires(expires),
    caveat.principal('user-1'),
  ];
}

export const auth = (token: string) => ({ authorization: `Chit ${token}` });

/** An app with representative routes, logging into memory. */
export async function buildApp(
  options: ChitPluginOptions,
  logs: CapturedLogs = captureLogs(),
): Promise<{ app: FastifyInstance; logs: CapturedLogs }> {
  allLogs.push(logs);
  const app = Fastify({
    logger: { level: 'info', stream: logs.stream, redact: ['req.headers.authorization'] },
  });
  await app.register(chit, options);
  app.get(
    '/orders/:id',
    {
      config: {
        chit: {
          action: 'read',
          resource: 'orders/:id',
          tenant: 'headers.x-tenant',
          attributes: { customer_id: 'query.customer_id' },
        },
      },
    },
    async (req) => ({
      principal: req.capability?.principal,
      tenant: req.capability?.tenant,
      tokenId: req.capability?.tokenId,
    }),
  );
  app.post(
    '/orders/:id/refund',
    {
      config: {
        chit: {
          action: 'refund',
          resource: 'orders/:id',
          tenant: 'headers.x-tenant',
          attributes: { amount: 'body.amount' },
        },
      },
    },
    async () => ({ refunded: true }),
  );
  app.get('/healthz', { config: { chit: false } }, async () => ({ ok: true }));
  app.get('/plain', async (req) => ({ tokenId: req.capability?.tokenId }));
  await app.ready();
  return { app, logs };
}

/** Asserts a rejection: exact status and code, the error body's shape, and `WWW-Authenticate: Chit` exactly on 401. */
export function expectDenied(
  res: { statusCode: number; json(): unknown; headers: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  const body = res.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  if (status === 401) expect(res.headers['www-authenticate']).toBe('Chit');
  else expect(res.headers['www-authenticate']).toBeUndefined();
}

/** The embedded-store app of a suite: filled in by `beforeAll`, read it inside tests only. */
export interface EmbeddedSuite {
  readonly clock: ReturnType<typeof testClock>;
  store: ChitStore;
  app: FastifyInstance;
  logs: CapturedLogs;
  /** Remembers a minted token so the suite's log scan fails if it ever appears. */
  track<T extends { token: string }>(t: T): T;
  /** A tenant-42 reader of orders, tracked. */
  reader(): { token: string; tokenId: string };
  /** `GET url` with `x-tenant: 42`. */
  get(url: string, headers?: Record<string, string>): ReturnType<FastifyInstance['inject']>;
}

/**
 * One app over an embedded store for the calling suite, closed in `afterAll`, whose logs
 * are then scanned for the key and every tracked token.
 */
export function embeddedSuite(): EmbeddedSuite {
  const secrets: string[] = [KEY_HEX];
  const s = {
    clock: testClock(),
    track<T extends { token: string }>(t: T): T {
      secrets.push(t.token);
      return t;
    },
    reader: () => s.track(mintToken({ caveats: readerCaveats() })),
    get: (url: string, headers: Record<string, string> = {}) =>
      s.app.inject({ method: 'GET', url, headers: { 'x-tenant': '42', ...headers } }),
  } as EmbeddedSuite;
  beforeAll(async () => {
    s.store = await createEmbeddedStore({ clock: s.clock });
    ({ app: s.app, logs: s.logs } = await buildApp({
      keys,
      store: s.store,
      audience: 'orders',
      clock: s.clock,
    }));
  });
  afterAll(async () => {
    await s.app.close();
    s.logs.assertNoSecrets(secrets);
    assertNoSecretsInLogs(secrets);
    await s.store.close();
  });
  return s;
}

export type { ChitStore };
