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
import { mintToken, NOW_S, readerCaveats, settableClock } from '../src/index.js';
import { body, forged, MINT_CORPUS, type MintCase } from './mint-corpus.js';

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

  it.each(MINT_CORPUS)('$name → $status $code', async (c) => {
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
