// Hostile input for every public function of the SDK: exact codes for token problems,
// TypeError/RangeError for misuse, and no token text in any error message.
import { ChitError, caveat } from '@chit/token';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delegate } from '../src/delegate.js';
import { parseAuthorization, parseDischarges } from '../src/headers.js';
import { inspect } from '../src/inspect.js';
import { narrow } from '../src/narrow.js';
import { clock, mintToken, NOW_S, wideToken } from './helpers.js';

type Outcome = string | 'TypeError' | 'RangeError';

function outcome(fn: () => unknown): Outcome {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChitError) return e.code;
    if (e instanceof TypeError) return 'TypeError';
    if (e instanceof RangeError) return 'RangeError';
    throw e;
  }
  return 'ok';
}

const t = wideToken();
const plain = mintToken([caveat.expires(NOW_S + 60)]);
const hostileTokens: [string, string, Outcome][] = [
  ['empty', '', 'ERR_TOKEN_MALFORMED'],
  ['spaces', '   ', 'ERR_TOKEN_MALFORMED'],
  ['not base64', '***', 'ERR_TOKEN_MALFORMED'],
  ['truncated', t.slice(0, t.length - 5), 'ERR_TOKEN_MALFORMED'],
  ['oversized', 'A'.repeat(9000), 'ERR_TOKEN_TOO_LARGE'],
  ['json garbage', '{"v":2,"i":1}', 'ERR_TOKEN_MALFORMED'],
  ['nul bytes', '\u0000'.repeat(10), 'ERR_TOKEN_MALFORMED'],
];

describe('hostile tokens', () => {
  it.each(hostileTokens)('%s: narrow, inspect and delegate answer %s', (_n, token, code) => {
    expect(outcome(() => narrow(token, { actions: ['read'] }, { clock }))).toBe(code);
    expect(outcome(() => inspect(token, { clock }))).toBe(code);
    expect(outcome(() => delegate(token, { audience: 'b', via: 'a', clock }))).toBe(code);
  });

  it.each([
    ['narrow', () => narrow(null as never, { actions: ['read'] })],
    ['narrow options', () => narrow(t, 'actions' as never)],
    ['narrow reserved attribute', () => narrow(t, { attributes: { tenant: '1' } })],
    ['narrow bad budget', () => narrow(t, { budget: { uses: -1 } })],
    ['narrow bad budget type', () => narrow(t, { budget: 3 as never })],
    ['narrow conditions not array', () => narrow(t, { conditions: 'x' as never })],
    ['narrow condition not string', () => narrow(t, { conditions: [1 as never] })],
    ['narrow resource traversal', () => narrow(t, { resources: ['orders/../admin'] })],
    ['narrow huge ttl', () => narrow(t, { ttl: Number.MAX_VALUE })],
    ['narrow NaN expiresAt', () => narrow(t, { expiresAt: Number.NaN })],
    ['inspect', () => inspect({} as never)],
    ['delegate', () => delegate(t, { audience: '', via: 'x' })],
    ['delegate via', () => delegate(t, { audience: 'b', via: 'a b' })],
    ['parseAuthorization', () => parseAuthorization({} as never)],
    ['parseDischarges', () => parseDischarges(5 as never)],
  ])('%s: misuse is a TypeError or RangeError', (_n, fn) => {
    expect(['TypeError', 'RangeError']).toContain(outcome(fn));
  });

  it('never puts token text in an error message (property)', () => {
    const tokens = [t, plain];
    const options = fc.oneof(
      fc.record({ actions: fc.array(fc.constantFrom('read', 'write', 'admin'), { minLength: 1 }) }),
      fc.record({ tenant: fc.constantFrom('1', '41', '42') }),
      fc.record({ ttl: fc.integer({ min: 1, max: 100_000 }) }),
      fc.record({ budget: fc.record({ uses: fc.integer({ min: 0, max: 1000 }) }) }),
      fc.record({
        conditions: fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 2 }),
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...tokens), options, fc.nat(20), (token, opts, cut) => {
        const input = cut === 0 ? token : token.slice(0, token.length - cut);
        try {
          narrow(input, opts, { clock });
        } catch (e) {
          const msg = (e as Error).message;
          expect(msg).not.toContain(token.slice(8, 40));
          const conditions = 'conditions' in opts ? opts.conditions : [];
          for (const c of conditions) if (c.length > 6) expect(msg).not.toContain(c);
        }
      }),
      { seed: 77, numRuns: 300 },
    );
  });
});
