import { RevocationUnavailableError, TokenRevokedError } from '@chit/token';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RevocationEntry, RevocationMirror, type RevocationSubject } from '../src/index.js';

const NOW = 1_800_000_000;
const cap = (over: Partial<RevocationSubject> = {}): RevocationSubject => ({
  tokenId: 't'.repeat(32),
  issuedAt: NOW - 100,
  session: 's-1',
  principal: 'user-1',
  fingerprints: ['fp0', 'fp1', 'fp2'],
  ...over,
});
const entry = (over: Partial<RevocationEntry>): RevocationEntry => ({
  kind: 'token',
  value: 'x',
  revokedAt: NOW,
  expiresAt: NOW + 3600,
  ...over,
});
const loaded = (entries: RevocationEntry[] = [], stalenessMs = 2000) => {
  const m = new RevocationMirror({ stalenessMs });
  m.load(entries);
  return m;
};
const code = (f: () => void): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('RevocationMirror', () => {
  it('fails closed until loaded', () => {
    const m = new RevocationMirror();
    expect(() => m.check(cap(), NOW)).toThrow(RevocationUnavailableError);
    expect(code(() => m.check(cap(), NOW))).toBe('ERR_REVOCATION_UNAVAILABLE');
    m.load([]);
    expect(() => m.check(cap(), NOW)).not.toThrow();
  });

  it('revokes by token id, session, and principal issued-before', () => {
    expect(code(() => loaded([entry({ value: 't'.repeat(32) })]).check(cap(), NOW))).toBe(
      'ERR_TOKEN_REVOKED',
    );
    expect(code(() => loaded([entry({ kind: 'session', value: 's-1' })]).check(cap(), NOW))).toBe(
      'ERR_TOKEN_REVOKED',
    );
    const p = loaded([entry({ kind: 'principal', value: 'user-1', issuedBefore: NOW - 50 })]);
    expect(() => p.check(cap(), NOW)).toThrow(TokenRevokedError);
    expect(() => p.check(cap({ issuedAt: NOW - 50 }), NOW)).not.toThrow();
    expect(() => p.check(cap({ principal: 'user-2' }), NOW)).not.toThrow();
    expect(() => p.check(cap({ principal: undefined }), NOW)).not.toThrow();
  });

  it('a principal entry without issuedBefore cuts at revokedAt', () => {
    const m = loaded([entry({ kind: 'principal', value: 'user-1' })]);
    expect(() => m.check(cap({ issuedAt: NOW - 1 }), NOW)).toThrow(TokenRevokedError);
    expect(() => m.check(cap({ issuedAt: NOW }), NOW)).not.toThrow();
  });

  it('revokes by any chain fingerprint: descendants die, parent and siblings live', () => {
    const m = loaded([entry({ kind: 'fingerprint', value: 'fp1' })]);
    expect(() => m.check(cap(), NOW)).toThrow(TokenRevokedError); // descendant of fp1
    expect(() => m.check(cap({ fingerprints: ['fp0', 'fp1'] }), NOW)).toThrow(TokenRevokedError); // fp1 itself
    expect(() => m.check(cap({ fingerprints: ['fp0'] }), NOW)).not.toThrow(); // parent
    expect(() => m.check(cap({ fingerprints: ['fp0', 'sib1'] }), NOW)).not.toThrow(); // sibling
  });

  it('ignores and prunes entries past expiresAt', () => {
    const m = loaded([
      entry({ value: 't'.repeat(32), expiresAt: NOW + 10 }),
      entry({ kind: 'principal', value: 'user-1', expiresAt: NOW + 10 }),
    ]);
    expect(() => m.check(cap(), NOW + 9)).toThrow(TokenRevokedError);
    expect(() => m.check(cap(), NOW + 10)).not.toThrow();
    expect(m.size).toBe(2);
    expect(m.prune(NOW + 10)).toBe(2);
    expect(m.size).toBe(0);
  });

  it('merges repeated entries, keeping the wider one', () => {
    const m = loaded([
      entry({ kind: 'principal', value: 'user-1', issuedBefore: NOW - 200, expiresAt: NOW + 100 }),
      entry({ kind: 'principal', value: 'user-1', issuedBefore: NOW - 50, expiresAt: NOW + 10 }),
      entry({ value: 't'.repeat(32), expiresAt: NOW + 100 }),
      entry({ value: 't'.repeat(32), expiresAt: NOW + 5 }),
    ]);
    expect(m.size).toBe(2);
    expect(() => m.check(cap({ tokenId: 'other' }), NOW + 50)).toThrow(TokenRevokedError);
    expect(() => m.check(cap(), NOW + 50)).toThrow(TokenRevokedError);
  });

  it('serves within the staleness bound while the feed is down, then fails closed until resynced', () => {
    const m = loaded([], 2000);
    const t0 = NOW * 1000;
    m.feedDown(t0);
    expect(() => m.check(cap(), (t0 + 2000) / 1000)).not.toThrow();
    expect(code(() => m.check(cap(), (t0 + 2001) / 1000))).toBe('ERR_REVOCATION_UNAVAILABLE');
    m.feedDown(t0 + 1500); // a second report keeps the earliest start
    expect(m.available(t0 + 2001)).toBe(false);
    m.feedUp(); // back, but messages may have been lost: still stale
    expect(code(() => m.check(cap(), (t0 + 2001) / 1000))).toBe('ERR_REVOCATION_UNAVAILABLE');
    m.resynced();
    expect(() => m.check(cap(), (t0 + 2001) / 1000)).not.toThrow();
    expect(m.available(t0 + 9999)).toBe(true);
  });

  it('answers the same above the filter threshold (large sets) and after pruning back below it', () => {
    const background = Array.from({ length: 6000 }, (_, i) =>
      entry({
        kind: (['token', 'session', 'fingerprint'] as const)[i % 3],
        value: `bg-${i}`,
        expiresAt: NOW + 10,
      }),
    );
    const m = loaded([
      ...background,
      entry({ kind: 'fingerprint', value: 'fp1', expiresAt: NOW + 100 }),
      entry({ kind: 'session', value: 's-9', expiresAt: NOW + 100 }),
      entry({ kind: 'token', value: 'tok-9', expiresAt: NOW + 100 }),
    ]);
    expect(m.size).toBe(6003);
    expect(() => m.check(cap(), NOW)).toThrow(TokenRevokedError);
    expect(() => m.check(cap({ fingerprints: ['fp0'], session: 's-9' }), NOW)).toThrow(
      TokenRevokedError,
    );
    expect(() => m.check(cap({ fingerprints: ['fp0'], tokenId: 'tok-9' }), NOW)).toThrow(
      TokenRevokedError,
    );
    expect(() => m.check(cap({ fingerprints: ['fp0', 'bg-2'] }), NOW)).toThrow(TokenRevokedError);
    expect(() => m.check(cap({ fingerprints: ['fp0', 'bg-3'] }), NOW)).not.toThrow(); // a token id, not a fingerprint
    expect(() => m.check(cap({ fingerprints: ['fp0'] }), NOW)).not.toThrow();
    for (let i = 0; i < 2000; i++) {
      expect(() =>
        m.check(
          cap({ tokenId: `live-${i}`, session: `live-${i}`, fingerprints: [`live-${i}`] }),
          NOW,
        ),
      ).not.toThrow();
    }
    m.apply(entry({ kind: 'session', value: 'late', expiresAt: NOW + 100 }));
    expect(() => m.check(cap({ fingerprints: [], session: 'late' }), NOW)).toThrow(
      TokenRevokedError,
    );
    expect(m.prune(NOW + 10)).toBe(6000);
    expect(() => m.check(cap(), NOW + 10)).toThrow(TokenRevokedError);
    expect(() => m.check(cap({ fingerprints: ['fp0', 'bg-2'] }), NOW + 10)).not.toThrow();
  });

  it('rejects bad options and unknown kinds', () => {
    expect(() => new RevocationMirror({ stalenessMs: -1 })).toThrow(RangeError);
    expect(() => new RevocationMirror().apply(entry({ kind: 'bogus' as 'token' }))).toThrow(
      TypeError,
    );
  });

  it('agrees with a naive model (property)', () => {
    const kinds = ['token', 'session', 'principal', 'fingerprint'] as const;
    const vals = ['a', 'b', 'c'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom(...kinds),
            value: fc.constantFrom(...vals),
            issuedBefore: fc.integer({ min: NOW - 100, max: NOW }),
            expiresAt: fc.integer({ min: NOW - 10, max: NOW + 10 }),
          }),
          { maxLength: 20 },
        ),
        fc.record({
          tokenId: fc.constantFrom(...vals),
          session: fc.option(fc.constantFrom(...vals), { nil: undefined }),
          principal: fc.option(fc.constantFrom(...vals), { nil: undefined }),
          issuedAt: fc.integer({ min: NOW - 100, max: NOW }),
          fingerprints: fc.array(fc.constantFrom(...vals), { maxLength: 4 }),
        }),
        (raw, subject) => {
          const entries = raw.map((r) => ({
            kind: r.kind,
            value: r.value,
            revokedAt: NOW - 200,
            expiresAt: r.expiresAt,
            ...(r.kind === 'principal' ? { issuedBefore: r.issuedBefore } : {}),
          }));
          const live = entries.filter((e) => NOW < e.expiresAt);
          const principalCut = Math.max(
            -Infinity,
            ...entries
              .filter((e) => e.kind === 'principal' && e.value === subject.principal)
              .map((e) => e.issuedBefore ?? 0),
          );
          const principalLive = entries.some(
            (e) => e.kind === 'principal' && e.value === subject.principal && NOW < e.expiresAt,
          );
          const expected =
            live.some((e) => e.kind === 'token' && e.value === subject.tokenId) ||
            live.some((e) => e.kind === 'session' && e.value === subject.session) ||
            live.some((e) => e.kind === 'fingerprint' && subject.fingerprints.includes(e.value)) ||
            (principalLive && subject.issuedAt < principalCut);
          const m = loaded(entries);
          expect(code(() => m.check(subject, NOW))).toBe(
            expected ? 'ERR_TOKEN_REVOKED' : undefined,
          );
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});
