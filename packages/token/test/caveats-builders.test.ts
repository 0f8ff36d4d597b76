import { describe, expect, it } from 'vitest';
import {
  type Condition,
  caveat,
  formatCondition,
  parseCondition,
  summarizeConditions,
} from '../src/caveats/index.js';
import { CaveatMalformedError, CaveatUnknownError } from '../src/errors.js';

describe('caveat builders', () => {
  it('write canonical text', () => {
    expect(caveat.tenant('42')).toBe('tenant = 42');
    expect(caveat.tenant(['42'])).toBe('tenant = 42');
    expect(caveat.tenant(['b', 'a', 'b'])).toBe('tenant in [a,b]');
    expect(caveat.resource(['users/*', 'orders/**'])).toBe('resource in [orders/**,users/*]');
    expect(caveat.action(['write', 'Read'])).toBe('action in [Read,write]');
    expect(caveat.audience('orders')).toBe('audience = orders');
    expect(caveat.expires(0)).toBe('expires = 0');
    expect(caveat.expires(1767225600)).toBe('expires = 1767225600');
    expect(caveat.notBefore(1767225600)).toBe('not-before = 1767225600');
    expect(caveat.principal('user-1')).toBe('principal = user-1');
    expect(caveat.role('agent')).toBe('role = agent');
    expect(caveat.session('s-1')).toBe('session = s-1');
    expect(caveat.via('billing')).toBe('via = billing');
    expect(caveat.trace('abc')).toBe('trace = abc');
    expect(caveat.uses(0)).toBe('uses <= 0');
    expect(caveat.uses(2 ** 31 - 1)).toBe('uses <= 2147483647');
    expect(caveat.attribute('customer_id', '7')).toBe('customer_id = 7');
    expect(caveat.attribute('customer_id', ['8', '7'])).toBe('customer_id in [7,8]');
    expect(Object.isFrozen(caveat)).toBe(true);
  });

  const misuse: [string, () => unknown, ErrorConstructor][] = [
    ['tenant(number)', () => caveat.tenant(42 as unknown as string), TypeError],
    ['tenant(null)', () => caveat.tenant(null as unknown as string), TypeError],
    ['tenant([number])', () => caveat.tenant([42] as unknown as string[]), TypeError],
    ['tenant([])', () => caveat.tenant([]), RangeError],
    [
      'tenant(65 values)',
      () => caveat.tenant(Array.from({ length: 65 }, (_, i) => `t${i}`)),
      RangeError,
    ],
    ['tenant(empty)', () => caveat.tenant(''), RangeError],
    ['tenant(space)', () => caveat.tenant('a b'), RangeError],
    ['tenant(non-ASCII)', () => caveat.tenant('caf\u00e9'), RangeError],
    ['tenant(257 chars)', () => caveat.tenant('x'.repeat(257)), RangeError],
    ['resource(..)', () => caveat.resource('orders/../admin'), RangeError],
    ['resource(trailing /)', () => caveat.resource('orders/'), RangeError],
    ['resource(star mid-segment)', () => caveat.resource('orders/7*'), RangeError],
    ['resource(** not last)', () => caveat.resource('**/x'), RangeError],
    ['action(comma)', () => caveat.action('read,write'), RangeError],
    ['expires(string)', () => caveat.expires('5' as unknown as number), TypeError],
    ['expires(1.5)', () => caveat.expires(1.5), RangeError],
    ['expires(-1)', () => caveat.expires(-1), RangeError],
    ['expires(NaN)', () => caveat.expires(Number.NaN), RangeError],
    ['expires(2^53)', () => caveat.expires(2 ** 53), RangeError],
    ['notBefore(Infinity)', () => caveat.notBefore(Number.POSITIVE_INFINITY), RangeError],
    ['uses(2^31)', () => caveat.uses(2 ** 31), RangeError],
    ['uses(-1)', () => caveat.uses(-1), RangeError],
    ['principal(empty)', () => caveat.principal(''), RangeError],
    ['via(slash)', () => caveat.via('a/b'), RangeError],
    ['attribute(uppercase name)', () => caveat.attribute('Customer', '7'), RangeError],
    ['attribute(reserved type name)', () => caveat.attribute('tenant', '7'), RangeError],
    ['attribute(reserved future word)', () => caveat.attribute('ip', '7'), RangeError],
    ['attribute(hyphen)', () => caveat.attribute('customer-id', '7'), RangeError],
    ['attribute(65-char name)', () => caveat.attribute(`a${'b'.repeat(64)}`, '7'), RangeError],
    ['attribute(number name)', () => caveat.attribute(7 as unknown as string, '7'), TypeError],
    ['attribute(bad value)', () => caveat.attribute('k', 'a b'), RangeError],
  ];
  it.each(misuse)('%s throws', (_name, fn, type) => {
    expect(fn).toThrow(type);
  });

  it('name the argument in their errors', () => {
    expect(() => caveat.expires(-1)).toThrow(/unixSeconds/);
    expect(() => caveat.attribute('ip', '1')).toThrow(/name/);
    expect(() => caveat.uses(-1)).toThrow(/\bn\b/);
  });
});

