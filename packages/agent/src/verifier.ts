/**
 * How a guarded tool checks its capability. The agent runtime holds no master key: it
 * asks the mint service (`POST /v1/verify`), which verifies the chain and discharges,
 * checks the revocation set, consumes the budgets and records its own audit event.
 * A test or a co-located service may plug in another {@link ToolVerifier}.
 */
import type { MintClient } from '@chit/sdk';
import {
  ChitError,
  type ErrorCode,
  isErrorCode,
  type RequestContext,
  type VerifiedCapability,
} from '@chit/token';
import { z } from 'zod';

/**
 * The verified authority as the mint reports it to a tool: the part of
 * {@link VerifiedCapability} a tool reads (no fingerprints, budgets, audiences, not-before
 * or third-party caveats).
 * @example const d = await verifier.verify(req); if (d.allowed) d.capability.tenants
 */
export type CapabilityView = Pick<
  VerifiedCapability,
  | 'tokenId'
  | 'kid'
  | 'issuedAt'
  | 'session'
  | 'principal'
  | 'role'
  | 'traceId'
  | 'tenants'
  | 'resources'
  | 'actions'
  | 'attributes'
  | 'expiresAt'
  | 'caveats'
  | 'via'
>;

/** A decision: the capability, or the stable code of the denial. */
export type ToolVerification =
  | { readonly allowed: true; readonly capability: CapabilityView }
  | { readonly allowed: false; readonly code: ErrorCode; readonly message: string };

/** What one tool call presents for checking (discharges already bound to `token`). */
export interface ToolVerifyRequest {
  readonly token: string;
  readonly discharges: readonly string[];
  readonly context: RequestContext;
}

/**
 * The port a guarded tool checks through. Implementations fail closed: an unreachable
 * verifier is a denial, never an allowance.
 * @example
 * ```ts
 * const verifier: ToolVerifier = mintVerifier(createMintClient({ baseUrl }))
 * const d = await verifier.verify({ token, discharges: [], context: { tenant: '42', action: 'list', resource: 'orders' } })
 * ```
 */
export interface ToolVerifier {
  verify(request: ToolVerifyRequest): Promise<ToolVerification>;
}

// The SDK client passes the mint's answer through as untyped JSON, so this is the one
// place it is validated. Typed against CapabilityView, so the compiler checks the two agree.
const capabilitySchema: z.ZodType<CapabilityView> = z.object({
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
  attributes: z.record(z.string(), z.array(z.string())),
  expiresAt: z.number().nullable(),
  caveats: z.array(z.string()),
  via: z.array(z.string()),
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * A {@link ToolVerifier} backed by the mint service's `POST /v1/verify`.
 * @example
 * ```ts
 * const verifier = mintVerifier(createMintClient({ baseUrl: 'http://127.0.0.1:7300' }))
 * ```
 */
export function mintVerifier(client: MintClient): ToolVerifier {
  if (client === null || typeof client !== 'object' || typeof client.verify !== 'function') {
    throw new TypeError('client must be a MintClient');
  }
  return {
    async verify(request) {
      try {
        const answer = await client.verify({
          token: request.token,
          discharges: request.discharges,
          context: request.context,
        });
        if (!answer.allowed) {
          const code = isErrorCode(answer.code) ? answer.code : 'ERR_INTERNAL';
          return { allowed: false, code, message: answer.message ?? 'denied' };
        }
        const parsed = capabilitySchema.safeParse(answer.capability);
        if (!parsed.success) {
          return { allowed: false, code: 'ERR_INTERNAL', message: 'verifier answer is malformed' };
        }
        return { allowed: true, capability: deepFreeze(parsed.data) };
      } catch (e) {
        if (e instanceof ChitError) return { allowed: false, code: e.code, message: e.message };
        return { allowed: false, code: 'ERR_STORE_UNAVAILABLE', message: 'verifier unreachable' };
      }
    },
  };
}
