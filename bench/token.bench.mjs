#!/usr/bin/env node
// Token benchmark (issue 2 §4): Chit vs macaroons.js, macaroon (js-macaroon, JSON form),
// jose (HS256 jwtVerify) and fast-jwt (plain and cached), one process, one run, the same
// workload: token id + 5 caveats (tenant, resource prefix, action, expiry, customer_id).
//   (a) decode + verify + evaluate against a matching context
//   (b) attenuate by one caveat + encode
//   (c) token size in characters
//   (d) cached-repeat verify vs fast-jwt with its cache
// Issue 16, 12 caveats (9 from the mint, 3 from a holder), a distinct token per request:
//   (e) per-call narrowing of a verified 9-caveat token (the prefix cache resumes the chain)
//   (f) uncached 12-caveat attenuated tokens
//   (g) heap held by the verifier's cache at its default bound
// Usage: pnpm build && node bench/token.bench.mjs   (or via `pnpm bench`, which calls run()).
// CHIT_TOKEN_DIST=/path/to/dist/index.js runs the same cases against another build of
// @chit/token (before/after comparisons on the same machine).
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSigner, createVerifier } from 'fast-jwt';
import { jwtVerify, SignJWT } from 'jose';
import macaroon from 'macaroon';
import MacaroonsJs from 'macaroons.js';

const { attenuate, createVerifiedChainCache, encode, mint, parseToken, verify, verifyChain } =
  await import(process.env.CHIT_TOKEN_DIST ?? '../packages/token/dist/index.js');

const { MacaroonsBuilder, MacaroonsVerifier } = MacaroonsJs;

const NOW_S = 1767225600;
const NOW_MS = NOW_S * 1000;
const EXPIRES = NOW_S + 3600;
const CONDITIONS = [
  'tenant = 42',
  'resource = orders/*',
  'action in [read,write]',
  `expires = ${EXPIRES}`,
  'customer_id = 7',
];
const EXTRA = 'resource = orders/17';
const CONTEXT = {
  tenant: '42',
  resource: 'orders/17',
  action: 'read',
  attributes: { customer_id: '7' },
};
const ROOT_KEY = new Uint8Array(randomBytes(32));
const TOKEN_ID = new Uint8Array(randomBytes(16));
const TOKEN_ID_HEX = Buffer.from(TOKEN_ID).toString('hex');

/** The condition checker a peer-library user would write for the same five conditions. */
function checkCondition(cond, ctx, nowS) {
  const eq = cond.indexOf(' = ');
  if (cond.startsWith('action in [')) {
    return cond.slice(11, -1).split(',').includes(ctx.action);
  }
  if (eq < 0) return false;
  const key = cond.slice(0, eq);
  const value = cond.slice(eq + 3);
  switch (key) {
    case 'tenant':
      return ctx.tenant === value;
    case 'resource':
      return value.endsWith('/*')
        ? ctx.resource.startsWith(value.slice(0, -1))
        : ctx.resource === value;
    case 'expires':
      return nowS < Number(value);
    default:
      return ctx.attributes[key] === value;
  }
}

function checkClaims(p, ctx, nowS) {
  return (
    p.tenant === ctx.tenant &&
    ctx.resource.startsWith(p.resource.slice(0, -1)) &&
    p.actions.includes(ctx.action) &&
    p.exp > nowS &&
    p.customer_id === ctx.attributes.customer_id
  );
}

// ---------- harness ----------
const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
})();

/**
 * Median CPU ns/op for each case. Measured as this process's CPU time (user + system,
 * `process.cpuUsage`), not wall time, so that other processes on a shared machine do not
 * inflate whichever case they happen to preempt. Cases run one after the other, each
 * after a full GC (so one library's garbage is not collected on another's clock), a
 * warm-up, then `rounds` batches of about `batchMs` of work each.
 */
