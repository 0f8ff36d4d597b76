/**
 * `POST /v1/verify`: the remote verifier. Always a decision (HTTP 200) for any token
 * content; 4xx only for a malformed request body.
 */
import { z } from 'zod';
import { capabilitySchema } from './capability.js';
import { errorCodeSchema } from './error-body.js';
import { identifier } from './text.js';
import type { WireRequest } from './wire-request.js';

/**
 * A token or discharge as text: at most 16 KiB, well formed, no control characters (the
 * core then decides whether it is a token at all).
 * @example tokenTextSchema.parse(token)
 */
export const tokenTextSchema = identifier(16384);

/**
 * The discharges that go with a token: at most 16 (the core's `maxDischarges`).
 * @example dischargesSchema.parse([d1, d2])
 */
export const dischargesSchema = z.array(tokenTextSchema).max(16);

/**
 * `POST /v1/verify` body.
 * @example verifyBodySchema.parse({ token, context: { tenant: '42', action: 'read' } }); // discharges: []
 */
export const verifyBodySchema = z.strictObject({
  token: tokenTextSchema,
  discharges: dischargesSchema.default([]),
  context: z
    .strictObject({
      tenant: identifier(128).optional(),
      resource: identifier(512).optional(),
      action: identifier(128).optional(),
      audience: identifier(128).optional(),
      attributes: z.record(identifier(64, 0), identifier(256, 0)).optional(),
    })
    .default({}),
});

/**
 * A validated verify request (the mint's view).
 * @example const body: VerifyBody = { token, discharges: [], context: { tenant: '42' } };
 */
export type VerifyBody = z.infer<typeof verifyBodySchema>;

/**
 * A verify request as a client writes it.
 * @example await client.verify({ token, context: { tenant: '42', resource: 'orders/7', action: 'read' } } satisfies VerifyRequest)
 */
export type VerifyRequest = WireRequest<z.input<typeof verifyBodySchema>>;

/**
 * `POST /v1/verify` 200 answer: a decision, never an HTTP error for token content.
 * @example response: { 200: verifyResponseSchema } // { allowed: false, code: 'ERR_TOKEN_REVOKED' }
 */
export const verifyResponseSchema = z.object({
  allowed: z.boolean(),
  code: errorCodeSchema.optional(),
  message: z.string().optional(),
  capability: capabilitySchema.optional(),
});

/**
 * Answer of `POST /v1/verify` as a client receives it (not yet validated: a client that
 * reads `capability` validates it with `capabilitySchema`).
 * @example if (!(await client.verify(req)).allowed) deny()
 */
export interface VerifyResponse {
  readonly allowed: boolean;
  readonly code?: z.infer<typeof errorCodeSchema>;
  readonly message?: string;
  readonly capability?: Readonly<Record<string, unknown>>;
}
