/**
 * The one `Authorization` parser of every Chit edge: the @chit/fastify verifier and the
 * SDK (capability tokens, `Chit`/`Bearer`), the mint (admin `Bearer`, mint client
 * `Basic`) and the approval service (approver `Bearer` and `Basic`). One strictness
 * (RFC 9110 `credentials = auth-scheme [ 1*SP token68 ]`, narrowed):
 * - the scheme is a token (`tchar`s), compared exactly as spelled (`Bearer`, never
 *   `bearer`: one spelling, rejected rather than normalised);
 * - exactly one space, then credentials of visible ASCII only (no space, tab, control or
 *   non-ASCII character: nothing a proxy could read differently);
 * - `Basic` credentials are canonical base64 of strict UTF-8 `user:password`.
 * What a credential means (a capability token, an admin secret) is the caller's business.
 */
import { base64Decode, TokenMalformedError, utf8Decode } from '@chit/token';

/**
 * An `Authorization` value split into scheme and credentials.
 * @example const { scheme, credentials }: AuthorizationParts = splitAuthorization('Bearer s3cret')
 */
export interface AuthorizationParts {
  /** The scheme exactly as sent. */
  readonly scheme: string;
  /** Everything after the one space; `''` when the value is a bare scheme. */
  readonly credentials: string;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*$/;
const CREDENTIALS = /^[\x21-\x7e]+$/;

/** Shortest shared bearer secret (admin, approver) a service accepts. */
const MIN_SECRET = 32;

/**
 * Can `secret` serve as a shared bearer secret (the mint's admin token, the approval
 * service's approver token)? At least 32 characters that this parser carries as
 * credentials (visible ASCII): any other secret could never authenticate, so a service
 * refuses it at start.
 * @example isBearerSecret('a'.repeat(32)) // true; isBearerSecret('a b'.repeat(16)) // false
 */
export function isBearerSecret(secret: string): boolean {
  return secret.length >= MIN_SECRET && CREDENTIALS.test(secret);
}

/**
 * Splits an `Authorization` header value. Throws `TokenMalformedError` unless the value is
 * a bare scheme or `scheme SP credentials` as described above.
 * @example
 * ```ts
 * splitAuthorization('Basic dTpw')  // { scheme: 'Basic', credentials: 'dTpw' }
 * splitAuthorization('Digest')      // { scheme: 'Digest', credentials: '' }
 * splitAuthorization('Bearer  x')   // throws ERR_TOKEN_MALFORMED (two spaces)
 * ```
 */
export function splitAuthorization(value: string): AuthorizationParts {
  if (typeof value !== 'string') throw new TypeError('value must be a string');
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (!SCHEME.test(scheme)) throw new TokenMalformedError('Authorization header is malformed');
  if (space === -1) return { scheme, credentials: '' };
  const credentials = value.slice(space + 1);
  if (!CREDENTIALS.test(credentials)) {
    throw new TokenMalformedError('Authorization credentials are malformed');
  }
  return { scheme, credentials };
}

/**
 * The credentials of `value` when it is well formed and uses exactly `scheme`, else
 * `undefined` (absent, malformed, another scheme, or no credentials). For services that
 * answer every such case with the same 401.
 * @example credentialsFor(request.headers.authorization, 'Bearer') // 's3cret' | undefined
 */
export function credentialsFor(value: string | undefined, scheme: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parts = splitAuthorization(value);
    return parts.scheme === scheme && parts.credentials !== '' ? parts.credentials : undefined;
  } catch (e) {
    if (e instanceof TokenMalformedError) return undefined;
    throw e;
  }
}

/**
 * HTTP Basic credentials.
 * @example const { user, password }: BasicCredentials = decodeBasic(credentials)!
 */
export interface BasicCredentials {
  readonly user: string;
  readonly password: string;
}

/**
 * Decodes `Basic` credentials: canonical base64 of strict UTF-8 `user:password` (the user
 * may be empty; the first colon splits). `undefined` for anything else.
 * @example decodeBasic('dXNlcjpwYXNz') // { user: 'user', password: 'pass' }
 */
export function decodeBasic(credentials: string): BasicCredentials | undefined {
  const bytes = base64Decode(credentials);
  const text = bytes === null ? null : utf8Decode(bytes);
  if (text === null) return undefined;
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
