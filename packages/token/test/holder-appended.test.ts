/**
 * What a holder can make a token say by appending caveats (issue 11, holes 1 and 4):
 * appending may only restrict. Claims come only from the minter's sealed caveats, and a
 * budget's lifetime only from the chain up to the caveat that created it.
 */
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  attenuate,
  bindDischarge,
  caveat,
  createMacaroon,
  encode,
  encodeIdentifier,
  MAX_BUDGETS,
  mint,
  type RequestContext,
  utf8Encode,
  verify,
  verifyChain,
} from '../src/index.js';

const KEY = utf8Encode('k'.repeat(32));
const keys = (kid: string) => (kid === 'k1' ? KEY : undefined);
const NOW = 1_767_225_600;
const clock = () => NOW * 1000;
const CONTEXT: RequestContext = { tenant: '42', action: 'read' };

function minted(extra: string[] = [], session?: string) {
  return mint({
    key: KEY,
    kid: 'k1',
    tokenId: new Uint8Array(16).fill(7),
    issuedAt: NOW,
    ...(session !== undefined ? { session } : {}),
    caveats: [caveat.tenant('42'), caveat.expires(NOW + 3600), ...extra],
  });
}

function code(fn: () => unknown): string {
  try {
    fn();
    return 'ALLOWED';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('claims come only from what the minter sealed', () => {
  it('a sealed claim is reported; the identifier records how many caveats are sealed', () => {
    const cap = verifyChain(encode(minted([caveat.principal('user-1'), caveat.role('agent')])), {
      keys,
    });
    expect(cap.principal).toBe('user-1');
    expect(cap.role).toBe('agent');
  });

  for (const [name, appended] of [
    ['role', caveat.role('admin')],
    ['principal', caveat.principal('root')],
    ['session', caveat.session('someone-elses-session')],
    ['trace', caveat.trace('forged-trace')],
  ] as const) {
    it(`a holder cannot add a ${name} claim: the token is then unsatisfiable, the claim unreported`, () => {
      const token = encode(attenuate(minted([caveat.principal('user-1')]), [appended]));
      const cap = verifyChain(token, { keys });
      expect(cap.role).toBeUndefined();
      expect(cap.principal).toBe('user-1');
      expect(cap.session).toBeUndefined();
      expect(cap.traceId).toBeUndefined();
      expect(code(() => verify(token, { keys, context: CONTEXT, clock }))).toBe(
        'ERR_CAVEAT_UNSATISFIED',
      );
    });
  }

  it('a holder may repeat a sealed claim (a check that holds); a different value denies', () => {
    const base = minted([caveat.principal('user-1'), caveat.role('agent')], 's-1');
    const same = attenuate(base, [
      caveat.principal('user-1'),
      caveat.role('agent'),
      caveat.session('s-1'),
    ]);
    expect(code(() => verify(same, { keys, context: CONTEXT, clock }))).toBe('ALLOWED');
    const other = attenuate(base, [caveat.session('s-2')]);
    expect(verifyChain(encode(other), { keys }).session).toBe('s-1');
    expect(code(() => verify(other, { keys, context: CONTEXT, clock }))).toBe(
      'ERR_CAVEAT_UNSATISFIED',
    );
  });

  it('a sealed count larger than the caveats present is refused after the signature', () => {
    // Only a key holder can write such an identifier (mint never does); refuse, not guess.
    const identifier = encodeIdentifier({
      kid: 'k1',
      tokenId: new Uint8Array(16).fill(1),
      issuedAt: NOW,
      sealed: 3,
    });
    const m = addFirstPartyCaveat(
      createMacaroon({ rootKey: KEY, identifier }),
      caveat.tenant('42'),
    );
    expect(code(() => verifyChain(encode(m), { keys }))).toBe('ERR_CAVEAT_MALFORMED');
    const forged = addFirstPartyCaveat(
      createMacaroon({ rootKey: utf8Encode('not the key'), identifier }),
      caveat.tenant('42'),
    );
    expect(code(() => verifyChain(encode(forged), { keys }))).toBe('ERR_SIGNATURE_INVALID');
  });
});

describe('a budget lives as long as the chain that created it', () => {
  it('its lifetime is the earliest expires up to its caveat, never a later one', () => {
    const token = attenuate(minted([caveat.uses(1)]), [caveat.expires(NOW + 60)]);
    const cap = verifyChain(encode(token), { keys });
    expect(cap.expiresAt).toBe(NOW + 60);
    expect(cap.budgets).toHaveLength(1);
    expect(cap.budgets[0]!.expiresAt).toBe(NOW + 3600);
    expect(cap.chainExpiresAt).toBe(NOW + 60);
  });

  it('a holder budget after a holder expiry takes that expiry; the sealed one keeps its own', () => {
    const token = attenuate(minted([caveat.uses(5)]), [caveat.expires(NOW + 60), caveat.uses(1)]);
    const cap = verifyChain(encode(token), { keys });
    expect(cap.budgets.map((b) => [b.limit, b.expiresAt])).toEqual([
      [5, NOW + 3600],
      [1, NOW + 60],
    ]);
  });

  it('a budget before any expires has no bound (null: its counter never lapses)', () => {
    const m = mint({
      key: KEY,
      kid: 'k1',
      tokenId: new Uint8Array(16).fill(3),
      issuedAt: NOW,
      caveats: [caveat.uses(2), caveat.expires(NOW + 10)],
    });
    expect(verifyChain(encode(m), { keys }).budgets[0]!.expiresAt).toBeNull();
  });

  it("a discharge's budget is bounded by the discharge's own chain, and the primary's expiry excludes discharges", () => {
    const authKey = utf8Encode('third party key');
    const p = addThirdPartyCaveat(minted(), {
      location: 'https://approve',
      caveatKey: authKey,
      caveatId: 'ok',
      nonce: new Uint8Array(24).fill(1),
    });
    let d = createMacaroon({ rootKey: authKey, identifier: 'ok' });
    d = addFirstPartyCaveat(d, caveat.expires(NOW + 30));
    d = addFirstPartyCaveat(d, caveat.uses(1));
    const cap = verifyChain(encode(p), { keys, discharges: [encode(bindDischarge(p, d))] });
    expect(cap.expiresAt).toBe(NOW + 30);
    expect(cap.chainExpiresAt).toBe(NOW + 3600);
    expect(cap.budgets.map((b) => b.expiresAt)).toEqual([NOW + 30]);
  });

  it('more than MAX_BUDGETS uses caveats is a coded refusal after the signature, never a crash', () => {
    const authKey = utf8Encode('third party key');
    const uses = (n: number) => Array.from({ length: n }, () => caveat.uses(9));
    const p = addThirdPartyCaveat(attenuate(minted(uses(40)), uses(21)), {
      location: 'https://approve',
      caveatKey: authKey,
      caveatId: 'ok',
      nonce: new Uint8Array(24).fill(2),
    });
    const discharge = (n: number) => {
      let d = createMacaroon({ rootKey: authKey, identifier: 'ok' });
      for (const c of uses(n)) d = addFirstPartyCaveat(d, c);
      return encode(bindDischarge(p, d));
    };
    expect(MAX_BUDGETS).toBe(64);
    const at = verifyChain(encode(p), { keys, discharges: [discharge(3)] });
    expect(at.budgets).toHaveLength(64);
    expect(code(() => verifyChain(encode(p), { keys, discharges: [discharge(4)] }))).toBe(
      'ERR_CAVEAT_MALFORMED',
    );
  });
});
