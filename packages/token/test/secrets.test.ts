/** No signature, intermediate signature or key ever shows in errors, inspect, JSON or decode. */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  attenuate,
  base64UrlEncode,
  bindDischarge,
  type ChitError,
  caveat,
  createMacaroon,
  createVerifiedChainCache,
  decode,
  encode,
  mint,
  parseToken,
  toHex,
  verify,
  verifyChain,
  verifyMacaroon,
} from '../src/index.js';
import { signatureOf } from '../src/macaroon.js';

const KEY = new Uint8Array(32).map((_, i) => 200 - i);
const AUTH = new Uint8Array(32).map((_, i) => 100 + i);
const NOW = 1767225600;

function secretsOf(...ms: ReturnType<typeof mint>[]): string[] {
  const out = [toHex(KEY), base64UrlEncode(KEY), toHex(AUTH), base64UrlEncode(AUTH)];
  const sigs: Uint8Array[] = [];
  for (const m of ms) {
    sigs.push(signatureOf(m));
    // every intermediate signature of the chain is a bearer secret too
    let p = createMacaroon({ rootKey: KEY, identifier: m.identifier });
    sigs.push(signatureOf(p));
    for (const c of m.caveats) {
      if (c.vid !== undefined) break;
      p = addFirstPartyCaveat(p, c.id);
      sigs.push(signatureOf(p));
    }
  }
  for (const s of sigs) out.push(toHex(s), base64UrlEncode(s), Buffer.from(s).toString('base64'));
  return out;
}

function render(value: unknown): string[] {
  const out = [inspect(value, { depth: 10, showHidden: true }), String(value)];
  try {
    out.push(JSON.stringify(value));
  } catch {}
  if (value instanceof Error)
    out.push(value.message, value.stack ?? '', JSON.stringify((value as ChitError).toJSON?.()));
  return out;
}

describe('secrets stay secret', () => {
  const m = mint({
    key: KEY,
    kid: 'k1',
    tokenId: new Uint8Array(16).fill(3),
    issuedAt: NOW,
    caveats: [caveat.tenant('42')],
  });
  const tp = addThirdPartyCaveat(m, { caveatKey: AUTH, caveatId: 'tp', nonce: new Uint8Array(24) });
  const d = bindDischarge(tp, createMacaroon({ rootKey: AUTH, identifier: 'tp' }));
  const unbound = createMacaroon({ rootKey: AUTH, identifier: 'tp' });
  const secrets = [...secretsOf(m, tp, d), toHex(signatureOf(unbound))];
  const keys = () => KEY;

  function assertClean(label: string, value: unknown) {
    for (const text of render(value)) {
      for (const s of secrets) expect(text.includes(s), `${label} leaks a secret`).toBe(false);
    }
  }

  it('inspect / JSON / String of macaroon objects hide the signature', () => {
    for (const x of [m, tp, d, parseToken(encode(tp))]) {
      assertClean('macaroon', x);
      expect(inspect(x)).toContain('<hidden>');
      expect(JSON.stringify(x)).toContain('<hidden>');
      expect(Object.keys(x)).not.toContain('signature');
    }
  });
  it('decode output holds no signature', () => {
    assertClean('decode', decode(encode(tp)));
  });
  it('verified capabilities hold fingerprints, never signatures', () => {
    const cap = verify(encode(tp), {
      keys,
      context: { tenant: '42' },
      clock: () => NOW * 1000,
      discharges: [encode(d)],
    });
    assertClean('capability', cap);
    const cache = createVerifiedChainCache({ maxEntries: 2 });
    verifyChain(encode(tp), { keys, discharges: [encode(d)], cache });
    assertClean('cache', cache);
  });
  it('the verified-chain cache exposes no token text, signature or key once it holds prefixes', () => {
    const cache = createVerifiedChainCache({ maxEntries: 2 });
    const child = addFirstPartyCaveat(m, 'action = read');
    const grandchild = addFirstPartyCaveat(child, 'resource = orders/1');
    const texts = [encode(m), encode(child), encode(grandchild)];
    for (const t of texts) verifyChain(t, { keys, cache });
    expect(cache.prefixSteps).toBe(4); // identifier + 3 caveats, each with its signature
    const all = [...secretsOf(m, child, grandchild), ...texts];
    const seen: string[] = [...render(cache), String(Object.keys(cache))];
    // every own property, enumerable or not, symbols included, one level down
    for (const k of Reflect.ownKeys(cache)) {
      const d = Object.getOwnPropertyDescriptor(cache, k)!;
      const v = d.get ? d.get.call(cache) : d.value;
      const shown = typeof v !== 'function' ? v : k === 'clear' ? undefined : v.call(cache);
      seen.push(String(k), render(shown).join(' '));
      expect(v instanceof Uint8Array || v instanceof Int32Array).toBe(false);
    }
    for (const text of seen) {
      for (const s of all) expect(text.includes(s), 'cache leaks a secret or a token').toBe(false);
    }
    expect(JSON.parse(JSON.stringify(cache))).toEqual({
      size: 1, // narrowings seen once do not enter the whole-chain LRU

      maxEntries: 2,
      prefixSteps: 4,
      maxPrefixSteps: 65_536,
    });
    expect(Object.keys(cache).sort()).toEqual(
      ['maxEntries', 'maxPrefixSteps', 'prefixSteps', 'size', 'clear', 'toJSON'].sort(),
    );
  });
  it('no error message or stack contains a signature or key', () => {
    const errors: unknown[] = [];
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        errors.push(e);
      }
    };
    const wrongKey = new Uint8Array(32);
    attempt(() => verify(encode(m), { keys: () => wrongKey, context: {}, clock: () => 0 }));
    attempt(() => verify(encode(tp), { keys, context: {}, clock: () => 0 }));
    attempt(() =>
      verify(encode(tp), { keys, context: {}, clock: () => 0, discharges: [encode(d), encode(d)] }),
    );
    attempt(() => verify(encode(m), { keys, context: { tenant: '43' }, clock: () => NOW * 1000 }));
    attempt(() => verify(encode(m), { keys: () => undefined, context: {}, clock: () => 0 }));
    attempt(() => verifyMacaroon(encode(m), { rootKey: KEY, satisfies: () => false }));
    attempt(() => verifyMacaroon(encode(m), { rootKey: AUTH, satisfies: () => true }));
    attempt(() => parseToken(`${encode(m)}A`));
    attempt(() => parseToken(encode(m).slice(0, -3)));
    attempt(() =>
      parseToken(JSON.stringify({ i: 'x', s64: base64UrlEncode(signatureOf(m)).slice(2) })),
    );
    attempt(() => attenuate(m, ['nope']));
    expect(errors.length).toBe(11);
    for (const e of errors) assertClean('error', e);
  });
});
