/**
 * Published vectors: libmacaroons README (plain caveats, third-party caveat with an
 * all-zero nonce, bound discharge), libmacaroons test/unit V2 vectors, go-macaroon's
 * V2 binary round-trip vector and its verification scenarios.
 */
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  createMacaroon,
  encode,
  encodeBinary,
  parseToken,
  toHex,
  utf8Encode,
  verifyMacaroon,
} from '../src/index.js';
import { signatureOf } from '../src/macaroon.js';

const hexSig = (m: Parameters<typeof signatureOf>[0]) => toHex(signatureOf(m));
const text = (s: string) => utf8Encode(s);

describe('libmacaroons README vectors', () => {
  const key = text('this is our super secret key; only we should know it');
  it('reproduces every first-party row', () => {
    const m0 = createMacaroon({
      rootKey: key,
      identifier: 'we used our secret key',
      location: 'http://mybank/',
    });
    expect(hexSig(m0)).toBe('e3d9e02908526c4c0039ae15114115d97fdd68bf2ba379b342aaf0f617d0552f');
    const m1 = addFirstPartyCaveat(m0, 'account = 3735928559');
    expect(hexSig(m1)).toBe('1efe4763f290dbce0c1d08477367e11f4eee456a64933cf662d79772dbb82128');
    const m2 = addFirstPartyCaveat(m1, 'time < 2020-01-01T00:00');
    expect(hexSig(m2)).toBe('b5f06c8c8ef92f6c82c6ff282cd1f8bd1849301d09a2db634ba182536a611c49');
    const m3 = addFirstPartyCaveat(m2, 'email = alice@example.org');
    expect(hexSig(m3)).toBe('ddf553e46083e55b8d71ab822be3d8fcf21d6bf19c40d617bb9fb438934474b6');
    const ok = new Set([
      'account = 3735928559',
      'time < 2020-01-01T00:00',
      'email = alice@example.org',
    ]);
    expect(() =>
      verifyMacaroon(encode(m3), { rootKey: key, satisfies: (c) => ok.has(c) }),
    ).not.toThrow();
  });

  const key2 = text('this is a different super-secret key; never use the same secret twice');
  const caveatKey = text('4; guaranteed random by a fair toss of the dice');
  const cid = 'this was how we remind auth of key/pred';
  function thirdPartyRows() {
    const m = addFirstPartyCaveat(
      createMacaroon({
        rootKey: key2,
        identifier: 'we used our other secret key',
        location: 'http://mybank/',
      }),
      'account = 3735928559',
    );
    const tp = addThirdPartyCaveat(m, {
      location: 'http://auth.mybank/',
      caveatKey,
      caveatId: cid,
      nonce: new Uint8Array(24),
    });
    const d = addFirstPartyCaveat(
      createMacaroon({ rootKey: caveatKey, identifier: cid, location: 'http://auth.mybank/' }),
      'time < 2020-01-01T00:00',
    );
    return { m, tp, d, bound: bindDischarge(tp, d) };
  }

  it('reproduces the third-party rows (all-zero nonce) and the bound discharge', () => {
    const { m, tp, d, bound } = thirdPartyRows();
    expect(hexSig(m)).toBe('1434e674ad84fdfdc9bc1aa00785325c8b6d57341fc7ce200ba4680c80786dda');
    expect(hexSig(tp)).toBe('d27db2fd1f22760e4c3dae8137e2d8fc1df6c0741c18aed4b97256bf78d1f55c');
    expect(hexSig(d)).toBe('2ed1049876e9d5840950274b579b0770317df54d338d9d3039c7c67d0d91d63c');
    expect(hexSig(bound)).toBe('d115ef1c133b1126978d5ab27f69d99ba9d0468cd6c1b7e47b8c1c59019cb019');
    const ok = new Set(['account = 3735928559', 'time < 2020-01-01T00:00']);
    expect(() =>
      verifyMacaroon(encode(tp), {
        rootKey: key2,
        discharges: [encode(bound)],
        satisfies: (c) => ok.has(c),
      }),
    ).not.toThrow();
  });

  it('matches go-macaroon TestMarshalBinaryRoundTrip byte for byte', () => {
    const { tp } = thirdPartyRows();
    const vid =
      '00'.repeat(24) +
      'd36ec502e05886d1f0279f055fa52554d16d16c1b14074bbb83ff0fdd79dc2fe098f0ed4a2b091130e6b5db46a20a86b';
    const expected =
      '02' +
      `010e${toHex(text('http://mybank/'))}` +
      `021c${toHex(text('we used our other secret key'))}` +
      '00' +
      `0214${toHex(text('account = 3735928559'))}` +
      '00' +
      `0113${toHex(text('http://auth.mybank/'))}` +
      `0227${toHex(text(cid))}` +
      `0448${vid}` +
      '00' +
      '00' +
      '0620d27db2fd1f22760e4c3dae8137e2d8fc1df6c0741c18aed4b97256bf78d1f55c';
    expect(toHex(encodeBinary(tp))).toBe(expected);
    const parsed = parseToken(encode(tp));
    expect(toHex(encodeBinary(parsed))).toBe(expected);
  });
});

