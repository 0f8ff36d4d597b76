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
 * Something that makes delegation headers itself, e.g. `request.capability` of
 * `@chit/fastify` (which never exposes its token).
 * @example const d: Delegator = request.capability!
 */
export interface Delegator {
  delegationHeaders(
    audience: string,
    options?: { readonly ttl?: number; readonly discharges?: readonly string[] },
  ): Record<string, string>;
}

/**
 * Options of {@link createDelegatingFetch}: give exactly one of `token`, `getToken` and
 * `delegator`; `via` is required with `token` and `getToken`.
 * @example const o: DelegatingFetchOptions = { token, audiences: { 'http://127.0.0.1:7401': 'billing' }, via: 'orders' }
 */
export interface DelegatingFetchOptions {
  /** The token to delegate from. */
  readonly token?: string;
  /** Or: where to get it per request. */
  readonly getToken?: () => string | Promise<string>;
  /** Or: a holder that delegates itself (`request.capability` in a fastify handler). */
  readonly delegator?: Delegator;
  /** Origin (`https://billing.internal:8443`) to the audience name of that service. */
  readonly audiences: Readonly<Record<string, string>>;
  /** This service's name, recorded as the `via` hop (the delegator knows its own). */
  readonly via?: string;
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

function checkSource(options: DelegatingFetchOptions): void {
  const { token, getToken, delegator, via } = options;
  const given = [token, getToken, delegator].filter((x) => x !== undefined).length;
  if (given !== 1) throw new TypeError('give exactly one of token, getToken and delegator');
  if (token !== undefined && typeof token !== 'string')
    throw new TypeError('token must be a string');
  if (getToken !== undefined && typeof getToken !== 'function') {
    throw new TypeError('getToken must be a function');
  }
  if (delegator !== undefined && typeof delegator?.delegationHeaders !== 'function') {
    throw new TypeError('delegator must have a delegationHeaders method');
  }
  if (delegator === undefined && typeof via !== 'string')
    throw new TypeError('via must be a string');
}

function audienceMap(audiences: unknown): Map<string, string> {
  if (audiences === null || typeof audiences !== 'object') {
    throw new TypeError('audiences must be an object');
  }
  const out = new Map<string, string>();
  for (const [origin, audience] of Object.entries(audiences)) {
    const normalised = new URL(origin).origin;
    if (normalised !== origin) throw new RangeError(`audiences key ${origin} is not an origin`);
    if (typeof audience !== 'string') throw new TypeError('audiences values must be strings');
    out.set(origin, audience);
  }
  return out;
}

/**
 * Creates the wrapper. For a request to an origin listed in `audiences`, it derives a
 * token with {@link delegate} (that audience, a short expiry, `via`) and sends it with
 * `formatHeaders`, replacing any `Authorization` the caller set; redirects are not
 * followed (`redirect: 'manual'`) so a delegated token never travels to another origin.
 * Requests to any other origin pass through untouched, with no Chit credential. A token
 * that cannot be delegated to that audience rejects the call with the `ChitError`.
 *
 * @example
 * ```ts
 * // In a handler behind @chit/fastify:
 * const call = createDelegatingFetch({ delegator: request.capability!,
 *   audiences: { 'http://127.0.0.1:7401': 'billing' } })
 * const res = await call('http://127.0.0.1:7401/v1/invoices/7')
 * ```
 */
export function createDelegatingFetch(options: DelegatingFetchOptions): FetchLike {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('options must be an object');
  }
  checkSource(options);
  const { token, getToken, delegator, via, ttl, clock } = options;
  const audiences = audienceMap(options.audiences);
  const doFetch: FetchLike = options.fetch ?? ((i, init) => globalThis.fetch(i, init));

  async function credentialFor(audience: string): Promise<Record<string, string>> {
    if (delegator !== undefined) {
      const made = delegator.delegationHeaders(audience, ttl !== undefined ? { ttl } : undefined);
      if (options.getDischarges === undefined) return made;
      const delegated = made[AUTHORIZATION_HEADER]!.slice('Chit '.length);
      return formatHeaders(delegated, await options.getDischarges(delegated));
    }
    const parent = token ?? (await getToken!());
    const delegated = delegate(parent, {
      audience,
      via: via!,
      ...(ttl !== undefined && { ttl }),
      ...(clock !== undefined && { clock }),
    });
    const discharges = options.getDischarges ? await options.getDischarges(delegated) : [];
    return formatHeaders(delegated, discharges);
  }

  return async (input, init) => {
    const audience = audiences.get(originOf(input));
    if (audience === undefined) return doFetch(input, init);
    const credential = await credentialFor(audience);
    const headers = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    headers.delete(AUTHORIZATION_HEADER);
    headers.delete(DISCHARGES_HEADER);
    for (const [name, value] of Object.entries(credential)) headers.set(name, value);
    return doFetch(input, { ...init, headers, redirect: 'manual' });
  };
}
