import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  type Condition,
  caveat,
  formatCondition,
  parseCondition,
  resolveCapability,
  summarizeConditions,
} from '../src/caveats/index.js';
import { CaveatMalformedError, CaveatUnknownError } from '../src/errors.js';
import type { RequestContext, VerifiedCapability } from '../src/types.js';

const SEED = 20261127;
const run = <Ts extends unknown[]>(property: fc.IProperty<Ts>, numRuns = 2000) =>
  fc.assert(property, { seed: SEED, numRuns });

const VALUE_CHARS = 'ABCZabcz0189._~:@+-'.split('');
const value = fc.string({ unit: fc.constantFrom(...VALUE_CHARS), minLength: 1, maxLength: 12 });
const sortedSet = (arb: fc.Arbitrary<string>) =>
  fc
    .uniqueArray(arb, { minLength: 1, maxLength: 6 })
    .map((a) => a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
const segment = value.filter((s) => s !== '.' && s !== '..');
const pattern = fc
  .tuple(
    fc.array(fc.oneof(segment, fc.constant('*')), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([segs, tail]) => [...segs, ...(tail ? ['**'] : [])].join('/'));
const attrName = fc
  .stringMatching(/^[a-z][a-z0-9_]{0,10}$/)
  .filter((n) => !['time', 'ip', 'id', 'kid', 'role', 'uses', 'via', 'scope'].includes(n));
const time = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ type: fc.constantFrom('tenant', 'action', 'audience'), values: sortedSet(value) }),
  fc.record({ type: fc.constant('resource'), patterns: sortedSet(pattern) }),
  fc.record({ type: fc.constantFrom('expires', 'not-before'), at: time }),
  fc.record({ type: fc.constant('uses'), limit: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
  fc.record({ type: fc.constantFrom('principal', 'role', 'session', 'trace'), value }),
  fc.record({ type: fc.constant('via'), service: value }),
  fc.record({ type: fc.constant('attribute'), name: attrName, values: sortedSet(value) }),
) as fc.Arbitrary<Condition>;

describe('properties: canonical text', () => {
  it('parse(format(c)) deep-equals c, and format(parse(t)) === t', () => {
    run(
      fc.property(condition, (c) => {
        const text = formatCondition(c);
        expect(parseCondition(text)).toEqual(c);
        expect(formatCondition(parseCondition(text))).toBe(text);
      }),
    );
  });

  it('every mutation of a canonical text is rejected as unknown/malformed, or is itself canonical', () => {
    const mutated = fc
      .tuple(
        condition,
        fc.nat(),
        fc.constantFrom(' ', '\t', 'A', '0', ',', '[', '/', '*', '\u00e9', '\u0000', ''),
      )
      .chain(([c, at, ch]) =>
        fc.constantFrom('insert', 'replace', 'delete').map((op) => {
          const t = formatCondition(c);
          const i = at % (t.length + 1);
          if (op === 'insert') return t.slice(0, i) + ch + t.slice(i);
          if (op === 'replace') return t.slice(0, i) + ch + t.slice(i + 1);
          return t.slice(0, i) + t.slice(i + 1);
        }),
      );
    run(
      fc.property(mutated, (text) => {
        let parsed: Condition;
        try {
          parsed = parseCondition(text);
        } catch (e) {
          expect(e instanceof CaveatMalformedError || e instanceof CaveatUnknownError).toBe(true);
          return;
        }
        expect(formatCondition(parsed)).toBe(text);
      }),
      5000,
    );
  });

  it('arbitrary strings never crash the parser', () => {
    run(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          expect(formatCondition(parseCondition(text))).toBe(text);
        } catch (e) {
          expect(e instanceof CaveatMalformedError || e instanceof CaveatUnknownError).toBe(true);
        }
      }),
    );
  });

  it('builders sort, deduplicate and produce parseable canonical text', () => {
    const values = fc.array(value, { minLength: 1, maxLength: 8 });
    run(
      fc.property(values, values, attrName, (a, p, name) => {
        const expected = [...new Set(a)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        for (const [text, type] of [
          [caveat.tenant(a), 'tenant'],
          [caveat.action(a), 'action'],
          [caveat.audience(a), 'audience'],
        ] as const) {
          expect(parseCondition(text)).toEqual({ type, values: expected });
        }
        expect(parseCondition(caveat.attribute(name, a))).toEqual({
          type: 'attribute',
          name,
          values: expected,
        });
        const patterns = p.map((s) => `${s.replace(/^\.\.?$/, 'x')}/*`);
        const c = parseCondition(caveat.resource(patterns));
        expect(c.type === 'resource' && c.patterns).toEqual(
          [...new Set(patterns)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
        );
        expect(parseCondition(caveat.principal(a[0]!))).toEqual({ type: 'principal', value: a[0] });
        expect(parseCondition(caveat.via(a[0]!))).toEqual({ type: 'via', service: a[0] });
      }),
      500,
    );
  });
});

