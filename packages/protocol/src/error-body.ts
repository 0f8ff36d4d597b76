/**
 * The error body every Chit service answers with: `{ error: { code, message } }`, the code
 * one of @chit/token's stable codes, the status from {@link HTTP_STATUS}.
 */
import { ERROR_CODES, type ErrorCode } from '@chit/token';
import { z } from 'zod';

/**
 * The stable codes as a zod enum (for wire fields that carry a code).
 * @example errorCodeSchema.parse('ERR_TOKEN_REVOKED')
 */
export const errorCodeSchema = z.enum(ERROR_CODES);

/**
 * `{ error: { code, message } }`.
 * @example response: { 401: errorSchema }
 */
export const errorSchema = z
  .object({ error: z.object({ code: errorCodeSchema, message: z.string() }) })
  .meta({ id: 'Error' });

/**
 * The wire shape of every error.
 * @example const body: ErrorBody = errorBody('ERR_NOT_FOUND', 'no such route');
 */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/**
 * The error body for a code.
 * @example reply.code(404).send(errorBody('ERR_NOT_FOUND', 'no such route'))
 */
export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}
