/** errorFromCode: a denial that crossed a wire is the same class on both sides. */
import * as token from '@chit/token';
import { ChitError, ERROR_CODES, type ErrorCode } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { errorFromCode } from '../src/index.js';

// Every error class the core exports, by the code its default instance carries.
const CLASSES = new Map<ErrorCode, new (message?: string) => ChitError>();
for (const value of Object.values(token)) {
  if (typeof value !== 'function' || value === ChitError) continue;
  if (!(value.prototype instanceof ChitError)) continue;
  const Ctor = value as new (message?: string) => ChitError;
  let code: ErrorCode | undefined;
  try {
    code = new Ctor().code;
  } catch {
    continue;
  }
  if (!CLASSES.has(code)) CLASSES.set(code, Ctor);
}

describe('errorFromCode', () => {
  it('rebuilds the core class of every code that has one, with the code and message', () => {
    expect(CLASSES.size).toBeGreaterThan(10);
    for (const [code, Ctor] of CLASSES) {
      const e = errorFromCode(code, 'from the mint');
      expect(e, code).toBeInstanceOf(Ctor);
      expect(e.code).toBe(code);
    }
  });

  it('keeps signature and key failures unspecific, whatever the peer said', () => {
    expect(errorFromCode('ERR_SIGNATURE_INVALID', 'byte 7 differs').message).toBe(
      new token.SignatureInvalidError().message,
    );
    expect(errorFromCode('ERR_KEY_UNKNOWN', 'kid k9 retired').message).toBe(
      new token.KeyUnknownError().message,
    );
  });

  it('gives every other code a plain coded ChitError', () => {
    for (const code of ERROR_CODES) {
      const e = errorFromCode(code);
      expect(e).toBeInstanceOf(ChitError);
      expect(e.code).toBe(code);
      expect(e.message.length).toBeGreaterThan(0);
    }
  });
});
