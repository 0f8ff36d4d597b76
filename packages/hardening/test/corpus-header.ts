/**
 * Verifier corpus, part: the Authorization header, base64 and size limits.
 */
import { caveat, encode } from '@chit/token';
import type { HostileCase } from './corpus-fixtures.js';
import { auth, big, M, signed, T } from './corpus-fixtures.js';

export const HEADER_CASES: readonly HostileCase[] = [
  // Authorization header
  {
    name: 'no Authorization',
    headers: { 'x-tenant': '42' },
    status: 401,
    code: 'ERR_TOKEN_MISSING',
  },
  {
    name: 'empty Authorization',
    headers: { authorization: '', 'x-tenant': '42' },
    status: 401,
    code: 'ERR_TOKEN_MISSING',
  },
  {
    name: 'duplicate Authorization',
    headers: { authorization: [`Chit ${T}`, `Chit ${T}`], 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'lowercase scheme',
    headers: { authorization: `chit ${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'uppercase scheme',
    headers: { authorization: `CHIT ${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'two spaces after scheme',
    headers: { authorization: `Chit  ${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'tab after scheme',
    headers: { authorization: `Chit\t${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'scheme without token',
    headers: { authorization: 'Chit', 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'scheme and a space only',
    headers: { authorization: 'Chit ', 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  {
    name: 'foreign scheme (Basic)',
    headers: { authorization: 'Basic dXNlcjpwdw==', 'x-tenant': '42' },
    status: 401,
    code: 'ERR_TOKEN_MISSING',
  },
  {
    name: 'two tokens in one header',
    headers: { authorization: `Chit ${T},${T}`, 'x-tenant': '42' },
    status: 401,
    code: M,
  },
  // base64
  {
    name: 'base64 "+" inside a base64url token',
    headers: auth(`${T.slice(0, 10)}+${T.slice(11)}`),
    status: 401,
    code: M,
  },
  {
    name: 'base64 "/" inside a base64url token',
    headers: auth(`${T.slice(0, 10)}/${T.slice(11)}`),
    status: 401,
    code: M,
  },
  {
    name: 'base64 "." inside',
    headers: auth(`${T.slice(0, 10)}.${T.slice(11)}`),
    status: 401,
    code: M,
  },
  {
    name: 'base64 "!" inside',
    headers: auth(`${T.slice(0, 10)}!${T.slice(11)}`),
    status: 401,
    code: M,
  },
  // Exact padding is accepted (docs/protocol.md); one "=" more than is due never is,
  // whatever the token's length.
  {
    name: 'padding: one "=" more than is due',
    headers: auth(`${T}${'='.repeat(((4 - (T.length % 4)) % 4) + 1)}`),
    status: 401,
    code: M,
  },
  { name: 'padding "===" appended', headers: auth(`${T}===`), status: 401, code: M },
  {
    name: 'padding inside the token',
    headers: auth(`${T.slice(0, 8)}==${T.slice(8)}`),
    status: 401,
    code: M,
  },
  { name: 'truncated by 1', headers: auth(T.slice(0, -1)), status: 401, code: M },
  { name: 'truncated by 2', headers: auth(T.slice(0, -2)), status: 401, code: M },
  { name: 'truncated by 3', headers: auth(T.slice(0, -3)), status: 401, code: M },
  // sizes and limits
  { name: '8 KiB token', headers: auth(big(8193)), status: 401, code: 'ERR_TOKEN_TOO_LARGE' },
  {
    name: 'over-16 KiB token',
    headers: auth(big(16_500)),
    status: 401,
    code: 'ERR_TOKEN_TOO_LARGE',
  },
  {
    name: '65 caveats (limit 64)',
    headers: auth(encode(signed(Array(60).fill(caveat.tenant('42'))))),
    status: 401,
    code: 'ERR_TOKEN_TOO_LARGE',
  },
  {
    name: 'condition of 1025 bytes',
    headers: auth(encode(signed([`principal = ${'a'.repeat(1013)}`]))),
    status: 401,
    code: 'ERR_TOKEN_TOO_LARGE',
  },
];
