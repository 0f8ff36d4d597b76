/**
 * The delegation headers: the one module that writes and reads the HTTP form of a Chit
 * credential. The SDK formats with it (re-exported as `@chit/sdk/headers`); the
 * @chit/fastify verifier parses with it; `parseAuthorization` sits on the one
 * `Authorization` splitter (`splitAuthorization`) that the mint and the approval service
 * use too. Pure: no `node:` imports, no I/O, so it bundles for browsers and workers.
 *
 * Wire form (see docs/delegation.md):
 * - `Authorization: Chit <token>` (also `Bearer <token>`): exactly one header, exactly
 *   one space, scheme spelled exactly `Chit` or `Bearer` (no other case), the token in
 *   the base64 / base64url alphabet with at most two `=` of padding.
 * - `Chit-Discharges: <t1>,<t2>`: at most one header, tokens separated by a bare comma.
 * Delegation hops are not headers: they are `via` caveats inside the token.
 * Also here: `traceIdFrom`, the trace id of a W3C `traceparent` header (for audit events).
 */
import {
  ChitError,
  DischargeInvalidError,
  TokenMalformedError,
  TokenTooLargeError,
} from '@chit/token';
import { splitAuthorization } from './authorization.js';

export {
  type AuthorizationParts,
  type BasicCredentials,
  credentialsFor,
  decodeBasic,
  isBearerSecret,
  splitAuthorization,
} from './authorization.js';
export { traceIdFrom } from './traceparent.js';

/**
 * Header carrying the primary token (lowercase, as Node and fetch report names).
 * @example headers.get(AUTHORIZATION_HEADER)
 */
export const AUTHORIZATION_HEADER = 'authorization';

/**
 * Header carrying the discharges bound for this request.
 * @example headers.get(DISCHARGES_HEADER) // 't1,t2'
 */
export const DISCHARGES_HEADER = 'chit-discharges';

/**
 * The scheme Chit emits. `Bearer` is accepted on input, never emitted.
 * @example `${CHIT_SCHEME} ${token}`
 */
export const CHIT_SCHEME = 'Chit';

/**
 * The value of `WWW-Authenticate` on a 401.
 * @example reply.header('www-authenticate', WWW_AUTHENTICATE)
 */
export const WWW_AUTHENTICATE = 'Chit';

/**
 * Node's default total size of request headers (`--max-http-header-size`): the hard cap.
 * @example NODE_MAX_HEADER_BYTES // 16384
 */
export const NODE_MAX_HEADER_BYTES = 16_384;

/**
 * Bounds on the delegation headers, enforced before any token is decoded.
 * @example const limits: HeaderLimits = { maxHeaderBytes: 8192, maxTokenBytes: 4096, maxDischarges: 4 }
 */
export interface HeaderLimits {
  /**
   * Maximum bytes of both Chit headers together, counted as on the wire
   * (`name: value\r\n`). Default 12288, leaving 4 KiB of Node's 16 KiB for the rest
   * of the request; at most {@link NODE_MAX_HEADER_BYTES}.
   */
  readonly maxHeaderBytes: number;
  /** Maximum characters of one token (default 8192, the core's `maxTokenBytes`). */
  readonly maxTokenBytes: number;
  /** Maximum discharges in `Chit-Discharges` (default 16, the core's `maxDischarges`). */
  readonly maxDischarges: number;
}

/**
 * The default header limits.
 * @example parseDischarges(value, { ...DEFAULT_HEADER_LIMITS, maxDischarges: 4 })
 */
export const DEFAULT_HEADER_LIMITS: HeaderLimits = Object.freeze({
  maxHeaderBytes: 12_288,
  maxTokenBytes: 8_192,
  maxDischarges: 16,
});

/**
 * A parsed `Authorization` header.
 * @example const { scheme, token }: ParsedAuthorization = parseAuthorization('Chit AgEE')
 */
export interface ParsedAuthorization {
  /** The scheme as sent (`Chit` or `Bearer`). */
  readonly scheme: 'Chit' | 'Bearer';
  /** The token text, still undecoded and unverified. */
  readonly token: string;
}

/**
 * The credential of one request as carried by the delegation headers.
 * @example const { token, discharges }: DelegationCredential = readDelegationHeaders(headers)
 */
export interface DelegationCredential {
  readonly token: string;
  readonly discharges: readonly string[];
}

/**
 * A header value as Node (`IncomingHttpHeaders`) may report it.
 * @example const v: HeaderValue = req.headers.authorization
 */
export type HeaderValue = string | readonly string[] | undefined;

