/**
 * Real-socket helpers of the end-to-end mint tests: a test mint listening on a free port,
 * and JSON requests to it with fetch.
 */
import type { TestMint } from './harness.js';

/** A test mint listening on 127.0.0.1. */
export interface Listening {
  readonly mint: TestMint;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

/**
 * Starts `mint` listening on a free port.
 * @example const a = await listening(await startTestMint({ env })); await post(a, '/v1/verify', body)
 */
export async function listening(mint: TestMint): Promise<Listening> {
  return { mint, url: await mint.app.listen({ port: 0, host: '127.0.0.1' }) };
}

/**
 * POSTs `body` as JSON (with the admin bearer token when given); the status and the JSON
 * answer, to be checked field by field.
 * @example const { status, body } = await post(a, '/v1/revocations', { token })
 */
export async function post(
  to: { readonly url: string },
  path: string,
  body: unknown,
  adminToken?: string,
  // biome-ignore lint/suspicious/noExplicitAny: a JSON answer checked field by field by the caller
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${to.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
