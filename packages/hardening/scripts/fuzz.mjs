#!/usr/bin/env node
// Mutation fuzzing of decode + verify: `node packages/hardening/scripts/fuzz.mjs [cases] [seed]`
// (defaults 1,000,000 and 20261127; run `pnpm build` first). Prints the report as JSON and
// exits 1 on any forgery or non-ChitError exception.
import { runFuzz } from '../dist/index.js';

const cases = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 20_261_127);
const started = performance.now();
const report = runFuzz({ seed, cases });
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ ...report, seconds: Number(seconds.toFixed(1)) }, null, 2));
console.log(
  `fuzz: ${report.cases} mutants, ${report.forgeries} forgeries, ${report.uncaught} uncaught, ` +
    `${report.acceptedEquivalent} accepted as another spelling of a genuine token (${seconds.toFixed(1)} s)`,
);
process.exit(report.forgeries === 0 && report.uncaught === 0 ? 0 : 1);