describe('formatCondition', () => {
  const invalid: [string, unknown, ErrorConstructor][] = [
    ['null', null, TypeError],
    ['unknown type', { type: 'colour', value: 'red' }, RangeError],
    ['unsorted values', { type: 'tenant', values: ['b', 'a'] }, RangeError],
    ['duplicate values', { type: 'action', values: ['a', 'a'] }, RangeError],
    ['empty values', { type: 'audience', values: [] }, RangeError],
    ['values not an array', { type: 'tenant', values: 'a' }, TypeError],
    ['bad pattern', { type: 'resource', patterns: ['a/'] }, RangeError],
    ['fractional time', { type: 'expires', at: 1.5 }, RangeError],
    ['uses too big', { type: 'uses', limit: 2 ** 31 }, RangeError],
    ['claim with space', { type: 'principal', value: 'a b' }, RangeError],
    ['via missing service', { type: 'via' }, TypeError],
    ['reserved attribute name', { type: 'attribute', name: 'session', values: ['1'] }, RangeError],
  ];
  it.each(invalid)('rejects %s rather than repair it', (_name, c, type) => {
    expect(() => formatCondition(c as Condition)).toThrow(type);
  });
});

describe('summarizeConditions', () => {
  it('resolves like verification, unverified', () => {
    const s = summarizeConditions([
      'tenant in [1,2,3]',
      'tenant in [2,3]',
      'resource = orders/**',
      'expires = 2000',
      'expires = 1000',
      'not-before = 10',
      'uses <= 9',
      'uses <= 4',
      'region in [eu,us]',
      'principal = p',
      'session = s',
      'via = a',
    ]);
    expect(s).toMatchObject({
      tenants: ['2', '3'],
      resources: [['orders/**']],
      actions: null,
      audiences: null,
      expiresAt: 1000,
      notBefore: 10,
      uses: 4,
      budgets: [9, 4],
      principal: 'p',
      session: 's',
      via: ['a'],
      unsatisfiable: false,
    });
    expect({ ...s.attributes }).toEqual({ region: ['eu', 'us'] });
    expect(Object.isFrozen(s)).toBe(true);
  });

  it.each([
    ['conflicting principals', ['principal = a', 'principal = b']],
    ['empty tenant intersection', ['tenant = 1', 'tenant = 2']],
    ['empty action intersection', ['action = read', 'action = write']],
    ['empty audience intersection', ['audience = a', 'audience = b']],
    ['empty attribute intersection', ['k = 1', 'k = 2']],
  ])('flags %s as unsatisfiable', (_name, conditions) => {
    expect(summarizeConditions(conditions).unsatisfiable).toBe(true);
  });

  it('takes the identifier session into account', () => {
    expect(summarizeConditions([], 's-1').session).toBe('s-1');
    expect(summarizeConditions(['session = s-1'], 's-1').unsatisfiable).toBe(false);
    expect(summarizeConditions(['session = s-2'], 's-1').unsatisfiable).toBe(true);
    expect(() => summarizeConditions([], 7 as unknown as string)).toThrow(TypeError);
  });

  it('reports nothing for an empty list', () => {
    const s = summarizeConditions([]);
    expect(s.tenants).toBeNull();
    expect(s.uses).toBeNull();
    expect(s.unsatisfiable).toBe(false);
  });

  it('throws the parse error of a bad condition', () => {
    expect(() => summarizeConditions(['tenant = 1', 'tenant  = 2'])).toThrow(CaveatMalformedError);
    expect(() => summarizeConditions(['ip = 1'])).toThrow(CaveatUnknownError);
    expect(() => summarizeConditions('tenant = 1' as unknown as string[])).toThrow(TypeError);
  });

  it('parses what the builders write', () => {
    expect(parseCondition(caveat.resource(['b/**', 'a/*']))).toEqual({
      type: 'resource',
      patterns: ['a/*', 'b/**'],
    });
  });
});
