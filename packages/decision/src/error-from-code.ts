/**
 * Rebuilds a coded error on the far side of a wire (the remote judge reads the mint's
 * answer): the same subclass as where it was thrown, so `instanceof` and `code` agree on
 * both sides.
 */
import {
  BudgetExhaustedError,
  BudgetUnavailableError,
  CaveatMalformedError,
  CaveatUnknownError,
  CaveatUnsatisfiedError,
  ChitError,
  DischargeInvalidError,
  DischargeMissingError,
  type ErrorCode,
  KeyUnknownError,
  NotNarrowerError,
  RevocationUnavailableError,
  SignatureInvalidError,
  StoreUnavailableError,
  TokenExpiredError,
  TokenMalformedError,
  TokenNotYetValidError,
  TokenRevokedError,
  TokenTooLargeError,
} from '@chit/token';

type Make = (message: string | undefined) => ChitError;

// Signature and key failures say nothing specific: their own fixed messages, never a peer's.
const CLASSES: Partial<Record<ErrorCode, Make>> = {
  ERR_TOKEN_MALFORMED: (m) => new TokenMalformedError(m),
  ERR_TOKEN_TOO_LARGE: (m) => new TokenTooLargeError(m),
  ERR_SIGNATURE_INVALID: () => new SignatureInvalidError(),
  ERR_KEY_UNKNOWN: () => new KeyUnknownError(),
  ERR_TOKEN_EXPIRED: (m) => new TokenExpiredError(m),
  ERR_TOKEN_NOT_YET_VALID: (m) => new TokenNotYetValidError(m),
  ERR_TOKEN_REVOKED: (m) => new TokenRevokedError(m),
  ERR_CAVEAT_UNKNOWN: (m) => new CaveatUnknownError(m),
  ERR_CAVEAT_MALFORMED: (m) => new CaveatMalformedError(m),
  ERR_CAVEAT_UNSATISFIED: (m) => new CaveatUnsatisfiedError(m),
  ERR_DISCHARGE_MISSING: (m) => new DischargeMissingError(m),
  ERR_DISCHARGE_INVALID: (m) => new DischargeInvalidError(m),
  ERR_BUDGET_EXHAUSTED: (m) => new BudgetExhaustedError(m),
  ERR_NOT_NARROWER: (m) => new NotNarrowerError(m),
  ERR_REVOCATION_UNAVAILABLE: (m) => new RevocationUnavailableError(m),
  ERR_BUDGET_UNAVAILABLE: (m) => new BudgetUnavailableError(m),
  ERR_STORE_UNAVAILABLE: (m) => new StoreUnavailableError(m),
};

/**
 * The error class of `code` with `message` (each class's own message when omitted);
 * a service code without a subclass is a plain ChitError.
 * @example errorFromCode('ERR_TOKEN_REVOKED', 'token has been revoked') instanceof TokenRevokedError // true
 */
export function errorFromCode(code: ErrorCode, message?: string): ChitError {
  const make = CLASSES[code];
  return make !== undefined ? make(message) : new ChitError(code, message ?? code);
}
