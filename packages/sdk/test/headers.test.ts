import { httpStatusFor } from '@chit/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEADER_LIMITS,
  DISCHARGES_HEADER,
  formatHeaders,
  NODE_MAX_HEADER_BYTES,
  parseAuthorization,
  parseDischarges,
  readDelegationHeaders,
  resolveHeaderLimits,
} from '../src/headers.js';
import { codeOf } from './helpers.js';

const T = 'AgEEY2hpdAIQ_abc-123';
const D1 = 'AgEEZGlzMQ';
const D2 = 'AgEEZGlzMg';

describe('parseAuthorization', () => {
  it('accepts Chit and Bearer with exactly one space', () => {
    expect(parseAuthorization(`Chit ${T}`)).toEqual({ scheme: 'Chit', token: T });
    expect(parseAuthorization(`Bearer ${T}`)).toEqual({ scheme: 'Bearer', token: T });
    expect(parseAuthorization([`Chit ${T}`])).toEqual({ scheme: 'Chit', token: T });
    expect(parseAuthorization('Chit ab+/cd==').token).toBe('ab+/cd==');
  });

  it.each([
    [undefined, 'ERR_TOKEN_MISSING'],
    ['', 'ERR_TOKEN_MISSING'],
    [[], 'ERR_TOKEN_MISSING'],
    [`Basic ${T}`, 'ERR_TOKEN_MISSING'],
    ['Digest', 'ERR_TOKEN_MISSING'],
    [`chit ${T}`, 'ERR_TOKEN_MALFORMED'],
    [`CHIT ${T}`, 'ERR_TOKEN_MALFORMED'],
    [`bearer ${T}`, 'ERR_TOKEN_MALFORMED'],
    [`BEARER ${T}`, 'ERR_TOKEN_MALFORMED'],
    ['Chit', 'ERR_TOKEN_MALFORMED'],
    ['Chit ', 'ERR_TOKEN_MALFORMED'],
    [`Chit  ${T}`, 'ERR_TOKEN_MALFORMED'],
    [` Chit ${T}`, 'ERR_TOKEN_MALFORMED'],
    [`Chit ${T} `, 'ERR_TOKEN_MALFORMED'],
    [`Chit\t${T}`, 'ERR_TOKEN_MALFORMED'],
    [`Chit ${T}\r\nX-Evil: 1`, 'ERR_TOKEN_MALFORMED'],
    [`Chit ${T}\u0000`, 'ERR_TOKEN_MALFORMED'],
    [`Chit ${T}\u007f`, 'ERR_TOKEN_MALFORMED'],
    [`Chit ${T}é`, 'ERR_TOKEN_MALFORMED'],
    [`Chit ${T}, Chit ${T}`, 'ERR_TOKEN_MALFORMED'],
    [`Chit ${T},${T}`, 'ERR_TOKEN_MALFORMED'],
    [`Chit ${T}=a`, 'ERR_TOKEN_MALFORMED'],
    [`Chit ${T}===`, 'ERR_TOKEN_MALFORMED'],
    [`Chit "${T}"`, 'ERR_TOKEN_MALFORMED'],
    [`Chit {"v":2}`, 'ERR_TOKEN_MALFORMED'],
    [`Chit:${T}`, 'ERR_TOKEN_MALFORMED'],
    [[`Chit ${T}`, `Chit ${T}`], 'ERR_TOKEN_MALFORMED'],
    [[`Chit ${T}`, 'Basic x'], 'ERR_TOKEN_MALFORMED'],
    [`Chit ${'A'.repeat(8193)}`, 'ERR_TOKEN_TOO_LARGE'],
  ] as const)('rejects %j with %s', (value, code) => {
    expect(codeOf(() => parseAuthorization(value as string | string[] | undefined))).toBe(code);
    expect(httpStatusFor(code)).toBe(401);
  });

  it('applies a configured lower limit', () => {
    expect(codeOf(() => parseAuthorization(`Chit ${T}`, { maxTokenBytes: 8 }))).toBe(
      'ERR_TOKEN_TOO_LARGE',
    );
    expect(codeOf(() => parseAuthorization(`Chit ${T}`, { maxHeaderBytes: 20 }))).toBe(
      'ERR_TOKEN_TOO_LARGE',
    );
  });

  it('never echoes the token in its error message', () => {
    const secret = `${'S'.repeat(40)}\u0001`;
    try {
      parseAuthorization(`Chit ${secret}`);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('SSSS');
    }
  });

  it('throws TypeError for non-string input (programmer misuse)', () => {
    expect(() => parseAuthorization(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseAuthorization([7] as unknown as string[])).toThrow(TypeError);
  });

  it('accepts every token68 base64url token and rejects any inserted control char', () => {
    const b64 = fc.stringMatching(/^[A-Za-z0-9_-]{1,200}$/);
    fc.assert(
      fc.property(b64, fc.integer({ min: 0, max: 31 }), fc.nat(), (tok, ctl, at) => {
        expect(parseAuthorization(`Chit ${tok}`).token).toBe(tok);
        const i = at % (tok.length + 1);
        const bad = `${tok.slice(0, i)}${String.fromCharCode(ctl)}${tok.slice(i)}`;
        expect(codeOf(() => parseAuthorization(`Chit ${bad}`))).toBe('ERR_TOKEN_MALFORMED');
      }),
      { seed: 5005, numRuns: 300 },
    );
  });
});

describe('parseDischarges', () => {
  it('parses a bare comma list, absent means none', () => {
    expect(parseDischarges(undefined)).toEqual([]);
    expect(parseDischarges([])).toEqual([]);
    expect(parseDischarges(D1)).toEqual([D1]);
    expect(parseDischarges(`${D1},${D2}`)).toEqual([D1, D2]);
  });

  it.each([
    ['', 'ERR_TOKEN_MALFORMED'],
    [`${D1},`, 'ERR_TOKEN_MALFORMED'],
    [`,${D1}`, 'ERR_TOKEN_MALFORMED'],
    [`${D1},,${D2}`, 'ERR_TOKEN_MALFORMED'],
    [`${D1}, ${D2}`, 'ERR_TOKEN_MALFORMED'],
    [`${D1} ,${D2}`, 'ERR_TOKEN_MALFORMED'],
    [`${D1};${D2}`, 'ERR_TOKEN_MALFORMED'],
    [`${D1}\n`, 'ERR_TOKEN_MALFORMED'],
    [[D1, D2], 'ERR_TOKEN_MALFORMED'],
    [`${D1},${D1}`, 'ERR_DISCHARGE_INVALID'],
    [Array.from({ length: 17 }, (_, i) => `AgE${i}`).join(','), 'ERR_TOKEN_TOO_LARGE'],
    [`${'A'.repeat(8193)}`, 'ERR_TOKEN_TOO_LARGE'],
    [Array.from({ length: 3 }, () => 'A'.repeat(6000)).join(','), 'ERR_TOKEN_TOO_LARGE'],
  ] as const)('rejects %#: %s', (value, code) => {
    expect(codeOf(() => parseDischarges(value as string | string[]))).toBe(code);
  });

  it('applies a configured lower count', () => {
    expect(codeOf(() => parseDischarges(`${D1},${D2}`, { maxDischarges: 1 }))).toBe(
      'ERR_TOKEN_TOO_LARGE',
    );
  });
});

describe('readDelegationHeaders', () => {
  it('reads from Node rawHeaders, fetch Headers and a plain record', () => {
    const raw = ['Host', 'b', 'Authorization', `Chit ${T}`, 'Chit-Discharges', `${D1},${D2}`];
    const want = { token: T, discharges: [D1, D2] };
    expect(readDelegationHeaders({ rawHeaders: raw })).toEqual(want);
    const h = new Headers({ authorization: `Bearer ${T}`, 'chit-discharges': `${D1},${D2}` });
    expect(readDelegationHeaders(h)).toEqual(want);
    expect(readDelegationHeaders({ authorization: `Chit ${T}` })).toEqual({
      token: T,
      discharges: [],
    });
  });

  it('sees a smuggled second Authorization in rawHeaders (Node would drop it)', () => {
    const raw = ['authorization', `Chit ${T}`, 'AUTHORIZATION', `Chit ${D1}`];
    expect(codeOf(() => readDelegationHeaders({ rawHeaders: raw }))).toBe('ERR_TOKEN_MALFORMED');
    const dup = ['authorization', `Chit ${T}`, 'chit-discharges', D1, 'Chit-Discharges', D2];
    expect(codeOf(() => readDelegationHeaders({ rawHeaders: dup }))).toBe('ERR_TOKEN_MALFORMED');
  });

  it('sees a duplicate combined by fetch Headers', () => {
    const h = new Headers();
    h.append('authorization', `Chit ${T}`);
    h.append('authorization', `Chit ${D1}`);
    expect(codeOf(() => readDelegationHeaders(h))).toBe('ERR_TOKEN_MALFORMED');
  });

  it('enforces the combined size limit', () => {
    const big = 'A'.repeat(7000);
    const dis = [`B${big}`];
    // Each header alone is within its limits; together they exceed 12 KiB.
    expect(readDelegationHeaders({ authorization: `Chit ${big}` }).token).toBe(big);
    expect(parseDischarges(dis[0])).toEqual(dis);
    expect(
      codeOf(() =>
        readDelegationHeaders({ authorization: `Chit ${big}`, [DISCHARGES_HEADER]: dis[0] }),
      ),
    ).toBe('ERR_TOKEN_TOO_LARGE');
  });

  it('reports a missing credential', () => {
    expect(codeOf(() => readDelegationHeaders({}))).toBe('ERR_TOKEN_MISSING');
    expect(codeOf(() => readDelegationHeaders({ rawHeaders: ['Host', 'x'] }))).toBe(
      'ERR_TOKEN_MISSING',
    );
  });
});

describe('formatHeaders', () => {
  it('round-trips through readDelegationHeaders', () => {
    expect(formatHeaders(T)).toEqual({ authorization: `Chit ${T}` });
    const h = formatHeaders(T, [D1, D2]);
    expect(h).toEqual({ authorization: `Chit ${T}`, 'chit-discharges': `${D1},${D2}` });
    expect(readDelegationHeaders(h)).toEqual({ token: T, discharges: [D1, D2] });
  });

  it('refuses to format what a verifier would refuse', () => {
    expect(codeOf(() => formatHeaders(`${T} x`))).toBe('ERR_TOKEN_MALFORMED');
    expect(codeOf(() => formatHeaders('A'.repeat(7000), ['B'.repeat(7000)]))).toBe(
      'ERR_TOKEN_TOO_LARGE',
    );
    expect(codeOf(() => formatHeaders(T, [D1, D1]))).toBe('ERR_DISCHARGE_INVALID');
    expect(codeOf(() => formatHeaders(T, [D1, D2], { maxDischarges: 1 }))).toBe(
      'ERR_TOKEN_TOO_LARGE',
    );
    expect(() => formatHeaders(7 as unknown as string)).toThrow(TypeError);
  });
});

describe('resolveHeaderLimits', () => {
  it('defaults, and rejects limits above Node or negative', () => {
    expect(resolveHeaderLimits()).toBe(DEFAULT_HEADER_LIMITS);
    expect(resolveHeaderLimits({ maxDischarges: 2 }).maxDischarges).toBe(2);
    expect(() => resolveHeaderLimits({ maxHeaderBytes: NODE_MAX_HEADER_BYTES + 1 })).toThrow(
      RangeError,
    );
    expect(() => resolveHeaderLimits({ maxDischarges: -1 })).toThrow(RangeError);
    expect(() => resolveHeaderLimits({ maxTokenBytes: 1.5 })).toThrow(RangeError);
  });
});
