import * as token from '@chit/token';
import { ERROR_CODES } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { errorBody, errorSchema, HTTP_STATUS, httpStatusFor } from '../src/index.js';

describe('HTTP_STATUS: the one code-to-status table', () => {
  it('maps every stable code, and nothing else, to a 4xx or 5xx status', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      expect(httpStatusFor(code)).toBe(HTTP_STATUS[code]);
      expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(HTTP_STATUS[code]).toBeLessThan(600);
    }
  });

  it('keeps the documented classes: 401 unusable credential, 403 not enough authority, 503 fail closed', () => {
    expect(HTTP_STATUS.ERR_SIGNATURE_INVALID).toBe(401);
    expect(HTTP_STATUS.ERR_TOKEN_REVOKED).toBe(401);
    expect(HTTP_STATUS.ERR_CAVEAT_UNSATISFIED).toBe(403);
    expect(HTTP_STATUS.ERR_BUDGET_EXHAUSTED).toBe(403);
    expect(HTTP_STATUS.ERR_REVOCATION_UNAVAILABLE).toBe(503);
    expect(HTTP_STATUS.ERR_BAD_REQUEST).toBe(400);
    expect(HTTP_STATUS.ERR_INTERNAL).toBe(500);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(HTTP_STATUS)).toBe(true);
  });

  it('is the only table: @chit/token exports codes, no statuses', () => {
    expect(token).not.toHaveProperty('HTTP_STATUS');
    expect(token).not.toHaveProperty('httpStatusFor');
  });
});

describe('errorBody / errorSchema', () => {
  it('builds the one error shape and the schema accepts exactly it', () => {
    const body = errorBody('ERR_NOT_FOUND', 'no such route');
    expect(body).toEqual({ error: { code: 'ERR_NOT_FOUND', message: 'no such route' } });
    expect(errorSchema.parse(body)).toEqual(body);
  });

  it.each([
    [{ error: { code: 'ERR_MADE_UP', message: 'x' } }],
    [{ error: { code: 'ERR_NOT_FOUND' } }],
    [{ code: 'ERR_NOT_FOUND', message: 'x' }],
  ])('rejects %j', (body) => {
    expect(errorSchema.safeParse(body).success).toBe(false);
  });
});
