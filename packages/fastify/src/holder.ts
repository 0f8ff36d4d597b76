/**
 * The holder operations of `request.capability`, delegated to the SDK (one narrowing
 * judge, one delegation rule, one header module for every package).
 */

import { formatHeaders } from '@chit/protocol/headers';
import { delegate, type NarrowOptions, narrow } from '@chit/sdk';
import type { Clock } from '@chit/token';

/** Typed narrowing options, or raw canonical conditions. */
export type NarrowInput = NarrowOptions | readonly string[];

/**
 * Narrows `token` offline; never wider (`ERR_NOT_NARROWER` otherwise).
 *
 * @example
 * ```ts
 * narrowToken(token, { attributes: { customer_id: '7' } }, Date.now)
 * narrowToken(token, ['customer_id = 7'], Date.now)
 * ```
 */
export function narrowToken(token: string, input: NarrowInput, clock: Clock): string {
  const options: NarrowOptions = Array.isArray(input)
    ? { conditions: input as readonly string[] }
    : (input as NarrowOptions);
  return narrow(token, options, { clock });
}

/**
 * The headers for forwarding to `audience`: the token delegated (`audience`, a shorter
 * expiry, `via = <service>`), formatted by the shared header module.
 *
 * @example
 * ```ts
 * await fetch(url, { headers: delegateToken(token, 'billing', 'orders', Date.now, { ttl: 30 }) })
 * ```
 */
export function delegateToken(
  token: string,
  audience: string,
  service: string,
  clock: Clock,
  options: { readonly ttl?: number; readonly discharges?: readonly string[] } = {},
): Record<string, string> {
  const delegated = delegate(token, { audience, via: service, ttl: options.ttl, clock });
  return formatHeaders(delegated, options.discharges ?? []);
}
