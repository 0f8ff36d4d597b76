import { describe, expect, it } from 'vitest';
import { authorize, resolveCapability } from '../src/caveats/index.js';
import { CaveatUnsatisfiedError, type ChitError } from '../src/errors.js';
import type { RequestContext, VerifiedCapability } from '../src/types.js';

/** A capability from plain condition texts, with synthetic fingerprints `fp<i>`. */
export function capOf(conditions: readonly string[], session?: string): VerifiedCapability {
  return resolveCapability({
    identifier: {
      version: 2,
      sealed: conditions.length,
      kid: 'k1',
      tokenId: '0123456789abcdef0123456789abcdef',
      issuedAt: 1_700_000_000,
      ...(session !== undefined && { session }),
    },
    conditions,
    conditionFingerprints: conditions.map((_, i) => `fp${i + 1}`),
    fingerprints: ['fp0', ...conditions.map((_, i) => `fp${i + 1}`)],
    thirdParty: [],
  });
}

/** The stable code thrown by `fn`, or `'ALLOWED'` when it returns. */
export function outcome(fn: () => void): string {
  try {
    fn();
    return 'ALLOWED';
  } catch (e) {
    const code = (e as ChitError).code;
    if (typeof code !== 'string') throw e;
    return code;
  }
}

const NOW = 1_800_000_000;
const ALLOWED = 'ALLOWED';
const UNSAT = 'ERR_CAVEAT_UNSATISFIED';

function decide(conditions: string[], context: RequestContext, session?: string): string {
  return outcome(() => authorize(capOf(conditions, session), context, NOW, 0));
}

