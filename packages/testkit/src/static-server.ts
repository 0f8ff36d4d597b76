import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One file a {@link serveStatic} server answers with. */
export interface StaticFile {
  contentType: string;
  body: string;
}

/** A running {@link serveStatic} server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/**
 * A tiny HTTP server on a free localhost port that answers exact paths with fixed bodies
 * and every other path with 404.
 *
 * @example
 * ```ts
 * const server = await serveStatic({ '/': { contentType: 'text/html', body: '<p>hi</p>' } });
 * await page.goto(`${server.url}/`);
 * await server.close();
 * ```
 */
export async function serveStatic(files: Record<string, StaticFile>): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const file = Object.hasOwn(files, req.url ?? '') ? files[req.url ?? ''] : undefined;
    if (file) res.writeHead(200, { 'content-type': file.contentType }).end(file.body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * {@link serveStatic} with one page (`/`) that loads one script (`/chit.js`): how the
 * browser tests put a bundle in front of Chromium.
 *
 * @example
 * ```ts
 * const server = await serveScriptPage(bundle);
 * await page.goto(`${server.url}/`);
 * ```
 */
export function serveScriptPage(script: string): Promise<StaticServer> {
  return serveStatic({
    '/': {
      contentType: 'text/html',
      body: '<!doctype html><title>chit</title><script src="/chit.js"></script>',
    },
    '/chit.js': { contentType: 'text/javascript', body: script },
  });
}
