#!/usr/bin/env node
// Timing check of signature comparison: `node packages/hardening/scripts/timing.mjs [samples]`
// (default 200,000 per class; run `pnpm build` first). Prints Welch's t between tokens whose
// signature differs in the first byte and in the last byte (|t| < 4.5: not distinguishable),
// and the control pair's t (24 more HMACs), which must be large.
import { measureSignatureTiming } from '../dist/index.js';

const samples = Number(process.argv[2] ?? 200_000);
const r = measureSignatureTiming({ samples, seed: 20_261_127 });
console.log(JSON.stringify(r, null, 2));
const verdict = Math.abs(r.t) < 4.5 ? 'not distinguishable' : 'DISTINGUISHABLE';
console.log(
  `timing: ${samples}/class, median first ${r.medianFirstByteNs} ns, last ${r.medianLastByteNs} ns, ` +
    `|t| = ${Math.abs(r.t).toFixed(2)} (${verdict}); control |t| = ${Math.abs(r.controlT).toFixed(1)}`,
);
