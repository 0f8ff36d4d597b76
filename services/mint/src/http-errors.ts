/**
 * The one place where failures become HTTP answers: `{ error: { code, message } }` with the
 * stable codes and statuses of @chit/protocol's `HTTP_STATUS`. Validation failures are 400,
 * unknown routes 404, oversized bodies 413, and anything unexpected a 500 that says nothing.
 */
import { errorBody, HTTP_STATUS } from '@chit/protocol';
import { ChitError, type ErrorCode } from '@chit/token';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

function classify(err: FastifyError): { code: ErrorCode; message: string } {
  if (err instanceof ChitError) return { code: err.code, message: err.message };
  if (err.validation) {
    return {
      code: 'ERR_BAD_REQUEST',
      message: `invalid ${err.validationContext ?? 'request'}: ${summarise(err)}`,
    };
  }
  const status = err.statusCode ?? 500;
  if (status === 413)
    return { code: 'ERR_PAYLOAD_TOO_LARGE', message: 'request body is too large' };
  if (status === 429) return { code: 'ERR_RATE_LIMITED', message: 'rate limit exceeded' };
  if (status === 404) return { code: 'ERR_NOT_FOUND', message: 'not found' };
  // Malformed JSON, unsupported media type, empty body...: fastify's own messages never
  // echo the body, but we still use a fixed text per class.
  if (status >= 400 && status < 500) {
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return { code: 'ERR_BAD_REQUEST', message: 'content type must be application/json' };
    }
    return { code: 'ERR_BAD_REQUEST', message: 'request is malformed' };
  }
  return { code: 'ERR_INTERNAL', message: 'internal error' };
}

function summarise(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return 'schema mismatch';
  const path = first.instancePath || '/';
  return `${path} ${first.message ?? 'is invalid'}`.slice(0, 300);
}

/**
 * Installs the error and not-found handlers.
 * @example installErrorHandlers(app)
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { code, message } = classify(err);
    const status = HTTP_STATUS[code];
    if (status >= 500) request.log.error({ err }, 'request failed');
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="chit-mint"');
    return reply.code(status).send(errorBody(code, message));
  });
  app.setNotFoundHandler((_request, reply) => {
    return reply.code(404).send(errorBody('ERR_NOT_FOUND', 'no such route'));
  });
}
