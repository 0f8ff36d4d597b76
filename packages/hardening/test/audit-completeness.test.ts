/**
 * Audit completeness (CI size: 5 s of load, then a graceful SIGTERM under load), for a
 * verifier process and for the mint's /v1/verify: every decision served has exactly one
 * audit event with its request id and decision.
 */
import { describe, expect, it } from 'vitest';
import { runAuditCompleteness } from '../src/index.js';

describe('audit completeness across a graceful SIGTERM', () => {
  for (const target of ['verifier', 'mint'] as const) {
    it(`${target}: audit events == decisions served, reconciled by request id`, async () => {
      const r = await runAuditCompleteness({ durationMs: 5000, concurrency: 8, target });
      console.log(`audit-completeness: ${JSON.stringify(r)}`);
      expect(r.exitCode).toBe(0);
      expect(r.allowed).toBeGreaterThan(50);
      expect(r.denied).toBeGreaterThan(50);
      expect({
        missing: r.missing,
        orphaned: r.orphaned,
        duplicated: r.duplicated,
        mismatched: r.mismatched,
      }).toEqual({ missing: 0, orphaned: 0, duplicated: 0, mismatched: 0 });
      expect(r.events).toBe(r.decisions);
    }, 90_000);
  }
});
