import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium, serveScriptPage, serveStatic } from '../src/index.js';

describe('serveStatic', () => {
  it('answers the listed paths with their bodies and anything else with 404', async () => {
    const server = await serveStatic({ '/a.txt': { contentType: 'text/plain', body: 'hello' } });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ok = await fetch(`${server.url}/a.txt`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('text/plain');
      expect(await ok.text()).toBe('hello');
      expect((await fetch(`${server.url}/b.txt`)).status).toBe(404);
      expect((await fetch(`${server.url}/toString`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('serveScriptPage serves a page at / that loads /chit.js', async () => {
    const server = await serveScriptPage('globalThis.x = 1;');
    try {
      expect(await (await fetch(`${server.url}/`)).text()).toContain('<script src="/chit.js">');
      const js = await fetch(`${server.url}/chit.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript');
      expect(await js.text()).toBe('globalThis.x = 1;');
    } finally {
      await server.close();
    }
  });
});

describe('launchChromium', () => {
  const saved = process.env.CHIT_CHROMIUM;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHIT_CHROMIUM;
    else process.env.CHIT_CHROMIUM = saved;
  });

  it('fails naming the missing binary (browser tests never skip)', async () => {
    process.env.CHIT_CHROMIUM = '/nonexistent/chromium-for-test';
    await expect(launchChromium()).rejects.toThrow(
      /Chromium not found at \/nonexistent\/chromium-for-test: .*set CHIT_CHROMIUM/,
    );
  });
});
