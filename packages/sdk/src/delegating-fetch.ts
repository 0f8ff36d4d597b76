/**
 * A `fetch` wrapper for service-to-service calls: every request to a known origin
 * carries a token delegated to that origin's audience; every other request goes out
 * without any credential.
 */
import type { Clock } from '@chit/token';
import { delegate } from './delegate.js';
import { AUTHORIZATION_HEADER, DISCHARGES_HEADER, formatHeaders } from './headers.js';
import type { FetchLike } from './mint-client.js';

/**
 * Options of {@link createDelegatingFetch}: give `token` or `getToken`.
 * @example const o: DelegatingFetchOptions = { token, audiences: { 'http://127.0.0.1:7401': 'billing' }, via: 'orders' }
 */
export interface DelegatingFetchOptions {
  /** The token to delegate from. */
  readonly token?: string;
  /** Or: where to get it per request (e.g. the current request's capability). */
  readonly getToken?: () => string | Promise<string>;
  /** Origin (`https://billing.internal:8443`) to the audience name of that service. */
  readonly audiences: Readonly<Record<string, string>>;
  /** This service's name, recorded as the `via` hop. */
  readonly via: string;
  /** Lifetime of each delegated token in seconds (default 60). */
  readonly ttl?: number;
  /** Discharges to send along (already bound to the delegated token by the caller). */
  readonly getDischarges?: (delegated: string) => readonly string[] | Promise<readonly string[]>;
  /** Defaults to the global `fetch`. */
  readonly fetch?: FetchLike;
  readonly clock?: Clock;
}

function originOf(input: string | URL | Request): string {
  const url =
    typeof input === 'string' ? new URL(input) : input instanceof URL ? input : new URL(input.url);
  return url.origin;
}

/**
 * Creates the wrapper. For a request to an origin listed in `audiences`, it derives a
 * token with {@link delegate} (that audience, a short expiry, `via`) and sends it with
 * `formatHeaders`, replacing any `Authorization` the caller set; redirects are not
 * followed (`redirect: 'manual'`) so a delegated token never travels to another origin.
 * Requests to any other origin pass through untouched, with no Chit credential.
 *
 * @example
 * ```ts
 * const call = createDelegatingFetch({ getToken: () => request.capabilityToken,
 *   audiences: { 'http://127.0.0.1:7401': 'billing' }, via: 'orders' })
 * const res = await call('http://127.0.0.1:7401/v1/invoices/7')
 * ```
 */
export function createDelegatingFetch(options: DelegatingFetchOptions): FetchLike {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('options must be an object');
  }
  const { token, getToken, via, ttl, clock } = options;
  if ((token === undefined) === (getToken === undefined)) {
    throw new TypeError('give exactly one of token and getToken');
  }
  if (token !== undefined && typeof token !== 'string')
    throw new TypeError('token must be a string');
  if (getToken !== undefined && typeof getToken !== 'function') {
    throw new TypeError('getToken must be a function');
  }
  if (typeof via !== 'string') throw new TypeError('via must be a string');
  if (options.audiences === null || typeof options.audiences !== 'object') {
    throw new TypeError('audiences must be an object');
  }
  const audiences = new Map<string, string>();
  for (const [origin, audience] of Object.entries(options.audiences)) {
    const normalised = new URL(origin).origin;
    if (normalised !== origin) throw new RangeError(`audiences key ${origin} is not an origin`);
    if (typeof audience !== 'string') throw new TypeError('audiences values must be strings');
    audiences.set(origin, audience);
  }
  const doFetch: FetchLike = options.fetch ?? ((i, init) => globalThis.fetch(i, init));

  return async (input, init) => {
    const audience = audiences.get(originOf(input));
    if (audience === undefined) return doFetch(input, init);
    const parent = token ?? (await getToken!());
    const delegated = delegate(parent, {
      audience,
      via,
      ...(ttl !== undefined && { ttl }),
      ...(clock !== undefined && { clock }),
    });
    const discharges = options.getDischarges ? await options.getDischarges(delegated) : [];
    const headers = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    headers.delete(AUTHORIZATION_HEADER);
    headers.delete(DISCHARGES_HEADER);
    for (const [name, value] of Object.entries(formatHeaders(delegated, discharges))) {
      headers.set(name, value);
    }
    return doFetch(input, { ...init, headers, redirect: 'manual' });
  };
}