describe('libmacaroons test/unit V2 vectors', () => {
  const key = text('this is the key');
  const root = () =>
    createMacaroon({ rootKey: key, identifier: 'keyid', location: 'http://example.org/' });
  it('root_v2_1: exact text form', () => {
    const expected =
      'AgETaHR0cDovL2V4YW1wbGUub3JnLwIFa2V5aWQAAAYgfN7nklEcW8b1KEhYBd_psk54XijiqZMB-dcRxgnjjvc';
    expect(encode(root())).toBe(expected);
    expect(encode(parseToken(expected))).toBe(expected);
    expect(() => verifyMacaroon(expected, { rootKey: key, satisfies: () => false })).not.toThrow();
  });
  it('caveat_v2_1 and caveat_v2_6 signatures, and the encoding justenwalker/mack decodes', () => {
    const m1 = addFirstPartyCaveat(root(), 'account = 3735928559');
    expect(hexSig(m1)).toBe('f54807f6dc6edf88bf0f7306b3822562a362533dbf7339ba61765da4bd259d87');
    const m6 = addFirstPartyCaveat(m1, 'user = alice');
    expect(hexSig(m6)).toBe('4be967cd1ea0c6b26baf6a4a94ee9b05b15886da0ba85e8c42a93c8d0e125efc');
    const published =
      'AgETaHR0cDovL2V4YW1wbGUub3JnLwIFa2V5aWQAAhRhY2NvdW50ID0gMzczNTkyODU1OQACDHVzZXIgPSBhbGljZQAABiBL6WfNHqDGsmuvakqU7psFsViG2guoXoxCqTyNDhJe_A==';
    expect(encode(m6)).toBe(published.replace(/=+$/, ''));
    const ok = new Set(['account = 3735928559', 'user = alice']);
    expect(() =>
      verifyMacaroon(published, { rootKey: key, satisfies: (c) => ok.has(c) }),
    ).not.toThrow();
    expect(() =>
      verifyMacaroon(published, { rootKey: key, satisfies: (c) => c === 'user = alice' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CAVEAT_UNSATISFIED' }));
  });
});

describe('go-macaroon verification scenarios (recursive third-party caveats)', () => {
  interface Spec {
    rootKey: string;
    id: string;
    location?: string;
    caveats?: { condition: string; location?: string; rootKey?: string }[];
  }
  let nonceCounter = 0;
  function nonce(): Uint8Array {
    const n = new Uint8Array(24);
    n[0] = ++nonceCounter;
    return n;
  }
  function make(specs: Spec[]) {
    const ms = specs.map((s) => {
      let m = createMacaroon({
        rootKey: text(s.rootKey),
        identifier: s.id,
        ...(s.location ? { location: s.location } : {}),
      });
      for (const c of s.caveats ?? []) {
        m = c.location
          ? addThirdPartyCaveat(m, {
              location: c.location,
              caveatKey: text(c.rootKey!),
              caveatId: c.condition,
              nonce: nonce(),
            })
          : addFirstPartyCaveat(m, c.condition);
      }
      return m;
    });
    const [primary, ...rest] = ms;
    return { primary: primary!, discharges: rest.map((d) => encode(bindDischarge(primary!, d))) };
  }
  const recursive: Spec[] = [
    {
      rootKey: 'root-key',
      id: 'root-id',
      caveats: [
        { condition: 'wonderful' },
        { condition: 'bob-is-great', location: 'bob', rootKey: 'bob-caveat-root-key' },
        { condition: 'charlie-is-great', location: 'charlie', rootKey: 'charlie-caveat-root-key' },
      ],
    },
    {
      location: 'bob',
      rootKey: 'bob-caveat-root-key',
      id: 'bob-is-great',
      caveats: [
        { condition: 'splendid' },
        { condition: 'barbara-is-great', location: 'barbara', rootKey: 'barbara-caveat-root-key' },
      ],
    },
    {
      location: 'charlie',
      rootKey: 'charlie-caveat-root-key',
      id: 'charlie-is-great',
      caveats: [
        { condition: 'splendid' },
        { condition: 'celine-is-great', location: 'celine', rootKey: 'celine-caveat-root-key' },
      ],
    },
    {
      location: 'barbara',
      rootKey: 'barbara-caveat-root-key',
      id: 'barbara-is-great',
      caveats: [
        { condition: 'spiffing' },
        { condition: 'ben-is-great', location: 'ben', rootKey: 'ben-caveat-root-key' },
      ],
    },
    { location: 'ben', rootKey: 'ben-caveat-root-key', id: 'ben-is-great' },
    {
      location: 'celine',
      rootKey: 'celine-caveat-root-key',
      id: 'celine-is-great',
      caveats: [{ condition: 'high-fiving' }],
    },
  ];
  it('verifies the recursive tree when every condition holds', () => {
    const { primary, discharges } = make(recursive);
    const ok = new Set(['wonderful', 'splendid', 'high-fiving', 'spiffing']);
    expect(() =>
      verifyMacaroon(primary, {
        rootKey: text('root-key'),
        discharges,
        satisfies: (c) => ok.has(c),
      }),
    ).not.toThrow();
  });
  it('fails when a nested discharge condition does not hold', () => {
    const { primary, discharges } = make(recursive);
    const ok = new Set(['wonderful', 'splendid', 'spiffing']);
    expect(() =>
      verifyMacaroon(primary, {
        rootKey: text('root-key'),
        discharges,
        satisfies: (c) => ok.has(c),
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CAVEAT_UNSATISFIED' }));
  });
  it('fails with ERR_DISCHARGE_MISSING when a nested discharge is absent', () => {
    const { primary, discharges } = make(recursive.slice(0, 2));
    const ok = new Set(['wonderful', 'splendid']);
    expect(() =>
      verifyMacaroon(primary, {
        rootKey: text('root-key'),
        discharges,
        satisfies: (c) => ok.has(c),
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_DISCHARGE_MISSING' }));
  });
});
