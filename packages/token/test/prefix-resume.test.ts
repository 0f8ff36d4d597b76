/**
 * Resuming a verified chain (issue 16): with a cache, `verifyChain` resumes the HMAC chain
 * after the longest byte-identical prefix it verified under the same derived key. It must
 * agree with a full verification (no cache) on every accept (the same capability: claims,
 * budgets, fingerprints of every step) and on every reject (the same code).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixStoreOf } from '../src/cache.js';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  base64UrlEncode,
  bindDischarge,
  ChitError,
  caveat,
  createMacaroon,
  createVerifiedChainCache,
  encode,
  type Macaroon,
  mint,
  type VerifiedChainCache,
  verify,
  verifyChain,
} from '../src/index.js';

const SEED = 1616;
const NOW = 1767225600;
const K1 = new Uint8Array(32).fill(0x11);
const K2 = new Uint8Array(32).fill(0x22);
const AUTH = new Uint8Array(32).fill(0x44);
const ring = new Map<string, Uint8Array>();
const keys = (kid: string) => ring.get(kid);

function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (e) {
    return {
      code: e instanceof ChitError ? e.code : `${(e as Error).name}: ${(e as Error).message}`,
    };
  }
}

function expectCode(fn: () => unknown, code: string): void {
  expect(outcome(fn)).toEqual({ code });
}

/** V2 binary of a first-party macaroon and where each signed field lies in it. */
function layout(m: Macaroon): {
  bin: Uint8Array;
  identifier: [number, number];
  caveats: [number, number][];
  signature: [number, number];
} {
  const out: number[] = [2];
  const field = (type: number, data: Uint8Array): [number, number] => {
    out.push(type);
    let n = data.length;
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    const start = out.length;
    for (const b of data) out.push(b);
    return [start, out.length];
  };
  const identifier = field(2, m.identifier);
  out.push(0);
  const caveats: [number, number][] = [];
  for (const c of m.caveats) {
    caveats.push(field(2, c.id));
    out.push(0);
  }
  out.push(0);
  const signature = field(6, m.signature);
  return { bin: Uint8Array.from(out), identifier, caveats, signature };
}

const MINTED = [
  caveat.tenant('42'),
  caveat.resource('orders/*'),
  'action in [read,write]',
  caveat.expires(NOW + 3600),
  caveat.uses(5),
  caveat.principal('user-1'),
  'customer_id = 7',
];
/** Holder caveats: valid, claim-shaped (checks), unknown, and not UTF-8. */
const APPENDED: (string | Uint8Array)[] = [
  'resource = orders/17',
  'action = read',
  'tenant = 42',
  'uses <= 2',
  `expires = ${NOW + 60}`,
  'principal = user-1',
  'principal = user-2',
  'customer_id = 7',
  `resource = orders/${'a'.repeat(60)}`, // longer than the 48 bytes kept inline
  'unknown-caveat ~ x',
  new Uint8Array([0xff, 0x41]),
];

function tokenId(i: number): Uint8Array {
  return new Uint8Array(16).fill(0x70 + i);
}

/** Token id 1 carries a long session: an identifier longer than 48 bytes. */
function minted(key: Uint8Array, id: number, n: number): Macaroon {
  return mint({
    key,
    kid: 'k1',
    tokenId: tokenId(id),
    issuedAt: NOW,
    caveats: MINTED.slice(0, n),
    ...(id === 1 ? { session: `session-${'x'.repeat(40)}` } : {}),
  });
}

function extend(m: Macaroon, extra: readonly (string | Uint8Array)[]): Macaroon {
  let out = m;
  for (const c of extra) out = addFirstPartyCaveat(out, c);
  return out;
}

/** Mostly caveats that verify, so that accepts are common; the last two never verify. */
const conditionArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: APPENDED.length - 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(APPENDED.length - 2, APPENDED.length - 1) },
);

