// The SDK in real headless Chromium: narrow + inspect + headers bundled with esbuild
// (platform browser, minified), served from a localhost HTTP server; the page narrows a
// token and Node verifies the result. Also reports the bundle's min+gzip size.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ChitError } from '@chit/token';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, mintToken, NOW_S, wideToken } from './helpers.js';

const SDK = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHIT_CHROMIUM ?? '/usr/bin/chromium';
/** Target from the issue: narrow + inspect + headers under 25 KB min+gzip. */
const SIZE_TARGET = 25 * 1024;

let bundle = '';
let gzipBytes = 0;
let server: Server;
let browser: Browser;
let page: Page;

async function bundleSdk(): Promise<string> {
  const out = await build({
    stdin: {
      contents: `export { narrow } from './src/narrow.js';
export { inspect } from './src/inspect.js';
export * from './src/headers.js';`,
      resolveDir: SDK,
      sourcefile: 'browser-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    globalName: 'chit',
    minify: true,
    target: 'es2022',
    conditions: ['@chit/source'],
    metafile: true,
  });
  const inputs = Object.keys(out.metafile.inputs);
  if (inputs.some((i) => i.startsWith('node:')))
    throw new Error('the bundle imports node: modules');
  return out.outputFiles[0]!.text;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium, as .ci/run does) or set CHIT_CHROMIUM`,
    );
  }
  bundle = await bundleSdk();
  gzipBytes = gzipSync(bundle, { level: 9 }).length;
  console.log(
    `@chit/sdk browser bundle (narrow + inspect + headers): ${bundle.length} B minified, ${gzipBytes} B min+gzip (${(gzipBytes / 1024).toFixed(1)} KiB; target < 25 KiB)`,
  );
  server = createServer((req, res) => {
    if (req.url === '/chit.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>chit</title><script src="/chit.js"></script>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => typeof (globalThis as { chit?: unknown }).chit === 'object');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

describe('@chit/sdk in headless Chromium', () => {
  it('bundles for the browser within the size target', () => {
    expect(bundle).not.toMatch(/require\(["']node:/);
    expect(gzipBytes).toBeLessThan(SIZE_TARGET);
  });

  it('narrows a token in the page; Node verifies the result', async () => {
    const token = wideToken();
    const narrowed = await page.evaluate(
      ([t, now]) => {
        const chit = (globalThis as unknown as { chit: typeof import('../src/index.js') }).chit;
        return chit.narrow(
          t,
          {
            actions: ['read'],
            resources: ['orders/7'],
            ttl: 120,
            attributes: { customer_id: '7' },
          },
          { clock: () => now * 1000 },
        );
      },
      [token, NOW_S] as const,
    );
    expect(narrowed).not.toBe(token);
    const ctx = {
      tenant: '42',
      resource: 'orders/7',
      action: 'read',
      attributes: { customer_id: '7' },
    };
    const cap = check(narrowed, ctx);
    expect(cap.expiresAt).toBe(NOW_S + 120);
    expect(cap.actions).toEqual(['read']);
    for (const deny of [
      { ...ctx, action: 'write' },
      { ...ctx, resource: 'orders/8' },
      { ...ctx, attributes: { customer_id: '8' } },
    ]) {
      expect(() => check(narrowed, deny)).toThrow(ChitError);
    }
  });

  it('refuses a widening narrow in the page with ERR_NOT_NARROWER', async () => {
    const code = await page.evaluate((t) => {
      const chit = (globalThis as unknown as { chit: typeof import('../src/index.js') }).chit;
      try {
        chit.narrow(t, { actions: ['admin'] });
        return 'no error';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    }, wideToken());
    expect(code).toBe('ERR_NOT_NARROWER');
  });

  it('inspects and formats/parses the delegation headers in the page', async () => {
    const token = mintToken([`expires = ${NOW_S + 90}`, 'audience = billing'], 's-7');
    const out = await page.evaluate(
      ([t, now]) => {
        const chit = (globalThis as unknown as { chit: typeof import('../src/index.js') }).chit;
        const v = chit.inspect(t, { clock: () => now * 1000 });
        const h = chit.formatHeaders(t, ['AgEEZGlzMQ']);
        const parsed = chit.readDelegationHeaders(new Headers(h));
        let dup = '';
        try {
          chit.parseAuthorization(`chit ${t}`);
        } catch (e) {
          dup = (e as { code: string }).code;
        }
        return { v, parsed, dup };
      },
      [token, NOW_S] as const,
    );
    expect(out.v).toMatchObject({
      verified: false,
      session: 's-7',
      audiences: ['billing'],
      remaining: 'in 1m 30s',
      expiresAtIso: new Date((NOW_S + 90) * 1000).toISOString(),
    });
    expect(out.parsed).toEqual({ token, discharges: ['AgEEZGlzMQ'] });
    expect(out.dup).toBe('ERR_TOKEN_MALFORMED');
  });
});
