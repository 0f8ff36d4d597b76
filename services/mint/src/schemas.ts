/**
 * The zod schemas of the HTTP API: one source for validation, handler types and the
 * OpenAPI document. Field names are public API (extend, never rename).
 */
import { HTTP_STATUS } from '@chit/token';
import { z } from 'zod';

const text = (max: number) => z.string().min(1).max(max);
const codes = Object.keys(HTTP_STATUS) as [
  keyof typeof HTTP_STATUS,
  ...(keyof typeof HTTP_STATUS)[],
];

/**
 * `{ error: { code, message } }`.
 * @example response: { 401: errorSchema }
 */
export const errorSchema = z
  .object({ error: z.object({ code: z.enum(codes), message: z.string() }) })
  .meta({ id: 'Error' });

/** Attribute caveats: one value (`k = v`) or a set (`k in [a,b]`). */
const attributeValues = z.union([text(256), z.array(text(256)).min(1).max(64)]);
const attributeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'attribute names are [a-z][a-z0-9_]*');

/**
 * `POST /v1/tokens` body.
 * @example mintBodySchema.parse({ principal: { id: 'u' }, tenant: '42', resources: ['a/*'], actions: ['read'], ttl: 60 });
 */
export const mintBodySchema = z.strictObject({
  principal: z.strictObject({ id: text(256), role: text(128).optional() }),
  tenant: text(128),
  resources: z.array(text(512)).min(1).max(32),
  actions: z.array(text(128)).min(1).max(32),
  ttl: z.number().int().min(1).describe('Lifetime in seconds (at most CHIT_MAX_TTL).'),
  session: text(128).optional(),
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'traceId is 32 lowercase hex (W3C trace id)')
    .optional()
    .describe('Defaults to the trace id of the traceparent header.'),
  audience: text(128).optional(),
  budget: z.strictObject({ uses: z.number().int().min(1).max(1e9) }).optional(),
  attributes: z.record(attributeName, attributeValues).optional(),
});
/**
 * A validated mint request.
 * @example const body: MintBody = { principal: { id: 'u' }, tenant: '42', resources: ['a/*'], actions: ['read'], ttl: 60 };
 */
export type MintBody = z.infer<typeof mintBodySchema>;

/**
 * `POST /v1/tokens` 201 answer.
 * @example response: { 201: mintResponseSchema }
 */
export const mintResponseSchema = z.object({
  token: z.string(),
  tokenId: z.string(),
  kid: z.string(),
  expiresAt: z.number().int().describe('Unix seconds.'),
  caveats: z.array(z.string()),
});

const tokenText = z.string().min(1).max(16384);

/**
 * `POST /v1/verify` body.
 * @example verifyBodySchema.parse({ token, context: { tenant: '42', action: 'read' } }); // discharges: []
 */
export const verifyBodySchema = z.strictObject({
  token: tokenText,
  discharges: z.array(tokenText).max(16).default([]),
  context: z
    .strictObject({
      tenant: text(128).optional(),
      resource: text(512).optional(),
      action: text(128).optional(),
      audience: text(128).optional(),
      attributes: z.record(z.string().max(64), z.string().max(256)).optional(),
    })
    .default({}),
});
/**
 * A validated verify request.
 * @example const body: VerifyBody = { token, discharges: [], context: { tenant: '42' } };
 */
export type VerifyBody = z.infer<typeof verifyBodySchema>;

/**
 * The verified authority as returned by `/v1/verify` (no fingerprints, no budget keys).
 * @example capabilitySchema.parse(capabilityView(cap));
 */
export const capabilitySchema = z.object({
  tokenId: z.string(),
  kid: z.string(),
  issuedAt: z.number(),
  session: z.string().optional(),
  principal: z.string().optional(),
  role: z.string().optional(),
  traceId: z.string().optional(),
  tenants: z.array(z.string()).nullable(),
  resources: z.array(z.array(z.string())),
  actions: z.array(z.string()).nullable(),
  audiences: z.array(z.string()).nullable(),
  attributes: z.record(z.string(), z.array(z.string())),
  expiresAt: z.number().nullable(),
  notBefore: z.number().nullable(),
  budgets: z.array(z.object({ limit: z.number() })),
  via: z.array(z.string()),
  caveats: z.array(z.string()),
});
/**
 * The capability as `/v1/verify` returns it.
 * @example const view: CapabilityView = capabilityView(cap); view.tenants; // ['42']
 */
export type CapabilityView = z.infer<typeof capabilitySchema>;

/**
 * `POST /v1/verify` 200 answer: a decision, never an HTTP error for token content.
 * @example response: { 200: verifyResponseSchema } // { allowed: false, code: 'ERR_TOKEN_REVOKED' }
 */
export const verifyResponseSchema = z.object({
  allowed: z.boolean(),
  code: z.enum(codes).optional(),
  message: z.string().optional(),
  capability: capabilitySchema.optional(),
});

/**
 * `POST /v1/revocations` body: exactly one of the four forms.
 * @example revokeBodySchema.parse({ principal: 'alice', issuedBefore: 1767225600 });
 */
export const revokeBodySchema = z.union([
  z.strictObject({ tokenId: z.string().regex(/^[0-9a-f]{32}$/, 'tokenId is 32 lowercase hex') }),
  z.strictObject({ session: text(128) }),
  z.strictObject({
    principal: text(256),
    issuedBefore: z
      .number()
      .int()
      .min(0)
      .describe('Unix seconds: tokens issued before are revoked.'),
  }),
  z.strictObject({ token: tokenText, discharges: z.array(tokenText).max(16).optional() }),
]);
/**
 * A validated revocation request (one of four forms).
 * @example const body: RevokeBody = { session: 's-1' };
 */
export type RevokeBody = z.infer<typeof revokeBodySchema>;

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
 * `POST /v1/keys/retire` body.
 * @example retireBodySchema.parse({ kid: 'k1' });
 */
export const retireBodySchema = z.strictObject({ kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) });

/**
 * `/healthz`, `/readyz` answers.
 * @example response: { 200: healthSchema } // { status: 'ok' }
 */
export const healthSchema = z.object({ status: z.enum(['ok', 'ready']) });
