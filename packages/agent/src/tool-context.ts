/**
 * `ctx`, what a guarded tool's handler gets: the verified capability (read-only), the
 * holder of this call's authority (to pass to sub-tools), `narrow` for sub-tools, and a
 * `fetch` that presents the call's authority to known downstream services.
 */
import { createDelegatingFetch, type FetchLike, type NarrowOptions, narrow } from '@chit/sdk';
import { bindDischarge, encode, parseToken } from '@chit/token';
import { CapabilityHolder, type HolderState, type SessionFacts } from './holder.js';
import type { CapabilityView } from './verifier.js';

/**
 * The context of one guarded tool call.
 * @example
 * ```ts
 * guardTool(def, async (args, ctx) => {
 *   ctx.capability.tenants               // ['42']
 *   const sub = ctx.narrow({ attributes: { customer_id: '7' } })
 *   await customerOrders(sub, { tenant: '42', customer: '7' })
 *   return (await ctx.fetch(`${ORDERS}/tenants/42/orders`)).json()
 * })
 * ```
 */
export interface ToolContext {
  readonly tool: string;
  /** Digest of the validated arguments, as audited. */
  readonly argsDigest: string;
  /** The capability verified for this call. Frozen. */
  readonly capability: CapabilityView;
  /** This call's authority, to pass to a sub-tool unchanged. */
  readonly holder: CapabilityHolder;
  /**
   * A narrower authority for a sub-tool (`ERR_NOT_NARROWER` if an option would widen).
   * A sub-tool called with it is checked again, against its own needs.
   */
  narrow(options: NarrowOptions): CapabilityHolder;
  /**
   * `fetch` that sends a token delegated to the target's audience (with `via` this runtime
   * and bound discharges) to the origins the runtime knows; nothing to any other origin.
   */
  readonly fetch: FetchLike;
}

/** @internal */
export interface ToolContextInput {
  readonly tool: string;
  readonly argsDigest: string;
  readonly capability: CapabilityView;
  readonly facts: SessionFacts;
  readonly state: HolderState;
}

/**
 * Builds the frozen `ctx` of a call.
 * @internal
 * @example const ctx = makeToolContext({ tool, argsDigest, capability, facts, state })
 */
export function makeToolContext(input: ToolContextInput): ToolContext {
  const { state, facts } = input;
  const rt = state.runtime;
  const holder = new CapabilityHolder(facts, state);
  const fetch = createDelegatingFetch({
    token: state.token,
    audiences: rt.audiences,
    via: rt.service,
    clock: rt.clock,
    ...(rt.fetch !== undefined && { fetch: rt.fetch }),
    getDischarges: (delegated) => {
      const primary = parseToken(delegated);
      return state.discharges.map((d) => encode(bindDischarge(primary, parseToken(d))));
    },
  });
  return Object.freeze({
    tool: input.tool,
    argsDigest: input.argsDigest,
    capability: input.capability,
    holder,
    narrow: (options: NarrowOptions) =>
      new CapabilityHolder(facts, {
        token: narrow(state.token, options, { clock: rt.clock }),
        discharges: state.discharges,
        runtime: rt,
      }),
    fetch,
  });
}
