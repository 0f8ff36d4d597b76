/**
 * Header tricks that only exist on a real socket (inject builds headers as objects): raw
 * HTTP/1.1 requests to a listening verifier. Two `Authorization` lines, folded or
 * whitespace-padded lines, and a header block over Node's 16 KiB limit (refused by Node
 * itself with 431 before any plugin or handler runs).
 */
import { connect } from 'node:net';
import { createEmbeddedStore } from '@chit/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildVerifierApp,
  keys,
  mintToken,
  readerCaveats,
  settableClock,
  type VerifierApp,
} from '../src/index.js';

const clock = settableClock();
const { token } = mintToken({ caveats: readerCaveats() });
let v: VerifierApp;
let port: number;

beforeAll(async () => {
  const store = await createEmbeddedStore({ clock });
  v = await buildVerifierApp({ chit: { keys, store, clock } });
  await v.app.listen({ port: 0, host: '127.0.0.1' });
  port = (v.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await v.app.close();
});

/** Sends raw header lines; returns the status and the error code of the answer. */
function raw(lines: string[]): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      data += d;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const code = /"code":"(ERR_[A-Z_]+)"/.exec(data)?.[1];
      resolve({ status, code });
    });
    const head = [
      'GET /orders/7 HTTP/1.1',
      'Host: x',
      'X-Tenant: 42',
      ...lines,
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n`);
  });
}

describe('header tricks on the wire', () => {
  it('the valid request is accepted (the cases below can fail)', async () => {
    expect(await raw([`Authorization: Chit ${token}`])).toEqual({ status: 200, code: undefined });
  });

  it.each([
    [
      'two Authorization lines',
      [`Authorization: Chit ${token}`, `Authorization: Chit ${token}`],
      401,
      'ERR_TOKEN_MALFORMED',
    ],
    [
      'Authorization twice, second one empty',
      [`Authorization: Chit ${token}`, 'Authorization: '],
      401,
      'ERR_TOKEN_MALFORMED',
    ],
    [
      'mixed-case header name twice',
      [`authorization: Chit ${token}`, `AUTHORIZATION: Chit ${token}`],
      401,
      'ERR_TOKEN_MALFORMED',
    ],
    ['obsolete line folding', ['Authorization: Chit', ` ${token}`], 400, undefined],
    [
      'header over 16 KiB (Node answers 431)',
      [`Authorization: Chit ${'A'.repeat(16_500)}`],
      431,
      undefined,
    ],
  ] as const)('%s → %d %s', async (_name, lines, status, code) => {
    const before = v.handlerRuns();
    expect(await raw([...lines])).toEqual({ status, code });
    expect(v.handlerRuns()).toBe(before);
  });
});
