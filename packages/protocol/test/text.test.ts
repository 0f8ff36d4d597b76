import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifier, isIdentifierText, isWellFormedText, wellFormed } from '../src/index.js';

const LONE = ['\ud800', '\udbff', '\udc00', '\udfff', 'a\ud800b', '\udc00\ud800'];
const CONTROLS = [
  '\u0000',
  '\t',
  '\n',
  '\r',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u2028',
  '\u2029',
];

describe('isWellFormedText', () => {
  it.each(LONE)('rejects a lone surrogate in %j', (s) => {
    expect(isWellFormedText(s)).toBe(false);
    expect(wellFormed(64).safeParse(s).success).toBe(false);
    expect(identifier(64).safeParse(s).success).toBe(false);
  });

  it('agrees with String.prototype.isWellFormed on any UTF-16 string', () => {
    const native = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(isWellFormedText(s)).toBe(native(s));
      }),
      { seed: 1105, numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0xd7f0, max: 0xe010 })), (units) => {
        const s = String.fromCharCode(...units);
        expect(isWellFormedText(s)).toBe(native(s));
      }),
      { seed: 1106, numRuns: 2000 },
    );
  });

  it('accepts surrogate pairs (astral characters)', () => {
    expect(isWellFormedText('s-\u{1F600}')).toBe(true);
    expect(identifier(64).parse('\u{10FFFF}')).toBe('\u{10FFFF}');
  });
});

describe('identifier', () => {
  it.each(CONTROLS)('rejects the control character %j', (c) => {
    expect(isIdentifierText(`a${c}b`)).toBe(false);
    expect(identifier(64).safeParse(`a${c}b`).success).toBe(false);
    // Free text keeps them (it is still well formed).
    expect(wellFormed(64).safeParse(`a${c}b`).success).toBe(true);
  });

  it('enforces its bounds', () => {
    expect(identifier(3).safeParse('').success).toBe(false);
    expect(identifier(3, 0).safeParse('').success).toBe(true);
    expect(identifier(3).safeParse('abcd').success).toBe(false);
    expect(identifier(3).safeParse(3).success).toBe(false);
  });
});
