/**
 * Hostile input for every public function: programmer misuse throws TypeError/RangeError
 * naming the argument; hostile token data throws the exact ChitError code.
 */
import { describe, expect, it } from 'vitest';
import * as chit from '../src/index.js';

const KEY = new Uint8Array(32).fill(9);
const NOW = 1767225600;
const good = chit.mint({
  key: KEY,
  kid: 'k1',
  tokenId: new Uint8Array(16),
  issuedAt: NOW,
  caveats: ['tenant = 42'],
});
const goodText = chit.encode(good);
const keys = () => KEY;
const ctx = { tenant: '42' };
const clock = () => NOW * 1000;
const N = null as never;
const any = <T>(v: unknown) => v as T;

type Expect = { type: typeof TypeError | typeof RangeError; arg: RegExp } | { code: string };
type Row = [name: string, fn: () => unknown, expected: Expect];
const T = (arg: RegExp): Expect => ({ type: TypeError, arg });
const R = (arg: RegExp): Expect => ({ type: RangeError, arg });
const C = (code: string): Expect => ({ code });

const rows: Row[] = [
  // parseToken / decode
  ['parseToken(non-string)', () => chit.parseToken(any(42)), T(/text/)],
  ['parseToken("")', () => chit.parseToken(''), C('ERR_TOKEN_MALFORMED')],
  ['parseToken(whitespace)', () => chit.parseToken(` ${goodText}`), C('ERR_TOKEN_MALFORMED')],
  [
    'parseToken(trailing newline)',
    () => chit.parseToken(`${goodText}\n`),
    C('ERR_TOKEN_MALFORMED'),
  ],
  [
    'parseToken(dots)',
    () => chit.parseToken(goodText.replace(/A/g, '.')),
    C('ERR_TOKEN_MALFORMED'),
  ],
  [
    'parseToken(Bearer prefix)',
    () => chit.parseToken(`Bearer ${goodText}`),
    C('ERR_TOKEN_MALFORMED'),
  ],
  ['parseToken(8 KiB + 1)', () => chit.parseToken('A'.repeat(8193)), C('ERR_TOKEN_TOO_LARGE')],
  ['parseToken(16 KiB)', () => chit.parseToken('A'.repeat(16_384)), C('ERR_TOKEN_TOO_LARGE')],
  ['parseToken("{")', () => chit.parseToken('{'), C('ERR_TOKEN_MALFORMED')],
  [
    'parseToken(deep JSON)',
    () => chit.parseToken(`{"c":${'['.repeat(3000)}${']'.repeat(3000)}}`),
    C('ERR_TOKEN_MALFORMED'),
  ],
  [
    'parseToken(JSON proto)',
    () => chit.parseToken('{"__proto__":{"i":"x"},"s64":"AA"}'),
    C('ERR_TOKEN_MALFORMED'),
  ],
  ['parseToken(NUL)', () => chit.parseToken('\u0000'), C('ERR_TOKEN_MALFORMED')],
  [
    'parseToken(bad limits)',
    () => chit.parseToken(goodText, { maxCaveats: -1 }),
    R(/limits\.maxCaveats/),
  ],
  ['parseToken(limits not object)', () => chit.parseToken(goodText, any(5)), T(/limits/)],
  ['decode(number)', () => chit.decode(any(1)), T(/token/)],
  ['decode(garbage)', () => chit.decode('%%%'), C('ERR_TOKEN_MALFORMED')],
  ['decode(fake object)', () => chit.decode(any({ identifier: 'x' })), T(/token\.identifier/)],
  // encode / encodeBinary / fingerprint
  ['encode(null)', () => chit.encode(N), T(/token/)],
  ['encode({})', () => chit.encode(any({})), T(/token\.identifier/)],
  [
    'encode(short signature)',
    () =>
      chit.encode(
        any({ identifier: new Uint8Array(1), caveats: [], signature: new Uint8Array(31) }),
      ),
    T(/token\.signature/),
  ],
  [
    'encode(caveats not array)',
    () =>
      chit.encode(
        any({ identifier: new Uint8Array(1), caveats: 'x', signature: new Uint8Array(32) }),
      ),
    T(/token\.caveats/),
  ],
  [
    'encode(bad caveat)',
    () =>
      chit.encode(
        any({
          identifier: new Uint8Array(1),
          caveats: [{ id: 'x' }],
          signature: new Uint8Array(32),
        }),
      ),
    T(/token\.caveats/),
  ],
  [
    'encode(first-party location)',
    () =>
      chit.encode(
        any({
          identifier: new Uint8Array(1),
          caveats: [{ id: new Uint8Array(1), location: 'x' }],
          signature: new Uint8Array(32),
        }),
      ),
    T(/location/),
  ],
  ['encodeBinary(string)', () => chit.encodeBinary(any(goodText)), T(/token/)],
  ['fingerprint(undefined)', () => chit.fingerprint(any(undefined)), T(/token/)],
  // createMacaroon
  ['createMacaroon(null)', () => chit.createMacaroon(N), T(/options/)],
  [
    'createMacaroon(rootKey string)',
    () => chit.createMacaroon({ rootKey: any('k'), identifier: 'i' }),
    T(/options\.rootKey/),
  ],
  [
    'createMacaroon(rootKey empty)',
    () => chit.createMacaroon({ rootKey: new Uint8Array(0), identifier: 'i' }),
    R(/options\.rootKey/),
  ],
  [
    'createMacaroon(identifier number)',
    () => chit.createMacaroon({ rootKey: KEY, identifier: any(1) }),
    T(/options\.identifier/),
  ],
  [
    'createMacaroon(identifier huge)',
    () => chit.createMacaroon({ rootKey: KEY, identifier: 'x'.repeat(40_000) }),
    R(/options\.identifier/),
  ],
  [
    'createMacaroon(identifier lone surrogate)',
    () => chit.createMacaroon({ rootKey: KEY, identifier: '\uD800' }),
    R(/options\.identifier/),
  ],
  [
    'createMacaroon(location number)',
    () => chit.createMacaroon({ rootKey: KEY, identifier: 'i', location: any(1) }),
    T(/options\.location/),
  ],
  // addFirstPartyCaveat
  ['addFirstPartyCaveat(null)', () => chit.addFirstPartyCaveat(N, 'a'), T(/macaroon/)],
  ['addFirstPartyCaveat(number)', () => chit.addFirstPartyCaveat(good, any(1)), T(/condition/)],
  ['addFirstPartyCaveat(empty)', () => chit.addFirstPartyCaveat(good, ''), R(/condition/)],
  [
    'addFirstPartyCaveat(huge)',
    () => chit.addFirstPartyCaveat(good, 'x'.repeat(40_000)),
    R(/condition/),
  ],
  // addThirdPartyCaveat
  ['addThirdPartyCaveat(no options)', () => chit.addThirdPartyCaveat(good, N), T(/options/)],
  [
    'addThirdPartyCaveat(nonce 23)',
    () =>
      chit.addThirdPartyCaveat(good, { caveatKey: KEY, caveatId: 'x', nonce: new Uint8Array(23) }),
    R(/options\.nonce/),
  ],
  [
    'addThirdPartyCaveat(nonce string)',
    () => chit.addThirdPartyCaveat(good, { caveatKey: KEY, caveatId: 'x', nonce: any('n') }),
    T(/options\.nonce/),
  ],
  [
    'addThirdPartyCaveat(no key)',
    () => chit.addThirdPartyCaveat(good, any({ caveatId: 'x', nonce: new Uint8Array(24) })),
    T(/options\.caveatKey/),
  ],
  [
    'addThirdPartyCaveat(empty id)',
    () =>
      chit.addThirdPartyCaveat(good, { caveatKey: KEY, caveatId: '', nonce: new Uint8Array(24) }),
    R(/options\.caveatId/),
  ],
  // bindDischarge
  ['bindDischarge(null, d)', () => chit.bindDischarge(N, good), T(/primary/)],
  ['bindDischarge(p, string)', () => chit.bindDischarge(good, any('x')), T(/discharge/)],
  // mint
  ['mint(null)', () => chit.mint(N), T(/options/)],
  [
    'mint(no key)',
    () => chit.mint(any({ kid: 'k', tokenId: new Uint8Array(16), issuedAt: 0 })),
    T(/options\.key/),
  ],
  [
    'mint(kid empty)',
    () => chit.mint({ key: KEY, kid: '', tokenId: new Uint8Array(16), issuedAt: 0 }),
    R(/options\.kid/),
  ],
  [
    'mint(kid with slash)',
    () => chit.mint({ key: KEY, kid: 'a/b', tokenId: new Uint8Array(16), issuedAt: 0 }),
    R(/options\.kid/),
  ],
  [
    'mint(tokenId 15)',
    () => chit.mint({ key: KEY, kid: 'k', tokenId: new Uint8Array(15), issuedAt: 0 }),
    R(/options\.tokenId/),
  ],
  [
    'mint(issuedAt NaN)',
    () => chit.mint({ key: KEY, kid: 'k', tokenId: new Uint8Array(16), issuedAt: Number.NaN }),
    R(/options\.issuedAt/),
  ],
  [
    'mint(issuedAt string)',
    () => chit.mint({ key: KEY, kid: 'k', tokenId: new Uint8Array(16), issuedAt: any('1') }),
    T(/options\.issuedAt/),
  ],
  [
    'mint(session CRLF)',
    () =>
      chit.mint({ key: KEY, kid: 'k', tokenId: new Uint8Array(16), issuedAt: 0, session: 'a\r\n' }),
    R(/options\.session/),
  ],
  [
    'mint(caveats string)',
    () =>
      chit.mint({
        key: KEY,
        kid: 'k',
        tokenId: new Uint8Array(16),
        issuedAt: 0,
        caveats: any('tenant = 1'),
      }),
    T(/options\.caveats/),
  ],
  [
    'mint(caveat non-canonical)',
    () =>
      chit.mint({
        key: KEY,
        kid: 'k',
        tokenId: new Uint8Array(16),
        issuedAt: 0,
        caveats: ['tenant =42'],
      }),
    C('ERR_CAVEAT_MALFORMED'),
  ],
  [
    'mint(caveat unknown)',
    () =>
      chit.mint({
        key: KEY,
        kid: 'k',
        tokenId: new Uint8Array(16),
        issuedAt: 0,
        caveats: ['colour = red!'],
      }),
    C('ERR_CAVEAT_MALFORMED'),
  ],
  // attenuate
  ['attenuate(number)', () => chit.attenuate(any(5), []), T(/token/)],
  ['attenuate(garbage text)', () => chit.attenuate('***', []), C('ERR_TOKEN_MALFORMED')],
  [
    'attenuate(conditions not array)',
    () => chit.attenuate(good, any('tenant = 1')),
    T(/conditions/),
  ],
  [
    'attenuate(NUL in condition)',
    () => chit.attenuate(good, ['tenant = 4\u00002']),
    C('ERR_CAVEAT_MALFORMED'),
  ],
  // verify / verifyChain
  ['verify(no options)', () => chit.verify(goodText, N), T(/options/)],
  [
    'verify(keys missing)',
    () => chit.verify(goodText, any({ context: ctx, clock })),
    T(/options\.keys/),
  ],
  [
    'verify(context missing)',
    () => chit.verify(goodText, any({ keys, clock })),
    T(/options\.context/),
  ],
  [
    'verify(clock missing)',
    () => chit.verify(goodText, any({ keys, context: ctx })),
    T(/options\.clock/),
  ],
  [
    'verify(clock NaN)',
    () => chit.verify(goodText, { keys, context: ctx, clock: () => Number.NaN }),
    T(/options\.clock/),
  ],
  [
    'verify(leeway -1)',
    () => chit.verify(goodText, { keys, context: ctx, clock, leeway: -1 }),
    R(/options\.leeway/),
  ],
  [
    'verify(leeway string)',
    () => chit.verify(goodText, { keys, context: ctx, clock, leeway: any('30') }),
    T(/options\.leeway/),
  ],
  [
    'verify(discharges not array)',
    () => chit.verify(goodText, { keys, context: ctx, clock, discharges: any('x') }),
    T(/options\.discharges/),
  ],
  [
    'verify(discharge number)',
    () => chit.verify(goodText, { keys, context: ctx, clock, discharges: any([1]) }),
    T(/options\.discharges\[0\]/),
  ],
  ['verify(token number)', () => chit.verify(any(1), { keys, context: ctx, clock }), T(/token/)],
  [
    'verify(keys returns string)',
    () => chit.verify(goodText, { keys: any(() => 'k'), context: ctx, clock }),
    T(/options\.keys/),
  ],
  [
    'verify(bad limits)',
    () => chit.verify(goodText, { keys, context: ctx, clock, limits: { maxDischarges: 1.5 } }),
    R(/options\.limits/),
  ],
  [
    'verify(truncated)',
    () => chit.verify(goodText.slice(0, -1), { keys, context: ctx, clock }),
    C('ERR_TOKEN_MALFORMED'),
  ],
  [
    'verify(unknown kid)',
    () => chit.verify(goodText, { keys: () => undefined, context: ctx, clock }),
    C('ERR_KEY_UNKNOWN'),
  ],
  [
    'verify(other key)',
    () => chit.verify(goodText, { keys: () => new Uint8Array(32), context: ctx, clock }),
    C('ERR_SIGNATURE_INVALID'),
  ],
  [
    'verify(plain macaroon)',
    () =>
      chit.verify(chit.createMacaroon({ rootKey: KEY, identifier: 'x' }), {
        keys,
        context: ctx,
        clock,
      }),
    C('ERR_TOKEN_MALFORMED'),
  ],
  [
    'verify(too many discharges)',
    () =>
      chit.verify(goodText, { keys, context: ctx, clock, discharges: Array(17).fill(goodText) }),
    C('ERR_TOKEN_TOO_LARGE'),
  ],
  [
    'verify(oversized discharge)',
    () => chit.verify(goodText, { keys, context: ctx, clock, discharges: ['A'.repeat(9000)] }),
    C('ERR_TOKEN_TOO_LARGE'),
  ],
  ['verifyChain(no options)', () => chit.verifyChain(goodText, N), T(/options/)],
  [
    'verifyChain(keys not function)',
    () => chit.verifyChain(goodText, any({ keys: new Map() })),
    T(/options\.keys/),
  ],
  // verifyMacaroon
  [
    'verifyMacaroon(no rootKey)',
    () => chit.verifyMacaroon(goodText, any({ satisfies: () => true })),
    T(/options\.rootKey/),
  ],
  [
    'verifyMacaroon(empty rootKey)',
    () => chit.verifyMacaroon(goodText, { rootKey: new Uint8Array(0), satisfies: () => true }),
    R(/options\.rootKey/),
  ],
  [
    'verifyMacaroon(no satisfies)',
    () => chit.verifyMacaroon(goodText, any({ rootKey: KEY })),
    T(/options\.satisfies/),
  ],
  [
    'verifyMacaroon(truthy but not true)',
    () => chit.verifyMacaroon(goodText, { rootKey: KEY, satisfies: any(() => 'yes') }),
    C('ERR_CAVEAT_UNSATISFIED'),
  ],
  [
    'verifyMacaroon(wrong key)',
    () => chit.verifyMacaroon(goodText, { rootKey: new Uint8Array(1), satisfies: () => true }),
    C('ERR_SIGNATURE_INVALID'),
  ],
  // identifiers, cache, bytes
  ['encodeIdentifier(null)', () => chit.encodeIdentifier(N), T(/identifier/)],
  ['decodeIdentifier(string)', () => chit.decodeIdentifier(any('c1')), T(/identifier/)],
  ['createVerifiedChainCache(null)', () => chit.createVerifiedChainCache(N), T(/options/)],
  [
    'createVerifiedChainCache(-1)',
    () => chit.createVerifiedChainCache({ maxEntries: -1 }),
    R(/options\.maxEntries/),
  ],
  ['base64Decode(number)', () => chit.base64Decode(any(1)), T(/text/)],
  ['base64UrlEncode(string)', () => chit.base64UrlEncode(any('x')), T(/bytes/)],
  ['utf8Decode(null)', () => chit.utf8Decode(N), T(/bytes/)],
  ['utf8Encode(number)', () => chit.utf8Encode(any(1)), T(/text/)],
  ['toHex(array)', () => chit.toHex(any([1])), T(/bytes/)],
  ['fromHex(number)', () => chit.fromHex(any(1)), T(/hex/)],
  [
    'constantTimeEqual(string)',
    () => chit.constantTimeEqual(any('a'), new Uint8Array(1)),
    T(/\ba\b/),
  ],
];

describe('hostile input table', () => {
  it.each(rows)('%s', (_name, fn, expected) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err, 'must throw').toBeDefined();
    if ('code' in expected) {
      expect(err).toBeInstanceOf(chit.ChitError);
      expect((err as chit.ChitError).code).toBe(expected.code);
    } else {
      expect(err).toBeInstanceOf(expected.type);
      expect(err).not.toBeInstanceOf(chit.ChitError);
      expect((err as Error).message).toMatch(expected.arg);
    }
  });
});