async function measureAll(
  cases,
  { rounds = 31, warmupMs = 1000, minWarmupCalls = 5000, batchMs = 10 } = {},
) {
  const medians = {};
  for (const [name, { fn, isAsync }] of Object.entries(cases)) {
    gc();
    // Warm up by count and by time: the first calls run in the interpreter and the
    // optimising compiler works in the background (on this process's CPU clock).
    const t0 = performance.now();
    let n = 0;
    while (n < minWarmupCalls || performance.now() - t0 < warmupMs) {
      if (isAsync) await fn();
      else fn();
      n++;
    }
    // size a batch from a timed run of the warmed-up code
    const probe = Math.max(20, Math.round(n / 20));
    const c0 = process.cpuUsage();
    if (isAsync) {
      for (let i = 0; i < probe; i++) await fn();
    } else {
      for (let i = 0; i < probe; i++) fn();
    }
    const probeUsed = process.cpuUsage(c0);
    const perOpMs = Math.max(1e-6, (probeUsed.user + probeUsed.system) / 1000 / probe);
    const size = Math.max(10, Math.round(batchMs / perOpMs));
    const samples = [];
    for (let r = 0; r < rounds; r++) {
      const c = process.cpuUsage();
      if (isAsync) {
        for (let i = 0; i < size; i++) await fn();
      } else {
        for (let i = 0; i < size; i++) fn();
      }
      const used = process.cpuUsage(c);
      samples.push(((used.user + used.system) * 1000) / size);
    }
    samples.sort((a, b) => a - b);
    medians[name] = samples[samples.length >> 1];
  }
  return medians;
}

function fmt(ns) {
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;
}

function must(ok, what) {
  if (!ok) throw new Error(`benchmark self-check failed: ${what}`);
}

// ---------- fixtures ----------
async function fixtures() {
  const chitToken = encode(
    mint({ key: ROOT_KEY, kid: 'k1', tokenId: TOKEN_ID, issuedAt: NOW_S, caveats: CONDITIONS }),
  );
  const keys = (kid) => (kid === 'k1' ? ROOT_KEY : undefined);

  const rootKeyBuf = Buffer.from(ROOT_KEY);
  let mjsBuilder = new MacaroonsBuilder('', rootKeyBuf, TOKEN_ID_HEX);
  for (const c of CONDITIONS) mjsBuilder = mjsBuilder.add_first_party_caveat(c);
  const mjsToken = mjsBuilder.getMacaroon().serialize();

  const jsm = macaroon.newMacaroon({
    rootKey: ROOT_KEY,
    identifier: TOKEN_ID_HEX,
    location: '',
    version: 2,
  });
  for (const c of CONDITIONS) jsm.addFirstPartyCaveat(c);
  const jsmToken = JSON.stringify(jsm.exportJSON());

  const claims = {
    jti: TOKEN_ID_HEX,
    tenant: '42',
    resource: 'orders/*',
    actions: ['read', 'write'],
    customer_id: '7',
  };
  const joseKey = new Uint8Array(ROOT_KEY);
  const joseToken = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(NOW_S)
    .setExpirationTime(EXPIRES)
    .sign(joseKey);
  const signFast = createSigner({ key: rootKeyBuf, algorithm: 'HS256', clockTimestamp: NOW_MS });
  const fastToken = signFast({ ...claims, iat: NOW_S, exp: EXPIRES });
  return { chitToken, keys, rootKeyBuf, mjsToken, jsmToken, joseKey, joseToken, fastToken };
}

// ---------- issue 16: 12 caveats, a distinct token per request ----------
const MINTED9 = [
  ...CONDITIONS,
  'principal = user-1',
  'role = agent',
  'audience = orders',
  'region = eu',
];
/** The holder's narrowing: a distinct expiry first (so no two requests share it), then two. */
const narrowing = (i) => [`expires = ${NOW_S + 600 + i}`, 'resource = orders/17', 'action = read'];
const CONTEXT12 = {
  tenant: '42',
  resource: 'orders/17',
  action: 'read',
  audience: 'orders',
  attributes: { customer_id: '7', region: 'eu' },
};
/** Distinct requests per pool: larger than any cache bound it goes through (see (e)). */
const NARROWED_POOL = 32768;
const UNCACHED_POOL = 4096;

function tokenIdOf(i) {
  const id = new Uint8Array(16);
  new DataView(id.buffer).setUint32(12, i);
  id[0] = 0xc4;
  return id;
}

