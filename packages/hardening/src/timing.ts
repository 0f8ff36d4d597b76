/**
 * The timing check: does a signature that differs from the expected one in its first byte
 * take a measurably different time to reject than one that differs in its last byte?
 * Samples of both classes are interleaved in a seeded random order (so drift and noise hit
 * both alike), timed one call at a time with `process.hrtime.bigint`, cropped at the 99th
 * percentile, and compared with Welch's t (dudect's method). A control pair that does
 * differ (24 more caveats, 24 more HMACs) shows the method can see a real difference.
 */
import { addFirstPartyCaveat, caveat, encodeBinary, verify } from '@chit/token';
import { keys, mintMacaroon, NOW_S, readerCaveats } from './fixtures.js';
import { cropAbove, percentile, welchT } from './stats.js';

/**
 * The timing check's figures.
 * @example
 * ```ts
 * const { t }: TimingReport = measureSignatureTiming({ samples: 5000, seed: 1 });
 * ```
 */
export interface TimingReport {
  readonly samplesPerClass: number;
  readonly medianFirstByteNs: number;
  readonly medianLastByteNs: number;
  /** Welch's t between first-byte and last-byte mismatches (|t| < 4.5: not distinguishable). */
  readonly t: number;
  /** Welch's t of the control pair (must be large: the method has power). */
  readonly controlT: number;
  readonly controlMedianNs: readonly [number, number];
}

function forgeAt(bytes: Uint8Array, index: number): string {
  const b = bytes.slice();
  b[index] = b[index]! ^ 0x80;
  return Buffer.from(b).toString('base64url');
}

function timeOne(token: string): number {
  const opts = { keys, context: { tenant: '42' }, clock: () => NOW_S * 1000 };
  const t0 = process.hrtime.bigint();
  try {
    verify(token, opts);
  } catch {
    // every token here is rejected; only the time matters
  }
  return Number(process.hrtime.bigint() - t0);
}

function compare(a: string, b: string, samples: number, seed: number): [number[], number[]] {
  const xs: number[] = [];
  const ys: number[] = [];
  let state = seed >>> 0 || 1;
  for (let i = 0; i < 2000; i++) timeOne(i & 1 ? a : b); // warm-up (JIT)
  while (xs.length < samples || ys.length < samples) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const pickA = (state & 1) === 1 ? xs.length < samples : ys.length >= samples;
    if (pickA) xs.push(timeOne(a));
    else ys.push(timeOne(b));
  }
  return [cropAbove(xs, 99), cropAbove(ys, 99)];
}

/**
 * Runs the timing check with `samples` calls per class.
 * @example
 * ```ts
 * const r = measureSignatureTiming({ samples: 200_000, seed: 1 }); Math.abs(r.t) < 4.5
 * ```
 */
export function measureSignatureTiming(opts: { samples: number; seed: number }): TimingReport {
  const m = mintMacaroon({ caveats: readerCaveats() });
  const bytes = encodeBinary(m);
  const sigStart = bytes.length - 32;
  const first = forgeAt(bytes, sigStart);
  const last = forgeAt(bytes, bytes.length - 1);
  const [a, b] = compare(first, last, opts.samples, opts.seed);
  // Control: a forged token with 24 more caveats does 24 more HMACs before failing.
  let wider = m;
  for (let i = 0; i < 24; i++) wider = addFirstPartyCaveat(wider, caveat.resource(`orders/${i}`));
  const longer = encodeBinary(wider);
  const longerForged = forgeAt(longer, longer.length - 1);
  const [c, d] = compare(last, longerForged, Math.min(opts.samples, 20_000), opts.seed + 1);
  return {
    samplesPerClass: opts.samples,
    medianFirstByteNs: percentile(a, 50),
    medianLastByteNs: percentile(b, 50),
    t: welchT(a, b),
    controlT: welchT(c, d),
    controlMedianNs: [percentile(c, 50), percentile(d, 50)],
  };
}
