import { describe, expect, it } from 'vitest';
import { type Condition, formatCondition, parseCondition } from '../src/caveats/index.js';
import { CaveatMalformedError, CaveatUnknownError, ChitError } from '../src/errors.js';

const accepted: [string, Condition][] = [
  ['tenant = 42', { type: 'tenant', values: ['42'] }],
  ['tenant in [41,42]', { type: 'tenant', values: ['41', '42'] }],
  ['tenant = 042', { type: 'tenant', values: ['042'] }],
  ['tenant = acme.eu-1', { type: 'tenant', values: ['acme.eu-1'] }],
  ['action = read', { type: 'action', values: ['read'] }],
  ['action in [read,write]', { type: 'action', values: ['read', 'write'] }],
  ['action in [Read,read]', { type: 'action', values: ['Read', 'read'] }],
  ['audience = orders', { type: 'audience', values: ['orders'] }],
  ['audience in [billing,orders]', { type: 'audience', values: ['billing', 'orders'] }],
  ['resource = orders/7', { type: 'resource', patterns: ['orders/7'] }],
  ['resource = orders/*', { type: 'resource', patterns: ['orders/*'] }],
  ['resource = orders/**', { type: 'resource', patterns: ['orders/**'] }],
  ['resource = */items/*', { type: 'resource', patterns: ['*/items/*'] }],
  ['resource = **', { type: 'resource', patterns: ['**'] }],
  ['resource = a/.../b', { type: 'resource', patterns: ['a/.../b'] }],
  ['resource in [a/**,b/*/c]', { type: 'resource', patterns: ['a/**', 'b/*/c'] }],
  ['expires = 0', { type: 'expires', at: 0 }],
  ['expires = 1767225600', { type: 'expires', at: 1767225600 }],
  ['expires = 9007199254740991', { type: 'expires', at: Number.MAX_SAFE_INTEGER }],
  ['not-before = 1767225600', { type: 'not-before', at: 1767225600 }],
  ['uses <= 0', { type: 'uses', limit: 0 }],
  ['uses <= 100', { type: 'uses', limit: 100 }],
  ['uses <= 2147483647', { type: 'uses', limit: 2147483647 }],
  ['principal = user-1', { type: 'principal', value: 'user-1' }],
  ['principal = alice@example.com', { type: 'principal', value: 'alice@example.com' }],
  ['role = agent', { type: 'role', value: 'agent' }],
  ['session = s-1', { type: 'session', value: 's-1' }],
  [
    'trace = 4bf92f3577b34da6a3ce929d0e0e4736',
    { type: 'trace', value: '4bf92f3577b34da6a3ce929d0e0e4736' },
  ],
  ['via = billing', { type: 'via', service: 'billing' }],
  ['customer_id = 7', { type: 'attribute', name: 'customer_id', values: ['7'] }],
  ['customer_id in [7,8]', { type: 'attribute', name: 'customer_id', values: ['7', '8'] }],
  ['region in [eu,us]', { type: 'attribute', name: 'region', values: ['eu', 'us'] }],
  ['x = ~', { type: 'attribute', name: 'x', values: ['~'] }],
  ['tenant_id = 1', { type: 'attribute', name: 'tenant_id', values: ['1'] }],
  ['constructor = 1', { type: 'attribute', name: 'constructor', values: ['1'] }],
  [`a${'b'.repeat(63)} = 1`, { type: 'attribute', name: `a${'b'.repeat(63)}`, values: ['1'] }],
  [`tenant = ${'v'.repeat(256)}`, { type: 'tenant', values: ['v'.repeat(256)] }],
  [`resource = ${'a/'.repeat(127)}ab`, { type: 'resource', patterns: [`${'a/'.repeat(127)}ab`] }],
  ['tenant = A-Za-z0-9._~:@+-', { type: 'tenant', values: ['A-Za-z0-9._~:@+-'] }],
];

describe('parseCondition: canonical forms', () => {
  it.each(accepted)('%s', (text, condition) => {
    expect(parseCondition(text)).toEqual(condition);
    expect(formatCondition(condition)).toBe(text);
  });

  it('accepts a 64-element list and rejects 65', () => {
    const values = Array.from({ length: 65 }, (_, i) => `v${String(i).padStart(2, '0')}`);
    expect(parseCondition(`tenant in [${values.slice(0, 64).join(',')}]`)).toEqual({
      type: 'tenant',
      values: values.slice(0, 64),
    });
    expect(() => parseCondition(`tenant in [${values.join(',')}]`)).toThrow(CaveatMalformedError);
  });
});

const M = 'ERR_CAVEAT_MALFORMED';
const U = 'ERR_CAVEAT_UNKNOWN';

