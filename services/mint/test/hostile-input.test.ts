/**
 * Hole 5 of issue 11: odd input at the HTTP boundary is a clear 4xx, never a 500. Every
 * string of every /v1 body and query must be well formed (no lone UTF-16 surrogate) and
 * identifiers carry no control characters; limits agree across layers, so a token the
 * core accepts never makes a store throw.
 */

import { isIdentifierText } from '@chit/protocol';
import {
  addThirdPartyCaveat,
  attenuate,
  bindDischarge,
  caveat,
  createMacaroon,
  encode,
  MAX_BUDGETS,
  parseToken,
} from '@chit/token';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { expectError, MINT_BODY, rememberSecret, suiteTestMint, verifyBody } from './harness.js';

const m = suiteTestMint({ env: { CHIT_MINT_RATE_LIMIT: '100000' } });

const LONE_HIGH = 'a\ud800b';
const LONE_LOW = '\udc00';
const CONTROLS = ['a\u0000b', 'a\nb', 'a\u001bb', 'a\u007fb', 'a\u0085b', 'a\u2028b'];

/** Replaces the value at `path` of a copy of `body`. */
function withField(body: Record<string, unknown>, path: string, value: unknown) {
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    at[k] ??= {};
    at = at[k] as Record<string, unknown>;
  }
  at[keys[keys.length - 1]!] = value;
  return copy;
}

const mintFields: [string, (v: string) => unknown][] = [
  ['principal.id', (v) => v],
  ['principal.role', (v) => v],
  ['tenant', (v) => v],
  ['resources', (v) => [v]],
  ['actions', (v) => [v]],
  ['session', (v) => v],
  ['traceId', (v) => v],
  ['audience', (v) => v],
  ['attributes.customer_id', (v) => v],
  ['attributes.region', (v) => ['eu', v]],
];

function expectNo500(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(500);
}

