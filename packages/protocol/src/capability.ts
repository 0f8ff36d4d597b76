/**
 * The capability view: the verified authority as `/v1/verify` returns it (no
 * fingerprints, no budget keys). The mint builds it with {@link capabilityView}; clients
 * (the agent's verifier, the SDK) validate it with {@link capabilitySchema}.
 */
import type { VerifiedCapability } from '@chit/token';
import { z } from 'zod';

/**
 * The verified authority as returned by `/v1/verify`.
 * @example const view = capabilitySchema.parse(answer.capability);
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
 * The public view of a verified capability: no fingerprints, no budget keys, fresh arrays.
 * @example capabilityView(cap).tenants // ['42']
 */
export function capabilityView(cap: VerifiedCapability): CapabilityView {
  return {
    tokenId: cap.tokenId,
    kid: cap.kid,
    issuedAt: cap.issuedAt,
    ...(cap.session !== undefined ? { session: cap.session } : {}),
    ...(cap.principal !== undefined ? { principal: cap.principal } : {}),
    ...(cap.role !== undefined ? { role: cap.role } : {}),
    ...(cap.traceId !== undefined ? { traceId: cap.traceId } : {}),
    tenants: cap.tenants && [...cap.tenants],
    resources: cap.resources.map((r) => [...r]),
    actions: cap.actions && [...cap.actions],
    audiences: cap.audiences && [...cap.audiences],
    attributes: Object.fromEntries(Object.entries(cap.attributes).map(([k, v]) => [k, [...v]])),
    expiresAt: cap.expiresAt,
    notBefore: cap.notBefore,
    budgets: cap.budgets.map((b) => ({ limit: b.limit })),
    via: [...cap.via],
    caveats: [...cap.caveats],
  };
}
