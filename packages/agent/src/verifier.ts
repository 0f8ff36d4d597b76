/**
 * How a guarded tool checks its capability. The agent runtime holds no master key: it
 * asks the mint service (`POST /v1/verify`), which verifies the chain and discharges,
 * checks the revocation set, consumes the budgets and records its own audit event.
 * A test or a co-located service may plug in another {@link ToolVerifier}.
 */
import { capabilitySchema, type CapabilityView as ProtocolCapabilityView } from '@chit/protocol';
import type { MintClient } from '@chit/sdk';
import { ChitError, type ErrorCode, isErrorCode, type RequestContext } from '@chit/token';

/**
 * The verified authority as the mint reports it to a tool: @chit/protocol's capability
 * view (no fingerprints, no budget keys), the shape `/v1/verify` answers with.
 * @example const d = await verifier.verify(req); if (d.allowed) d.capability.tenants
 */
export type CapabilityView = Readonly<ProtocolCapabilityView>;

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

// The SDK client passes the mint's answer through as untyped JSON: validated here with
// the protocol's schema, the one the mint answers with.
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