/** A 12-caveat token: 9 minted under token id `id`, then the holder's narrowing `i`. */
function chain12(id, i) {
  const m = mint({
    key: ROOT_KEY,
    kid: 'k1',
    tokenId: tokenIdOf(id),
    issuedAt: NOW_S,
    caveats: MINTED9,
  });
  return encode(attenuate(m, narrowing(i)));
}

function claims12(i, narrowed) {
  return {
    jti: Buffer.from(tokenIdOf(i)).toString('hex'),
    tenant: '42',
    resource: 'orders/*',
    actions: ['read', 'write'],
    customer_id: '7',
    sub: 'user-1',
    role: 'agent',
    aud: 'orders',
    region: 'eu',
    iat: NOW_S,
    exp: EXPIRES,
    narrowed,
  };
}

/** The claim checks a JWT user would write for the 12 claims (the narrowing included). */
function checkClaims12(p, ctx, nowS) {
  const n = p.narrowed;
  return (
    p.tenant === ctx.tenant &&
    ctx.resource.startsWith(p.resource.slice(0, -1)) &&
    p.actions.includes(ctx.action) &&
    p.exp > nowS &&
    p.customer_id === ctx.attributes.customer_id &&
    p.sub === 'user-1' &&
    p.role === 'agent' &&
    p.aud === ctx.audience &&
    p.region === ctx.attributes.region &&
    n.exp > nowS &&
    n.resource === ctx.resource &&
    n.action === ctx.action
  );
}

