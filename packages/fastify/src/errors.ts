/**
 * The plugin's HTTP errors: one @fastify/error class per stable core code, with the
 * status taken from the one table (`HTTP_STATUS` of @chit/protocol), never restated here.
 */

import { type ErrorBody, errorBody, HTTP_STATUS } from '@chit/protocol';
import { ChitError, ERROR_CODES, type ErrorCode, isErrorCode } from '@chit/token';
import createError, { type FastifyError } from '@fastify/error';
import type { FastifyReply } from 'fastify';

/** A @fastify/error constructor whose instances carry a stable Chit code and status. */
export type ChitHttpErrorConstructor = new (
  message?: string,
) => FastifyError & {
  code: ErrorCode;
  statusCode: number;
};

/**
 * One @fastify/error class per stable code, statuses from `HTTP_STATUS`.
 *
 * @example
 * ```ts
 * throw new ChitHttpErrors.ERR_FORBIDDEN('orders of another tenant')
 * ```
 */
export const ChitHttpErrors: Readonly<Record<ErrorCode, ChitHttpErrorConstructor>> = Object.freeze(
  Object.fromEntries(
    ERROR_CODES.map((code) => [
      code,
      createError(code, '%s', HTTP_STATUS[code]) as unknown as ChitHttpErrorConstructor,
    ]),
  ) as Record<ErrorCode, ChitHttpErrorConstructor>,
);

/**
 * The wire body of every denial: @chit/protocol's `ErrorBody`.
 * @example const body: ChitErrorBody = { error: { code: 'ERR_TOKEN_MISSING', message: 'no credential' } };
 */
export type ChitErrorBody = ErrorBody;

/**
 * Turns anything thrown while judging a request into a typed HTTP error. Core errors keep
 * their code and message (core messages never carry token material); anything else
 * (a store's own exception, a bug) becomes `fallback` with a generic message, so token
 * content can never produce a 500 and a foreign message never reaches the client.
 *
 * @example
 * ```ts
 * toHttpError(new TokenExpiredError(), 'ERR_INTERNAL').statusCode // 401
 * ```
 */
export function toHttpError(
  err: unknown,
  fallback: ErrorCode,
): FastifyError & { code: ErrorCode; statusCode: number } {
  if (err instanceof ChitError && isErrorCode(err.code)) {
    return new ChitHttpErrors[err.code](err.message);
  }
  return new ChitHttpErrors[fallback](defaultMessage(fallback));
}

function defaultMessage(code: ErrorCode): string {
  switch (code) {
    case 'ERR_REVOCATION_UNAVAILABLE':
      return 'revocation state is unavailable';
    case 'ERR_BUDGET_UNAVAILABLE':
      return 'budget store is unavailable';
    case 'ERR_STORE_UNAVAILABLE':
      return 'store is unavailable';
    default:
      return 'request could not be authorized';
  }
}

/**
 * Sends a denial: status from the table, body `{ error: { code, message } }`, and
 * `WWW-Authenticate: Chit` on 401 so clients know which credential to present.
 *
 * @example
 * ```ts
 * return sendDenial(reply, new ChitHttpErrors.ERR_TOKEN_MISSING('no credential'))
 * ```
 */
export function sendDenial(
  reply: FastifyReply,
  err: FastifyError & { code: ErrorCode; statusCode: number },
): FastifyReply {
  if (err.statusCode === 401) reply.header('www-authenticate', 'Chit');
  return reply.code(err.statusCode).send(errorBody(err.code, err.message));
}