describe('resuming a verified chain agrees with a full verification', () => {
  it('on random chains, random shared prefixes, tampers and key changes (seeded)', () => {
    const arb = fc.record({
      id: fc.integer({ min: 0, max: 1 }),
      sealed: fc.integer({ min: 0, max: MINTED.length }),
      cached: fc.array(
        fc.record({
          id: fc.integer({ min: 0, max: 1 }),
          extra: fc.array(conditionArb, { maxLength: 5 }),
          underK2: fc.boolean(),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      shareFrom: fc.nat(),
      shared: fc.nat(),
      fresh: fc.array(conditionArb, { maxLength: 3 }),
      tamper: fc.option(
        fc.record({
          region: fc.constantFrom(
            'identifier',
            'prefix',
            'suffix',
            'signature',
            'drop',
            'graft',
            'graft',
          ),
          which: fc.nat(),
          at: fc.nat(),
          xor: fc.integer({ min: 1, max: 255 }),
        }),
        { freq: 2 },
      ),
      keyChange: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'retire', 'remap'),
      maxPrefixSteps: fc.constantFrom(1, 5, 17, 65_536),
    });
    let accepted = 0;
    let resumedAccepts = 0;
    const codes = new Set<string>();
    fc.assert(
      fc.property(arb, (r) => {
        const cache = createVerifiedChainCache({ maxEntries: 4, maxPrefixSteps: r.maxPrefixSteps });
        // Warm the cache: chains verified (accepted or not) under K1 or, with the same kid
        // and identifier bytes, under K2.
        const warmed: Macaroon[] = [];
        for (const c of r.cached) {
          const key = c.underK2 ? K2 : K1;
          const m = extend(
            minted(key, c.id, r.sealed),
            c.extra.map((i) => APPENDED[i]!),
          );
          warmed.push(m);
          ring.set('k1', key);
          outcome(() => verifyChain(encode(m), { keys, cache }));
        }
        ring.set('k1', K1);
        // The presented chain: the minted prefix, some appended caveats of a warmed chain,
        // then fresh ones.
        const from = r.cached[r.shareFrom % r.cached.length]!;
        const shared = from.extra.slice(0, r.shared % (from.extra.length + 1));
        const base = extend(
          minted(K1, r.id, r.sealed),
          shared.map((i) => APPENDED[i]!),
        );
        const presented = extend(
          base,
          r.fresh.map((i) => APPENDED[i]!),
        );
        let target: Macaroon = presented;
        let leftOut = 0;
        const region = r.tamper?.region;
        if (region === 'drop' || region === 'graft') {
          // A caveat left out (anywhere, the cached prefix included) under the signature of
          // the full chain: of the presented one, or of a warmed one.
          const donor = region === 'drop' ? presented : warmed[r.tamper!.which % warmed.length]!;
          const kept = donor.caveats.filter(
            (_, i) => donor.caveats.length === 0 || i !== r.tamper!.at % donor.caveats.length,
          );
          leftOut = donor.caveats.length - kept.length;
          target = {
            identifier: region === 'drop' ? presented.identifier : donor.identifier,
            caveats: kept,
            signature: donor.signature,
          } as unknown as Macaroon;
        }
        const { bin, identifier, caveats, signature } = layout(target);
        if (r.tamper !== null && region !== 'drop' && region !== 'graft') {
          const prefixEnd = r.sealed + shared.length;
          let range: [number, number] | undefined;
          if (r.tamper.region === 'identifier') range = identifier;
          else if (r.tamper.region === 'signature') range = signature;
          else {
            const pool =
              r.tamper.region === 'prefix' ? caveats.slice(0, prefixEnd) : caveats.slice(prefixEnd);
            if (pool.length > 0) range = pool[r.tamper.at % pool.length];
          }
          if (range !== undefined && range[1] > range[0]) {
            const at = range[0] + (r.tamper.at % (range[1] - range[0]));
            bin[at] = bin[at]! ^ r.tamper.xor;
          }
        }
        if (r.keyChange === 'retire') ring.delete('k1');
        if (r.keyChange === 'remap') ring.set('k1', K2);
        const text = base64UrlEncode(bin);
        const full = outcome(() => verifyChain(text, { keys }));
        const resumed = outcome(() => verifyChain(text, { keys, cache }));
        const again = outcome(() => verifyChain(text, { keys, cache }));
        expect(resumed).toEqual(full);
        expect(again).toEqual(full);
        expect(cache.prefixSteps).toBeLessThanOrEqual(r.maxPrefixSteps);
        const code = (full as { code?: string }).code;
        if (code === undefined) {
          accepted++;
          // a chain with a caveat left out is never accepted, cached signature or not
          if (region === 'drop' || region === 'graft') expect(leftOut).toBe(0);
          if (r.sealed + shared.length > 0 && from.id === r.id && !from.underK2) resumedAccepts++;
        } else codes.add(code);
        ring.set('k1', K1);
      }),
      { seed: SEED, numRuns: 1500 },
    );
    // Not vacuous: both outcomes, every kind of rejection, and resumed accepts happened.
    expect(accepted).toBeGreaterThan(100);
    expect(resumedAccepts).toBeGreaterThan(50);
    expect([...codes].sort()).toEqual([
      'ERR_CAVEAT_MALFORMED',
      'ERR_CAVEAT_UNKNOWN',
      'ERR_KEY_UNKNOWN',
      'ERR_SIGNATURE_INVALID',
      'ERR_TOKEN_MALFORMED',
    ]);
  });

  it('with discharges: the primary and every discharge are walked as without a cache (seeded)', () => {
    const arb = fc.record({
      extra: fc.array(conditionArb, { maxLength: 3 }),
      dischargeCaveats: fc.array(fc.constantFrom('tenant = 42', 'tenant = 43', 'uses <= 3'), {
        maxLength: 2,
      }),
      present: fc.constantFrom('bound', 'none', 'unbound', 'tampered', 'twice'),
      at: fc.nat(),
    });
    fc.assert(
      fc.property(arb, (r) => {
        ring.set('k1', K1);
        const cache = createVerifiedChainCache({ maxEntries: 4 });
        const parent = minted(K1, 0, 5);
        const tp = addThirdPartyCaveat(
          extend(
            parent,
            r.extra.map((i) => APPENDED[i]!),
          ),
          {
            caveatKey: AUTH,
            caveatId: 'auth',
            nonce: new Uint8Array(24),
          },
        );
        const narrowed = addFirstPartyCaveat(tp, 'action = read');
        let raw: Macaroon = createMacaroon({ rootKey: AUTH, identifier: 'auth' });
        for (const c of r.dischargeCaveats) raw = addFirstPartyCaveat(raw, c);
        // warm with the parent alone and with the discharge-carrying token
        outcome(() => verifyChain(encode(parent), { keys, cache }));
        outcome(() =>
          verifyChain(encode(tp), { keys, cache, discharges: [encode(bindDischarge(tp, raw))] }),
        );
        const bound = encode(bindDischarge(narrowed, raw));
        let discharges: string[] = [];
        if (r.present === 'bound') discharges = [bound];
        if (r.present === 'unbound') discharges = [encode(raw)];
        if (r.present === 'twice') discharges = [bound, bound];
        if (r.present === 'tampered') {
          const b = Buffer.from(bound, 'base64url');
          const at = r.at % b.length;
          b[at] = b[at]! ^ 1;
          discharges = [b.toString('base64url')];
        }
        const text = encode(narrowed);
        const full = outcome(() => verifyChain(text, { keys, discharges }));
        expect(outcome(() => verifyChain(text, { keys, cache, discharges }))).toEqual(full);
        // and the same narrowed chain without its third-party caveat resumes, equally
        const plain = encode(addFirstPartyCaveat(parent, 'action = read'));
        expect(outcome(() => verifyChain(plain, { keys, cache }))).toEqual(
          outcome(() => verifyChain(plain, { keys })),
        );
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });
});

describe('resuming a verified chain: exact outcomes', () => {
  function warm(maxPrefixSteps?: number): { cache: VerifiedChainCache; parent: Macaroon } {
    ring.set('k1', K1);
    const cache = createVerifiedChainCache({ maxEntries: 100, maxPrefixSteps });
    const parent = minted(K1, 0, 7);
    verifyChain(encode(parent), { keys, cache });
    return { cache, parent };
  }

  it('resumes: only the new positions are added, and the capability equals a full verification', () => {
    const { cache, parent } = warm();
    expect(cache.prefixSteps).toBe(8); // the identifier and 7 caveats
    const child = extend(parent, ['resource = orders/17', 'action = read', 'customer_id = 7']);
    const cap = verifyChain(encode(child), { keys, cache });
    expect(cache.prefixSteps).toBe(11); // resumed after step 7: 3 new positions
    expect(cap).toEqual(verifyChain(encode(child), { keys }));
    expect(cap.fingerprints).toHaveLength(11);
    expect(cap.budgets.map((b) => b.key)).toEqual([cap.fingerprints[5]]);
    expect(cap.caveats).toEqual([
      ...MINTED,
      'resource = orders/17',
      'action = read',
      'customer_id = 7',
    ]);
    // a sibling shares the parent's positions, and the first child's first new one
    const sibling = extend(parent, ['resource = orders/17', 'action = write']);
    expect(verifyChain(encode(sibling), { keys, cache })).toEqual(
      verifyChain(encode(sibling), { keys }),
    );
    expect(cache.prefixSteps).toBe(12);
    // and verify() judges the resumed capability per request as usual
    expectCode(
      () =>
        verify(encode(child), {
          keys,
          cache,
          context: {
            tenant: '42',
            resource: 'orders/18',
            action: 'read',
            attributes: { customer_id: '7' },
          },
          clock: () => NOW * 1000,
        }),
      'ERR_CAVEAT_UNSATISFIED',
    );
  });

  it('a narrowing seen once stays out of the whole-chain LRU; seen again it enters it', () => {
    const { cache, parent } = warm();
    expect(cache.size).toBe(1); // the parent, verified from scratch, entered at once
    const child = encode(addFirstPartyCaveat(parent, 'action = read'));
    const first = verifyChain(child, { keys, cache });
    expect(cache.size).toBe(1);
    const second = verifyChain(child, { keys, cache }); // whole chain held: admitted
    expect(cache.size).toBe(2);
    expect(second).toEqual(first);
    expect(verifyChain(child, { keys, cache })).toBe(second); // a whole-chain hit
  });

  it('a child whose parent was never presented alone still leaves its prefix for its siblings', () => {
    ring.set('k1', K1);
    const cache = createVerifiedChainCache({ maxEntries: 100 });
    const parent = minted(K1, 1, 7);
    verifyChain(encode(extend(parent, ['action = read'])), { keys, cache });
    expect(cache.prefixSteps).toBe(9);
    verifyChain(encode(extend(parent, ['action = write'])), { keys, cache });
    expect(cache.prefixSteps).toBe(10);
  });

  it('rejects tampers in the cached prefix, in the suffix and in the signature: ERR_SIGNATURE_INVALID', () => {
    const { cache, parent } = warm();
    const child = extend(parent, ['resource = orders/17', 'action = read']);
    const { bin, identifier, caveats, signature } = layout(child);
    // (identifier: a byte of the token id; caveats 0 and 6 cached, 7 and 8 new)
    for (const [s] of [identifier, caveats[0]!, caveats[6]!, caveats[7]!, caveats[8]!, signature]) {
      const t = bin.slice();
      const at = s === identifier[0] ? s + 6 : s + 1;
      t[at] = t[at]! ^ 0x01;
      expectCode(() => verifyChain(base64UrlEncode(t), { keys, cache }), 'ERR_SIGNATURE_INVALID');
    }
    // the parent's own signature on the child's caveats (a truncated-chain forgery)
    const forged = bin.slice();
    forged.set(parent.signature, signature[0]);
    expectCode(
      () => verifyChain(base64UrlEncode(forged), { keys, cache }),
      'ERR_SIGNATURE_INVALID',
    );
    // a cached caveat left out, under the child's valid signature
    const dropped = layout({
      identifier: child.identifier,
      caveats: child.caveats.filter((_, i) => i !== 3),
      signature: child.signature,
    } as unknown as Macaroon).bin;
    verifyChain(encode(child), { keys, cache });
    expectCode(
      () => verifyChain(base64UrlEncode(dropped), { keys, cache }),
      'ERR_SIGNATURE_INVALID',
    );
    // and an exact repeat of the cached parent with its last byte flipped
    const p = layout(parent).bin;
    p[p.length - 1] = p[p.length - 1]! ^ 0x80;
    expectCode(() => verifyChain(base64UrlEncode(p), { keys, cache }), 'ERR_SIGNATURE_INVALID');
    // nothing failed was held (the child's 2 positions come from its own valid verify)
    expect(cache.prefixSteps).toBe(10);
  });

  it('a kid retired after caching fails with ERR_KEY_UNKNOWN, cached prefix or not', () => {
    const { cache, parent } = warm();
    ring.delete('k1');
    expectCode(() => verifyChain(encode(parent), { keys, cache }), 'ERR_KEY_UNKNOWN');
    expectCode(
      () => verifyChain(encode(addFirstPartyCaveat(parent, 'action = read')), { keys, cache }),
      'ERR_KEY_UNKNOWN',
    );
    ring.set('k1', K1);
  });

  it('a kid now mapping to another key never resumes: ERR_SIGNATURE_INVALID', () => {
    const { cache, parent } = warm();
    ring.set('k1', K2);
    expectCode(
      () => verifyChain(encode(addFirstPartyCaveat(parent, 'action = read')), { keys, cache }),
      'ERR_SIGNATURE_INVALID',
    );
    // and a chain minted under K2 with the same identifier bytes verifies in full under K2
    const other = addFirstPartyCaveat(minted(K2, 0, 7), 'action = read');
    expect(verifyChain(encode(other), { keys, cache })).toEqual(
      verifyChain(encode(other), { keys }),
    );
    ring.set('k1', K1);
  });

  it('a prefix verified under another key is never resumed under this one', () => {
    ring.set('k1', K2);
    const cache = createVerifiedChainCache({ maxEntries: 100 });
    const underK2 = minted(K2, 0, 7);
    verifyChain(encode(underK2), { keys, cache });
    ring.set('k1', K1);
    // same identifier bytes and caveats, K2's chain: refused under K1
    expectCode(
      () => verifyChain(encode(addFirstPartyCaveat(underK2, 'action = read')), { keys, cache }),
      'ERR_SIGNATURE_INVALID',
    );
    // K1's chain with the same bytes verifies (its own root, walked in full)
    const underK1 = addFirstPartyCaveat(minted(K1, 0, 7), 'action = read');
    expect(verifyChain(encode(underK1), { keys, cache })).toEqual(
      verifyChain(encode(underK1), { keys }),
    );
    expect(cache.prefixSteps).toBe(8 + 9);
  });

  it('judges appended caveats after the signature, with their exact codes', () => {
    const { cache, parent } = warm();
    expectCode(
      () => verifyChain(encode(addFirstPartyCaveat(parent, 'unknown-caveat ~ x')), { keys, cache }),
      'ERR_CAVEAT_UNKNOWN',
    );
    expectCode(
      () =>
        verifyChain(encode(addFirstPartyCaveat(parent, new Uint8Array([0xc0, 0x80]))), {
          keys,
          cache,
        }),
      'ERR_CAVEAT_MALFORMED',
    );
    expectCode(
      () => verifyChain(encode(addFirstPartyCaveat(parent, 'tenant  = 42')), { keys, cache }),
      'ERR_CAVEAT_MALFORMED',
    );
    // a claim appended by a holder is a check, exactly as without a cache
    const claimed = encode(addFirstPartyCaveat(parent, 'principal = user-2'));
    expect(verifyChain(claimed, { keys, cache })).toEqual(verifyChain(claimed, { keys }));
  });

  it('stays within its bound, evicting least recently used leaves first', () => {
    const { cache, parent } = warm(12);
    for (let i = 0; i < 50; i++) {
      const child = extend(parent, [`resource = orders/${i}`, 'action = read']);
      expect(verifyChain(encode(child), { keys, cache })).toEqual(
        verifyChain(encode(child), { keys }),
      );
      expect(cache.prefixSteps).toBeLessThanOrEqual(12);
    }
    // the hot parent chain survived the churn of unique leaves: a new child adds 1 position
    const before = cache.prefixSteps;
    verifyChain(encode(addFirstPartyCaveat(parent, 'action = write')), { keys, cache });
    expect(cache.prefixSteps).toBeLessThanOrEqual(12);
    expect(cache.prefixSteps).toBeGreaterThanOrEqual(Math.min(before, 9));
    cache.clear();
    expect(cache.prefixSteps).toBe(0);
    expect(prefixStoreOf(cache)?.size).toBe(0);
  });

  it('maxPrefixSteps 0 turns resuming off; the option is validated', () => {
    const cache = createVerifiedChainCache({ maxEntries: 4, maxPrefixSteps: 0 });
    ring.set('k1', K1);
    verifyChain(encode(minted(K1, 0, 3)), { keys, cache });
    expect(cache.prefixSteps).toBe(0);
    expect(prefixStoreOf(cache)).toBeUndefined();
    expect(() => createVerifiedChainCache({ maxEntries: 4, maxPrefixSteps: -1 })).toThrow(
      RangeError,
    );
    expect(() =>
      createVerifiedChainCache({ maxEntries: 4, maxPrefixSteps: '1' as unknown as number }),
    ).toThrow(/maxPrefixSteps/);
    expect(createVerifiedChainCache({ maxEntries: 4 }).maxPrefixSteps).toBe(65_536);
  });
});
