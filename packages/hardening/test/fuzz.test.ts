/**
 * The CI slice of the mutation fuzzer: 100,000 seeded mutants of genuine tokens through
 * decode + verify. 0 forgeries, 0 exceptions that are not ChitErrors. The full run is
 * `node packages/hardening/scripts/fuzz.mjs` (1,000,000 mutants).
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../src/index.js';

describe('mutation fuzzing (100,000-case slice)', () => {
  it('accepts no forgery and throws nothing but ChitErrors', () => {
    const r = runFuzz({ seed: 20_261_127, cases: 100_000 });
    expect(r.cases).toBe(100_000);
    expect({ forgeries: r.forgeries, uncaught: r.uncaught, examples: r.examples }).toEqual({
      forgeries: 0,
      uncaught: 0,
      examples: [],
    });
    // The mutants reach every layer: parsing, signatures, keys and discharges.
    for (const code of ['ERR_TOKEN_MALFORMED', 'ERR_SIGNATURE_INVALID', 'ERR_KEY_UNKNOWN']) {
      expect(r.codes[code], code).toBeGreaterThan(100);
    }
    expect(r.codes.ERR_DISCHARGE_MISSING ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
