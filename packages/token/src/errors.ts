/**
 * Every failure Chit reports is a {@link ChitError} with a stable `code`.
 * Codes are public API: they are never renamed, only added.
 *
 * Programmer misuse (a wrong argument type, an out-of-range option) is not a
 * ChitError: it throws `TypeError` or `RangeError` naming the argument.
 *
 * @example
 * ```ts
 * try { verify(token, opts) } catch (e) {
 *   if (e instanceof ChitError) console.error(e.code, e.message) // status: @chit/protocol
 * }
 * ```
 */
export class ChitError extends Error {
  /** Stable machine-readable code, e.g. `ERR_SIGNATURE_INVALID`. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** The public wire form `{ code, message }`: never contains token material. */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * Every stable error code, grouped by what failed. The HTTP status of each code is not a
 * token-library concern: it lives in `@chit/protocol` (`HTTP_STATUS`).
 * @example ERROR_CODES.includes('ERR_KEY_UNKNOWN') // true
 */
export const ERROR_CODES = [
  // token as presented
  'ERR_TOKEN_MISSING',
  'ERR_TOKEN_MALFORMED',
  'ERR_TOKEN_TOO_LARGE',
  'ERR_SIGNATURE_INVALID',
  'ERR_KEY_UNKNOWN',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_TOKEN_REVOKED',
  'ERR_DISCHARGE_INVALID',
  // genuine token, not enough authority for this request
  'ERR_CAVEAT_UNKNOWN',
  'ERR_CAVEAT_MALFORMED',
  'ERR_CAVEAT_UNSATISFIED',
  'ERR_DISCHARGE_MISSING',
  'ERR_BUDGET_EXHAUSTED',
  // holder-side misuse of attenuation (narrow, delegate)
  'ERR_NOT_NARROWER',
  // state the verifier cannot trust right now
  'ERR_REVOCATION_UNAVAILABLE',
  'ERR_BUDGET_UNAVAILABLE',
  'ERR_STORE_UNAVAILABLE',
  // a client could not reach the service it depends on (e.g. the mint service)
  'ERR_UPSTREAM_UNAVAILABLE',
  // service edges (mint API, approval service)
  'ERR_BAD_REQUEST',
  'ERR_UNAUTHORIZED',
  'ERR_FORBIDDEN',
  'ERR_NOT_FOUND',
  'ERR_CONFLICT',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_RATE_LIMITED',
  'ERR_INTERNAL',
] as const;

/**
 * A stable error code.
 * @example const code: ErrorCode = 'ERR_KEY_UNKNOWN'
 */
export type ErrorCode = (typeof ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * Is `value` one of the stable codes? (For codes that arrive over the wire.)
 * @example isErrorCode(body.error?.code) ? body.error.code : 'ERR_INTERNAL'
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

/**
 * The token could not be parsed (bad encoding, bad field order, bad lengths...).
 * @example throw new TokenMalformedError()
 */
export class TokenMalformedError extends ChitError {
  constructor(message = 'token is malformed') {
    super('ERR_TOKEN_MALFORMED', message);
  }
}
/**
 * The token exceeds a configured limit (bytes, caveats, condition length, discharges).
 * @example throw new TokenTooLargeError()
 */
export class TokenTooLargeError extends ChitError {
  constructor(message = 'token exceeds a size limit') {
    super('ERR_TOKEN_TOO_LARGE', message);
  }
}
/**
 * The HMAC chain did not verify (primary or discharge). Deliberately says nothing
 * about where or why: an attacker learns one bit.
 * @example throw new SignatureInvalidError()
 */
export class SignatureInvalidError extends ChitError {
  constructor() {
    super('ERR_SIGNATURE_INVALID', 'signature is invalid');
  }
}
/**
 * The token's key id is not known (or retired).
 * @example throw new KeyUnknownError()
 */
export class KeyUnknownError extends ChitError {
  constructor() {
    super('ERR_KEY_UNKNOWN', 'key id is unknown');
  }
}
/**
 * An `expires` caveat is in the past (beyond the leeway).
 * @example throw new TokenExpiredError()
 */
export class TokenExpiredError extends ChitError {
  constructor(message = 'token has expired') {
    super('ERR_TOKEN_EXPIRED', message);
  }
}
/**
 * A `not-before` caveat is in the future (beyond the leeway).
 * @example throw new TokenNotYetValidError()
 */
export class TokenNotYetValidError extends ChitError {
  constructor(message = 'token is not yet valid') {
    super('ERR_TOKEN_NOT_YET_VALID', message);
  }
}
/**
 * The token (or an ancestor, its session or principal) has been revoked.
 * @example throw new TokenRevokedError()
 */
export class TokenRevokedError extends ChitError {
  constructor(message = 'token has been revoked') {
    super('ERR_TOKEN_REVOKED', message);
  }
}
/**
 * A condition's type is not in the registry: deny.
 * @example throw new CaveatUnknownError()
 */
export class CaveatUnknownError extends ChitError {
  constructor(message = 'caveat is not understood') {
    super('ERR_CAVEAT_UNKNOWN', message);
  }
}
/**
 * A known condition type whose text is not in its one canonical spelling.
 * @example throw new CaveatMalformedError()
 */
export class CaveatMalformedError extends ChitError {
  constructor(message = 'caveat is malformed') {
    super('ERR_CAVEAT_MALFORMED', message);
  }
}
/**
 * A genuine caveat that the request context does not satisfy.
 * @example throw new CaveatUnsatisfiedError()
 */
export class CaveatUnsatisfiedError extends ChitError {
  constructor(message = 'caveat is not satisfied') {
    super('ERR_CAVEAT_UNSATISFIED', message);
  }
}
/**
 * A third-party caveat has no matching discharge.
 * @example throw new DischargeMissingError()
 */
export class DischargeMissingError extends ChitError {
  constructor(message = 'a third-party caveat has no discharge') {
    super('ERR_DISCHARGE_MISSING', message);
  }
}
/**
 * Discharges are structurally wrong: unused, duplicated, cyclic, too many.
 * @example throw new DischargeInvalidError()
 */
export class DischargeInvalidError extends ChitError {
  constructor(message = 'discharges are invalid') {
    super('ERR_DISCHARGE_INVALID', message);
  }
}
/**
 * A `uses <= N` budget has been spent.
 * @example throw new BudgetExhaustedError()
 */
export class BudgetExhaustedError extends ChitError {
  constructor(message = 'usage budget is exhausted') {
    super('ERR_BUDGET_EXHAUSTED', message);
  }
}
/**
 * An attenuation that would not narrow the token (rejected, never silently appended).
 * @example throw new NotNarrowerError()
 */
export class NotNarrowerError extends ChitError {
  constructor(message = 'attenuation would not narrow the token') {
    super('ERR_NOT_NARROWER', message);
  }
}
/**
 * The revocation state cannot be trusted right now: fail closed.
 * @example throw new RevocationUnavailableError()
 */
export class RevocationUnavailableError extends ChitError {
  constructor(message = 'revocation state is unavailable') {
    super('ERR_REVOCATION_UNAVAILABLE', message);
  }
}
/**
 * The budget store cannot be reached: fail closed.
 * @example throw new BudgetUnavailableError()
 */
export class BudgetUnavailableError extends ChitError {
  constructor(message = 'budget store is unavailable') {
    super('ERR_BUDGET_UNAVAILABLE', message);
  }
}
/**
 * The store cannot be reached for a write that must be durable.
 * @example throw new StoreUnavailableError()
 */
export class StoreUnavailableError extends ChitError {
  constructor(message = 'store is unavailable') {
    super('ERR_STORE_UNAVAILABLE', message);
  }
}
