/**
 * The hostile corpus through the mint API: hostile JSON bodies, credentials and caveat
 * values. Each gets its exact status and code; none mints, revokes or verifies anything
 * (no audit event appears), none is a 500. Forged tokens sent to /v1/verify are denied.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type MintRuntime, startMint } from '@chit/mint';
import { captureLogs } from '@chit/testkit';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOREIGN_KEY, mintToken, NOW_S, readerCaveats, settableClock } from '../src/index.js';

interface MintCase {
  readonly name: string;
  readonly url?: string;
  readonly method?: 'GET' | 'POST';
  /** `admin` for the admin bearer token, a string for a literal header, none for no header. */
  readonly auth?: 'admin' | string | string[];
  readonly contentType?: string;
  /** A raw body string (sent as is). */
  readonly raw: string;
  readonly status: number;
  readonly code: string;
}

const good = {
  principal: { id: 'user-1' },
  tenant: '42',
  resources: ['orders/*'],
  actions: ['read'],
  ttl: 600,
};
const body = (over: Record<string, unknown>) => JSON.stringify({ ...good, ...over });
const B = 'ERR_BAD_REQUEST';
const forged = mintToken({ key: FOREIGN_KEY, kid: 'k1', caveats: readerCaveats() }).token;

const CASES: readonly MintCase[] = [
  { name: 'no credentials', raw: body({}), status: 401, code: 'ERR_UNAUTHORIZED' },
  {
    name: 'wrong admin token',
    auth: `Bearer ${'x'.repeat(40)}`,
    raw: body({}),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: 'admin token under the Basic scheme',
    auth: 'basic-admin',
    raw: body({}),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: 'admin token with a NUL appended',
    auth: 'admin-nul',
    raw: body({}),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  // Finding F1 (docs/security.md): Node keeps the first of duplicate Authorization headers; a proxy may check the
  // other. The verifier refuses duplicates (ERR_TOKEN_MALFORMED); the mint should too.
  {
    name: 'duplicate Authorization (admin, then another)',
    auth: ['admin', `Bearer ${'y'.repeat(40)}`],
    raw: body({}),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: '__proto__ key',
    auth: 'admin',
    raw: `{"__proto__":{"isAdmin":true},${body({}).slice(1)}`,
    status: 400,
    code: B,
  },
  {
    name: 'constructor.prototype key',
    auth: 'admin',
    raw: `{"constructor":{"prototype":{"x":1}},${body({}).slice(1)}`,
    status: 400,
    code: B,
  },
  {
    name: 'deep nesting (10,000 levels)',
    auth: 'admin',
    raw: `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    status: 400,
    code: B,
  },
  {
    name: 'deep nesting inside a field',
    auth: 'admin',
    raw: body({ principal: JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`) }),
    status: 400,
    code: B,
  },
  // Finding F2 (docs/security.md): JSON.parse keeps the last duplicate key, a proxy or WAF may read the first.
  {
    name: 'duplicate keys (tenant twice)',
    auth: 'admin',
    raw: `{"tenant":"42",${body({}).slice(1)}`.replace('"tenant":"42"}', '"tenant":"43"}'),
    status: 400,
    code: B,
  },
  { name: 'invalid JSON', auth: 'admin', raw: '{"tenant":', status: 400, code: B },
  {
    name: 'text/plain body',
    auth: 'admin',
    contentType: 'text/plain',
    raw: body({}),
    status: 400,
    code: B,
  },
  {
    name: 'body over the limit',
    auth: 'admin',
    raw: body({ session: 'x'.repeat(70_000) }),
    status: 413,
    code: 'ERR_PAYLOAD_TOO_LARGE',
  },
  { name: 'unknown field', auth: 'admin', raw: body({ role: 'admin' }), status: 400, code: B },
  { name: 'NUL in tenant', auth: 'admin', raw: body({ tenant: '42\u0000' }), status: 400, code: B },
  {
    name: 'CR/LF in tenant',
    auth: 'admin',
    raw: body({ tenant: '42\r\nrole = admin' }),
    status: 400,
    code: B,
  },
  {
    name: 'caveat injection via tenant',
    auth: 'admin',
    raw: body({ tenant: '42, 43' }),
    status: 400,
    code: B,
  },
  {
    name: 'non-NFC principal',
    auth: 'admin',
    raw: body({ principal: { id: 'e\u0301' } }),
    status: 400,
    code: B,
  },
  {
    name: 'confusable action (Cyrillic a)',
    auth: 'admin',
    raw: body({ actions: ['re\u0430d'] }),
    status: 400,
    code: B,
  },
  {
    name: 'resource with ..',
    auth: 'admin',
    raw: body({ resources: ['orders/../admin'] }),
    status: 400,
    code: B,
  },
  { name: 'ttl negative', auth: 'admin', raw: body({ ttl: -1 }), status: 400, code: B },
  { name: 'ttl as a string', auth: 'admin', raw: body({ ttl: '600' }), status: 400, code: B },
  {
    name: 'ttl over the maximum',
    auth: 'admin',
    raw: body({ ttl: 10 ** 9 }),
    status: 400,
    code: B,
  },
  { name: 'ttl not an integer', auth: 'admin', raw: body({ ttl: 1.5 }), status: 400, code: B },
  {
    name: 'verify: token over 16 KiB',
    url: '/v1/verify',
    raw: JSON.stringify({ token: 'A'.repeat(16_385) }),
    status: 400,
    code: B,
  },
  {
    name: 'verify: 17 discharges',
    url: '/v1/verify',
    raw: JSON.stringify({ token: forged, discharges: Array(17).fill('AgAA') }),
    status: 400,
    code: B,
  },
  {
    name: 'revoke: two forms at once',
    url: '/v1/revocations',
    auth: 'admin',
    raw: JSON.stringify({ tokenId: '0'.repeat(32), session: 's' }),
    status: 400,
    code: B,
  },
  {
    name: 'revoke: uppercase token id',
    url: '/v1/revocations',
    auth: 'admin',
    raw: JSON.stringify({ tokenId: 'A'.repeat(32) }),
    status: 400,
    code: B,
  },
  {
    name: 'revoke: session without credentials',
    url: '/v1/revocations',
    raw: JSON.stringify({ session: 's-1' }),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: 'revoke: forged token presented by its holder',
    url: '/v1/revocations',
    raw: JSON.stringify({ token: forged }),
    status: 401,
    code: 'ERR_SIGNATURE_INVALID',
  },
  {
    name: 'keys: rotate without credentials',
    url: '/v1/keys/rotate',
    raw: '{}',
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: 'audit: since not a time',
    url: '/v1/audit?since=yesterday',
    method: 'GET',
    auth: 'admin',
    raw: '',
    status: 400,
    code: B,
  },
];

