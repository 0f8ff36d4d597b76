/**
 * A fetch-based client for the mint service's HTTP API (`/v1`). Typed errors carry the
 * server's stable codes; every call has a timeout; only idempotent calls are retried.
 */
import { ChitError, type ErrorCode, isErrorCode } from '@chit/token';
import type {
  AuditPage,
  AuditQueryParams,
  MintRequest,
  MintResponse,
  RevokeRequest,
  RevokeResponse,
  VerifyRequest,
  VerifyResponse,
} from './mint-types.js';

/**
 * The mint service answered with an error: `code` is the server's stable code (or
 * `ERR_INTERNAL` when the answer carried none), `status` its HTTP status.
 * @example
 * ```ts
 * try { await client.mint(req) } catch (e) { if (e instanceof MintApiError) console.error(e.code, e.status) }
 * ```
 */
export class MintApiError extends ChitError {
  /** HTTP status of the answer. */
  readonly status: number;
  constructor(code: ErrorCode, status: number, message: string) {
    super(code, message);
    this.status = status;
  }
}

/**
 * The mint service could not be reached or did not answer in time (after any retries).
 * Code `ERR_UPSTREAM_UNAVAILABLE` (503): the client never got an answer it could use.
 * @example
 * ```ts
 * if (e instanceof MintUnavailableError) scheduleRetryLater()
 * ```
 */
export class MintUnavailableError extends ChitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UPSTREAM_UNAVAILABLE', message, options);
  }
}

/**
 * A `fetch` implementation (the global one, undici's, a test's).
 * @example const f: FetchLike = (input, init) => fetch(input, init)
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Options of {@link createMintClient}.
 * @example const o: MintClientOptions = { baseUrl: 'http://127.0.0.1:7300', timeoutMs: 2000, retries: 1 }
 */
export interface MintClientOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:7300`. */
  readonly baseUrl: string;
  /** Admin bearer token (or a mint-client credential) for mint, revoke and audit. */
  readonly adminToken?: string;
  /** Defaults to the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Per-attempt timeout in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** Further attempts on idempotent calls after a network error, timeout or 502/503/504 (default 2). */
  readonly retries?: number;
  /** Delay before retry n (0-based) in ms; default 100 * 2^n. */
  readonly backoffMs?: (attempt: number) => number;
  /** How to wait (injected in tests); default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The mint API.
 * @example const client: MintClient = createMintClient({ baseUrl })
 */
export interface MintClient {
  /** `POST /v1/tokens`. Not idempotent (each call mints a new token): never retried. */
  mint(request: MintRequest): Promise<MintResponse>;
  /**
   * `POST /v1/verify`. Not retried: a verification may consume a use of a budget, so a
   * retry after a lost answer could spend it twice.
   */
  verify(request: VerifyRequest): Promise<VerifyResponse>;
  /** `POST /v1/revocations`. Idempotent (revoking twice is revoking once): retried. */
  revoke(request: RevokeRequest): Promise<RevokeResponse>;
  /** `GET /v1/audit`. Retried. */
  audit(query?: AuditQueryParams): Promise<AuditPage>;
}

const RETRY_STATUS = new Set([502, 503, 504]);

function checkOptions(o: MintClientOptions): void {
  if (o === null || typeof o !== 'object') throw new TypeError('options must be an object');
  if (typeof o.baseUrl !== 'string') throw new TypeError('baseUrl must be a string');
  // Throws TypeError on a bad URL (the URL constructor's own error).
  const u = new URL(o.baseUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new TypeError('baseUrl must be an http(s) URL');
  }
  if (o.adminToken !== undefined && typeof o.adminToken !== 'string') {
    throw new TypeError('adminToken must be a string');
  }
  const t = o.timeoutMs;
  if (t !== undefined && !(Number.isFinite(t) && t > 0)) {
    throw new RangeError('timeoutMs must be a positive number');
  }
  const r = o.retries;
  if (r !== undefined && !(Number.isSafeInteger(r) && r >= 0 && r <= 10)) {
    throw new RangeError('retries must be an integer from 0 to 10');
  }
}

async function readError(res: Response): Promise<MintApiError> {
  let code: ErrorCode = 'ERR_INTERNAL';
  let message = `mint service answered ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (isErrorCode(body?.error?.code)) code = body.error.code;
    if (typeof body?.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON: keep the generic message (the body may echo anything; never trust it).
  }
  return new MintApiError(code, res.status, message);
}

/**
 * Creates a mint API client.
 *
 * @example
 * ```ts
 * const client = createMintClient({ baseUrl: 'http://127.0.0.1:7300', adminToken: process.env.CHIT_ADMIN_TOKEN })
 * const { token } = await client.mint({ principal: { id: 'user-1', role: 'agent' }, tenant: '42',
 *   resources: ['orders/*'], actions: ['read'], ttl: 3600 })
 * ```
 */
export function createMintClient(options: MintClientOptions): MintClient {
  checkOptions(options);
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((i, init) => globalThis.fetch(i, init));
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const backoff = options.backoffMs ?? ((n: number) => 100 * 2 ** n);
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function attempt(path: string, init: RequestInit): Promise<Response> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      return await doFetch(`${base}${path}`, { ...init, signal: ctl.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    opts: { idempotent: boolean; auth: boolean },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.auth && options.adminToken !== undefined) {
      headers.authorization = `Bearer ${options.adminToken}`;
    }
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const tries = opts.idempotent ? retries + 1 : 1;
    let lastFailure: unknown;
    for (let n = 0; n < tries; n++) {
      if (n > 0) await sleep(backoff(n - 1));
      let res: Response;
      try {
        res = await attempt(path, init);
      } catch (e) {
        lastFailure = e;
        continue;
      }
      if (res.ok) return (await res.json()) as T;
      if (RETRY_STATUS.has(res.status) && n + 1 < tries) {
        await res.body?.cancel();
        lastFailure = undefined;
        continue;
      }
      throw await readError(res);
    }
    const timedOut = lastFailure instanceof Error && lastFailure.name === 'AbortError';
    throw new MintUnavailableError(
      timedOut
        ? `mint service did not answer within ${timeoutMs} ms`
        : 'mint service is unreachable',
      { cause: lastFailure },
    );
  }

  return Object.freeze({
    mint: (req: MintRequest) =>
      call<MintResponse>('POST', '/v1/tokens', req, { idempotent: false, auth: true }),
    verify: (req: VerifyRequest) =>
      call<VerifyResponse>('POST', '/v1/verify', req, { idempotent: false, auth: false }),
    revoke: (req: RevokeRequest) =>
      call<RevokeResponse>('POST', '/v1/revocations', req, { idempotent: true, auth: true }),
    audit: (query: AuditQueryParams = {}) => {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) {
        if (v !== undefined) qs.set(k, String(v));
      }
      const suffix = qs.size > 0 ? `?${qs.toString()}` : '';
      return call<AuditPage>('GET', `/v1/audit${suffix}`, undefined, {
        idempotent: true,
        auth: true,
      });
    },
  });
}
