#!/usr/bin/env node
// Audit completeness: `node packages/hardening/scripts/audit-completeness.mjs [seconds]`
// (default 60; run `pnpm build` first). Load on a verifier process, then a graceful SIGTERM
// under load; prints decisions served vs audit events, reconciled by request id.
import { runAuditCompleteness } from '../dist/index.js';

const seconds = Number(process.argv[2] ?? 60);
const r = await runAuditCompleteness({ durationMs: seconds * 1000, concurrency: 16 });
console.log(JSON.stringify(r, null, 2));
console.log(
  `audit: ${r.decisions} decisions served (${r.allowed} allow, ${r.denied} deny), ${r.events} events; ` +
    `missing ${r.missing}, orphaned ${r.orphaned}, duplicated ${r.duplicated}, mismatched ${r.mismatched}`,
);
process.exit(r.missing + r.orphaned + r.duplicated + r.mismatched === 0 ? 0 : 1);