describe('resolveCapability', () => {
  it('intersects every type and reports budgets by the fingerprint after their condition', () => {
    const cap = capOf(
      [
        'tenant in [41,42,43]',
        'tenant in [42,43]',
        'action in [read,write]',
        'action = read',
        'audience in [billing,orders]',
        'resource = orders/**',
        'resource = orders/7/*',
        'customer_id in [7,8]',
        'customer_id in [8,9]',
        'expires = 2000000000',
        'expires = 1900000000',
        'not-before = 100',
        'not-before = 200',
        'uses <= 10',
        'uses <= 5',
        'principal = user-1',
        'role = agent',
        'trace = t1',
        'via = a',
        'via = b',
      ],
      's-1',
    );
    expect(cap.tenants).toEqual(['42', '43']);
    expect(cap.actions).toEqual(['read']);
    expect(cap.audiences).toEqual(['billing', 'orders']);
    expect(cap.resources).toEqual([['orders/**'], ['orders/7/*']]);
    expect({ ...cap.attributes }).toEqual({ customer_id: ['8'] });
    expect(cap.expiresAt).toBe(1_900_000_000);
    expect(cap.notBefore).toBe(200);
    expect(cap.budgets).toEqual([
      { key: 'fp14', limit: 10, expiresAt: 1_900_000_000 },
      { key: 'fp15', limit: 5, expiresAt: 1_900_000_000 },
    ]);
    expect(cap.principal).toBe('user-1');
    expect(cap.role).toBe('agent');
    expect(cap.traceId).toBe('t1');
    expect(cap.session).toBe('s-1');
    expect(cap.via).toEqual(['a', 'b']);
    expect(cap.caveats).toHaveLength(20);
    expect(cap.fingerprints).toHaveLength(21);
    expect(cap.tokenId).toBe('0123456789abcdef0123456789abcdef');
    expect(cap.kid).toBe('k1');
  });

  it('leaves unconstrained fields null, empty or absent', () => {
    const cap = capOf([]);
    expect(cap.tenants).toBeNull();
    expect(cap.actions).toBeNull();
    expect(cap.audiences).toBeNull();
    expect(cap.resources).toEqual([]);
    expect(cap.expiresAt).toBeNull();
    expect(cap.notBefore).toBeNull();
    expect(cap.budgets).toEqual([]);
    expect(cap.principal).toBeUndefined();
    expect(cap.session).toBeUndefined();
    expect(JSON.parse(JSON.stringify(cap))).not.toHaveProperty('session');
    authorize(cap, {}, NOW, 0);
  });

  it('returns a deeply frozen capability', () => {
    const cap = capOf(['tenant in [1,2]', 'resource = a/*', 'k = v', 'uses <= 1']);
    expect(Object.isFrozen(cap)).toBe(true);
    for (const part of [
      cap.tenants,
      cap.resources,
      cap.resources[0],
      cap.attributes,
      cap.budgets,
    ]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(Object.isFrozen(cap.attributes.k)).toBe(true);
    expect(Object.isFrozen(cap.budgets[0])).toBe(true);
    expect(() => (cap.tenants as string[]).push('3')).toThrow(TypeError);
  });

  it('resolves many distinct chains independently', () => {
    for (let i = 0; i < 3000; i++) {
      const cap = capOf([`tenant in [t${i},x]`, `tenant = t${i}`, `k${i % 7} = v`]);
      expect(cap.tenants).toEqual([`t${i}`]);
      expect(Object.isFrozen(cap.tenants)).toBe(true);
    }
    const a = capOf(['action in [read,write]']);
    const b = capOf(['action in [read,write]']);
    expect(a.actions).toEqual(['read', 'write']);
    expect(Object.isFrozen(b.actions)).toBe(true);
    expect(outcome(() => authorize(b, { action: 'delete' }, NOW, 0))).toBe(UNSAT);
  });

  it('throws the parse error of the first bad condition', () => {
    expect(outcome(() => capOf(['tenant = 1', 'tenant  = 2']))).toBe('ERR_CAVEAT_MALFORMED');
    expect(outcome(() => capOf(['tenant = 1', 'colour < red']))).toBe('ERR_CAVEAT_UNKNOWN');
    expect(outcome(() => capOf(['time = 1']))).toBe('ERR_CAVEAT_UNKNOWN');
  });

  it('rejects misuse with TypeError/RangeError', () => {
    const identifier = {
      version: 2,
      sealed: 0,
      kid: 'k',
      tokenId: 'a'.repeat(32),
      issuedAt: 0,
    } as const;
    const base = { identifier, fingerprints: [], thirdParty: [] };
    expect(() =>
      resolveCapability({ ...base, conditions: ['tenant = 1'], conditionFingerprints: [] }),
    ).toThrow(RangeError);
    expect(() =>
      resolveCapability({
        ...base,
        conditions: [1 as unknown as string],
        conditionFingerprints: ['x'],
      }),
    ).toThrow(TypeError);
    expect(() => resolveCapability(null as never)).toThrow(TypeError);
  });
});

describe('authorize: constraints', () => {
  const cases: [string, string[], RequestContext, string][] = [
    ['tenant allowed', ['tenant in [41,42]'], { tenant: '42' }, ALLOWED],
    ['tenant not allowed', ['tenant in [41,42]'], { tenant: '43' }, UNSAT],
    ['tenant missing', ['tenant = 42'], {}, UNSAT],
    ['tenant is case-sensitive', ['tenant = acme'], { tenant: 'ACME' }, UNSAT],
    ['tenant not a string', ['tenant = 42'], { tenant: 42 as unknown as string }, UNSAT],
    ['contradictory tenants', ['tenant = 41', 'tenant = 42'], { tenant: '42' }, UNSAT],
    ['action allowed', ['action in [read,write]'], { action: 'write' }, ALLOWED],
    [
      'action narrowed away',
      ['action in [read,write]', 'action = read'],
      { action: 'write' },
      UNSAT,
    ],
    ['action missing', ['action = read'], { tenant: '1' }, UNSAT],
    ['audience allowed', ['audience = orders'], { audience: 'orders' }, ALLOWED],
    ['audience wrong', ['audience = orders'], { audience: 'billing' }, UNSAT],
    ['audience missing', ['audience = orders'], {}, UNSAT],
    ['unconstrained field given', ['tenant = 1'], { tenant: '1', action: 'anything' }, ALLOWED],
    ['attribute allowed', ['customer_id in [7,8]'], { attributes: { customer_id: '8' } }, ALLOWED],
    ['attribute wrong value', ['customer_id = 7'], { attributes: { customer_id: '9' } }, UNSAT],
    ['attribute absent', ['customer_id = 7'], { attributes: { other: '7' } }, UNSAT],
    ['attributes absent', ['customer_id = 7'], {}, UNSAT],
    ['attribute intersected away', ['k in [a,b]', 'k in [c,d]'], { attributes: { k: 'a' } }, UNSAT],
    ['attribute from prototype', ['constructor = 1'], { attributes: {} }, UNSAT],
    ['attribute not a string', ['k = 7'], { attributes: { k: 7 as unknown as string } }, UNSAT],
    [
      'attribute of null prototype',
      ['k = 7'],
      { attributes: Object.assign(Object.create(null), { k: '7' }) },
      ALLOWED,
    ],
    ['attributes null', ['k = 7'], { attributes: null as never }, UNSAT],
    ['attributes a string', ['k = 7'], { attributes: 'k=7' as never }, UNSAT],
    ['attribute value an array', ['k = 7'], { attributes: { k: ['7'] as never } }, UNSAT],
    ['resource an array', ['resource = a/*'], { resource: ['a/b'] as never }, UNSAT],
    [
      'tenant an object with toString',
      ['tenant = 42'],
      { tenant: { toString: () => '42' } as never },
      UNSAT,
    ],
    ['principal matches', ['principal = u1'], { principal: 'u1' }, ALLOWED],
    ['principal differs', ['principal = u1'], { principal: 'u2' }, UNSAT],
    [
      'principal given, token has no claim (open)',
      ['tenant = 1'],
      { tenant: '1', principal: 'u1' },
      ALLOWED,
    ],
    ['principal not given', ['principal = u1'], {}, ALLOWED],
    ['principal claims disagree', ['principal = u1', 'principal = u2'], {}, UNSAT],
    ['principal claims agree', ['principal = u1', 'principal = u1'], { principal: 'u1' }, ALLOWED],
    ['role claims disagree', ['role = a', 'role = b'], {}, UNSAT],
    ['trace claims disagree', ['trace = a', 'trace = b'], {}, UNSAT],
    ['session claim matches context', ['session = s1'], { session: 's1' }, ALLOWED],
    ['session claim differs', ['session = s1'], { session: 's2' }, UNSAT],
    ['session claims disagree', ['session = s1', 'session = s2'], {}, UNSAT],
    ['session given, token has no claim (open)', [], { session: 's1' }, ALLOWED],
    ['via never restricts', ['via = a', 'via = b'], {}, ALLOWED],
    ['budget is reported, not enforced', ['uses <= 0'], {}, ALLOWED],
  ];
  it.each(cases)('%s', (_name, conditions, context, expected) => {
    const got = decide(conditions, context);
    expect(got).toBe(expected);
  });

  it('checks the identifier session against claims and context', () => {
    expect(decide([], { session: 's1' }, 's1')).toBe(ALLOWED);
    expect(decide([], { session: 's2' }, 's1')).toBe(UNSAT);
    expect(decide(['session = s1'], {}, 's1')).toBe(ALLOWED);
    expect(decide(['session = s2'], {}, 's1')).toBe(UNSAT);
    expect(capOf(['session = s9']).session).toBe('s9');
  });

  it('denies with ERR_CAVEAT_UNSATISFIED and a message that echoes no context value', () => {
    const cap = capOf(['tenant = 42']);
    try {
      authorize(cap, { tenant: 'secret-tenant-value' }, NOW, 0);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CaveatUnsatisfiedError);
      expect((e as CaveatUnsatisfiedError).code).toBe('ERR_CAVEAT_UNSATISFIED');
      expect((e as Error).message).toMatch(/tenant/);
      expect((e as Error).message).not.toContain('secret-tenant-value');
    }
  });

  it('rejects misuse of its arguments', () => {
    const cap = capOf([]);
    expect(() => authorize(cap, {}, Number.NaN, 0)).toThrow(TypeError);
    expect(() => authorize(cap, {}, Number.POSITIVE_INFINITY, 0)).toThrow(TypeError);
    expect(() => authorize(cap, {}, NOW, -1)).toThrow(RangeError);
    expect(() => authorize(cap, {}, NOW, Number.NaN)).toThrow(RangeError);
    expect(() => authorize(cap, null as never, NOW, 0)).toThrow(TypeError);
  });

  it('evaluates a capability it did not resolve (deserialised) by the same rules', () => {
    const cap = capOf([
      'tenant = 1',
      'resource = a/*',
      'k = v',
      'principal = p1',
      'principal = p2',
    ]);
    const copy = JSON.parse(JSON.stringify(cap)) as VerifiedCapability;
    const context = { tenant: '1', resource: 'a/b', attributes: { k: 'v' } };
    expect(outcome(() => authorize(copy, context, NOW, 0))).toBe(UNSAT);
    const agreeing = JSON.parse(JSON.stringify(capOf(['tenant = 1', 'resource = a/*', 'k = v'])));
    expect(outcome(() => authorize(agreeing, context, NOW, 0))).toBe(ALLOWED);
    expect(outcome(() => authorize(agreeing, { ...context, resource: 'b/b' }, NOW, 0))).toBe(UNSAT);
    const garbled = { ...agreeing, caveats: ['tenant  = 1'] };
    expect(outcome(() => authorize(garbled, context, NOW, 0))).toBe(UNSAT);
  });
});
