import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyLayout, parseRevocation } from '../src/index.js';

describe('parseRevocation (stored and published entries)', () => {
  it('parses every kind, with and without issuedBefore, values containing colons', () => {
    expect(parseRevocation('token:ab', '1,2,')).toEqual({
      kind: 'token',
      value: 'ab',
      revokedAt: 1,
      expiresAt: 2,
    });
    expect(parseRevocation('principal:urn:user:1', '5,9,4')).toEqual({
      kind: 'principal',
      value: 'urn:user:1',
      revokedAt: 5,
      expiresAt: 9,
      issuedBefore: 4,
    });
  });

  it('rejects anything malformed (never a half-parsed entry)', () => {
    for (const [field, value] of [
      ['bogus:x', '1,2,'],
      [':x', '1,2,'],
      ['token', '1,2,'],
      ['token:x', '1,2'],
      ['token:x', ',1,'],
      ['token:x', '1,,'],
      ['token:x', 'a,2,'],
      ['token:x', '1,2,b'],
      ['token:x', '1e400,2,'],
    ] as const) {
      expect(parseRevocation(field, value)).toBeUndefined();
    }
  });

  it('round-trips what the revoke script stores (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('token', 'session', 'principal', 'fingerprint'),
        fc.string({ minLength: 1, maxLength: 40 }).filter((v) => ![...v].some((c) => c < ' ')),
        fc.nat(),
        fc.nat(),
        fc.option(fc.nat(), { nil: undefined }),
        (kind, value, revokedAt, expiresAt, issuedBefore) => {
          const stored = `${revokedAt},${expiresAt},${issuedBefore ?? ''}`;
          expect(parseRevocation(`${kind}:${value}`, stored)).toEqual({
            kind,
            value,
            revokedAt,
            expiresAt,
            ...(issuedBefore !== undefined ? { issuedBefore } : {}),
          });
        },
      ),
      { seed: 99, numRuns: 300 },
    );
  });

  it('validates the key prefix', () => {
    expect(keyLayout('app-1').budget('t', 'k')).toBe('app-1:{t}:b:k');
    expect(() => keyLayout('{x}')).toThrow(TypeError);
    expect(() => keyLayout('')).toThrow(TypeError);
  });
});
