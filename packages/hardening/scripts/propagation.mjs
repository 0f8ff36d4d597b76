#!/usr/bin/env node
// Revocation propagation, one mint and three verifiers, single Redis and 3-master Cluster:
// `node packages/hardening/scripts/propagation.mjs [revocations]` (default 1000; run
// `pnpm build` first). Prints p50/p99/max from acknowledgement to enforcement everywhere.
import { measurePropagation } from '../dist/index.js';

const n = Number(process.argv[2] ?? 1000);
for (const topology of ['single', 'cluster']) {
  const r = await measurePropagation({ topology, revocations: n });
  console.log(
    `propagation ${topology}: n=${r.revocations} x ${r.instances} instances, p50 ${r.p50Ms} ms, ` +
      `p99 ${r.p99Ms} ms (target <= 100), max ${r.maxMs} ms, p99 from send ${r.p99FromSendMs} ms`,
  );
}
