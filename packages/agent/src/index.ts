/**
 * @chit/agent: capabilities for AI agent tool calls. A session capability minted per
 * agent session, narrowed per tool call and per sub-tool; tools that cannot run without
 * one; human approval through third-party caveats; every call audited.
 * See docs/agents.md and docs/approvals.md.
 *
 * @example
 * ```ts
 * import { createAgentRuntime, guardTool } from '@chit/agent'
 * const listOrders = guardTool({ name: 'list_orders', args: z.strictObject({ tenant: z.string() }),
 *   needs: (a) => ({ tenant: a.tenant, action: 'list', resource: 'orders' }) },
 *   async (a, ctx) => (await ctx.fetch(`${ORDERS}/tenants/${a.tenant}/orders`)).json())
 * const session = await createAgentRuntime({ mint, audit: store }).startSession(spec)
 * await listOrders(session, modelChosenArgs)
 * ```
 */
export {
  APPROVAL_CAVEAT_PREFIX,
  ApprovalCaveatInvalidError,
  type ApprovalRequest,
  MAX_APPROVAL_CAVEAT_ID,
  type OpenedApprovalCaveat,
  openApprovalCaveat,
  type SealedApprovalCaveat,
  sealApprovalCaveat,
} from './approval-caveat.js';
export {
  type ApprovalClient,
  type ApprovalClientOptions,
  createApprovalClient,
} from './approval-client.js';
export { argsDigest, canonicalJson } from './digest.js';
export {
  type GuardedTool,
  guardTool,
  ToolArgumentsError,
  type ToolDefinition,
  type ToolNeeds,
} from './guard.js';
export { CapabilityHolder, type SessionFacts } from './holder.js';
export {
  type AgentRuntime,
  type AgentRuntimeOptions,
  AgentSession,
  createAgentRuntime,
  type SessionSpec,
} from './runtime.js';
export type { ToolContext } from './tool-context.js';
export {
  type CapabilityView,
  mintVerifier,
  type ToolVerification,
  type ToolVerifier,
  type ToolVerifyRequest,
} from './verifier.js';