let rt: MintRuntime;
let admin: string;
const clock = settableClock();

async function auditCount(): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await rt.app.mint.store.queryAudit({ limit: 1000, ...(cursor ? { cursor } : {}) });
    n += page.events.length;
    cursor = page.next ?? undefined;
  } while (cursor);
  return n;
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chit-hardening-mint-'));
  const config = loadConfig({
    CHIT_DATA_DIR: dir,
    CHIT_AUTH_FAILURE_LIMIT: '100000',
    CHIT_MAX_TTL: '3600',
  });
  rt = await startMint(config, { clock: () => clock(), logDestination: captureLogs().stream });
  admin = (await readFile(rt.paths.adminTokenFile, 'utf8')).trim();
});
afterAll(async () => {
  await rt.app.close();
});

function authHeader(a: MintCase['auth']): string | string[] | undefined {
  const one = (v: string) =>
    v === 'admin'
      ? `Bearer ${admin}`
      : v === 'basic-admin'
        ? `Basic ${Buffer.from(`admin:${admin}`).toString('base64')}`
        : v === 'admin-nul'
          ? `Bearer ${admin}\u0000`
          : v;
  if (a === undefined) return undefined;
  return Array.isArray(a) ? a.map(one) : one(a);
}

describe('hostile corpus through the mint API', () => {
  it('a well-formed mint is accepted (the corpus can fail)', async () => {
    const res = await rt.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: body({}),
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  it.each(CASES)('$name → $status $code', async (c) => {
    const before = await auditCount();
    const auth = authHeader(c.auth);
    const headers: Record<string, string | string[]> = {
      ...(auth === undefined ? {} : { authorization: auth }),
      ...(c.method === 'GET' ? {} : { 'content-type': c.contentType ?? 'application/json' }),
    };
    const request: InjectOptions = {
      method: c.method ?? 'POST',
      url: c.url ?? '/v1/tokens',
      headers: headers as InjectOptions['headers'],
      ...(c.method === 'GET' ? {} : { payload: c.raw }),
    };
    const res = await rt.app.inject(request);
    const answer = res.json() as { error?: { code?: string }; token?: string };
    expect({ status: res.statusCode, code: answer.error?.code }).toEqual({
      status: c.status,
      code: c.code,
    });
    expect(answer.token).toBeUndefined();
    expect(await auditCount()).toBe(before);
  });

  it('forged, retired-key and expired tokens are denied by /v1/verify (0 accepted)', async () => {
    const expired = mintToken({ caveats: readerCaveats(NOW_S - 3600) }).token;
    for (const token of [forged, expired, `${forged.slice(0, -2)}AA`]) {
      const res = await rt.app.inject({
        method: 'POST',
        url: '/v1/verify',
        payload: { token, context: { tenant: '42', resource: 'orders/7', action: 'read' } },
      });
      expect(res.statusCode).toBe(200);
      const d = res.json() as { allowed: boolean; code?: string };
      expect(d.allowed).toBe(false);
      expect(['ERR_SIGNATURE_INVALID', 'ERR_KEY_UNKNOWN', 'ERR_TOKEN_MALFORMED']).toContain(d.code);
    }
  });
});
