/** Shared wiring of the commands that talk to a mint service. */
import type { MintClientOptions } from '@chit/sdk';
import { type CliIo, UsageError } from '../io.js';

/**
 * The admin token from `CHIT_ADMIN_TOKEN` (required).
 * @example const admin = adminToken(io) // from CHIT_ADMIN_TOKEN
 */
export function adminToken(io: CliIo): string {
  const t = io.env.CHIT_ADMIN_TOKEN;
  if (t === undefined || t === '') throw new UsageError('CHIT_ADMIN_TOKEN is not set');
  return t;
}

/**
 * Mint client options for `server` (a bad URL is a usage error).
 * @example createMintClient(clientOptions('http://127.0.0.1:7300', admin, io))
 */
export function clientOptions(
  server: string,
  admin: string | undefined,
  io: CliIo,
): MintClientOptions {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError('--server must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('--server must be an http(s) URL');
  }
  return {
    baseUrl: server,
    ...(admin !== undefined && { adminToken: admin }),
    ...(io.fetch !== undefined && { fetch: io.fetch }),
    timeoutMs: 10_000,
    retries: 2,
  };
}

/**
 * The server URL: `--server`, else `CHIT_SERVER`, else the mint service default.
 * @example serverUrl(undefined, io) // CHIT_SERVER or http://127.0.0.1:7300
 */
export function serverUrl(flagValue: string | undefined, io: CliIo): string {
  return flagValue ?? io.env.CHIT_SERVER ?? 'http://127.0.0.1:7300';
}
