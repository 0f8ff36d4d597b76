/**
 * Shared bearer secrets in service configuration (zod; kept out of the zod-free
 * `@chit/protocol/headers` entry point).
 */
import { z } from 'zod';
import { isBearerSecret } from './authorization.js';

/**
 * The zod schema of a shared bearer secret in configuration (`isBearerSecret`): a secret
 * the Authorization parser could never carry is a start-up error, not a silent lock-out.
 * @example z.object({ CHIT_ADMIN_TOKEN: bearerSecretSchema.optional() })
 */
export const bearerSecretSchema = z
  .string()
  .refine(isBearerSecret, 'must be at least 32 visible ASCII characters (no space or control)');
