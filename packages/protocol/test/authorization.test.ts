import { ChitError } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { credentialsFor, decodeBasic, isBearerSecret, splitAuthorization } from '../src/index.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof ChitError) return e.code;
    throw e;
  }
}

describe('splitAuthorization: one strictness for every edge', () => {
  it.each([
    ['Bearer s3cret', 'Bearer', 's3cret'],
    ['Chit AgEE-_x', 'Chit', 'AgEE-_x'],
    ['Basic dXNlcjpwYXNz', 'Basic', 'dXNlcjpwYXNz'],
    ['Digest', 'Digest', ''],
    ['bearer x', 'bearer', 'x'],
  ])('splits %j', (value, scheme, credentials) => {
    expect(splitAuthorization(value)).toEqual({ scheme, credentials });
  });

  it.each([
    '',
    ' Bearer x',
    'Bearer ',
    'Bearer  x',
    'Bearer x ',
    'Bearer\tx',
    'Bearer x y',
    'Bearer x\r\nX-Evil: 1',
    'Bearer x\u0000',
    'Bearer x\u007f',
    'Bearer xé',
    'Bearer x\ud800',
    'Bea:rer x',
    '"Bearer" x',
  ])('rejects %j as ERR_TOKEN_MALFORMED', (value) => {
    expect(codeOf(() => splitAuthorization(value))).toBe('ERR_TOKEN_MALFORMED');
  });

  it('throws TypeError on a non-string', () => {
    expect(() => splitAuthorization(7 as unknown as string)).toThrow(TypeError);
  });
});

describe('credentialsFor', () => {
  it('gives the credentials only for exactly that scheme, well formed', () => {
    expect(credentialsFor('Bearer s3cret', 'Bearer')).toBe('s3cret');
    expect(credentialsFor('bearer s3cret', 'Bearer')).toBeUndefined();
    expect(credentialsFor('Basic s3cret', 'Bearer')).toBeUndefined();
    expect(credentialsFor('Bearer', 'Bearer')).toBeUndefined();
    expect(credentialsFor('Bearer  s3cret', 'Bearer')).toBeUndefined();
    expect(credentialsFor(undefined, 'Bearer')).toBeUndefined();
  });
});

describe('decodeBasic', () => {
  it('decodes canonical base64 of UTF-8 user:password (first colon splits)', () => {
    expect(decodeBasic(b64('user:pa:ss'))).toEqual({ user: 'user', password: 'pa:ss' });
    expect(decodeBasic(b64(':only-password'))).toEqual({ user: '', password: 'only-password' });
    expect(decodeBasic(b64('\u00e9l\u00e8ve:x'))).toEqual({
      user: '\u00e9l\u00e8ve',
      password: 'x',
    });
  });

  it.each([
    ['no colon', b64('no-colon')],
    ['not base64', '!!!'],
    ['empty', ''],
    ['invalid UTF-8', Buffer.from([0xc0, 0x80, 0x3a, 0x61]).toString('base64')],
    ['a lone surrogate encoded as CESU', Buffer.from([0xed, 0xa0, 0x80, 0x3a]).toString('base64')],
  ])('rejects %s', (_what, credentials) => {
    expect(decodeBasic(credentials)).toBeUndefined();
  });
});

describe('isBearerSecret', () => {
  it('admits exactly the secrets the parser can carry, 32 characters or more', () => {
    expect(isBearerSecret('a'.repeat(32))).toBe(true);
    expect(isBearerSecret('!~'.repeat(16))).toBe(true);
    expect(isBearerSecret('a'.repeat(31))).toBe(false);
    for (const bad of [
      `${'a'.repeat(32)} `,
      `a b${'a'.repeat(32)}`,
      `${'a'.repeat(32)}\t`,
      'é'.repeat(32),
    ]) {
      expect(isBearerSecret(bad)).toBe(false);
      expect(() => splitAuthorization(`Bearer ${bad}`)).toThrow();
    }
  });
});
