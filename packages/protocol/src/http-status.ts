/**
 * The one exhaustive table from stable error code to HTTP status. HTTP is a wire concern,
 * so it lives here and not in @chit/token, which owns the codes themselves.
 * 401: the credential itself is unusable. 403: the credential is genuine but does not
 * grant this request. 503: the verifier cannot currently trust its own state (fail closed).
 */
import type { ErrorCode } from '@chit/token';

/**
 * Every stable error code with its HTTP status. Typed against `ErrorCode`, so a code added
 * to @chit/token without a status here does not compile.
 * @example HTTP_STATUS.ERR_SIGNATURE_INVALID // 401
 */
export const HTTP_STATUS = Object.freeze({
  // token as presented
  ERR_TOKEN_MISSING: 401,
  ERR_TOKEN_MALFORMED: 401,
  ERR_TOKEN_TOO_LARGE: 401,
  ERR_SIGNATURE_INVALID: 401,
  ERR_KEY_UNKNOWN: 401,
  ERR_TOKEN_EXPIRED: 401,
  ERR_TOKEN_NOT_YET_VALID: 401,
  ERR_TOKEN_REVOKED: 401,
  ERR_DISCHARGE_INVALID: 401,
  // genuine token, not enough authority for this request
  ERR_CAVEAT_UNKNOWN: 403,
  ERR_CAVEAT_MALFORMED: 403,
  ERR_CAVEAT_UNSATISFIED: 403,
  ERR_DISCHARGE_MISSING: 403,
  ERR_BUDGET_EXHAUSTED: 403,
  // holder-side misuse of attenuation (narrow, delegate)
  ERR_NOT_NARROWER: 400,
  // state the verifier cannot trust right now
  ERR_REVOCATION_UNAVAILABLE: 503,
  ERR_BUDGET_UNAVAILABLE: 503,
  ERR_STORE_UNAVAILABLE: 503,
  // a client could not reach the service it depends on (e.g. the mint service)
  ERR_UPSTREAM_UNAVAILABLE: 503,
  // service edges (mint API, approval service)
  ERR_BAD_REQUEST: 400,
  ERR_UNAUTHORIZED: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_CONFLICT: 409,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_RATE_LIMITED: 429,
  ERR_INTERNAL: 500,
} as const satisfies Record<ErrorCode, number>);

/**
 * The HTTP status of an error code.
 * @example reply.code(httpStatusFor(err.code)).send(errorBody(err.code, err.message))
 */
export function httpStatusFor(code: ErrorCode): number {
  return HTTP_STATUS[code];
}
