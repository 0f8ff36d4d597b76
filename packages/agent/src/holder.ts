/**
 * `CapabilityHolder`: the one object that carries an agent's authority (a session, a tool
 * call, a sub-tool). The token text and its discharges live in a module-private WeakMap,
 * never in a property, so logging, serialising or handing the holder to a model's
 * context cannot leak them; only guarded tools (this package) can present them.
 */

import type { FetchLike } from '@chit/sdk';
import type { AuditEvent } from '@chit/store';
import type { Clock } from '@chit/token';
import type { ApprovalClient } from './approval-client.js';
import type { ToolVerifier } from './verifier.js';

/** What the runtime shares with every holder it made. @internal */
export interface RuntimeServices {
  readonly service: string;
  readonly verifier: ToolVerifier;
  readonly audit: (event: AuditEvent) => Promise<void>;
  readonly approvals?: ApprovalClient;
  readonly audiences: Readonly<Record<string, string>>;
  readonly fetch?: FetchLike;
  readonly callTtl: number;
  readonly approvalTtl: number;
  readonly clock: Clock;
  readonly random: (n: number) => Uint8Array;
}

/** Trusted facts about the session, known to the runtime since it minted it. */
export interface SessionFacts {
  readonly session: string;
  readonly tokenId: string;
  readonly traceId: string;
  readonly principal: string;
  readonly tenant: string;
}

/** @internal */
export interface HolderState {
  readonly token: string;
  /** Discharges as issued (unbound): bound to whichever token is presented. */
  readonly discharges: readonly string[];
  readonly runtime: RuntimeServices;
}

const STATE = new WeakMap<CapabilityHolder, HolderState>();

/**
 * An opaque capability: pass it to a guarded tool. It has no method that reveals the
 * token; `toJSON` shows only what is safe to log.
 * @example
 * ```ts
 * const session = await runtime.startSession({ ... })   // a CapabilityHolder
 * await listOrders(session, { tenant: '42' })
 * JSON.stringify(session) // '{"session":"s-...","tokenId":"...","traceId":"..."}'
 * ```
 */
export class CapabilityHolder {
  /** The session this authority belongs to. */
  readonly session: string;
  /** The token family (the session token's id). */
  readonly tokenId: string;
  /** The W3C trace id of the session. */
  readonly traceId: string;
  /** The principal the session acts for. */
  readonly principal: string;
  /** The session's tenant. */
  readonly tenant: string;

  /** @internal Use `AgentRuntime.startSession` or `ctx.narrow`. */
  constructor(facts: SessionFacts, state: HolderState) {
    this.session = facts.session;
    this.tokenId = facts.tokenId;
    this.traceId = facts.traceId;
    this.principal = facts.principal;
    this.tenant = facts.tenant;
    STATE.set(this, state);
  }

  /** Only the safe facts. */
  toJSON(): SessionFacts {
    return {
      session: this.session,
      tokenId: this.tokenId,
      traceId: this.traceId,
      principal: this.principal,
      tenant: this.tenant,
    };
  }
}

/**
 * The state of a genuine holder, or `undefined` for anything else (a forged object, a
 * plain `{}`): such a call has no capability.
 * @internal
 * @example const state = holderState(holder); if (!state) throw new ChitError('ERR_TOKEN_MISSING', '...')
 */
export function holderState(holder: unknown): HolderState | undefined {
  return holder instanceof CapabilityHolder ? STATE.get(holder) : undefined;
}

/**
 * The session facts of a holder.
 * @internal
 * @example factsOf(holder).session
 */
export function factsOf(holder: CapabilityHolder): SessionFacts {
  return holder.toJSON();
}
