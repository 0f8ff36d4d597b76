/**
 * Hostile `Authorization` headers at the mint: the one parser of @chit/protocol
 * (`credentialsFor`, `decodeBasic`) answers every odd spelling with 401 ERR_UNAUTHORIZED,
 * never a 500 and never an admin. The failure limiter is raised so the table is not cut
 * short by 429s (the limiter has its own tests). The file ends with the harness's scan of
 * every log line for the admin token and the client secret.
 */
import { describe, expect, it } from 'vitest';
import { hashClientSecret } from '../src/auth.js';
import { expectError, rememberSecret, suiteTestMint } from './harness.js';

const m = suiteTestMint({
  env: {
    CHIT_AUTH_FAILURE_LIMIT: '1000',
    CHIT_MINT_CLIENTS: JSON.stringify({
      agents: { secretHash: hashClientSecret('client-secret-1'), tenants: ['42'], maxTtl: 600 },
    }),
  },
});

rememberSecret('client-secret-1');
const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');

describe('hostile Authorization headers: 401 ERR_UNAUTHORIZED, never a 500', () => {
  it('the admin bearer token spelled exactly still works', async () => {
    await m.mint();
    const res = await m.inject({
      method: 'GET',
      url: '/v1/keys',
      headers: { authorization: `Bearer ${m.admin}` },
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it.each([
    ['a lowercase scheme', () => `bearer ${m.admin}`],
    ['an uppercase scheme', () => `BEARER ${m.admin}`],
    ['two spaces', () => `Bearer  ${m.admin}`],
    ['a trailing space', () => `Bearer ${m.admin} `],
    ['a tab', () => `Bearer\t${m.admin}`],
    ['no credentials', () => 'Bearer'],
    ['a bare space', () => 'Bearer '],
    ['a foreign scheme', () => `Token ${m.admin}`],
    ['a huge credential', () => `Bearer ${'x'.repeat(12_000)}`],
    ['Basic that is not base64', () => 'Basic !!!'],
    ['Basic with invalid UTF-8', () => `Basic ${b64(Buffer.from([0xc0, 0x80, 0x3a, 0x61]))}`],
    [
      'Basic with an encoded lone surrogate',
      () => `Basic ${b64(Buffer.from([0xed, 0xa0, 0x80, 0x3a, 0x61]))}`,
    ],
    ['Basic without a colon', () => `Basic ${b64('agents')}`],
    ['Basic with an empty id', () => `Basic ${b64(':client-secret-1')}`],
    ['Basic with a NUL in the id', () => `Basic ${b64('age\u0000nts:client-secret-1')}`],
    ['Basic with the admin token as a client secret', () => `Basic ${b64(`admin:${m.admin}`)}`],
  ])('%s', async (_what, header) => {
    const res = await m.inject({
      method: 'GET',
      url: '/v1/keys',
      headers: { authorization: header() },
    });
    expectError(res, 401, 'ERR_UNAUTHORIZED');
  });

  it('a mint client authenticates with Basic spelled exactly, and is not an admin', async () => {
    const res = await m.inject({
      method: 'GET',
      url: '/v1/keys',
      headers: { authorization: `Basic ${b64('agents:client-secret-1')}` },
    });
    expectError(res, 403, 'ERR_FORBIDDEN');
  });
});
