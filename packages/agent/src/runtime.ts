/**
 * The agent runtime: mints one capability per agent session through the mint service
 * (principal, tenant, session id, trace id, ttl, budget of tool calls), hands it out as
 * an opaque {@link AgentSession}, and revokes it. The model never sees a token.
 */
import { randomBytes } from 'node:crypto';
import type { FetchLike, MintClient, MintRequest } from '@chit/sdk';
import type { ChitStore } from '@chit/store';
import type { Clock } from '@chit/token';
import type { ApprovalClient } from './approval-client.js';
import { CapabilityHolder, type RuntimeServices } from './holder.js';
import { mintVerifier, type ToolVerifier } from './verifier.js';

/** Options of {@link createAgentRuntime}. */
export interface AgentRuntimeOptions {
  /** A mint client allowed to mint and revoke (admin token or a scoped mint client). */
  readonly mint: MintClient;
  /** Where tool-call audit events go: the store shared with the mint (Redis or embedded). */
  readonly audit: Pick<ChitStore, 'appendAudit'>;
  /** This runtime's name in audit events and `via` hops (default `agent`). */
  readonly service?: string;
  /** Checks tool calls (default: the mint's `POST /v1/verify`). */
  readonly verifier?: ToolVerifier;
  /** Discharges for tools that need a human. Without it such tools are always refused. */
  readonly approvals?: ApprovalClient;
  /** Origin to audience name of the services `ctx.fetch` may call with a credential. */
  readonly audiences?: Readonly<Record<string, string>>;
  /** Lifetime of each tool call's token, seconds (default 60). */
  readonly callTtl?: number;
  /** How long a human has to decide an approval request, seconds (default 300). */
  readonly approvalTtl?: number;
  readonly fetch?: FetchLike;
  readonly clock?: Clock;
  readonly random?: (n: number) => Uint8Array;
}

/**
 * What an agent session may do: the fields of a {@link MintRequest}, with the budget as a
 * plain number of uses and the session and trace ids made up when absent.
 * @example
 * ```ts
 * const spec: SessionSpec = { principal: { id: 'user-1' }, tenant: '42',
 *   resources: ['orders/**'], actions: ['read'], ttl: 900, budget: 50 }
 * ```
 */
export interface SessionSpec
  extends Pick<
    MintRequest,
    'principal' | 'tenant' | 'resources' | 'actions' | 'ttl' | 'attributes'
  > {
  /** Budget: verified uses of the session's authority (each tool call, each downstream request). */
  readonly budget?: number;
  /** Session id (default random `s-` + 16 hex). */
  readonly sessionId?: string;
  /** W3C trace id, 32 lowercase hex (default random). */
  readonly traceId?: string;
}

/**
 * An agent session: the root capability of every tool call the session makes.
 * @example
 * ```ts
 * const session = await runtime.startSession({ principal: { id: 'user-1' }, tenant: '42',
 *   resources: ['orders', 'orders/**'], actions: ['list', 'read'], ttl: 900, budget: 50 })
 * await listOrders(session, { tenant: '42' })
 * await session.revoke()
 * ```
 */
export class AgentSession extends CapabilityHolder {
  readonly #revoke: () => Promise<void>;
  /** Unix seconds. */
  readonly expiresAt: number;

  /** @internal */
  constructor(
    facts: ConstructorParameters<typeof CapabilityHolder>[0],
    state: ConstructorParameters<typeof CapabilityHolder>[1],
    expiresAt: number,
    revoke: () => Promise<void>,
  ) {
    super(facts, state);
    this.expiresAt = expiresAt;
    this.#revoke = revoke;
  }

  /** Revokes the session at the mint: every further call of it is refused, everywhere. */
  revoke(): Promise<void> {
    return this.#revoke();
  }
}

/**
 * The runtime.
 * @example
 * ```ts
 * const runtime = createAgentRuntime({ mint, audit: store })
 * const session = await runtime.startSession(spec)
 * ```
 */
export interface AgentRuntime {
  startSession(spec: SessionSpec): Promise<AgentSession>;
}

const hex = (random: (n: number) => Uint8Array, n: number) =>
  Buffer.from(random(n)).toString('hex');

/**
 * Creates an agent runtime.
 * @example
 * ```ts
 * const runtime = createAgentRuntime({
 *   mint: createMintClient({ baseUrl, adminToken }), audit: store,
 *   audiences: { 'http://127.0.0.1:7401': 'orders' }, approvals,
 * })
 * ```
 */
export function createAgentRuntime(options: AgentRuntimeOptions): AgentRuntime {
  if (options === null || typeof options !== 'object')
    throw new TypeError('options must be an object');
  const { mint, audit } = options;
  if (mint === null || typeof mint !== 'object' || typeof mint.mint !== 'function') {
    throw new TypeError('options.mint must be a MintClient');
  }
  if (audit === null || typeof audit !== 'object' || typeof audit.appendAudit !== 'function') {
    throw new TypeError('options.audit must have appendAudit');
  }
  const service = options.service ?? 'agent';
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(service)) {
    throw new TypeError('options.service must be 1-128 chars of [A-Za-z0-9._:-]');
  }
  const callTtl = options.callTtl ?? 60;
  if (!Number.isSafeInteger(callTtl) || callTtl < 1) {
    throw new RangeError('options.callTtl must be a positive integer');
  }
  const approvalTtl = options.approvalTtl ?? 300;
  if (!Number.isSafeInteger(approvalTtl) || approvalTtl < 1) {
    throw new RangeError('options.approvalTtl must be a positive integer');
  }
  const random = options.random ?? ((n: number) => Uint8Array.from(randomBytes(n)));
  const services: RuntimeServices = {
    service,
    verifier: options.verifier ?? mintVerifier(mint),
    audit: (event) => audit.appendAudit(event),
    ...(options.approvals !== undefined && { approvals: options.approvals }),
    audiences: { ...(options.audiences ?? {}) },
    ...(options.fetch !== undefined && { fetch: options.fetch }),
    callTtl,
    approvalTtl,
    clock: options.clock ?? Date.now,
    random,
  };

  return {
    async startSession(spec) {
      const session = spec.sessionId ?? `s-${hex(random, 8)}`;
      const traceId = spec.traceId ?? hex(random, 16);
      const minted = await mint.mint({
        principal: spec.principal,
        tenant: spec.tenant,
        resources: spec.resources,
        actions: spec.actions,
        ttl: spec.ttl,
        session,
        traceId,
        ...(spec.budget !== undefined && { budget: { uses: spec.budget } }),
        ...(spec.attributes !== undefined && { attributes: spec.attributes }),
      });
      const facts = {
        session,
        tokenId: minted.tokenId,
        traceId,
        principal: spec.principal.id,
        tenant: spec.tenant,
      };
      return new AgentSession(
        facts,
        { token: minted.token, discharges: [], runtime: services },
        minted.expiresAt,
        async () => {
          await mint.revoke({ session });
        },
      );
    },
  };
}
