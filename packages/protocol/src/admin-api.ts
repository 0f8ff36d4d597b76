/** Key management (`/v1/keys*`) and health (`/healthz`, `/readyz`) wire shapes. */
import { z } from 'zod';

/**
 * `GET /v1/keys`, `POST /v1/keys/rotate`, `POST /v1/keys/retire` answers.
 * @example response: { 200: keysResponseSchema } // { active: 'k2', rotatable: true, keys: [...] }
 */
export const keysResponseSchema = z.object({
  active: z.string(),
  rotatable: z.boolean(),
  keys: z.array(
    z.object({
      kid: z.string(),
      active: z.boolean(),
      createdAt: z.number().optional(),
      retiredAt: z.number().optional(),
    }),
  ),
});

/**
 * `POST /v1/keys/retire` body (a kid is 1-64 of `[A-Za-z0-9._-]`, as in the identifier).
 * @example retireBodySchema.parse({ kid: 'k1' });
 */
export const retireBodySchema = z.strictObject({ kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) });

/**
 * `/healthz`, `/readyz` answers.
 * @example response: { 200: healthSchema } // { status: 'ok' }
 */
export const healthSchema = z.object({ status: z.enum(['ok', 'ready']) });
