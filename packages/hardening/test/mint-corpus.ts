/**
 * The named hostile corpus for the mint API: each case is one raw request and the exact
 * answer it must get.
 */
import { FOREIGN_KEY, mintToken, readerCaveats } from '../src/index.js';

/** One hostile request to the mint. */
export interface MintCase {
  readonly name: string;
  readonly url?: string;
  readonly method?: 'GET' | 'POST';
  /** `admin` for the admin bearer token, a string for a literal header, none for no header. */
  readonly auth?: 'admin' | string | string[];
  readonly contentType?: string;
  /** A raw body string (sent as is). */
  readonly raw: string;
  readonly status: number;
  readonly code: string;
}

const good = {
  principal: { id: 'user-1' },
  tenant: '42',
  resources: ['orders/*'],
  actions: ['read'],
  ttl: 600,
};
export const body = (over: Record<string, unknown>) => JSON.stringify({ ...good, ...over });
const B = 'ERR_BAD_REQUEST';
export const forged = mintToken({ key: FOREIGN_KEY, kid: 'k1', caveats: readerCaveats() }).token;

export const MINT_CORPUS: readonly MintCase[] = [
  { name: 'no credentials', raw: body({}), status: 401, code: 'ERR_UNAUTHORIZED' },
  {
    name: 'wrong admin token',
    auth: `Bearer ${'x'.repeat(40)}`,
    raw: body({}),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: 'admin token under the Basic scheme',
    auth: 'basic-admin',
    raw: body({}),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: 'admin token with a NUL appended',
    auth: 'admin-nul',
    raw: body({}),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  // Finding F1 (docs/security.md): Node keeps the first of duplicate Authorization headers; a proxy may check the
  // other. The verifier refuses duplicates (ERR_TOKEN_MALFORMED); so does the mint (fixed in 7473c28).
  {
    name: 'duplicate Authorization (admin, then another)',
    auth: ['admin', `Bearer ${'y'.repeat(40)}`],
    raw: body({}),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: '__proto__ key',
    auth: 'admin',
    raw: `{"__proto__":{"isAdmin":true},${body({}).slice(1)}`,
    status: 400,
    code: B,
  },
  {
    name: 'constructor.prototype key',
    auth: 'admin',
    raw: `{"constructor":{"prototype":{"x":1}},${body({}).slice(1)}`,
    status: 400,
    code: B,
  },
  {
    name: 'deep nesting (10,000 levels)',
    auth: 'admin',
    raw: `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    status: 400,
    code: B,
  },
  {
    name: 'deep nesting inside a field',
    auth: 'admin',
    raw: body({ principal: JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`) }),
    status: 400,
    code: B,
  },
  // Finding F2 (docs/security.md): JSON.parse keeps the last duplicate key, a proxy or WAF may read the first (fixed in 7473c28).
  {
    name: 'duplicate keys (tenant twice)',
    auth: 'admin',
    raw: `{"tenant":"42",${body({}).slice(1)}`.replace('"tenant":"42"}', '"tenant":"43"}'),
    status: 400,
    code: B,
  },
  { name: 'invalid JSON', auth: 'admin', raw: '{"tenant":', status: 400, code: B },
  {
    name: 'text/plain body',
    auth: 'admin',
    contentType: 'text/plain',
    raw: body({}),
    status: 400,
    code: B,
  },
  {
    name: 'body over the limit',
    auth: 'admin',
    raw: body({ session: 'x'.repeat(70_000) }),
    status: 413,
    code: 'ERR_PAYLOAD_TOO_LARGE',
  },
  { name: 'unknown field', auth: 'admin', raw: body({ role: 'admin' }), status: 400, code: B },
  { name: 'NUL in tenant', auth: 'admin', raw: body({ tenant: '42\u0000' }), status: 400, code: B },
  {
    name: 'CR/LF in tenant',
    auth: 'admin',
    raw: body({ tenant: '42\r\nrole = admin' }),
    status: 400,
    code: B,
  },
  {
    name: 'caveat injection via tenant',
    auth: 'admin',
    raw: body({ tenant: '42, 43' }),
    status: 400,
    code: B,
  },
  {
    name: 'non-NFC principal',
    auth: 'admin',
    raw: body({ principal: { id: 'e\u0301' } }),
    status: 400,
    code: B,
  },
  {
    name: 'confusable action (Cyrillic a)',
    auth: 'admin',
    raw: body({ actions: ['re\u0430d'] }),
    status: 400,
    code: B,
  },
  {
    name: 'resource with ..',
    auth: 'admin',
    raw: body({ resources: ['orders/../admin'] }),
    status: 400,
    code: B,
  },
  { name: 'ttl negative', auth: 'admin', raw: body({ ttl: -1 }), status: 400, code: B },
  { name: 'ttl as a string', auth: 'admin', raw: body({ ttl: '600' }), status: 400, code: B },
  {
    name: 'ttl over the maximum',
    auth: 'admin',
    raw: body({ ttl: 10 ** 9 }),
    status: 400,
    code: B,
  },
  { name: 'ttl not an integer', auth: 'admin', raw: body({ ttl: 1.5 }), status: 400, code: B },
  {
    name: 'verify: token over 16 KiB',
    url: '/v1/verify',
    raw: JSON.stringify({ token: 'A'.repeat(16_385) }),
    status: 400,
    code: B,
  },
  {
    name: 'verify: 17 discharges',
    url: '/v1/verify',
    raw: JSON.stringify({ token: forged, discharges: Array(17).fill('AgAA') }),
    status: 400,
    code: B,
  },
  {
    name: 'revoke: two forms at once',
    url: '/v1/revocations',
    auth: 'admin',
    raw: JSON.stringify({ tokenId: '0'.repeat(32), session: 's' }),
    status: 400,
    code: B,
  },
  {
    name: 'revoke: uppercase token id',
    url: '/v1/revocations',
    auth: 'admin',
    raw: JSON.stringify({ tokenId: 'A'.repeat(32) }),
    status: 400,
    code: B,
  },
  {
    name: 'revoke: session without credentials',
    url: '/v1/revocations',
    raw: JSON.stringify({ session: 's-1' }),
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: 'revoke: forged token presented by its holder',
    url: '/v1/revocations',
    raw: JSON.stringify({ token: forged }),
    status: 401,
    code: 'ERR_SIGNATURE_INVALID',
  },
  {
    name: 'keys: rotate without credentials',
    url: '/v1/keys/rotate',
    raw: '{}',
    status: 401,
    code: 'ERR_UNAUTHORIZED',
  },
  {
    name: 'audit: since not a time',
    url: '/v1/audit?since=yesterday',
    method: 'GET',
    auth: 'admin',
    raw: '',
    status: 400,
    code: B,
  },
];
