/**
 * Turns the verified conditions of a chain into a frozen VerifiedCapability, with its
 * matchers compiled once for authorize.
 */

import { CaveatMalformedError } from '../errors.js';
import type { Budget, ChitIdentifier, ThirdPartyCaveatInfo, VerifiedCapability } from '../types.js';
import { createCapability } from './capability.js';
import { resolveConditions } from './intersect.js';

/**
 * Input of {@link resolveCapability}: the verified parts of a token and its discharges.
 * @example
 * ```ts
 * const input: ResolveInput = {
 *   identifier, conditions: ['tenant = 42'], conditionFingerprints: [fp1],
 *   fingerprints: [fp0, fp1], thirdParty: [],
 * };
 * ```
 */
export interface ResolveInput {
  readonly identifier: ChitIdentifier;
  /** Every first-party condition, primary then discharges, chain order. */
  readonly conditions: readonly string[];
  /** Fingerprint of the chain position right after each condition (parallel to `conditions`). */
  readonly conditionFingerprints: readonly string[];
  /** Primary chain fingerprints (index 0 after the identifier). */
  readonly fingerprints: readonly string[];
  readonly thirdParty: readonly ThirdPartyCaveatInfo[];
  /**
   * Index in `conditions` of the first condition of each discharge (the primary's are
   * before the first). Omitted: the conditions are the primary's alone.
   */
  readonly dischargeStarts?: readonly number[];
}

function stringArray(arg: string, value: unknown): readonly string[] {
  if (!Array.isArray(value)) throw new TypeError(`${arg} must be an array`);
  for (const v of value) if (typeof v !== 'string') throw new TypeError(`${arg} must hold strings`);
  return value;
}

/**
 * Parses every condition and intersects them into the authority the token grants:
 * tenants, actions, audiences and attribute values intersect; every resource condition
 * must match; the earliest `expires` and latest `not-before` apply; each `uses <= N`
 * becomes a budget keyed by the fingerprint after its condition; claims must agree (if
 * they do not, the capability is returned but {@link authorize} denies every request).
 * Call it only after every signature verified. The result is deeply frozen.
 *
 * @throws {CaveatUnknownError|CaveatMalformedError} a condition is not understood or not canonical.
 * @throws {TypeError|RangeError} the input arrays are not parallel or hold non-strings.
 * @example
 * ```ts
 * const cap = resolveCapability({
 *   identifier, conditions: ['tenant = 42', 'uses <= 3'],
 *   conditionFingerprints: [fp1, fp2], fingerprints: [fp0, fp1, fp2], thirdParty: [],
 * });
 * cap.tenants; // ['42']
 * cap.budgets; // [{ key: fp2, limit: 3 }]
 * ```
 */
export function resolveCapability(input: ResolveInput): VerifiedCapability {
  if (input === null || typeof input !== 'object') throw new TypeError('input must be an object');
  const { identifier } = input;
  if (identifier === null || typeof identifier !== 'object') {
    throw new TypeError('input.identifier must be an object');
  }
  const conditions = stringArray('input.conditions', input.conditions);
  const conditionFingerprints = stringArray(
    'input.conditionFingerprints',
    input.conditionFingerprints,
  );
  if (conditionFingerprints.length !== conditions.length) {
    throw new RangeError('input.conditionFingerprints must be parallel to input.conditions');
  }
  const fingerprints = stringArray('input.fingerprints', input.fingerprints);
  if (!Array.isArray(input.thirdParty)) throw new TypeError('input.thirdParty must be an array');

  const dischargeStarts =
    input.dischargeStarts === undefined ? [] : input.dischargeStarts.map(Number);
  for (const at of dischargeStarts) {
    if (!Number.isSafeInteger(at) || at < 0 || at > conditions.length) {
      throw new RangeError('input.dischargeStarts must hold indexes into input.conditions');
    }
  }
  // The capability freezes the arrays it is given: hand it copies of the caller's.
  return resolveVerified(
    identifier,
    conditions.slice(),
    conditionFingerprints,
    fingerprints.slice(),
    input.thirdParty,
    dischargeStarts,
  );
}

/** No `uses` caveat: the capability swaps any empty list for its shared frozen one. */
const NO_BUDGETS: Budget[] = [];
const NO_STARTS: readonly number[] = Object.freeze([]);

/**
 * {@link resolveCapability} for the verifier's own freshly built arrays (internal): no
 * re-validation, and `conditions` and `fingerprints` are frozen in place and kept by the
 * capability (the caller must not keep or change them).
 * @example resolveVerified(identifier, conditions, fingerprints.slice(1), fingerprints, [])
 */
export function resolveVerified(
  identifier: ChitIdentifier,
  conditions: string[],
  conditionFingerprints: readonly string[],
  fingerprints: string[],
  thirdParty: readonly ThirdPartyCaveatInfo[],
  dischargeStarts: readonly number[] = NO_STARTS,
): VerifiedCapability {
  const sealed = identifier.sealed ?? 0;
  const r = resolveConditions(conditions, {
    session: identifier.session,
    sealed,
    dischargeStarts,
  });
  if (sealed > (dischargeStarts.length === 0 ? conditions.length : dischargeStarts[0]!)) {
    // Only a minter can write the identifier, and `mint` seals exactly what it adds.
    throw new CaveatMalformedError('caveat is malformed: fewer caveats than the minter sealed');
  }
  const budgets: Budget[] =
    r.budgets.length === 0
      ? NO_BUDGETS
      : r.budgets.map(({ index, limit, expiresAt }) =>
          Object.freeze({ key: conditionFingerprints[index]!, limit, expiresAt }),
        );
  return createCapability(identifier, r, budgets, conditions, fingerprints, thirdParty);
}
