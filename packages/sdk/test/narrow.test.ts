import { attenuate, type ChitError, caveat, decode, encode } from '@chit/token';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { narrow } from '../src/narrow.js';
import { patternCovers } from '../src/narrowing.js';
import { check, clock, codeOf, mintToken, NOW_S, wideToken } from './helpers.js';

const ctx = { tenant: '42', resource: 'orders/7', action: 'read' };

describe('narrow', () => {
  it('appends the typed options as canonical caveats, and the result verifies', () => {
    const t = wideToken();
    const n = narrow(
      t,
      {
        tenant: '42',
        resources: ['orders/7', 'orders/8'],
        actions: ['read'],
        ttl: 300,
        audience: 'billing',
        attributes: { customer_id: '7', region: ['eu', 'us'] },
        budget: { uses: 5 },
        conditions: ['not-before = 1'],
      },
      { clock },
    );
    const added = decode(n)
      .unsafeCaveats.slice(5)
      .map((c) => c.text);
    expect(added).toEqual([
      'tenant = 42',
      'resource in [orders/7,orders/8]',
      'action = read',
      'audience = billing',
      'customer_id = 7',
      'region in [eu,us]',
      'uses <= 5',
      `expires = ${NOW_S + 300}`,
      'not-before = 1',
    ]);
    const cap = check(n, {
      ...ctx,
      audience: 'billing',
      attributes: { customer_id: '7', region: 'eu' },
    });
    expect(cap.expiresAt).toBe(NOW_S + 300);
    expect(cap.actions).toEqual(['read']);
    // The narrowed token no longer allows what it left out.
    expect(
      codeOf(() =>
        check(n, {
          ...ctx,
          action: 'write',
          audience: 'billing',
          attributes: { customer_id: '7', region: 'eu' },
        }),
      ),
    ).toBe('ERR_CAVEAT_UNSATISFIED');
    expect(codeOf(() => check(n, { ...ctx, audience: 'billing' }, NOW_S + 400))).toBe(
      'ERR_TOKEN_EXPIRED',
    );
  });

  it.each([
    ['an action outside the set', { actions: ['delete'] }],
    ['an action set equal to the current one', { actions: ['read', 'write'] }],
    ['a tenant outside the tenants', { tenant: '7' }],
    ['the same tenants', { tenant: ['41', '42'] }],
    ['a resource outside the pattern', { resources: ['invoices/1'] }],
    ['a wider resource pattern', { resources: ['**'] }],
    ['the same resource pattern', { resources: ['orders/**'] }],
    ['a ttl ending after the expiry', { ttl: 7200 }],
    ['a ttl ending at the expiry', { ttl: 3600 }],
    ['an expiresAt after the expiry', { expiresAt: NOW_S + 3601 }],
    ['a budget as large as the current', { budget: { uses: 100 } }],
    ['a larger budget', { budget: { uses: 1000 } }],
    ['a raw condition that widens', { conditions: ['action in [admin,read]'] }],
    ['a raw later expiry', { conditions: [`expires = ${NOW_S + 9999}`] }],
    ['a not-before after the expiry', { conditions: [`not-before = ${NOW_S + 3600}`] }],
  ])('rejects %s with ERR_NOT_NARROWER', (_name, options) => {
    expect(codeOf(() => narrow(wideToken(), options, { clock }))).toBe('ERR_NOT_NARROWER');
  });

  it('judges each option against the ones before it', () => {
    const t = wideToken();
    expect(
      codeOf(() => narrow(t, { actions: ['read'], conditions: ['action = read'] }, { clock })),
    ).toBe('ERR_NOT_NARROWER');
    // Two attribute options that leave nothing are refused too.
    const a = narrow(t, { attributes: { customer_id: '7' } }, { clock });
    expect(codeOf(() => narrow(a, { attributes: { customer_id: '8' } }, { clock }))).toBe(
      'ERR_NOT_NARROWER',
    );
  });

  it('refuses claims: they come only from the minter (disagreeing, repeated or new)', () => {
    const t = mintToken([`principal = user-1`]);
    expect(codeOf(() => narrow(t, { conditions: ['principal = user-2'] }))).toBe(
      'ERR_NOT_NARROWER',
    );
    expect(codeOf(() => narrow(t, { conditions: ['principal = user-1'] }))).toBe(
      'ERR_NOT_NARROWER',
    );
    for (const claim of ['role = agent', 'session = s-9', 'trace = t-1']) {
      expect(codeOf(() => narrow(t, { conditions: [claim] }))).toBe('ERR_NOT_NARROWER');
    }
    // A claim appended by a holder earlier is not a claim for the next holder either.
    const forged = encode(attenuate(t, ['role = admin']));
    expect(codeOf(() => narrow(forged, { conditions: ['role = admin'] }))).toBe('ERR_NOT_NARROWER');
    expect(decode(narrow(t, { conditions: ['via = svc-a'] })).unsafeCaveats).toHaveLength(2);
  });

  it('narrows an unrestricted token on any dimension', () => {
    const t = mintToken([]);
    const n = narrow(
      t,
      { actions: ['read'], tenant: '1', ttl: 60, budget: { uses: 1 } },
      { clock },
    );
    expect(decode(n).unsafeCaveats).toHaveLength(4);
  });

  it('passes on the core errors for raw conditions and tokens', () => {
    const t = wideToken();
    expect(codeOf(() => narrow(t, { conditions: ['colour < red'] }))).toBe('ERR_CAVEAT_UNKNOWN');
    expect(codeOf(() => narrow(t, { conditions: ['tenant  = 42'] }))).toBe('ERR_CAVEAT_MALFORMED');
    expect(codeOf(() => narrow('not a token!', { actions: ['read'] }))).toBe('ERR_TOKEN_MALFORMED');
    expect(codeOf(() => narrow(t.slice(0, 20), { actions: ['read'] }))).toBe('ERR_TOKEN_MALFORMED');
  });

  it('treats misuse as TypeError/RangeError', () => {
    const t = wideToken();
    expect(() => narrow(t, {})).toThrow(RangeError);
    expect(() => narrow(t, { ttl: -1 })).toThrow(RangeError);
    expect(() => narrow(t, { ttl: 1, expiresAt: 5 })).toThrow(TypeError);
    expect(() => narrow(t, { actions: [] })).toThrow(RangeError);
    expect(() => narrow(t, { actions: 'read' as unknown as string[] })).not.toThrow();
    expect(() => narrow(7 as unknown as string, { actions: ['read'] })).toThrow(TypeError);
    expect(() => narrow(t, null as never)).toThrow(TypeError);
    expect(() => narrow(t, { tenant: 'has space' })).toThrow(RangeError);
  });

  it('never widens: every accepted narrowing allows a subset (property)', () => {
    const actions = fc.subarray(['read', 'write', 'delete', 'admin'], { minLength: 1 });
    fc.assert(
      fc.property(
        actions,
        actions,
        fc.constantFrom('read', 'write', 'delete', 'admin'),
        (a, b, probe) => {
          const t = mintToken([
            `action ${a.length === 1 ? `= ${a[0]}` : `in [${[...a].sort().join(',')}]`}`,
          ]);
          let n: string;
          try {
            n = narrow(t, { actions: b });
          } catch (e) {
            expect((e as ChitError).code).toBe('ERR_NOT_NARROWER');
            expect(b.every((x) => a.includes(x)) && b.length < a.length).toBe(false);
            return;
          }
          expect(b.every((x) => a.includes(x)) && b.length < a.length).toBe(true);
          const allowed = (tok: string) => {
            try {
              check(tok, { action: probe });
              return true;
            } catch {
              return false;
            }
          };
          if (allowed(n)) expect(allowed(t)).toBe(true);
          expect(allowed(n)).toBe(b.includes(probe));
        },
      ),
      { seed: 424242, numRuns: 200 },
    );
  });
});

