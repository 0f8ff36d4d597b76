/**
 * `POST /v1/revocations`: by token id, session, or principal issued-before (admin), or by
 * presenting the token itself (any holder).
 */
import { z } from 'zod';
import { identifier } from './text.js';
import { dischargesSchema, tokenTextSchema } from './verify-api.js';
import type { WireRequest } from './wire-request.js';

/**
 * A token id: 32 lowercase hex.
 * @example tokenIdSchema.parse('0f1e2d3c4b5a69788796a5b4c3d2e1f0')
 */
export const tokenIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'tokenId is 32 lowercase hex');

/**
 * `POST /v1/revocations` body: exactly one of the four forms.
 * @example revokeBodySchema.parse({ principal: 'alice', issuedBefore: 1767225600 });
 */
export const revokeBodySchema = z.union([
  z.strictObject({ tokenId: tokenIdSchema }),
  z.strictObject({ session: identifier(128) }),
  z.strictObject({
    principal: identifier(256),
    issuedBefore: z
      .number()
      .int()
      .min(0)
      .describe('Unix seconds: tokens issued before are revoked.'),
  }),
  z.strictObject({ token: tokenTextSchema, discharges: dischargesSchema.optional() }),
]);

/**
 * A validated revocation request (one of four forms).
 * @example const body: RevokeBody = { session: 's-1' };
 */
export type RevokeBody = z.infer<typeof revokeBodySchema>;

/**
 * A revocation request as a client writes it.
 * @example await client.revoke({ tokenId: '0f1e...' } satisfies RevokeRequest)
 */
export type RevokeRequest = WireRequest<z.input<typeof revokeBodySchema>>;

/**
 * `POST /v1/revocations` 200 answer.
 * @example response: { 200: revokeResponseSchema } // { revoked: { kind: 'session', value: 's-1', … } }
 */
export const revokeResponseSchema = z.object({
  revoked: z.object({
    kind: z.enum(['token', 'session', 'principal', 'fingerprint']),
    value: z.string(),
    issuedBefore: z.number().optional(),
    revokedAt: z.number(),
    expiresAt: z.number(),
  }),
});

/**
 * Answer of `POST /v1/revocations`.
 * @example const { revoked }: RevokeResponse = await client.revoke({ session: 's-1' });
 */
export type RevokeResponse = Readonly<z.infer<typeof revokeResponseSchema>>;
