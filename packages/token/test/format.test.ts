/** V2 binary and V2J JSON parsing: round trips, strictness, limits. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendConditions } from '../src/append.js';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  base64UrlEncode,
  createMacaroon,
  DEFAULT_LIMITS,
  decode,
  encode,
  encodeBinary,
  fromHex,
  parseToken,
  toHex,
  utf8Encode,
  verifyMacaroon,
} from '../src/index.js';
import { signatureOf } from '../src/macaroon.js';

const SEED = 424242;
const key = utf8Encode('format test key');

function expectCode(fn: () => unknown, code: string) {
  expect(fn).toThrow(expect.objectContaining({ code }));
}

const arbMacaroon = fc
  .record({
    location: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
    identifier: fc.uint8Array({ maxLength: 40 }),
    caveats: fc.array(
      fc.oneof(
        fc.record({
          kind: fc.constant('first' as const),
          id: fc.uint8Array({ minLength: 1, maxLength: 200 }),
        }),
        fc.record({
          kind: fc.constant('third' as const),
          id: fc.uint8Array({ minLength: 1, maxLength: 30 }),
          location: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined }),
          nonce: fc.uint8Array({ minLength: 24, maxLength: 24 }),
        }),
      ),
      { maxLength: 8 },
    ),
  })
  .map(({ location, identifier, caveats }) => {
    let m = createMacaroon({ rootKey: key, identifier, ...(location ? { location } : {}) });
    for (const c of caveats) {
      m =
        c.kind === 'first'
          ? addFirstPartyCaveat(m, c.id)
          : addThirdPartyCaveat(m, {
              caveatKey: c.id,
              caveatId: c.id,
              nonce: c.nonce,
              ...(c.location ? { location: c.location } : {}),
            });
    }
    return m;
  });

describe('round trips', () => {
  it('encode -> parseToken -> encode is the identity, and the structure survives', () => {
    fc.assert(
      fc.property(arbMacaroon, (m) => {
        const t = encode(m);
        const p = parseToken(t);
        expect(encode(p)).toBe(t);
        expect(toHex(encodeBinary(p))).toBe(toHex(encodeBinary(m)));
        expect(p.location).toBe(m.location);
        expect(toHex(p.identifier)).toBe(toHex(m.identifier));
        expect(p.caveats.length).toBe(m.caveats.length);
        expect(toHex(signatureOf(p))).toBe(toHex(signatureOf(m)));
        // standard and padded alphabets decode to the same token
        const std = Buffer.from(encodeBinary(m)).toString('base64');
        expect(encode(parseToken(std))).toBe(t);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
  it('appending to a parsed token (binary spliced from the cached form) equals appending to a built one', () => {
    fc.assert(
      fc.property(
        arbMacaroon,
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 3 }),
        (m, extra) => {
          let built = m;
          let parsed = parseToken(encode(m));
          for (const c of extra) {
            built = addFirstPartyCaveat(built, c);
            parsed = addFirstPartyCaveat(parsed, c);
          }
          expect(encode(parsed)).toBe(encode(built));
          expect(toHex(encodeBinary(parsed))).toBe(toHex(encodeBinary(built)));
          expect(encode(parseToken(encode(parsed)))).toBe(encode(built));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
  it('appendConditions (attenuation hot path) equals appending the UTF-8 bytes, ASCII or not', () => {
    fc.assert(
      fc.property(
        arbMacaroon,
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 150 }), { maxLength: 3 }),
        (m, extra) => {
          const parsed = parseToken(encode(m));
          let expected = m;
          for (const c of extra) expected = addFirstPartyCaveat(expected, utf8Encode(c));
          const fromParsed = appendConditions(parsed, extra);
          const fromBuilt = appendConditions(m, extra);
          expect(encode(fromParsed)).toBe(encode(expected));
          expect(encode(fromBuilt)).toBe(encode(expected));
          expect(toHex(fromParsed.signature)).toBe(toHex(expected.signature));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
  it('V2J JSON (text and base64 fields, v present or absent) parses to the same token', () => {
    fc.assert(
      fc.property(arbMacaroon, fc.boolean(), (m, withV) => {
        const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
        const json: Record<string, unknown> = {
          ...(withV ? { v: 2 } : {}),
          ...(m.location !== undefined ? { l: m.location } : {}),
          i64: b64(m.identifier),
          c: m.caveats.map((c) => ({
            i64: base64UrlEncode(c.id),
            ...(c.vid ? { v64: b64(c.vid) } : {}),
            ...(c.location !== undefined ? { l: c.location } : {}),
          })),
          s64: base64UrlEncode(signatureOf(m)),
        };
        expect(encode(parseToken(JSON.stringify(json)))).toBe(encode(m));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
  it('accepts go-style JSON with text fields', () => {
    const m = addFirstPartyCaveat(
      createMacaroon({ rootKey: key, identifier: 'some id', location: 'a location' }),
      'account = 3735928559',
    );
    const json = JSON.stringify({
      l: 'a location',
      i: 'some id',
      c: [{ i: 'account = 3735928559' }],
      s64: base64UrlEncode(signatureOf(m)),
    });
    const p = parseToken(json);
    expect(encode(p)).toBe(encode(m));
    expect(() => verifyMacaroon(json, { rootKey: key, satisfies: () => true })).not.toThrow();
  });
});

describe('binary strictness (ERR_TOKEN_MALFORMED)', () => {
  const m = addFirstPartyCaveat(createMacaroon({ rootKey: key, identifier: 'id' }), 'a = 1');
  const good = toHex(encodeBinary(m));
  const sig = toHex(signatureOf(m));
  const cases: [string, string][] = [
    ['empty', ''],
    ['V1 text format', toHex(utf8Encode('MDAxY2xvY2F0aW9u'))],
    ['unknown version byte', `03${good.slice(2)}`],
    ['version only', '02'],
    ['identifier missing', `0000000620${sig}`],
    ['location after identifier', `02020269640104686f73740000000620${sig}`],
    ['duplicate identifier', `02020269640202696400000620${sig}`],
    ['unknown field type 3', `020302696400000620${sig}`],
    ['first-party caveat with location', `02020269640001016c0205613d3d3100000620${sig}`],
    ['caveat VID before identifier', `0202026964000401ff02016100000620${sig}`],
    ['field type 6 where a caveat is due', `020202696400062000000620${sig}`],
    ['missing end of caveats', `02020269640006 20${sig}`.replace(' ', '')],
    ['signature 31 bytes', `02020269640000061f${sig.slice(2)}`],
    ['signature 33 bytes', `020202696400000621${sig}00`],
    ['trailing byte', `${good}00`],
    ['truncated signature', good.slice(0, -2)],
    ['non-minimal varint length', `0202826900 6964`.replace(' ', '')],
    ['varint overflow', `0202ffffffffff0f`],
    ['length beyond the data', `020240696400`],
    ['empty location field twice', `0201000100020269640000000620${sig}`],
    ['location not UTF-8', `020101ff020269640000000620${sig}`],
  ];
  it.each(cases)('%s', (_name, hex) => {
    const bytes = fromHex(hex);
    expect(bytes).not.toBeNull();
    expectCode(() => parseToken(base64UrlEncode(bytes!)), 'ERR_TOKEN_MALFORMED');
  });
  it('the good token parses (the table above is not vacuous)', () => {
    expect(encode(parseToken(base64UrlEncode(fromHex(good)!)))).toBe(encode(m));
  });
  it('an empty location field is no location (pymacaroons writes one), never written back', () => {
    // the first-party caveat `a = 1` with an empty location too (V2J `"l": ""` alike)
    const hex = (...fields: string[]) => fields.join('');
    expect(good).toBe(hex('02', '02026964', '00', '020561203d2031', '00', '00', `0620${sig}`));
    const withEmpty = hex('02', '0100', '02026964', '00', '0100', '020561203d2031', '00', '00');
    const p = parseToken(base64UrlEncode(fromHex(`${withEmpty}0620${sig}`)!));
    expect(p.location).toBeUndefined();
    expect(p.caveats[0]!.location).toBeUndefined();
    expect(encode(p)).toBe(encode(m));
  });
});

describe('V2J strictness', () => {
  const m = createMacaroon({ rootKey: key, identifier: 'id' });
  const s64 = base64UrlEncode(signatureOf(m));
  it.each([
    ['not JSON', '{"i":'],
    ['array', '[]'],
    ['both i and i64', JSON.stringify({ i: 'id', i64: 'aWQ', s64 })],
    ['both s and s64', JSON.stringify({ i: 'id', s: 'x', s64 })],
    ['v = 1', JSON.stringify({ v: 1, i: 'id', s64 })],
    ['v = "2"', JSON.stringify({ v: '2', i: 'id', s64 })],
    ['unknown member', JSON.stringify({ i: 'id', s64, x: 1 })],
    ['missing identifier', JSON.stringify({ s64 })],
    ['short signature', JSON.stringify({ i: 'id', s64: 'AAAA' })],
    ['bad base64', JSON.stringify({ i64: 'a.b', s64 })],
    ['caveats not an array', JSON.stringify({ i: 'id', c: {}, s64 })],
    ['caveat not an object', JSON.stringify({ i: 'id', c: [1], s64 })],
    ['caveat without id', JSON.stringify({ i: 'id', c: [{ v64: 'AA' }], s64 })],
    ['caveat both v and v64', JSON.stringify({ i: 'id', c: [{ i: 'x', v: 'a', v64: 'AA' }], s64 })],
    [
      'first-party caveat with location',
      JSON.stringify({ i: 'id', c: [{ i: 'x', l: 'loc' }], s64 }),
    ],
    ['unknown caveat member', JSON.stringify({ i: 'id', c: [{ i: 'x', cl: 'loc' }], s64 })],
    ['identifier not a string', JSON.stringify({ i: 5, s64 })],
    ['location not a string', JSON.stringify({ l: 5, i: 'id', s64 })],
  ])('%s -> ERR_TOKEN_MALFORMED', (_n, json) => {
    expectCode(() => parseToken(json), 'ERR_TOKEN_MALFORMED');
  });
  it('the minimal valid V2J parses', () => {
    expect(encode(parseToken(JSON.stringify({ v: 2, i: 'id', s64 })))).toBe(encode(m));
  });
});

describe('limits (ERR_TOKEN_TOO_LARGE, checked before decoding)', () => {
  it('rejects text over maxTokenBytes before decoding it (even if it is not base64)', () => {
    expectCode(
      () => parseToken('!'.repeat(DEFAULT_LIMITS.maxTokenBytes + 1)),
      'ERR_TOKEN_TOO_LARGE',
    );
    expectCode(() => parseToken('!'.repeat(101), { maxTokenBytes: 100 }), 'ERR_TOKEN_TOO_LARGE');
    expectCode(
      () => parseToken(`{"i":"${'é'.repeat(60)}"}`, { maxTokenBytes: 100 }),
      'ERR_TOKEN_TOO_LARGE',
    );
  });
  it('rejects more caveats than maxCaveats, in binary and JSON', () => {
    let m = createMacaroon({ rootKey: key, identifier: 'id' });
    for (let i = 0; i < 5; i++) m = addFirstPartyCaveat(m, `c${i}`);
    expect(parseToken(encode(m), { maxCaveats: 5 }).caveats.length).toBe(5);
    expectCode(() => parseToken(encode(m), { maxCaveats: 4 }), 'ERR_TOKEN_TOO_LARGE');
    const json = JSON.stringify({
      i: 'id',
      c: m.caveats.map((c) => ({ i64: base64UrlEncode(c.id) })),
      s64: base64UrlEncode(signatureOf(m)),
    });
    expectCode(() => parseToken(json, { maxCaveats: 4 }), 'ERR_TOKEN_TOO_LARGE');
  });
  it('rejects a caveat longer than maxConditionBytes', () => {
    const m = addFirstPartyCaveat(
      createMacaroon({ rootKey: key, identifier: 'id' }),
      'x'.repeat(1025),
    );
    expectCode(() => parseToken(encode(m)), 'ERR_TOKEN_TOO_LARGE');
    expect(parseToken(encode(m), { maxConditionBytes: 1025 }).caveats.length).toBe(1);
  });
  it('validates the limits object itself', () => {
    expect(() => parseToken('AA', { maxCaveats: -1 })).toThrow(RangeError);
    expect(() => parseToken('AA', { maxCaveats: 1.5 })).toThrow(/limits.maxCaveats/);
    expect(() => parseToken('AA', { maxTokenBytes: '9' as unknown as number })).toThrow(TypeError);
  });
});

describe('decode (untrusted view)', () => {
  it('labels caveats as unsafe, decodes text, marks third-party caveats, never shows the signature', () => {
    let m = createMacaroon({ rootKey: key, identifier: 'plain id', location: 'loc' });
    m = addFirstPartyCaveat(m, 'a = 1');
    m = addFirstPartyCaveat(m, new Uint8Array([0xff, 0xfe]));
    m = addThirdPartyCaveat(m, {
      location: 'https://auth',
      caveatKey: key,
      caveatId: 'tp',
      nonce: new Uint8Array(24),
    });
    const d = decode(encode(m));
    expect(d.chit).toBeNull();
    expect(d.location).toBe('loc');
    expect(d.unsafeCaveats.map((c) => [c.kind, c.text, c.location])).toEqual([
      ['first-party', 'a = 1', undefined],
      ['first-party', null, undefined],
      ['third-party', 'tp', 'https://auth'],
    ]);
    expect(JSON.stringify(d)).not.toContain(toHex(signatureOf(m)));
    expect('signature' in d).toBe(false);
  });
});
