#!/usr/bin/env node
// Seeded mutation fuzzer for @chit/token (run by `pnpm fuzz` after the build).
//   node packages/token/scripts/fuzz.mjs [count=1000000] [seed=1]
// Mutates valid Chit tokens (binary, text and V2J forms, with and without a third-party
// caveat and its discharge) and verifies each mutant. Reports accepted forgeries (a mutant
// that verifies but is not byte-identical to a genuine token) and uncaught exceptions
// (anything thrown that is not a ChitError). Every mutant is also verified through one
// long-lived verified-chain cache (which resumes chains at verified prefixes, warmed with
// the genuine tokens and their narrowings): both answers must agree, code for code.
// Exits non-zero if any count is above 0.
import {
  addThirdPartyCaveat,
  attenuate,
  base64UrlEncode,
  bindDischarge,
  ChitError,
  caveat,
  createMacaroon,
  createVerifiedChainCache,
  encode,
  encodeBinary,
  mint,
  parseToken,
  verifyChain,
} from '../dist/index.js';

const count = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(seed)) {
  console.error('usage: fuzz.mjs [count] [seed]');
  process.exit(2);
}

// xorshift32: deterministic, seedable
let state = seed >>> 0 || 0x9e3779b9;
function rand() {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
}
const below = (n) => rand() % n;

const KEY = new Uint8Array(32).fill(0x42);
const AUTH = new Uint8Array(32).fill(0x24);
const keys = () => KEY; // every kid resolves: only the signature may stop a forgery
const POOL = [
  caveat.tenant('42'),
  caveat.resource('orders/*'),
  caveat.action(['read', 'write']),
  caveat.expires(1767229200),
  caveat.attribute('customer_id', '7'),
  caveat.uses(10),
  caveat.audience('orders'),
];

function makeCorpus() {
  const corpus = [];
  for (let i = 0; i < 24; i++) {
    const tokenId = new Uint8Array(16).map(() => below(256));
    const n = 1 + below(POOL.length);
    const start = below(POOL.length);
    const caveats = Array.from({ length: n }, (_, j) => POOL[(start + j) % POOL.length]);
    const uniq = [...new Set(caveats)];
    let primary = mint({
      key: KEY,
      kid: `k${i}`,
      tokenId,
      issuedAt: 1767225600 + i,
      caveats: uniq,
    });
    let discharge;
    if (i % 3 === 0) {
      primary = addThirdPartyCaveat(primary, {
        caveatKey: AUTH,
        caveatId: `tp-${i}`,
        nonce: new Uint8Array(24).map(() => below(256)),
      });
      discharge = encode(
        bindDischarge(primary, createMacaroon({ rootKey: AUTH, identifier: `tp-${i}` })),
      );
    }
    corpus.push({ primary, text: encode(primary), bin: encodeBinary(primary), discharge });
  }
  return corpus;
}

const genuine = new Set();
function mutateBytes(bin) {
  const b = Array.from(bin);
  const ops = 1 + below(3);
  for (let k = 0; k < ops; k++) {
    switch (below(6)) {
      case 0:
        b[below(b.length)] ^= 1 << below(8);
        break;
      case 1:
        b[below(b.length)] = below(256);
        break;
      case 2:
        b.splice(below(b.length + 1), 0, below(256));
        break;
      case 3:
        b.splice(below(b.length), 1 + below(4));
        break;
      case 4: {
        const from = below(b.length);
        const len = 1 + below(8);
        b.splice(below(b.length + 1), 0, ...b.slice(from, from + len));
        break;
      }
      default:
        b.length = below(b.length + 1);
    }
  }
  return Uint8Array.from(b);
}
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.{}":, \n';
function mutateText(text) {
  const chars = text.split('');
  const ops = 1 + below(3);
  for (let k = 0; k < ops; k++) {
    const at = below(chars.length + 1);
    const c = ALPHABET[below(ALPHABET.length)];
    if (below(2) === 0) chars[at] = c;
    else chars.splice(at, below(2), c);
  }
  return chars.join('');
}
function toJson(m) {
  return JSON.stringify({
    v: 2,
    i64: base64UrlEncode(m.identifier),
    c: m.caveats.map((c) => ({
      i64: base64UrlEncode(c.id),
      ...(c.vid ? { v64: base64UrlEncode(c.vid) } : {}),
    })),
    s64: base64UrlEncode(m.signature),
  });
}

const corpus = makeCorpus();
for (const c of corpus) genuine.add(Buffer.from(c.bin).toString('hex'));
// The cache every mutant also goes through, holding the genuine chains and narrowings of
// them, so mutants share prefixes with verified chains.
const cache = createVerifiedChainCache({ maxEntries: 256 });
for (const c of corpus) {
  const discharges = c.discharge ? [c.discharge] : [];
  verifyChain(c.text, { keys, discharges, cache });
  if (!c.discharge) {
    verifyChain(encode(attenuate(c.text, [caveat.resource('orders/7')])), { keys, cache });
  }
}
const outcome = (fn) => {
  try {
    fn();
    return 'accepted';
  } catch (e) {
    return e instanceof ChitError ? e.code : `uncaught ${e?.name}`;
  }
};
let mismatches = 0;
let forgeries = 0;
let uncaught = 0;
let accepted = 0;
const started = Date.now();
for (let i = 0; i < count; i++) {
  const c = corpus[below(corpus.length)];
  let primary = c.text;
  let discharges = c.discharge ? [c.discharge] : [];
  switch (below(5)) {
    case 0:
    case 1:
      primary = base64UrlEncode(mutateBytes(c.bin));
      break;
    case 2:
      primary = mutateText(c.text);
      break;
    case 3:
      primary = mutateText(toJson(c.primary));
      break;
    default:
      if (c.discharge)
        discharges = [base64UrlEncode(mutateBytes(encodeBinary(parseToken(c.discharge))))];
      else primary = base64UrlEncode(mutateBytes(c.bin));
  }
  const plain = outcome(() => verifyChain(primary, { keys, discharges }));
  const cached = outcome(() => verifyChain(primary, { keys, discharges, cache }));
  if (plain !== cached) {
    mismatches++;
    console.error(`MISMATCH at iteration ${i} (seed ${seed}): uncached ${plain}, cached ${cached}`);
  }
  try {
    verifyChain(primary, { keys, discharges });
    accepted++;
    // Accepted: it must be a genuine token in another spelling (alphabet, padding, JSON),
    // with its genuine discharge.
    const bin = Buffer.from(encodeBinary(parseToken(primary))).toString('hex');
    const sameDischarge = discharges.length === 0 || discharges[0] === c.discharge;
    if (!genuine.has(bin) || !sameDischarge) {
      forgeries++;
      console.error(`FORGERY accepted at iteration ${i} (seed ${seed})`);
    }
  } catch (e) {
    if (!(e instanceof ChitError)) {
      uncaught++;
      console.error(`UNCAUGHT at iteration ${i} (seed ${seed}): ${e?.name}: ${e?.message}`);
    }
  }
}
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `fuzz: ${count} cases, seed ${seed}, ${secs} s: ${forgeries} accepted forgeries, ${uncaught} uncaught exceptions, ${mismatches} cached/uncached mismatches (${accepted} genuine re-spellings accepted)`,
);
process.exitCode = forgeries > 0 || uncaught > 0 || mismatches > 0 ? 1 : 0;