describe('POST /v1/tokens: every string field is well formed', () => {
  it.each(
    mintFields.flatMap(([field, wrap]): [string, string, unknown][] => [
      [field, 'a lone high surrogate', wrap(LONE_HIGH)],
      [field, 'a lone low surrogate', wrap(LONE_LOW)],
    ]),
  )('%s with %s is 400 ERR_BAD_REQUEST', async (field, _what, value) => {
    const res = await m.asAdmin('POST', '/v1/tokens', withField(MINT_BODY, field, value));
    expectError(res, 400, 'ERR_BAD_REQUEST');
  });

  it.each(
    mintFields.flatMap(([field, wrap]) =>
      CONTROLS.map((c): [string, string, unknown] => [field, JSON.stringify(c), wrap(c)]),
    ),
  )('%s with the control character in %s is 400 ERR_BAD_REQUEST', async (field, _c, value) => {
    const res = await m.asAdmin('POST', '/v1/tokens', withField(MINT_BODY, field, value));
    expectError(res, 400, 'ERR_BAD_REQUEST');
  });

  it('an attribute name with a lone surrogate is 400 ERR_BAD_REQUEST', async () => {
    const res = await m.asAdmin('POST', '/v1/tokens', {
      ...MINT_BODY,
      attributes: { [`x${LONE_HIGH}`]: '1' },
    });
    expectError(res, 400, 'ERR_BAD_REQUEST');
  });

  it('a well-formed astral character (a surrogate pair) is still accepted', async () => {
    const res = await m.asAdmin('POST', '/v1/tokens', { ...MINT_BODY, session: 's-\u{1F600}' });
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('POST /v1/revocations: identifiers are well formed', () => {
  const forms: [string, (v: string) => Record<string, unknown>][] = [
    ['session', (v) => ({ session: v })],
    ['principal', (v) => ({ principal: v, issuedBefore: 1 })],
    ['tokenId', (v) => ({ tokenId: v })],
  ];
  it.each(
    forms.flatMap(([field, body]) =>
      [...CONTROLS, LONE_HIGH, LONE_LOW].map((v): [string, string, Record<string, unknown>] => [
        field,
        JSON.stringify(v),
        body(v),
      ]),
    ),
  )('%s with %s is 400 ERR_BAD_REQUEST', async (_field, _v, body) => {
    expectError(await m.asAdmin('POST', '/v1/revocations', body), 400, 'ERR_BAD_REQUEST');
  });

  it.each([
    ['a lone surrogate', `${LONE_HIGH}`],
    ['a control character', 'AgE\u0000'],
  ])('a presented token with %s is 400 ERR_BAD_REQUEST', async (_n, token) => {
    const res = await m.inject({ method: 'POST', url: '/v1/revocations', payload: { token } });
    expectError(res, 400, 'ERR_BAD_REQUEST');
  });
});

describe('POST /v1/verify: strings are well formed', () => {
  it.each([
    ['token', { token: LONE_HIGH, context: {} }],
    ['a discharge', { token: 'x', discharges: [LONE_LOW], context: {} }],
    ['context.tenant', { token: 'x', context: { tenant: LONE_HIGH } }],
    ['context.resource', { token: 'x', context: { resource: LONE_HIGH } }],
    ['context.action', { token: 'x', context: { action: 'a\u0000' } }],
    ['context.audience', { token: 'x', context: { audience: 'a\n' } }],
    ['a context attribute value', { token: 'x', context: { attributes: { a: LONE_LOW } } }],
    ['a context attribute name', { token: 'x', context: { attributes: { [LONE_LOW]: 'a' } } }],
  ])('%s that is not well formed is 400 ERR_BAD_REQUEST', async (_n, body) => {
    const res = await m.inject({ method: 'POST', url: '/v1/verify', payload: body });
    expectError(res, 400, 'ERR_BAD_REQUEST');
  });
});

describe('budgets: the store takes every budget the core lets through', () => {
  /** The minted token with one third-party caveat and `n` budgets on its discharge. */
  async function withBudgets(primaryUses: number, dischargeUses: number) {
    const minted = await m.mint();
    const caveatKey = new Uint8Array(32).fill(7);
    let primary = addThirdPartyCaveat(parseToken(minted.token), {
      caveatKey,
      caveatId: 'many-budgets',
      nonce: new Uint8Array(24).fill(3),
    });
    const uses = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => caveat.uses(from + i));
    if (primaryUses > 0) primary = attenuate(primary, uses(primaryUses, 1000));
    const discharge = attenuate(
      createMacaroon({ rootKey: caveatKey, identifier: 'many-budgets' }),
      uses(dischargeUses, 2000),
    );
    const token = encode(primary);
    const bound = encode(bindDischarge(primary, discharge));
    rememberSecret(token);
    rememberSecret(bound);
    return { ...verifyBody(token), discharges: [bound] };
  }

  it(`exactly MAX_BUDGETS (${MAX_BUDGETS}) budgets across token and discharge are consumed`, async () => {
    const body = await withBudgets(1, MAX_BUDGETS - 1);
    const res = await m.inject({ method: 'POST', url: '/v1/verify', payload: body });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ allowed: true });
    expect(res.json().capability.budgets).toHaveLength(MAX_BUDGETS);
  });

  it('one budget more is a clear denial, ERR_CAVEAT_MALFORMED (HTTP 200), not a 500', async () => {
    const body = await withBudgets(1, MAX_BUDGETS);
    const res = await m.inject({ method: 'POST', url: '/v1/verify', payload: body });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      allowed: false,
      code: 'ERR_CAVEAT_MALFORMED',
      message: expect.any(String),
    });
  });
});

