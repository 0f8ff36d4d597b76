import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceIdFrom } from '../src/headers.js';

const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = '00f067aa0ba902b7';

describe('traceIdFrom (W3C traceparent)', () => {
  it('takes the trace id of a valid traceparent', () => {
    expect(traceIdFrom(`00-${trace}-${parent}-01`)).toBe(trace);
    expect(traceIdFrom(`00-${trace}-${parent}-00`)).toBe(trace);
    expect(traceIdFrom(` 00-${trace}-${parent}-01 `)).toBe(trace);
    // A later version may append fields.
    expect(traceIdFrom(`01-${trace}-${parent}-01-extra`)).toBe(trace);
  });

  it.each([
    undefined,
    ['a', 'b'],
    [`00-${trace}-${parent}-01`],
    '',
    'garbage',
    `00-${trace}-${parent}`,
    `00-${trace.toUpperCase()}-${parent}-01`,
    `00-${trace.slice(1)}-${parent}-01`,
    `00-${'0'.repeat(32)}-${parent}-01`,
    `00-${trace}-${'0'.repeat(16)}-01`,
    `ff-${trace}-${parent}-01`,
    `00-${trace}-${parent}-01-extra`,
    `01-${trace}-${parent}-01-${'x'.repeat(512)}`,
  ])('ignores %j', (header) => {
    expect(traceIdFrom(header as string | undefined)).toBeUndefined();
  });

  it('returns the trace id of every valid version-00 header (property)', () => {
    const hex = (n: number) =>
      fc
        .array(fc.constantFrom(...'0123456789abcdef'), { minLength: n, maxLength: n })
        .map((cs) => cs.join(''))
        .filter((s) => !/^0+$/.test(s));
    fc.assert(
      fc.property(hex(32), hex(16), hex(2), (t, p, flags) => {
        expect(traceIdFrom(`00-${t}-${p}-${flags}`)).toBe(t);
      }),
      { seed: 20261127, numRuns: 200 },
    );
  });

  it('never throws on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (s) => {
        const id = traceIdFrom(s);
        expect(id === undefined || /^[0-9a-f]{32}$/.test(id)).toBe(true);
      }),
      { seed: 20261127, numRuns: 500 },
    );
  });
});
