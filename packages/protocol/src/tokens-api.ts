/**
 * `POST /v1/tokens`: mint a capability. Field names are public API (extend, never rename).
 */
import { z } from 'zod';
import { identifier } from './text.js';
import type { WireRequest } from './wire-request.js';

/** Attribute caveats: one value (`k = v`) or a set (`k in [a,b]`). */
const attributeValues = z.union([identifier(256), z.array(identifier(256)).min(1).max(64)]);
const attributeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'attribute names are [a-z][a-z0-9_]*');

/**
 * W3C trace id: 32 lowercase hex.
 * @example traceIdSchema.parse('4bf92f3577b34da6a3ce929d0e0e4736')
 */
export const traceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'traceId is 32 lowercase hex (W3C trace id)');

/**
 * `POST /v1/tokens` body.
 * @example mintBodySchema.parse({ principal: { id: 'u' }, tenant: '42', resources: ['a/*'], actions: ['read'], ttl: 60 });
 */
export const mintBodySchema = z.strictObject({
  principal: z.strictObject({ id: identifier(256), role: identifier(128).optional() }),
  tenant: identifier(128),
  resources: z.array(identifier(512)).min(1).max(32),
  actions: z.array(identifier(128)).min(1).max(32),
  ttl: z.number().int().min(1).describe('Lifetime in seconds (at most CHIT_MAX_TTL).'),
  session: identifier(128).optional(),
  traceId: traceIdSchema.optional().describe('Defaults to the trace id of the traceparent header.'),
  audience: identifier(128).optional(),
  budget: z.strictObject({ uses: z.number().int().min(1).max(1e9) }).optional(),
  attributes: z.record(attributeName, attributeValues).optional(),
});

/**
 * A validated mint request (the mint's view).
 * @example const body: MintBody = { principal: { id: 'u' }, tenant: '42', resources: ['a/*'], actions: ['read'], ttl: 60 };
 */
export type MintBody = z.infer<typeof mintBodySchema>;

/**
 * A mint request as a client writes it (read-only arrays welcome).
 * @example const req: MintRequest = { principal: { id: 'user-1' }, tenant: '42', resources: ['orders/*'], actions: ['read'], ttl: 3600 };
 */
export type MintRequest = WireRequest<z.input<typeof mintBodySchema>>;

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

/**
 * Answer of `POST /v1/tokens` (201).
 * @example const { token, expiresAt }: MintResponse = await client.mint(req);
 */
export type MintResponse = Readonly<z.infer<typeof mintResponseSchema>>;
