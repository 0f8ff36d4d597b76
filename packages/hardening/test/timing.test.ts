/**
 * The light CI version of the timing check (the full one is scripts/timing.mjs). On a
 * shared, noisy machine only gross differences are asserted: the medians of first-byte and
 * last-byte mismatches within 25% of each other, while the control pair (24 more HMACs)
 * is clearly told apart (its medians differ by more than half), so the check is not blind.
 */
import { describe, expect, it } from 'vitest';
import { measureSignatureTiming, welchT } from '../src/index.js';

describe('signature mismatch timing', () => {
  it('Welch t is 0 for identical samples and large for shifted ones', () => {
    const base = Array.from({ length: 1000 }, (_, i) => 100 + (i % 7));
    expect(welchT(base, base)).toBe(0);
    expect(
      Math.abs(
        welchT(
          base,
          base.map((x) => x + 5),
        ),
      ),
    ).toBeGreaterThan(10);
  });

  it('first-byte and last-byte mismatches take the same time; the control differs', () => {
    const r = measureSignatureTiming({ samples: 5000, seed: 11 });
    const ratio = r.medianFirstByteNs / r.medianLastByteNs;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
    const [fewer, more] = r.controlMedianNs;
    expect(more / fewer).toBeGreaterThan(1.5);
  });
});
