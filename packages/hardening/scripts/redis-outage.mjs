#!/usr/bin/env node
// Redis killed under load and restarted: `node packages/hardening/scripts/redis-outage.mjs`
// (run `pnpm build` first). Prints latency, revoked tokens accepted, outage codes and the
// recovery time after Redis answers again (target <= 6000 ms).
import { runRedisOutage } from '../dist/index.js';

const r = await runRedisOutage({ warmMs: 3000, downMs: 5000, afterMs: 3000, concurrency: 16 });
console.log(JSON.stringify(r, null, 2));
console.log(
  `redis-outage: ${r.requests} requests (${r.duringOutage} during the outage), ` +
    `${r.revokedAccepted} revoked accepted, max latency ${r.maxLatencyMs} ms, ` +
    `recovery ${r.recoveryMs} ms after Redis returned (target <= 6000)`,
);
process.exit(r.revokedAccepted === 0 && r.unexpected === 0 && r.recoveryMs <= 6000 ? 0 : 1);
