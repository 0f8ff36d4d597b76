import { describe, expect, it } from 'vitest';
import { authorize, resolveCapability } from '../src/caveats/index.js';
import { type ChitError, TokenExpiredError, TokenNotYetValidError } from '../src/errors.js';
import type { VerifiedCapability } from '../src/types.js';

const ALLOWED = 'ALLOWED';

function capOf(conditions: readonly string[]): VerifiedCapability {
  return resolveCapability({
    identifier: {
      version: 2,
      sealed: conditions.length,
      kid: 'k1',
      tokenId: '0123456789abcdef0123456789abcdef',
      issuedAt: 0,
    },
    conditions,
    conditionFingerprints: conditions.map((_, i) => `fp${i + 1}`),
    fingerprints: ['fp0', ...conditions.map((_, i) => `fp${i + 1}`)],
    thirdParty: [],
  });
}

/** The stable code thrown by `fn`, or `'ALLOWED'` when it returns. */
function outcome(fn: () => void): string {
  try {
    fn();
    return ALLOWED;
  } catch (e) {
    const code = (e as ChitError).code;
    if (typeof code !== 'string') throw e;
    return code;
  }
}

describe('authorize: time boundaries', () => {
  const EXP = 1_800_000_000;
  const NBF = 1_700_000_000;
  const cap = capOf([`expires = ${EXP}`, `not-before = ${NBF}`]);
  const at = (now: number, leeway: number) => outcome(() => authorize(cap, {}, now, leeway));
  const cases: [string, number, number, string][] = [
    ['now = exp - 1', EXP - 1, 0, ALLOWED],
    ['now = exp - 0.001', EXP - 0.001, 0, ALLOWED],
    ['now = exp (expired at now)', EXP, 0, 'ERR_TOKEN_EXPIRED'],
    ['now = exp + 1', EXP + 1, 0, 'ERR_TOKEN_EXPIRED'],
    ['now = exp, leeway 30', EXP, 30, ALLOWED],
    ['now = exp + 29, leeway 30', EXP + 29, 30, ALLOWED],
    ['now = exp + 30, leeway 30 (at leeway)', EXP + 30, 30, 'ERR_TOKEN_EXPIRED'],
    ['now = exp + 31, leeway 30 (past leeway)', EXP + 31, 30, 'ERR_TOKEN_EXPIRED'],
    ['now = nbf', NBF, 0, ALLOWED],
    ['now = nbf - 1', NBF - 1, 0, 'ERR_TOKEN_NOT_YET_VALID'],
    ['now = nbf + 1', NBF + 1, 0, ALLOWED],
    ['now = nbf - 30, leeway 30 (at leeway)', NBF - 30, 30, ALLOWED],
    ['now = nbf - 31, leeway 30 (past leeway)', NBF - 31, 30, 'ERR_TOKEN_NOT_YET_VALID'],
    ['clock stepped +5 min past exp, leeway 300', EXP + 299, 300, ALLOWED],
    ['clock stepped -5 min before nbf, leeway 300', NBF - 300, 300, ALLOWED],
  ];
  it.each(cases)('%s', (_name, now, leeway, expected) => {
    const got = at(now, leeway);
    expect(got).toBe(expected);
  });

  // The status of each code is @chit/protocol's (its http-status test); here, the class and code.
  it('throws the time errors as their own classes and codes', () => {
    expect(() => authorize(cap, {}, EXP, 0)).toThrow(TokenExpiredError);
    expect(() => authorize(cap, {}, NBF - 1, 0)).toThrow(TokenNotYetValidError);
    expect(new TokenExpiredError().code).toBe('ERR_TOKEN_EXPIRED');
    expect(new TokenNotYetValidError().code).toBe('ERR_TOKEN_NOT_YET_VALID');
  });

  it('uses the earliest expiry and the latest not-before of the chain', () => {
    const chain = capOf(['expires = 300', 'expires = 200', 'not-before = 50', 'not-before = 100']);
    expect(outcome(() => authorize(chain, {}, 199, 0))).toBe(ALLOWED);
    expect(outcome(() => authorize(chain, {}, 200, 0))).toBe('ERR_TOKEN_EXPIRED');
    expect(outcome(() => authorize(chain, {}, 99, 0))).toBe('ERR_TOKEN_NOT_YET_VALID');
  });
});
