/**
 * The approval service's configuration from the environment, validated once with zod.
 */
import { bearerSecretSchema } from '@chit/protocol';
import { z } from 'zod';

/** The validated configuration. */
export interface ApprovalConfig {
  readonly approvalKey: Uint8Array;
  readonly approverToken: string;
  readonly host: string;
  readonly port: number;
  /** Public base URL: the discharges' location. */
  readonly location: string;
}

/** A configuration error, naming the variable (never its value). */
export class ApprovalConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
  }
}

const envSchema = z.object({
  CHIT_APPROVAL_KEY: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters'),
  // Matched by @chit/protocol's strict Authorization parser (visible ASCII credentials
  // only): any other token could never authenticate.
  CHIT_APPROVER_TOKEN: bearerSecretSchema,
  CHIT_APPROVAL_HOST: z.string().min(1).default('127.0.0.1'),
  CHIT_APPROVAL_PORT: z
    .string()
    .regex(/^[0-9]{1,5}$/)
    .default('7400')
    .transform(Number)
    .pipe(z.number().int().min(0).max(65535)),
  CHIT_APPROVAL_URL: z.url().optional(),
});

/**
 * Reads `CHIT_APPROVAL_KEY` (the key shared with policy authors, 32 bytes hex),
 * `CHIT_APPROVER_TOKEN`, `CHIT_APPROVAL_HOST` (127.0.0.1), `CHIT_APPROVAL_PORT` (7400),
 * `CHIT_APPROVAL_URL` (default `http://host:port`).
 * @example
 * ```ts
 * const config = loadApprovalConfig(process.env)
 * ```
 */
export function loadApprovalConfig(env: Record<string, string | undefined>): ApprovalConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApprovalConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  return {
    approvalKey: Uint8Array.from(Buffer.from(e.CHIT_APPROVAL_KEY, 'hex')),
    approverToken: e.CHIT_APPROVER_TOKEN,
    host: e.CHIT_APPROVAL_HOST,
    port: e.CHIT_APPROVAL_PORT,
    location: e.CHIT_APPROVAL_URL ?? `http://${e.CHIT_APPROVAL_HOST}:${e.CHIT_APPROVAL_PORT}`,
  };
}
