/**
 * W3C Trace Context: the trace id of an incoming `traceparent`, recorded in audit events
 * (same rules as the mint service: an invalid header is ignored, never an error).
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZEROS = /^0+$/;

/**
 * The trace id of a valid `traceparent` header value, else `undefined`.
 *
 * @example
 * ```ts
 * traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') // '4bf92f35…4736'
 * ```
 */
export function traceIdOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const value = header.trim();
  const m = TRACEPARENT.exec(value);
  if (m === null) return undefined;
  const [, version, traceId, parentId] = m;
  if (version === 'ff' || (version === '00' && value.length !== 55)) return undefined;
  if (ZEROS.test(traceId!) || ZEROS.test(parentId!)) return undefined;
  return traceId;
}
