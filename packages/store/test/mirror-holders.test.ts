/**
 * Issue 11, holes 2 and 3 at the mirror: an entry is live for exactly the seconds a
 * verifier accepts the token it covers (`now < expires + leeway`), and the mirror counts
 * holder (fingerprint) entries per token family so a mint can cap them.
 */
import { caveat, encode, LEEWAY_SECONDS, mint, stateLifetime, verify } from '@chit/token';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REVOCATION_NEVER_LAPSES,
  type RevocationEntry,
  RevocationMirror,
  type RevocationSubject,
} from '../src/index.js';

const NOW = 1_800_000_000;
const FAMILY = 'ab'.repeat(16);
const subject = (fingerprints: string[]): RevocationSubject => ({
  tokenId: FAMILY,
  issuedAt: NOW - 100,
  fingerprints,
});
const holder = (value: string, over: Partial<RevocationEntry> = {}): RevocationEntry => ({
  kind: 'fingerprint',
  value,
  revokedAt: NOW,
  expiresAt: NOW + 600,
  family: FAMILY,
  ...over,
});
const loaded = (entries: RevocationEntry[] = []) => {
  const m = new RevocationMirror();
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

const KEY = new Uint8Array(32).fill(7);
const EXPIRES = NOW + 1000;
const TOKEN = encode(
  mint({
    key: KEY,
    kid: 'k1',
    tokenId: new Uint8Array(16),
    issuedAt: NOW,
    caveats: [caveat.expires(EXPIRES)],
  }),
);

/** Does the core accept the token (expiring at EXPIRES) at `now` (seconds, fractional)? */
function acceptedAt(now: number): boolean {
  try {
    verify(TOKEN, { keys: () => KEY, context: {}, clock: () => now * 1000 });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_TOKEN_EXPIRED') return false;
    throw e;
  }
}

describe('revocation entry lifetime against acceptance (hole 2)', () => {
  it('an entry until stateLifetime(expires) is live at every moment a verifier accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 999 }), (s, ms) => {
        const now = NOW + s + ms / 1000;
        const m = loaded([holder('fp1', { expiresAt: stateLifetime(EXPIRES)! })]);
        const revoked = code(() => m.check(subject(['fp0', 'fp1']), now)) === 'ERR_TOKEN_REVOKED';
        expect(revoked).toBe(acceptedAt(now));
      }),
      { seed: 20261204, numRuns: 400 },
    );
  });

  it('is still live within the leeway, to the millisecond, and pruned only after it', () => {
    const expires = NOW + 60;
    const m = loaded([holder('fp1', { expiresAt: stateLifetime(expires)! })]);
    expect(code(() => m.check(subject(['fp1']), expires + 10))).toBe('ERR_TOKEN_REVOKED');
    expect(code(() => m.check(subject(['fp1']), expires + LEEWAY_SECONDS - 0.001))).toBe(
      'ERR_TOKEN_REVOKED',
    );
    expect(m.prune(expires + LEEWAY_SECONDS - 0.001)).toBe(0);
    expect(m.prune(expires + LEEWAY_SECONDS)).toBe(1);
    expect(m.size).toBe(0);
  });

  it('an entry that never lapses revokes forever and survives every prune', () => {
    const m = loaded([holder('fp1', { expiresAt: REVOCATION_NEVER_LAPSES })]);
    expect(m.prune(REVOCATION_NEVER_LAPSES - 1)).toBe(0);
    expect(code(() => m.check(subject(['fp1']), REVOCATION_NEVER_LAPSES - 1))).toBe(
      'ERR_TOKEN_REVOKED',
    );
  });
});

describe('holder revocations per family (hole 3)', () => {
  it('counts distinct holder entries of a family, once each however often applied', () => {
    const m = loaded([holder('fp1'), holder('fp2')]);
    m.apply(holder('fp1', { expiresAt: NOW + 900 })); // the feed echoing a local apply, wider
    m.apply(holder('fp2'));
    expect(m.holderRevocations(FAMILY)).toBe(2);
    expect(m.holderRevocations('cd'.repeat(16))).toBe(0);
  });

  it('counts only fingerprint entries that name a family', () => {
    const m = loaded([
      { kind: 'token', value: FAMILY, revokedAt: NOW, expiresAt: NOW + 60 },
      holder('legacy', { family: undefined }),
      holder('fp1'),
    ]);
    expect(m.holderRevocations(FAMILY)).toBe(1);
    m.apply(holder('legacy')); // the same entry, now with its family: counted once
    m.apply(holder('legacy'));
    expect(m.holderRevocations(FAMILY)).toBe(2);
  });

  it('forgets entries as they are pruned (exact after a prune, an upper bound between)', () => {
    const m = loaded([
      holder('short', { expiresAt: NOW + 10 }),
      holder('long', { expiresAt: NOW + 100 }),
      holder('other', { family: 'cd'.repeat(16), expiresAt: NOW + 10 }),
    ]);
    expect(m.holderRevocations(FAMILY)).toBe(2);
    expect(m.prune(NOW + 10)).toBe(2);
    expect(m.holderRevocations(FAMILY)).toBe(1);
    expect(m.holderRevocations('cd'.repeat(16))).toBe(0);
    m.prune(NOW + 100);
    expect(m.holderRevocations(FAMILY)).toBe(0);
    expect(m.size).toBe(0);
  });
});
