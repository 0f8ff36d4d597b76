/**
 * Generic standard-macaroon verification (no Chit identifier, no Chit caveat grammar):
 * the chain under a given root key, every first-party condition (of the primary and of
 * its discharges) accepted by a caller-supplied predicate.
 */
import { utf8Decode } from './bytes.js';
import { CaveatUnsatisfiedError, TokenTooLargeError } from './errors.js';
import { deriveKeyUncached } from './keys.js';
import { resolveLimits } from './limits.js';
import type { MacaroonV2 } from './macaroon.js';
import { toMacaroon } from './parse.js';
import type { Bytes, Limits } from './types.js';
import type { TokenInput } from './verify.js';
import { walkChain } from './walk.js';

/**
 * Options of {@link verifyMacaroon}.
 * @example verifyMacaroon(text, { rootKey, satisfies: (c) => c === 'account = 3735928559' })
 */
export interface VerifyMacaroonOptions {
  /** The root key the macaroon was created with (standard derivation applied). */
  readonly rootKey: Bytes;
  /** Discharges, each bound to the primary. */
  readonly discharges?: readonly TokenInput[];
  /** Returns true when a first-party condition holds. Called only after every signature verified. */
  readonly satisfies: (condition: string) => boolean;
  /** Parsing bounds. */
  readonly limits?: Partial<Limits>;
}

/**
 * Verifies any standard V2 macaroon: throws SignatureInvalidError, DischargeMissingError,
 * DischargeInvalidError, or CaveatUnsatisfiedError (a condition the predicate refused, or
 * one that is not UTF-8); returns normally when the macaroon is authorized.
 * @example
 * ```ts
 * const ok = new Set(['account = 3735928559']);
 * verifyMacaroon(text, { rootKey, satisfies: (c) => ok.has(c) });
 * ```
 */
export function verifyMacaroon(token: TokenInput, options: VerifyMacaroonOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const { rootKey, satisfies } = options;
  if (!(rootKey instanceof Uint8Array)) throw new TypeError('options.rootKey must be a Uint8Array');
  if (rootKey.length === 0) throw new RangeError('options.rootKey must not be empty');
  if (typeof satisfies !== 'function') throw new TypeError('options.satisfies must be a function');
  const limits = resolveLimits(options.limits, 'options.limits');
  const discharges = options.discharges ?? [];
  if (!Array.isArray(discharges)) throw new TypeError('options.discharges must be an array');
  if (discharges.length > limits.maxDischarges) {
    throw new TokenTooLargeError('token exceeds a size limit: too many discharges');
  }
  const primary = toMacaroon(token, 'token', limits);
  const parsed: MacaroonV2[] = discharges.map((d, i) =>
    toMacaroon(d, `options.discharges[${i}]`, limits),
  );
  const walk = walkChain(primary, deriveKeyUncached(rootKey), parsed, false);
  for (let i = 0; i < walk.conditions.length; i++) {
    const text = utf8Decode(walk.conditions[i]!);
    if (text === null || satisfies(text) !== true) {
      throw new CaveatUnsatisfiedError(`caveat is not satisfied: first-party condition #${i + 1}`);
    }
  }
}
