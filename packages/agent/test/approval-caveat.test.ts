import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_CAVEAT_PREFIX,
  ApprovalCaveatInvalidError,
  type ApprovalRequest,
  argsDigest,
  openApprovalCaveat,
  sealApprovalCaveat,
} from '../src/index.js';

const KEY = new Uint8Array(32).map((_, i) => i + 1);
const OTHER = new Uint8Array(32).map((_, i) => 255 - i);
const REQUEST: ApprovalRequest = {
  tool: 'refund_order',
  action: 'refund',
  resource: 'orders/17',
  tenant: '42',
  session: 's-1',
  principal: 'user-1',
  argsDigest: argsDigest({ order: '17', amount: 150 }),
  summary: 'refund 150 on order 17',
  expiresAt: 1_800_000_000,
};

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ApprovalCaveatInvalidError) return e.code;
    throw e;
  }
  throw new Error('expected ApprovalCaveatInvalidError');
}

describe('approval caveat ids', () => {
  it('round-trips the request and the caveat key', () => {
    const sealed = sealApprovalCaveat(KEY, REQUEST);
    expect(sealed.caveatId.startsWith(APPROVAL_CAVEAT_PREFIX)).toBe(true);
    expect(sealed.caveatKey).toHaveLength(32);
    const opened = openApprovalCaveat(KEY, sealed.caveatId);
    expect(opened.request).toEqual(REQUEST);
    expect(opened.caveatKey).toEqual(sealed.caveatKey);
  });

  it('reveals nothing in clear and differs every time', () => {
    const a = sealApprovalCaveat(KEY, REQUEST);
    const b = sealApprovalCaveat(KEY, REQUEST);
    expect(a.caveatId).not.toBe(b.caveatId);
    expect(a.caveatKey).not.toEqual(b.caveatKey);
    const raw = Buffer.from(a.caveatId.slice(5), 'base64url').toString('latin1');
    expect(raw).not.toContain('refund');
    expect(raw).not.toContain('orders/17');
  });

  it('refuses another key, other prefixes and junk with ERR_BAD_REQUEST', () => {
    const { caveatId } = sealApprovalCaveat(KEY, REQUEST);
    expect(codeOf(() => openApprovalCaveat(OTHER, caveatId))).toBe('ERR_BAD_REQUEST');
    for (const bad of [
      '',
      'apv1.',
      'apv2.AAAA',
      caveatId.replace('apv1.', 'apv2.'),
      `${caveatId}=`,
      `${caveatId} `,
      'apv1.!!!!',
      `apv1.${'A'.repeat(2000)}`,
    ]) {
      expect(codeOf(() => openApprovalCaveat(KEY, bad))).toBe('ERR_BAD_REQUEST');
    }
  });

  it('detects every single-character change (fast-check, seeded)', () => {
    const { caveatId } = sealApprovalCaveat(KEY, REQUEST);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: caveatId.length - 1 }),
        fc.constantFrom(...alphabet),
        (i, c) => {
          fc.pre(caveatId[i] !== c);
          const mutated = caveatId.slice(0, i) + c + caveatId.slice(i + 1);
          // The last character may carry only padding bits of base64url: decoding can
          // then give the same bytes, which must open to the very same request.
          try {
            const opened = openApprovalCaveat(KEY, mutated);
            expect(i).toBe(caveatId.length - 1);
            expect(opened.request).toEqual(REQUEST);
          } catch (e) {
            expect(e).toBeInstanceOf(ApprovalCaveatInvalidError);
          }
        },
      ),
      { seed: 4242, numRuns: 500 },
    );
  });

  it('rejects misuse with TypeError/RangeError', () => {
    expect(() => sealApprovalCaveat(new Uint8Array(16), REQUEST)).toThrow(RangeError);
    expect(() => sealApprovalCaveat('k' as never, REQUEST)).toThrow(TypeError);
    expect(() => sealApprovalCaveat(KEY, { ...REQUEST, summary: 'x'.repeat(201) })).toThrow();
    expect(() => openApprovalCaveat(new Uint8Array(31), 'apv1.AAAA')).toThrow(RangeError);
  });
});