const rejected: [string, string, typeof M | typeof U][] = [
  // spacing
  ['double space before operator', 'tenant  = 42', M],
  ['double space after operator', 'tenant =  42', M],
  ['no spaces', 'tenant=42', M],
  ['no space before operator', 'tenant= 42', M],
  ['no space after operator', 'tenant =42', M],
  ['leading space', ' tenant = 42', U],
  ['trailing space', 'tenant = 42 ', M],
  ['tab before operator', 'tenant\t= 42', U],
  ['tab after operator', 'tenant =\t42', M],
  ['space in list', 'tenant in [41, 42]', M],
  ['no value', 'tenant =', M],
  ['empty value', 'tenant = ', M],
  ['key only', 'tenant', M],
  ['empty text', '', U],
  // keys and operators
  ['uppercase key', 'Tenant = 42', U],
  ['all-caps key', 'TENANT = 42', U],
  ['unknown key with hyphen', 'not-after = 5', U],
  ['reserved word time', 'time = 5', U],
  ['reserved word ip', 'ip = 10.0.0.1', U],
  ['reserved word method', 'method = GET', U],
  ['reserved word scope', 'scope = admin', U],
  ['reserved word kid', 'kid = k1', U],
  ['reserved word id', 'id = 1', U],
  ['reserved word version', 'version = 2', U],
  ['attribute name with leading digit', '1abc = 5', U],
  ['attribute name with leading underscore', '__proto__ = 5', U],
  ['attribute name too long', `a${'b'.repeat(64)} = 1`, U],
  ['cyrillic confusable key', 'ten\u0430nt = 42', U],
  ['fullwidth key', '\uff54enant = 42', U],
  ['operator ==', 'tenant == 42', U],
  ['operator !=', 'tenant != 42', U],
  ['operator not-in', 'tenant not-in [41,42]', U],
  ['uses with =', 'uses = 5', U],
  ['uses with <', 'uses < 5', U],
  ['expires with <=', 'expires <= 5', U],
  ['expires with in', 'expires in [1,2]', U],
  ['principal with in', 'principal in [a,b]', U],
  ['attribute with <=', 'amount <= 100', U],
  ['uppercase operator', 'tenant IN [41,42]', M],
  ['operator glued to value', 'tenant =a b', M],
  // lists
  ['unsorted list', 'tenant in [42,41]', M],
  ['duplicate list', 'tenant in [41,41]', M],
  ['one-element list', 'tenant in [42]', M],
  ['empty list', 'tenant in []', M],
  ['trailing comma', 'tenant in [41,]', M],
  ['leading comma', 'tenant in [,41]', M],
  ['unclosed list', 'tenant in [41,42', M],
  ['list with =', 'tenant = [41,42]', M],
  ['scalar with in', 'tenant in 42', M],
  ['nested list', 'tenant in [[41],42]', M],
  ['uppercase sorts before lowercase', 'action in [read,Write]', M],
  ['attribute unsorted', 'customer_id in [8,7]', M],
  ['attribute one-element list', 'customer_id in [7]', M],
  // values
  ['value too long', `tenant = ${'v'.repeat(257)}`, M],
  ['value with slash', 'tenant = a/b', M],
  ['value with star', 'action = *', M],
  ['value with quote', 'tenant = "42"', M],
  ['value with percent', 'principal = a%20b', M],
  ['NUL in value', 'tenant = 4\u00002', M],
  ['CRLF after value', 'tenant = 42\r\n', M],
  ['LF in value', 'tenant = 4\n2', M],
  ['non-ASCII value', 'tenant = caf\u00e9', M],
  ['decomposed non-NFC value', 'tenant = cafe\u0301', M],
  ['confusable value', 'tenant = 4\u0662', M],
  ['zero-width space', 'tenant = 42\u200b', M],
  ['DEL character', 'tenant = 42\u007f', M],
  // numbers
  ['leading zero', 'expires = 01767225600', M],
  ['plus sign', 'expires = +1', M],
  ['minus sign', 'not-before = -1', M],
  ['decimal point', 'expires = 1.5', M],
  ['exponent', 'expires = 1e9', M],
  ['hex', 'expires = 0x10', M],
  ['non-numeric', 'expires = tomorrow', M],
  ['beyond safe integer', 'expires = 9007199254740992', M],
  ['huge number', 'expires = 99999999999999999999999', M],
  ['uses over 2^31-1', 'uses <= 2147483648', M],
  ['uses leading zero', 'uses <= 05', M],
  ['uses negative', 'uses <= -1', M],
  ['fullwidth digit', 'uses <= \uff15', M],
  // resources
  ['trailing slash', 'resource = orders/', M],
  ['leading slash', 'resource = /orders', M],
  ['empty segment', 'resource = orders//7', M],
  ['dot-dot segment', 'resource = orders/../admin', M],
  ['dot segment', 'resource = orders/./7', M],
  ['percent-encoded dot', 'resource = orders/%2e%2e/admin', M],
  ['star mid-segment', 'resource = orders/7*', M],
  ['star prefix', 'resource = orders/*7', M],
  ['triple star', 'resource = orders/***', M],
  ['double star not last', 'resource = orders/**/7', M],
  ['backslash', 'resource = orders\\7', M],
  ['space in path', 'resource = orders/a b', M],
  ['pattern too long', `resource = ${'a/'.repeat(128)}a`, M],
  ['unsorted resource list', 'resource in [b/*,a/*]', M],
  ['resource list bad element', 'resource in [a/*,b/]', M],
];

describe('parseCondition: rejected near-spellings', () => {
  it.each(rejected)('%s', (_name, text, code) => {
    let error: unknown;
    try {
      parseCondition(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChitError);
    expect((error as ChitError).code).toBe(code);
    expect(error).toBeInstanceOf(code === M ? CaveatMalformedError : CaveatUnknownError);
  });

  it('never echoes the condition text in its messages', () => {
    for (const [, text] of rejected) {
      try {
        parseCondition(text);
      } catch (e) {
        const message = (e as Error).message;
        if (text.length > 8) expect(message).not.toContain(text.slice(text.indexOf(' ') + 1));
      }
    }
  });

  it('rejects non-strings with TypeError', () => {
    expect(() => parseCondition(42 as unknown as string)).toThrow(TypeError);
    expect(() => parseCondition(undefined as unknown as string)).toThrow(TypeError);
  });
});