// token68 restricted to the alphabets the core decodes: base64url and standard base64.
const TOKEN_RE = /^[A-Za-z0-9_\-+/]+={0,2}$/;

/**
 * Normalises and checks caller-provided limits (programmer misuse is a RangeError).
 * @example resolveHeaderLimits({ maxDischarges: 4 }).maxHeaderBytes // 12288
 */
export function resolveHeaderLimits(limits?: Partial<HeaderLimits>): HeaderLimits {
  if (limits === undefined || limits === DEFAULT_HEADER_LIMITS) return DEFAULT_HEADER_LIMITS;
  if (limits === null || typeof limits !== 'object')
    throw new TypeError('limits must be an object');
  // Verifiers pass the same options object on every request: resolve it once.
  const cached = RESOLVED.get(limits);
  if (cached !== undefined) return cached;
  const out = { ...DEFAULT_HEADER_LIMITS, ...limits };
  for (const name of ['maxHeaderBytes', 'maxTokenBytes', 'maxDischarges'] as const) {
    const v = out[name];
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(`limits.${name} must be a non-negative integer`);
    }
  }
  if (out.maxHeaderBytes > NODE_MAX_HEADER_BYTES) {
    throw new RangeError(`limits.maxHeaderBytes must be at most ${NODE_MAX_HEADER_BYTES}`);
  }
  const frozen = Object.freeze(out);
  RESOLVED.set(limits, frozen);
  RESOLVED.set(frozen, frozen);
  return frozen;
}

const RESOLVED = new WeakMap<object, HeaderLimits>();

function missing(): ChitError {
  return new ChitError('ERR_TOKEN_MISSING', 'no Chit credential in Authorization');
}

function single(value: HeaderValue, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw new TypeError(`${name} must be a string or string[]`);
  if (value.length === 0) return undefined;
  // Two headers of the same name: a proxy and the client may disagree on which one counts.
  if (value.length > 1) throw new TokenMalformedError(`more than one ${name} header`);
  const only = value[0];
  if (typeof only !== 'string') throw new TypeError(`${name} must be a string or string[]`);
  return only;
}

function wireBytes(name: string, value: string): number {
  // Header values are Latin-1 octets on the wire; anything else was rejected before.
  return name.length + 2 + value.length + 2;
}

function checkToken(token: string, limits: HeaderLimits, what: string): void {
  if (token.length > limits.maxTokenBytes) throw new TokenTooLargeError(`${what} is too large`);
  if (!TOKEN_RE.test(token))
    throw new TokenMalformedError(`${what} has characters outside base64url`);
}

/**
 * Parses an `Authorization` header value into the primary token. Strict: the value is
 * split by {@link splitAuthorization} (one space, visible ASCII, scheme spelled exactly),
 * then must be `Chit <token>` or `Bearer <token>` with the token in the base64 / base64url
 * alphabet; one header only (an array of two values is a smuggled second header).
 *
 * Throws `ChitError` `ERR_TOKEN_MISSING` (absent, or another scheme such as `Basic`),
 * `TokenMalformedError` (bad spelling, duplicates, odd characters) or
 * `TokenTooLargeError` (over the limits).
 *
 * @example
 * ```ts
 * const { token } = parseAuthorization(req.headers.authorization)
 * ```
 */
export function parseAuthorization(
  headerValue: HeaderValue,
  limits?: Partial<HeaderLimits>,
): ParsedAuthorization {
  const lim = resolveHeaderLimits(limits);
  const value = single(headerValue, 'Authorization');
  if (value === undefined || value === '') throw missing();
  if (wireBytes(AUTHORIZATION_HEADER, value) > lim.maxHeaderBytes) {
    throw new TokenTooLargeError('Authorization header is too large');
  }
  const { scheme, credentials: token } = splitAuthorization(value);
  if (scheme !== 'Chit' && scheme !== 'Bearer') {
    // A different spelling of our own schemes is an error; a foreign scheme means
    // "no Chit credential here".
    const lower = scheme.toLowerCase();
    if (lower === 'chit' || lower === 'bearer') {
      throw new TokenMalformedError('authorization scheme must be spelled Chit or Bearer');
    }
    throw missing();
  }
  if (token === '') throw new TokenMalformedError('Authorization header has no token');
  checkToken(token, lim, 'token');
  return { scheme, token };
}