describe('patternCovers', () => {
  it.each([
    ['orders/**', 'orders/7', true],
    ['orders/**', 'orders/7/lines/**', true],
    ['orders/**', 'orders/*', true],
    ['orders/**', 'orders', false],
    ['orders/*', 'orders/7', true],
    ['orders/*', 'orders/**', false],
    ['orders/*', 'orders/7/x', false],
    ['*/7', 'orders/7', true],
    ['orders/7', 'orders/*', false],
    ['**', 'a/b/c', true],
    ['a/*/c', 'a/b/c', true],
    ['a/*/c', 'a/b/d', false],
  ])('%s covers %s: %s', (outer, inner, want) => {
    expect(patternCovers(outer, inner)).toBe(want);
  });
});

describe('narrow and the identifier session', () => {
  it('treats the identifier session as a claim: a different session is refused', () => {
    const t = mintToken([caveat.action('read')], 's-1');
    expect(codeOf(() => narrow(t, { conditions: ['session = s-2'] }))).toBe('ERR_NOT_NARROWER');
    expect(codeOf(() => narrow(t, { conditions: ['session = s-1'] }))).toBe('ERR_NOT_NARROWER');
    const other = mintToken([caveat.action('read')]);
    expect(codeOf(() => narrow(other, { conditions: ['session = s-2'] }))).toBe('ERR_NOT_NARROWER');
  });
});
