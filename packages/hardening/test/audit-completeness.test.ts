/**
 * Audit completeness (CI size: 6 s of load, then a graceful SIGTERM under load): every
 * decision served has exactly one audit event with its request id and decision.
 */
import { describe, expect, it } from 'vitest';
import { runAuditCompleteness } from '../src/index.js';

describe('audit completeness across a graceful SIGTERM', () => {
  it('audit events == decisions served, reconciled by request id', async () => {
    const r = await runAuditCompleteness({ durationMs: 6000, concurrency: 8 });
    console.log(`audit-completeness: ${JSON.stringify(r)}`);
    expect(r.exitCode).toBe(0);
    expect(r.allowed).toBeGreaterThan(100);
    expect(r.denied).toBeGreaterThan(100);
    expect({
      missing: r.missing,
      orphaned: r.orphaned,
      duplicated: r.duplicated,
      mismatched: r.mismatched,
    }).toEqual({ missing: 0, orphaned: 0, duplicated: 0, mismatched: 0 });
    expect(r.events).toBe(r.decisions);
  }, 90_000);
});