/**
 * Parses a `Chit-Discharges` header value: tokens separated by a bare comma. Absent
 * means no discharges. Empty entries, spaces, a present-but-empty header, duplicates
 * and smuggled second headers are rejected.
 *
 * Throws `TokenMalformedError`, `TokenTooLargeError` (too many or too large) or
 * `DischargeInvalidError` (the same discharge twice).
 *
 * @example
 * ```ts
 * parseDischarges('AgEE...,AgEF...') // ['AgEE...', 'AgEF...']
 * parseDischarges(undefined)         // []
 * ```
 */
export function parseDischarges(value: HeaderValue, limits?: Partial<HeaderLimits>): string[] {
  const lim = resolveHeaderLimits(limits);
  const text = single(value, 'Chit-Discharges');
  if (text === undefined) return [];
  if (wireBytes(DISCHARGES_HEADER, text) > lim.maxHeaderBytes) {
    throw new TokenTooLargeError('Chit-Discharges header is too large');
  }
  if (text === '') throw new TokenMalformedError('Chit-Discharges header is empty');
  const parts = text.split(',');
  if (parts.length > lim.maxDischarges) throw new TokenTooLargeError('too many discharges');
  const seen = new Set<string>();
  for (const part of parts) {
    if (part === '') throw new TokenMalformedError('Chit-Discharges has an empty entry');
    checkToken(part, lim, 'discharge');
    if (seen.has(part)) throw new DischargeInvalidError('the same discharge is sent twice');
    seen.add(part);
  }
  return parts;
}

/**
 * Anything requests carry their headers in.
 * @example readDelegationHeaders({ rawHeaders: req.raw.rawHeaders } satisfies HeaderSource)
 */
export type HeaderSource =
  | { readonly get: (name: string) => string | null }
  | { readonly rawHeaders: readonly string[] }
  | Readonly<Record<string, HeaderValue>>;

function collectRaw(raw: readonly string[], name: string): string[] | undefined {
  const found: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const n = raw[i]!;
    // Length first: most headers are skipped without lowercasing (no allocation).
    if (n.length === name.length && n.toLowerCase() === name) found.push(raw[i + 1]!);
  }
  return found.length === 0 ? undefined : found;
}

function lookup(source: HeaderSource, name: string): HeaderValue {
  if (typeof (source as { get?: unknown }).get === 'function') {
    const v = (source as { get: (n: string) => string | null }).get(name);
    return v ?? undefined;
  }
  const raw = (source as { rawHeaders?: unknown }).rawHeaders;
  if (Array.isArray(raw)) return collectRaw(raw as string[], name);
  return (source as Readonly<Record<string, HeaderValue>>)[name];
}

/**
 * Reads the whole credential of a request: the primary token and its discharges, with
 * the combined size limit. Give it Node's `rawHeaders` (the only place a duplicate
 * `Authorization` is visible: Node's parsed headers silently keep the first one), a
 * fetch `Headers`, or a plain header record.
 *
 * @example
 * ```ts
 * const { token, discharges } = readDelegationHeaders({ rawHeaders: request.raw.rawHeaders })
 * ```
 */
export function readDelegationHeaders(
  source: HeaderSource,
  limits?: Partial<HeaderLimits>,
): DelegationCredential {
  const lim = resolveHeaderLimits(limits);
  const auth = lookup(source, AUTHORIZATION_HEADER);
  const dis = lookup(source, DISCHARGES_HEADER);
  const { token } = parseAuthorization(auth, lim);
  const discharges = parseDischarges(dis, lim);
  const total =
    wireBytes(AUTHORIZATION_HEADER, single(auth, 'Authorization') ?? '') +
    (discharges.length === 0 ? 0 : wireBytes(DISCHARGES_HEADER, discharges.join(',')));
  if (total > lim.maxHeaderBytes) throw new TokenTooLargeError('Chit headers are too large');
  return { token, discharges };
}

/**
 * Formats the headers for a request: `Authorization: Chit <token>` and, when there are
 * discharges, `Chit-Discharges`. Applies the same limits the verifier applies, so a
 * client never sends what a server would refuse.
 *
 * @example
 * ```ts
 * await fetch(url, { headers: { ...formatHeaders(token, discharges) } })
 * ```
 */
export function formatHeaders(
  token: string,
  discharges: readonly string[] = [],
  limits?: Partial<HeaderLimits>,
): Record<string, string> {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  if (!Array.isArray(discharges)) throw new TypeError('discharges must be an array');
  const lim = resolveHeaderLimits(limits);
  const out: Record<string, string> = { [AUTHORIZATION_HEADER]: `${CHIT_SCHEME} ${token}` };
  if (discharges.length > 0) out[DISCHARGES_HEADER] = discharges.join(',');
  // Round-trip through the parsers: one definition of validity.
  readDelegationHeaders(out, lim);
  return out;
}