// Small domains so that random contexts are often allowed and narrowing is observable.
const small = fc.constantFrom('a', 'b', 'c');
const smallSet = fc.uniqueArray(small, { minLength: 1, maxLength: 3 });
const smallCondition: fc.Arbitrary<string> = fc.oneof(
  smallSet.map((v) => caveat.tenant(v)),
  smallSet.map((v) => caveat.action(v)),
  smallSet.map((v) => caveat.audience(v)),
  smallSet.map((v) => caveat.attribute('k', v)),
  fc.constantFrom('a/*', 'a/**', 'b/*', '*/a', '**', 'a/a', '*/*').map((p) => caveat.resource(p)),
  fc.integer({ min: 95, max: 105 }).map((t) => caveat.expires(t)),
  fc.integer({ min: 95, max: 105 }).map((t) => caveat.notBefore(t)),
  small.map((v) => caveat.principal(v)),
  small.map((v) => caveat.session(v)),
  small.map((v) => caveat.role(v)),
  small.map((v) => caveat.via(v)),
  fc.nat(3).map((n) => caveat.uses(n)),
);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const context: fc.Arbitrary<RequestContext> = fc.record(
  {
    tenant: optional(small),
    action: optional(small),
    audience: optional(small),
    principal: optional(small),
    session: optional(small),
    resource: optional(fc.constantFrom('a/a', 'a/b', 'b/a', 'a/a/a', 'a', 'a/../b', 'a/')),
    attributes: optional(fc.record({ k: optional(small) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<RequestContext>;

function capOf(conditions: readonly string[]): VerifiedCapability {
  return resolveCapability({
    identifier: {
      version: 2,
      sealed: conditions.length,
      kid: 'k1',
      tokenId: '0'.repeat(32),
      issuedAt: 0,
    },
    conditions,
    conditionFingerprints: conditions.map((_, i) => `fp${i + 1}`),
    fingerprints: ['fp0', ...conditions.map((_, i) => `fp${i + 1}`)],
    thirdParty: [],
  });
}

function allows(cap: VerifiedCapability, ctx: RequestContext, now: number, leeway: number) {
  try {
    authorize(cap, ctx, now, leeway);
    return true;
  } catch {
    return false;
  }
}

describe('properties: attenuation only narrows', () => {
  it('adding any condition never turns a denied request into an allowed one', () => {
    const input = fc.tuple(
      fc.array(smallCondition, { maxLength: 6 }),
      smallCondition,
      fc.nat(6),
      context,
      fc.integer({ min: 90, max: 110 }),
      fc.nat(3),
    );
    let observedNarrowing = 0;
    run(
      fc.property(input, ([base, extra, at, ctx, now, leeway]) => {
        const narrowed = [...base];
        narrowed.splice(at % (base.length + 1), 0, extra);
        const before = allows(capOf(base), ctx, now, leeway);
        const after = allows(capOf(narrowed), ctx, now, leeway);
        if (!before) expect(after).toBe(false);
        if (before && !after) observedNarrowing++;
      }),
      5000,
    );
    // The property is only meaningful if narrowing actually happens in the sample.
    expect(observedNarrowing).toBeGreaterThan(100);
  });

  it('the summary agrees with the verified capability', () => {
    run(
      fc.property(fc.array(smallCondition, { maxLength: 8 }), (conditions) => {
        const s = summarizeConditions(conditions);
        const cap = capOf(conditions);
        expect(s.tenants).toEqual(cap.tenants);
        expect(s.actions).toEqual(cap.actions);
        expect(s.audiences).toEqual(cap.audiences);
        expect(s.resources).toEqual(cap.resources);
        expect({ ...s.attributes }).toEqual({ ...cap.attributes });
        expect(s.expiresAt).toBe(cap.expiresAt);
        expect(s.notBefore).toBe(cap.notBefore);
        expect(s.budgets).toEqual(cap.budgets.map((b) => b.limit));
        expect(s.via).toEqual(cap.via);
        if (s.unsatisfiable) expect(allows(cap, { tenant: 'a' }, 100, 1000)).toBe(false);
      }),
      500,
    );
  });
});

describe('properties: resource matching', () => {
  // Reference semantics as a regex, built independently of the implementation.
  function reference(pattern: string, resource: string): boolean {
    const source = pattern
      .split('/')
      .map((seg) =>
        seg === '**' ? '[^/]+(?:/[^/]+)*' : seg === '*' ? '[^/]+' : seg.replaceAll('.', '\\.'),
      )
      .join('/');
    return new RegExp(`^${source}$`).test(resource);
  }
  const seg = fc.constantFrom('a', 'b', 'ab', 'a.b');
  const patternArb = fc
    .tuple(fc.array(fc.oneof(seg, fc.constant('*')), { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([segs, tail]) => [...segs, ...(tail ? ['**'] : [])].join('/'));
  const resourceArb = fc.array(seg, { minLength: 1, maxLength: 6 }).map((s) => s.join('/'));

  it('agrees with a reference matcher', () => {
    run(
      fc.property(patternArb, resourceArb, (pattern, resource) => {
        const cap = capOf([caveat.resource(pattern)]);
        expect(allows(cap, { resource }, 0, 0)).toBe(reference(pattern, resource));
      }),
      5000,
    );
  });
});
