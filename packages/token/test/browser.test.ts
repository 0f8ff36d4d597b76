// The core in real headless Chromium: @chit/token bundled with esbuild (platform browser,
// no node: modules), served from localhost. The page mints, attenuates, adds a third-party
// caveat and verifies with the same fixed inputs as Node: byte-identical tokens both ways.
import { resolve } from 'node:path';
import { launchChromium, type StaticServer, serveScriptPage } from '@chit/testkit';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as chit from '../src/index.js';

const TOKEN = resolve(import.meta.dirname, '..');

let server: StaticServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Launched first: a missing Chromium fails the suite before any bundling work.
  browser = await launchChromium();
  const out = await build({
    entryPoints: [resolve(TOKEN, 'src/index.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    globalName: 'chit',
    minify: true,
    target: 'es2022',
    metafile: true,
  });
  const inputs = Object.keys(out.metafile.inputs);
  if (inputs.some((i) => i.startsWith('node:')))
    throw new Error('the bundle imports node: modules');
  const bundle = out.outputFiles[0]!.text;
  server = await serveScriptPage(bundle);
  page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => typeof (globalThis as { chit?: unknown }).chit === 'object');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const NOW = 1767225600;
const KEY = Array.from({ length: 32 }, (_, i) => i);
const AUTH = Array.from({ length: 32 }, (_, i) => 255 - i);

/** The same scenario, as a function evaluated both in Node and in the page. */
function scenario(c: typeof chit, key: number[], auth: number[], now: number) {
  const k = Uint8Array.from(key);
  const a = Uint8Array.from(auth);
  let m = c.mint({
    key: k,
    kid: 'k1',
    tokenId: new Uint8Array(16).fill(7),
    issuedAt: now,
    session: 's-1',
    caveats: [
      c.caveat.tenant('42'),
      c.caveat.resource('orders/*'),
      c.caveat.expires(now + 60),
      c.caveat.principal('alice'),
    ],
  });
  m = c.attenuate(c.encode(m), [c.caveat.action('read')]);
  m = c.addThirdPartyCaveat(m, {
    location: 'https://auth',
    caveatKey: a,
    caveatId: 'is-alice',
    nonce: new Uint8Array(24).fill(1),
  });
  const d = c.bindDischarge(
    m,
    c.attenuate(c.createMacaroon({ rootKey: a, identifier: 'is-alice' }), [
      c.caveat.principal('alice'),
    ]), // a check: it repeats the minter's sealed claim
  );
  const primary = c.encode(m);
  const discharge = c.encode(d);
  const cap = c.verify(primary, {
    keys: () => k,
    context: { tenant: '42', resource: 'orders/9', action: 'read' },
    clock: () => now * 1000,
    discharges: [discharge],
  });
  let denied = '';
  try {
    c.verify(primary, {
      keys: () => k,
      context: { tenant: '43' },
      clock: () => now * 1000,
      discharges: [discharge],
    });
  } catch (e) {
    denied = (e as { code: string }).code;
  }
  return { primary, discharge, fingerprints: cap.fingerprints, principal: cap.principal, denied };
}

describe('@chit/token in headless Chromium', () => {
  it('mints, attenuates, discharges and verifies exactly like Node', async () => {
    const inNode = scenario(chit, KEY, AUTH, NOW);
    const inPage = await page.evaluate(
      ([src, key, auth, now]) => {
        const fn = new Function(`return (${src})`)();
        return fn((globalThis as unknown as { chit: unknown }).chit, key, auth, now);
      },
      [scenario.toString(), KEY, AUTH, NOW] as const,
    );
    expect(inPage).toEqual(inNode);
    expect(inNode.principal).toBe('alice');
    expect(inNode.denied).toBe('ERR_CAVEAT_UNSATISFIED');
  });
  it('verifies in the page a token minted in Node, and rejects a forged one', async () => {
    const m = chit.mint({
      key: Uint8Array.from(KEY),
      kid: 'k1',
      tokenId: new Uint8Array(16),
      issuedAt: NOW,
      caveats: ['tenant = 42'],
    });
    const forged = chit.mint({
      key: new Uint8Array(32),
      kid: 'k1',
      tokenId: new Uint8Array(16),
      issuedAt: NOW,
      caveats: ['tenant = 42'],
    });
    const result = await page.evaluate(
      ([good, bad, key, now]) => {
        const c = (globalThis as unknown as { chit: typeof chit }).chit;
        const opts = {
          keys: () => Uint8Array.from(key),
          context: { tenant: '42' },
          clock: () => now * 1000,
        };
        const ok = c.verify(good, opts).tokenId;
        try {
          c.verify(bad, opts);
          return { ok, bad: 'accepted' };
        } catch (e) {
          return { ok, bad: (e as { code: string }).code };
        }
      },
      [chit.encode(m), chit.encode(forged), KEY, NOW] as const,
    );
    expect(result).toEqual({ ok: '0'.repeat(32), bad: 'ERR_SIGNATURE_INVALID' });
  });
});
