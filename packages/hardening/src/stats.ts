/**
 * Small statistics for the figures of docs/security.md: percentiles, mean/variance and
 * Welch's t statistic.
 */

/**
 * The p-th percentile (0-100) by nearest rank; `NaN` for no samples.
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50) // 2
 * ```
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/**
 * Mean and unbiased variance.
 * @example
 * ```ts
 * meanVar([1, 2, 3]) // { mean: 2, variance: 1, n: 3 }
 * ```
 */
export function meanVar(samples: readonly number[]): { mean: number; variance: number; n: number } {
  const n = samples.length;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    const d = x - mean;
    mean += d / (i + 1);
    m2 += d * (x - mean);
  }
  return { mean, variance: n > 1 ? m2 / (n - 1) : 0, n };
}

/**
 * Welch's t statistic of two samples (as in dudect: |t| > 4.5 suggests a difference,
 * |t| > 10 is a clear one).
 * @example
 * ```ts
 * welchT([1, 2, 3], [1, 2, 3]) // 0
 * ```
 */
export function welchT(a: readonly number[], b: readonly number[]): number {
  const x = meanVar(a);
  const y = meanVar(b);
  const se = Math.sqrt(x.variance / x.n + y.variance / y.n);
  return se === 0 ? 0 : (x.mean - y.mean) / se;
}

/**
 * Drops samples above the given percentile (timing outliers: interrupts, GC).
 * @example
 * ```ts
 * cropAbove([1, 2, 3, 100], 75) // [1, 2, 3]
 * ```
 */
export function cropAbove(samples: readonly number[], p: number): number[] {
  const limit = percentile(samples, p);
  return samples.filter((x) => x <= limit);
}
