#!/usr/bin/env node
// Audit completeness: `node packages/hardening/scripts/audit-completeness.mjs [seconds]`
// (default 60; run `pnpm build` first). Load on a verifier process and on the mint's
// /v1/verify, then a graceful SIGTERM under load; prints decisions served vs audit events,
// reconciled by request id.
import { runAuditCompleteness } from '../dist/index.js';

const seconds = Number(process.argv[2] ?? 60);
let failed = false;
for (const target of ['verifier', 'mint']) {
  const r = await runAuditCompleteness({ durationMs: seconds * 1000, concurrency: 16, target });
  failed ||= r.missing + r.orphaned + r.duplicated + r.mismatched > 0 || r.events !== r.decisions;
  console.log(JSON.stringify(r));
  console.log(
    `audit ${target}: ${r.decisions} decisions served (${r.allowed} allow, ${r.denied} deny), ` +
      `${r.events} events; missing ${r.missing}, orphaned ${r.orphaned}, duplicated ${r.duplicated}, ` +
      `mismatched ${r.mismatched}; exit ${r.exitCode}`,
  );
}
process.exit(failed ? 1 : 0);
