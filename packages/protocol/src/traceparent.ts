/**
 * W3C Trace Context: the trace id of an incoming `traceparent` header, which the mint
 * service and the @chit/fastify verifier record in audit events. An invalid header is
 * ignored (the spec says to restart the trace), never an error. Pure, like the rest of
 * `@chit/protocol/headers` (and `@chit/sdk/headers`), which export it.
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZEROS = /^0+$/;

/**
 * The trace id of a valid `traceparent` header value, else `undefined`: lowercase hex
 * only, version `ff` refused, version `00` exactly 55 characters, neither the trace id
 * nor the parent id all zeros; a repeated header (an array) or one over 512 characters
 * is ignored.
 *
 * @example
 * ```ts
 * import { traceIdFrom } from '@chit/protocol/headers';
 * traceIdFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') // '4bf92f35…4736'
 * traceIdFrom(request.headers.traceparent) ?? capability.traceId
 * ```
 */
export function traceIdFrom(header: string | readonly string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const value = header.trim();
  const m = TRACEPARENT.exec(value);
  if (m === null) return undefined;
  const [, version, traceId, parentId] = m;
  if (version === 'ff' || (version === '00' && value.length !== 55)) return undefined;
  if (ZEROS.test(traceId!) || ZEROS.test(parentId!)) return undefined;
  return traceId;
}
