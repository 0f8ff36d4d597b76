#!/usr/bin/env node
// The soak: `node packages/hardening/scripts/soak.mjs [minutes]` (default 10; run
// `pnpm build` first). Measures the peak of the protected route for 15 s, holds 80% of it,
// and prints errors and RSS growth after a 60 s warm-up (targets: 0 errors, < 10%).
import { runSoak } from '../dist/index.js';

const minutes = Number(process.argv[2] ?? 10);
const r = await runSoak({ peakMs: 15_000, durationMs: minutes * 60_000, warmupMs: 60_000 });
console.log(JSON.stringify(r, null, 2));
const errors = r.errors + r.non2xx + r.timeouts;
console.log(
  `soak: peak ${r.peakRps} req/s, held ${r.achievedRps} req/s for ${minutes} min, ${errors} errors, ` +
    `RSS ${r.rssAfterWarmupMiB} -> ${r.rssEndMiB} MiB (${r.rssGrowthPercent}%, target < 10%)`,
);
process.exit(errors === 0 && r.rssGrowthPercent < 10 ? 0 : 1);
