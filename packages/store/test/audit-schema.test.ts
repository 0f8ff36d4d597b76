import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  auditEventSchema,
  auditQuerySchema,
  createAuditEvent,
  matchesAuditQuery,
} from '../src/index.js';

const T = Date.UTC(2026, 10, 27, 9, 0, 0);

describe('audit schema', () => {
  it('builds a validated event with time, id and decision derived', () => {
    const e = createAuditEvent(
      {
        type: 'verify.deny',
        service: 'orders',
        tokenId: 'ab',
        code: 'ERR_TOKEN_REVOKED',
        via: ['svc-a'],
      },
      { now: T, id: 'ev-1' },
    );
    expect(e).toEqual({
      id: 'ev-1',
      time: '2026-11-27T09:00:00.000Z',
      type: 'verify.deny',
      service: 'orders',
      tokenId: 'ab',
      code: 'ERR_TOKEN_REVOKED',
      via: ['svc-a'],
      caveats: [],
      decision: 'deny',
    });
    expect(createAuditEvent({ type: 'verify.allow', service: 's' }, { now: T }).decision).toBe(
      'allow',
    );
    expect(createAuditEvent({ type: 'mint', service: 's' }, { now: T }).decision).toBeNull();
    expect(
      createAuditEvent({ type: 'approval', service: 's', decision: 'allow' }, { now: T }).decision,
    ).toBe('allow');
    const a = createAuditEvent({ type: 'mint', service: 's' }, { now: T });
    const b = createAuditEvent({ type: 'mint', service: 's' }, { now: T });
    expect(a.id).not.toBe(b.id);
  });

  it('rejects unknown fields, unknown codes, bad types and non-ISO times', () => {
    const good = createAuditEvent({ type: 'mint', service: 's' }, { now: T });
    expect(auditEventSchema.safeParse(good).success).toBe(true);
    expect(auditEventSchema.safeParse({ ...good, token: 'secret' }).success).toBe(false);
    expect(auditEventSchema.safeParse({ ...good, code: 'ERR_NOPE' }).success).toBe(false);
    expect(auditEventSchema.safeParse({ ...good, type: 'delete' }).success).toBe(false);
    expect(auditEventSchema.safeParse({ ...good, time: 'yesterday' }).success).toBe(false);
    expect(auditEventSchema.safeParse({ ...good, decision: 'maybe' }).success).toBe(false);
    expect(() => createAuditEvent({ type: 'mint', service: '' }, { now: T })).toThrow();
  });

  it('parses HTTP query strings (limit coerced, bounds enforced)', () => {
    expect(auditQuerySchema.parse({ tokenId: 'x', limit: '50' })).toEqual({
      tokenId: 'x',
      limit: 50,
    });
    expect(auditQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ limit: '1001' }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ since: 'last week' }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ bogus: '1' }).success).toBe(false);
  });

  it('matches: since inclusive, until exclusive, every filter ANDed (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (at, since, until) => {
          const e: AuditEvent = createAuditEvent(
            { type: 'mint', service: 's', tenant: 't' },
            { now: T + at * 1000 },
          );
          const iso = (s: number) => new Date(T + s * 1000).toISOString();
          expect(matchesAuditQuery(e, { since: iso(since), until: iso(until) })).toBe(
            at >= since && at < until,
          );
          expect(matchesAuditQuery(e, { since: iso(since), tenant: 'u' })).toBe(false);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