describe('hostile bodies and queries per route: a 4xx with a code, never a 500', () => {
  const admin = true;
  const table: [string, 'GET' | 'POST', string, unknown, boolean, number, string][] = [
    ['mint: an array body', 'POST', '/v1/tokens', [MINT_BODY], admin, 400, 'ERR_BAD_REQUEST'],
    ['mint: a string body', 'POST', '/v1/tokens', '"x"', admin, 400, 'ERR_BAD_REQUEST'],
    ['mint: a null body', 'POST', '/v1/tokens', 'null', admin, 400, 'ERR_BAD_REQUEST'],
    [
      'mint: a huge ttl',
      'POST',
      '/v1/tokens',
      { ...MINT_BODY, ttl: 1e308 },
      admin,
      400,
      'ERR_BAD_REQUEST',
    ],
    [
      'mint: a huge budget',
      'POST',
      '/v1/tokens',
      { ...MINT_BODY, budget: { uses: 2 ** 60 } },
      admin,
      400,
      'ERR_BAD_REQUEST',
    ],
    [
      'mint: a session over 255 UTF-8 bytes',
      'POST',
      '/v1/tokens',
      { ...MINT_BODY, session: '\u00e9'.repeat(128) },
      admin,
      400,
      'ERR_BAD_REQUEST',
    ],
    [
      'mint: a resource with a space',
      'POST',
      '/v1/tokens',
      { ...MINT_BODY, resources: ['a b'] },
      admin,
      400,
      'ERR_BAD_REQUEST',
    ],
    [
      'mint: an attribute value with a comma',
      'POST',
      '/v1/tokens',
      { ...MINT_BODY, attributes: { a: 'x,y' } },
      admin,
      400,
      'ERR_BAD_REQUEST',
    ],
    [
      'mint: deep nesting',
      'POST',
      '/v1/tokens',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      admin,
      400,
      'ERR_BAD_REQUEST',
    ],
    ['verify: a null body', 'POST', '/v1/verify', 'null', false, 400, 'ERR_BAD_REQUEST'],
    [
      'verify: context attributes as an array',
      'POST',
      '/v1/verify',
      { token: 'x', context: { attributes: ['a'] } },
      false,
      400,
      'ERR_BAD_REQUEST',
    ],
    [
      'revoke: a huge issuedBefore',
      'POST',
      '/v1/revocations',
      { principal: 'p', issuedBefore: 1e300 },
      admin,
      400,
      'ERR_BAD_REQUEST',
    ],
    ['revoke: an empty object', 'POST', '/v1/revocations', {}, admin, 400, 'ERR_BAD_REQUEST'],
    [
      'retire: a kid with a lone surrogate',
      'POST',
      '/v1/keys/retire',
      { kid: LONE_HIGH },
      admin,
      400,
      'ERR_BAD_REQUEST',
    ],
    ['retire: an array body', 'POST', '/v1/keys/retire', [], admin, 400, 'ERR_BAD_REQUEST'],
    ...(
      [
        ['a NUL in session', 'session=a%00b'],
        ['a newline in principal', 'principal=a%0Ab'],
        ['a repeated filter', 'session=a&session=b'],
        ['a non-numeric limit', 'limit=abc'],
        ['an impossible date', 'since=2026-13-45T99:99:99Z'],
        ['a huge Unix time', 'since=999999999999'],
        ['a control character in the cursor', 'cursor=%01'],
        ['an unknown filter', 'nope=1'],
      ] as const
    ).map(([what, q]): [string, 'GET', string, unknown, boolean, number, string] => [
      `audit: ${what}`,
      'GET',
      `/v1/audit?${q}`,
      undefined,
      admin,
      400,
      'ERR_BAD_REQUEST',
    ]),
  ];

  it.each(table)('%s', async (what, method, url, payload, asAdmin, status, code) => {
    const res = await m.inject({
      method,
      url,
      headers: {
        ...(asAdmin ? { authorization: `Bearer ${m.admin}` } : {}),
        ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload === undefined
        ? {}
        : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });
    expectNo500(res, what);
    expectError(res, status, code);
  });
});

describe('property (fast-check, fixed seed): any UTF-16 string in any field of a valid body', () => {
  const revokeForms = [{ session: 's' }, { principal: 'p', issuedBefore: 1 }];
  const targets: [string, Record<string, unknown>, string][] = [
    ...mintFields.map(([f]): [string, Record<string, unknown>, string] => [
      '/v1/tokens',
      MINT_BODY,
      f,
    ]),
    ...['tenant', 'resource', 'action', 'audience', 'attributes.a'].map(
      (f): [string, Record<string, unknown>, string] => [
        '/v1/verify',
        verifyBody('x'),
        `context.${f}`,
      ],
    ),
    ['/v1/verify', verifyBody('x'), 'token'],
    ...revokeForms.map((b): [string, Record<string, unknown>, string] => [
      '/v1/revocations',
      b,
      Object.keys(b)[0]!,
    ]),
  ];

  it('is a 4xx or a decision, never a 500; a 400 whenever the string is not an identifier', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.string({ unit: 'binary', maxLength: 12 }),
        async ([url, base, field], text) => {
          const res = await m.asAdmin('POST', url, withField(base, field, text));
          expectNo500(res, `${url} ${field}=${JSON.stringify(text)}`);
          // Context attribute values may be empty (the request simply has that attribute empty).
          const emptyOk = field === 'context.attributes.a';
          if (!isIdentifierText(text) || (text === '' && !emptyOk)) {
            expectError(res, 400, 'ERR_BAD_REQUEST');
          }
          const json = res.json() as { token?: unknown };
          if (typeof json.token === 'string') rememberSecret(json.token);
        },
      ),
      { seed: 20261204, numRuns: 400 },
    );
  });
});
