import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsDigest, canonicalJson } from '../src/index.js';

describe('argsDigest', () => {
  it('is canonical: key order and undefined members do not matter', () => {
    expect(canonicalJson({ b: 1, a: [true, 'x', null], c: undefined })).toBe(
      '{"a":[true,"x",null],"b":1}',
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(argsDigest(reversed)).toBe(argsDigest(obj));
        expect(argsDigest(obj)).toMatch(/^sha256:[0-9a-f]{64}$/);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('distinguishes different arguments', () => {
    expect(argsDigest({ amount: 150 })).not.toBe(argsDigest({ amount: 15 }));
    expect(argsDigest({ a: '1' })).not.toBe(argsDigest({ a: 1 }));
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => argsDigest({ f: () => 1 })).toThrow(TypeError);
    expect(() => argsDigest({ n: Number.NaN })).toThrow(RangeError);
    expect(() => argsDigest({ b: 1n })).toThrow(TypeError);
    expect(() => argsDigest({ d: new Date(0) })).toThrow(TypeError);
    expect(() => argsDigest({ m: new Map() })).toThrow(TypeError);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => argsDigest(deep)).toThrow(RangeError);
  });
});
