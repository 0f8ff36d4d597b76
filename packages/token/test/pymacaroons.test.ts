/**
 * pymacaroons <-> Chit on real bytes. fixtures/pymacaroons.ts holds tokens pymacaroons 0.13.0
 * wrote, made once by fixtures/pymacaroons-generate.py (no Python needed here), which first
 * checks that pymacaroons verifies the Chit-written tokens in CHIT_WRITTEN (pinned here byte
 * for byte). Each pymacaroons token starts with an empty LOCATION field: that is how
 * pymacaroons writes "no location".
 */
import { describe, expect, it } from 'vitest';
import { fastWalk } from '../src/fast-walk.js';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  base64Decode,
  bindDischarge,
  ChitError,
  createMacaroon,
  DEFAULT_LIMITS,
  decode,
  encode,
  fromHex,
  parseToken,
  type TokenInput,
  toHex,
  utf8Encode,
  verify,
  verifyChain,
  verifyMacaroon,
} from '../src/index.js';
import { CHIT_WRITTEN, PYMACAROONS as PY } from './fixtures/pymacaroons.js';

const NOW = 1767225600;
const clock = () => NOW * 1000;
const MASTER = new Uint8Array(32).fill(0x11);
const keys = (kid: string) => (kid === 'k1' ? MASTER : undefined);
const CONTEXT = { tenant: '42', resource: 'orders/9', action: 'read' };
const CHIT_ID = fromHex(`c1026b31${'ab'.repeat(16)}80f2d6ca06`)!; // layout 1, kid k1
const AUTH = utf8Encode('auth service shared key');
const CONDITIONS = ['tenant = 42', 'resource = orders/*', 'action = read', 'expires = 1767229200'];

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof ChitError ? e.code : String(e);
  }
}
/** The token as text (fast path when it can) and as a parsed macaroon (general path). */
const bothPaths = (t: string): TokenInput[] => [t, parseToken(t)];

describe('Chit -> pymacaroons: the inputs the generator checked are what Chit writes', () => {
  it('first-party and third-party tokens and the bound discharge, byte for byte', () => {
    let m = createMacaroon({ rootKey: MASTER, identifier: CHIT_ID });
    for (const c of CONDITIONS) m = addFirstPartyCaveat(m, c);
    expect(encode(m)).toBe(CHIT_WRITTEN.firstParty);
    let t = createMacaroon({ rootKey: MASTER, identifier: CHIT_ID });
    t = addFirstPartyCaveat(addFirstPartyCaveat(t, 'tenant = 42'), 'action = read');
    t = addThirdPartyCaveat(t, {
      location: 'https://auth',
      caveatKey: AUTH,
      caveatId: 'is-alice',
      nonce: new Uint8Array(24).fill(5),
    });
    const d = createMacaroon({ rootKey: AUTH, identifier: 'is-alice' });
    expect(encode(t)).toBe(CHIT_WRITTEN.thirdParty);
    expect(encode(bindDischarge(t, addFirstPartyCaveat(d, 'principal = alice')))).toBe(
      CHIT_WRITTEN.discharge,
    );
  });
});

describe('pymacaroons -> Chit: tokens pymacaroons wrote verify in Chit', () => {
  it('the fixtures really carry an empty location field', () => {
    for (const t of Object.values(PY)) expect(toHex(base64Decode(t)!).slice(0, 6)).toBe('020100');
    expect(toHex(base64Decode(PY.thirdParty)!)).toContain(
      `01000208${toHex(utf8Encode('is-alice'))}04`,
    );
  });
  it('a Chit token attenuated by pymacaroons (deserialize, add a caveat, serialize)', () => {
    expect(fastWalk(PY.attenuated, DEFAULT_LIMITS, keys)).not.toBeNull();
    const context = { ...CONTEXT, attributes: { customer_id: '7' } };
    for (const t of bothPaths(PY.attenuated)) {
      const cap = verify(t, { keys, context, clock });
      expect(cap.tokenId).toBe('ab'.repeat(16));
      expect(code(() => verify(t, { keys, context: CONTEXT, clock }))).toBe(
        'ERR_CAVEAT_UNSATISFIED',
      );
    }
    expect(() =>
      verifyMacaroon(PY.attenuated, { rootKey: MASTER, satisfies: () => true }),
    ).not.toThrow();
  });
  it('a token pymacaroons built with a Chit identifier is the Chit token with an empty location', () => {
    for (const t of bothPaths(PY.built)) {
      expect(verify(t, { keys, context: CONTEXT, clock }).tokenId).toBe('ab'.repeat(16));
      expect(code(() => verifyChain(t, { keys: () => new Uint8Array(32).fill(0x12) }))).toBe(
        'ERR_SIGNATURE_INVALID',
      );
    }
    expect(encode(parseToken(PY.built))).toBe(CHIT_WRITTEN.firstParty);
    expect(verifyChain(PY.built, { keys }).fingerprints).toEqual(
      verifyChain(CHIT_WRITTEN.firstParty, { keys }).fingerprints,
    );
  });
  it('a third-party caveat with an empty location, and its bound discharge', () => {
    const discharges = [PY.discharge];
    expect(decode(PY.thirdParty).unsafeCaveats.at(-1)).toEqual({
      kind: 'third-party',
      text: 'is-alice',
      id: utf8Encode('is-alice'),
    });
    for (const t of bothPaths(PY.thirdParty)) {
      expect(verify(t, { keys, context: CONTEXT, clock, discharges }).tokenId).toBe(
        'ab'.repeat(16),
      );
      expect(code(() => verify(t, { keys, context: CONTEXT, clock }))).toBe(
        'ERR_DISCHARGE_MISSING',
      );
    }
    expect(() =>
      verifyMacaroon(PY.thirdParty, { rootKey: MASTER, discharges, satisfies: () => true }),
    ).not.toThrow();
    expect(
      code(() =>
        verifyMacaroon(PY.thirdParty, {
          rootKey: MASTER,
          discharges: [PY.built],
          satisfies: () => true,
        }),
      ),
    ).toBe('ERR_DISCHARGE_MISSING'); // a discharge for another caveat
  });
  it('a plain pymacaroons macaroon verifies with verifyMacaroon (libmacaroons caveat_v2_1)', () => {
    const rootKey = utf8Encode('this is the key');
    const ok = (c: string) => c === 'account = 3735928559';
    expect(() => verifyMacaroon(PY.plain, { rootKey, satisfies: ok })).not.toThrow();
    expect(toHex(parseToken(PY.plain).signature)).toBe(
      'f54807f6dc6edf88bf0f7306b3822562a362533dbf7339ba61765da4bd259d87',
    );
    expect(code(() => verifyMacaroon(PY.plain, { rootKey, satisfies: () => false }))).toBe(
      'ERR_CAVEAT_UNSATISFIED',
    );
    expect(code(() => verifyChain(PY.plain, { keys }))).toBe('ERR_TOKEN_MALFORMED');
  });
});