function heapNow() {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function twelve(measure, line) {
  const clock = () => NOW_MS;
  const keys = (kid) => (kid === 'k1' ? ROOT_KEY : undefined);
  const rootKeyBuf = Buffer.from(ROOT_KEY);
  // (e) one broad token, narrowed per call
  const broad = mint({
    key: ROOT_KEY,
    kid: 'k1',
    tokenId: TOKEN_ID,
    issuedAt: NOW_S,
    caveats: MINTED9,
  });
  const narrowed = [];
  for (let i = 0; i < NARROWED_POOL; i++) narrowed.push(encode(attenuate(broad, narrowing(i))));
  // (f) distinct 12-caveat tokens (distinct token ids: no shared prefix at all)
  const uncached = [];
  const mjsUncached = [];
  for (let i = 0; i < UNCACHED_POOL; i++) {
    uncached.push(chain12(i, i));
    let b = new MacaroonsBuilder('', rootKeyBuf, Buffer.from(tokenIdOf(i)).toString('hex'));
    for (const c of [...MINTED9, ...narrowing(i)]) b = b.add_first_party_caveat(c);
    mjsUncached.push(b.getMacaroon().serialize());
  }
  const signFast = createSigner({ key: rootKeyBuf, algorithm: 'HS256', clockTimestamp: NOW_MS });
  const jwts = [];
  for (let i = 0; i < UNCACHED_POOL; i++) {
    jwts.push(
      signFast(claims12(i, { exp: NOW_S + 600 + i, resource: 'orders/17', action: 'read' })),
    );
  }
  const fastPlain = createVerifier({
    key: rootKeyBuf,
    algorithms: ['HS256'],
    clockTimestamp: NOW_MS,
  });
  const check = (c) => {
    if (c === null || typeof c !== 'object') return false;
    if (c.tenants?.includes('42') !== true) return false;
    return true;
  };
  // the verifier's defaults (@chit/fastify, the mint): 10,000 entries, default prefix bound
  const cache = createVerifiedChainCache({ maxEntries: 10_000 });
  const noResume = createVerifiedChainCache({ maxEntries: 10_000, maxPrefixSteps: 0 });
  verify(encode(broad), { keys, context: CONTEXT12, clock, cache }); // the broad token, once
  let e1 = 0;
  let e2 = 0;
  let f1 = 0;
  let f2 = 0;
  let f3 = 0;
  const mask = NARROWED_POOL - 1;
  const umask = UNCACHED_POOL - 1;
  const cases = {
    'chit, prefix cache (default bound)': {
      fn: () => verify(narrowed[e1++ & mask], { keys, context: CONTEXT12, clock, cache }),
    },
    'chit, cache without prefixes (today)': {
      fn: () => verify(narrowed[e2++ & mask], { keys, context: CONTEXT12, clock, cache: noResume }),
    },
    'chit, uncached 12 caveats': {
      fn: () => verify(uncached[f1++ & umask], { keys, context: CONTEXT12, clock }),
    },
    'macaroons.js, 12 caveats': {
      fn: () => {
        const m = MacaroonsBuilder.deserialize(mjsUncached[f2++ & umask]);
        const v = new MacaroonsVerifier(m);
        v.satisfyGeneral((c) => checkCondition12(c));
        return v.isValid(rootKeyBuf);
      },
    },
    'fast-jwt HS256, 12 claims': {
      fn: () => checkClaims12(fastPlain(jwts[f3++ & umask]), CONTEXT12, NOW_S),
    },
  };
  for (const [name, c] of Object.entries(cases)) {
    const r = c.fn();
    must(r === true || check(r), `${name} self-check`);
  }
  for (let i = 0; i < 64; i++) must(cases['macaroons.js, 12 caveats'].fn(), 'macaroons.js 12');
  must(verifyChain(narrowed[5], { keys }).caveats.length === 12, 'narrowed token has 12 caveats');
  const m = await measure(cases);
  const resume = m['chit, prefix cache (default bound)'];
  const today = m['chit, cache without prefixes (today)'];
  const full = m['chit, uncached 12 caveats'];
  const mjs = m['macaroons.js, 12 caveats'];
  const jwt = m['fast-jwt HS256, 12 claims'];

  if (createVerifiedChainCache({ maxEntries: 1 }).maxPrefixSteps === undefined) {
    // a build without prefix resuming (CHIT_TOKEN_DIST): (e) and (f) only
    console.log('\n(e)/(f) 12 caveats, a distinct token per request (build without prefixes)');
    for (const [k, v] of Object.entries(m))
      console.log(line([k, fmt(v), `${(v / jwt).toFixed(2)}x`]));
    return { rows: [], targets: [] };
  }
  // (g) heap held by a cache filled to its default bound with distinct 12-caveat chains
  const before = heapNow();
  const filled = createVerifiedChainCache({ maxEntries: 10_000 });
  const positions = filled.maxPrefixSteps;
  let n = 0;
  while (filled.prefixSteps + 13 <= positions && n < 100_000) {
    verifyChain(chain12(1_000_000 + n, n), { keys, cache: filled });
    n++;
  }
  const withEntries = heapNow() - before;
  filled.clear();
  const cleared = heapNow() - before;
  const prefixOnly = createVerifiedChainCache({ maxEntries: 1 });
  const before2 = heapNow();
  for (let i = 0; i < n; i++) {
    verifyChain(chain12(2_000_000 + i, i), { keys, cache: prefixOnly });
  }
  const prefixHeap = heapNow() - before2;
  must(prefixOnly.prefixSteps <= positions && prefixOnly.prefixSteps > positions - 13, 'fill');

  const MB = (b) => `${(b / 1048576).toFixed(1)} MB`;
  console.log(
    '\n(e)/(f) 12 caveats (9 minted + 3 appended), a distinct token per request, median CPU time per op',
  );
  console.log(line(['case', 'median', 'vs fast-jwt (12 claims)']));
  console.log(line(['---', '---:', '---:']));
  for (const [k, v] of Object.entries(m))
    console.log(line([k, fmt(v), `${(v / jwt).toFixed(2)}x`]));
  console.log(`\n(g) heap of the verifier's cache at its default bound (${positions} positions)`);
  console.log(line(['what', 'heap']));
  console.log(line(['---', '---:']));
  console.log(
    line([`prefix store full: ${prefixOnly.prefixSteps} positions (${n} chains)`, MB(prefixHeap)]),
  );
  console.log(
    line([
      `the same + the whole-chain LRU (maxEntries ${filled.maxEntries}, ${n} entries held)`,
      MB(withEntries),
    ]),
  );
  console.log(line(['after clear()', MB(cleared)]));
  const rows = [];
  for (const [k, v] of Object.entries(m))
    rows.push({ case: 'e/f', library: k, medianNs: v, ratio: v / jwt });
  rows.push({
    case: 'g',
    library: 'prefix store',
    bytes: prefixHeap,
    positions: prefixOnly.prefixSteps,
  });
  return {
    rows,
    targets: [
      ['(e) narrowed + prefix cache <= fast-jwt (12 claims)', resume <= jwt],
      ['(e) narrowed >= 4x faster than without prefixes', today / resume >= 4],
      ['(f) uncached 12 caveats <= 2x fast-jwt', full <= 2 * jwt],
      ['(f) uncached 12 caveats >= 2x faster than macaroons.js', mjs / full >= 2],
      ['(g) prefix store at its default bound < 64 MB', prefixHeap < 64 * 1048576],
    ],
  };
}

/** The checker a macaroons.js user would write for the 12 conditions. */
function checkCondition12(cond) {
  if (cond.startsWith('expires = ')) return NOW_S < Number(cond.slice(10));
  if (cond === 'principal = user-1' || cond === 'role = agent') return true;
  if (cond === 'audience = orders') return CONTEXT12.audience === 'orders';
  if (cond === 'region = eu') return CONTEXT12.attributes.region === 'eu';
  if (cond === 'resource = orders/17') return CONTEXT12.resource === 'orders/17';
  if (cond === 'action = read') return CONTEXT12.action === 'read';
  return checkCondition(cond, CONTEXT12, NOW_S);
}

// ---------- run ----------
export async function run() {
  if (process.env.CHIT_BENCH_CASES === 'efg') {
    // only the issue-16 cases (quicker iterations; `pnpm bench token` runs everything)
    const t12 = await twelve(measureAll, (cols) => `| ${cols.join(' | ')} |`);
    for (const [name, ok] of t12.targets) console.log(`- ${ok ? 'met    ' : 'NOT met'} ${name}`);
    return t12.rows;
  }
  const f = await fixtures();
  const clock = () => NOW_MS;
  const rows = [];

  // (a) decode + verify + evaluate
  const chitVerify = () => verify(f.chitToken, { keys: f.keys, context: CONTEXT, clock });
  const mjsVerify = () => {
    const m = MacaroonsBuilder.deserialize(f.mjsToken);
    const v = new MacaroonsVerifier(m);
    v.satisfyGeneral((c) => checkCondition(c, CONTEXT, NOW_S));
    return v.isValid(f.rootKeyBuf);
  };
  const jsmVerify = () => {
    const m = macaroon.importMacaroon(JSON.parse(f.jsmToken));
    m.verify(ROOT_KEY, (c) => (checkCondition(c, CONTEXT, NOW_S) ? null : 'unsatisfied'));
    return true;
  };
  const joseVerify = async () => {
    const { payload } = await jwtVerify(f.joseToken, f.joseKey, { currentDate: new Date(NOW_MS) });
    return checkClaims(payload, CONTEXT, NOW_S);
  };
  const fastPlain = createVerifier({
    key: f.rootKeyBuf,
    algorithms: ['HS256'],
    clockTimestamp: NOW_MS,
  });
  const fastVerify = () => checkClaims(fastPlain(f.fastToken), CONTEXT, NOW_S);

  must(chitVerify().tokenId === TOKEN_ID_HEX, 'chit verify');
  must(mjsVerify() === true, 'macaroons.js verify');
  must(jsmVerify() === true, 'js-macaroon verify');
  must((await joseVerify()) === true, 'jose verify');
  must(fastVerify() === true, 'fast-jwt verify');

  const a = await measureAll({
    chit: { fn: chitVerify },
    'macaroons.js': { fn: mjsVerify },
    'macaroon (js-macaroon)': { fn: jsmVerify },
    'jose HS256': { fn: joseVerify, isAsync: true },
    'fast-jwt HS256': { fn: fastVerify },
  });

  // (b) attenuate by one caveat + encode (from an already-decoded token)
  const chitParsed = parseToken(f.chitToken);
  const mjsParsed = MacaroonsBuilder.deserialize(f.mjsToken);
  const jsmParsed = macaroon.importMacaroon(JSON.parse(f.jsmToken));
  const chitAtt = () => encode(attenuate(chitParsed, [EXTRA]));
  const mjsAtt = () =>
    MacaroonsBuilder.modify(mjsParsed).add_first_party_caveat(EXTRA).getMacaroon().serialize();
  const jsmAtt = () => {
    const m = jsmParsed.clone();
    m.addFirstPartyCaveat(EXTRA);
    return JSON.stringify(m.exportJSON());
  };
  must(
    verify(chitAtt(), { keys: f.keys, context: CONTEXT, clock }).caveats.length === 6,
    'chit attenuate',
  );
  const b = await measureAll({
    chit: { fn: chitAtt },
    'macaroons.js': { fn: mjsAtt },
    'macaroon (js-macaroon)': { fn: jsmAtt },
  });

  // (c) sizes
  const c = {
    chit: f.chitToken.length,
    'macaroons.js': f.mjsToken.length,
    'macaroon (js-macaroon)': f.jsmToken.length,
    'jose HS256': f.joseToken.length,
    'fast-jwt HS256': f.fastToken.length,
  };

  // (d) cached repeat
  const cache = createVerifiedChainCache({ maxEntries: 1000 });
  const chitCached = () => verify(f.chitToken, { keys: f.keys, context: CONTEXT, clock, cache });
  const fastCachedVerifier = createVerifier({
    key: f.rootKeyBuf,
    algorithms: ['HS256'],
    clockTimestamp: NOW_MS,
    cache: 1000,
  });
  const fastCached = () => checkClaims(fastCachedVerifier(f.fastToken), CONTEXT, NOW_S);
  must(chitCached().tokenId === TOKEN_ID_HEX && fastCached(), 'cached verify');
  const d = await measureAll({
    'chit (cached)': { fn: chitCached },
    'fast-jwt HS256 (cache)': { fn: fastCached },
  });

  const line = (cols) => `| ${cols.join(' | ')} |`;
  console.log('\n(a) decode + verify + evaluate, median CPU time per op');
  console.log(line(['library', 'median', 'chit speed-up']));
  console.log(line(['---', '---:', '---:']));
  for (const [k, v] of Object.entries(a)) {
    console.log(line([k, fmt(v), k === 'chit' ? '1.00x' : `${(v / a.chit).toFixed(2)}x`]));
    rows.push({ case: 'a', library: k, medianNs: v, ratio: v / a.chit });
  }
  console.log('\n(b) attenuate by one caveat + encode, median CPU time per op');
  console.log(line(['library', 'median', 'chit speed-up']));
  console.log(line(['---', '---:', '---:']));
  for (const [k, v] of Object.entries(b)) {
    console.log(line([k, fmt(v), k === 'chit' ? '1.00x' : `${(v / b.chit).toFixed(2)}x`]));
    rows.push({ case: 'b', library: k, medianNs: v, ratio: v / b.chit });
  }
  console.log('\n(c) token size (id + 5 caveats), characters');
  console.log(line(['library', 'chars']));
  console.log(line(['---', '---:']));
  for (const [k, v] of Object.entries(c)) {
    console.log(line([k, String(v)]));
    rows.push({ case: 'c', library: k, chars: v });
  }
  console.log('\n(d) cached repeat verify (same token bytes), median CPU time per op');
  console.log(line(['library', 'median', 'chit speed-up']));
  console.log(line(['---', '---:', '---:']));
  for (const [k, v] of Object.entries(d)) {
    const r = v / d['chit (cached)'];
    console.log(line([k, fmt(v), `${r.toFixed(2)}x`]));
    rows.push({ case: 'd', library: k, medianNs: v, ratio: r });
  }
  const t12 = await twelve(measureAll, line);
  rows.push(...t12.rows);
  const targets = [
    ...t12.targets,
    ['(a) >= 2x macaroons.js', a['macaroons.js'] / a.chit >= 2],
    ['(a) >= 6x js-macaroon', a['macaroon (js-macaroon)'] / a.chit >= 6],
    ['(a) >= 10x jose', a['jose HS256'] / a.chit >= 10],
    ['(a) within 2x of fast-jwt plain', a.chit / a['fast-jwt HS256'] <= 2],
    ['(b) >= 3x macaroons.js', b['macaroons.js'] / b.chit >= 3],
    ['(c) <= 240 chars', c.chit <= 240],
    ['(d) cached <= fast-jwt cached', d['chit (cached)'] <= d['fast-jwt HS256 (cache)']],
  ];
  console.log('\ntargets');
  for (const [name, ok] of targets) console.log(`- ${ok ? 'met    ' : 'NOT met'} ${name}`);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
