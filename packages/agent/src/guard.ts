/**
 * `guardTool`: a tool handler that cannot run without a capability. Per call: validate
 * the model's arguments (zod), derive the call's token from the holder's (narrowed to
 * the tool's declared needs, short-lived), add a human-approval caveat when the tool's
 * policy asks for one and obtain its discharge, check the result through the verifier,
 * record the audit event (tool name, digest of the arguments), and only then run the
 * handler with `ctx`.
 */
import {
  capabilityFromView,
  type Decision,
  denial,
  errorFromCode,
  eventFromDecision,
} from '@chit/decision';
import { createAuditEvent } from '@chit/store';
import {
  addThirdPartyCaveat,
  attenuate,
  bindDischarge,
  ChitError,
  caveat,
  encode,
  fingerprint,
  parseToken,
  type RequestContext,
  StoreUnavailableError,
} from '@chit/token';
import type { z } from 'zod';
import type { SealedApprovalCaveat } from './approval-caveat.js';
import { argsDigest } from './digest.js';
import { type CapabilityHolder, type HolderState, holderState } from './holder.js';
import { makeToolContext, type ToolContext } from './tool-context.js';

/** What a tool call needs, derived from its (validated) arguments. */
export interface ToolNeeds {
  readonly action: string;
  /** The resource the call touches, e.g. `orders/17` (no wildcards). */
  readonly resource: string;
  readonly tenant?: string;
  /** Request attributes (`{ customer_id: '7' }`), matched against attribute caveats. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A tool's declaration. */
export interface ToolDefinition<S extends z.ZodType> {
  /** `[a-z][a-z0-9_]{0,63}`: recorded in the audit trail. */
  readonly name: string;
  /** The schema of the arguments the model chooses. */
  readonly args: S;
  /** What a call with these arguments needs. */
  readonly needs: (args: z.output<S>) => ToolNeeds;
  /** When a call needs a human: the one-line summary shown to the approver. */
  readonly approval?: (args: z.output<S>) => { readonly summary: string } | undefined;
}

/** A guarded tool: call it with a capability holder and the model's raw arguments. */
export type GuardedTool<S extends z.ZodType, R> = ((
  holder: CapabilityHolder,
  args: unknown,
) => Promise<R>) & { readonly definition: ToolDefinition<S> };

/**
 * The model's arguments do not match the tool's schema. Code `ERR_BAD_REQUEST`; the
 * message names the failing paths, never the values.
 * @example
 * ```ts
 * catch (e) { if (e instanceof ToolArgumentsError) tellTheModel(e.message) }
 * ```
 */
export class ToolArgumentsError extends ChitError {
  constructor(message: string) {
    super('ERR_BAD_REQUEST', message);
  }
}

const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

function safeDigest(raw: unknown): string | undefined {
  try {
    return argsDigest(raw);
  } catch {
    return undefined;
  }
}

const SEGMENT = /^[A-Za-z0-9._~:@+-]{1,256}$/;

/** A concrete resource (no wildcard, no dot segment): what a request may name. */
function isConcreteResource(resource: unknown): boolean {
  if (typeof resource !== 'string' || resource.length > 256) return false;
  return resource.split('/').every((seg) => SEGMENT.test(seg) && seg !== '.' && seg !== '..');
}

function needsConditions(needs: ToolNeeds, expires: number): string[] {
  if (needs === null || typeof needs !== 'object') throw new TypeError('needs must be an object');
  if (!isConcreteResource(needs.resource)) throw new RangeError('needs.resource is not concrete');
  const out: string[] = [];
  if (needs.tenant !== undefined) out.push(caveat.tenant(needs.tenant));
  out.push(caveat.action(needs.action), caveat.resource(needs.resource));
  for (const [name, value] of Object.entries(needs.attributes ?? {})) {
    out.push(caveat.attribute(name, value));
  }
  out.push(caveat.expires(expires));
  return out;
}

/**
 * Wraps a tool handler so it runs only with a verified capability for exactly what the
 * call declares. Rejections are `ChitError`s with the verifier's stable code
 * (`ERR_TOKEN_MISSING` without a holder, `ERR_BAD_REQUEST` for bad arguments,
 * `ERR_CAVEAT_UNSATISFIED`, `ERR_TOKEN_REVOKED`, `ERR_BUDGET_EXHAUSTED`,
 * `ERR_DISCHARGE_MISSING`...); the handler never runs then.
 * @example
 * ```ts
 * const refund = guardTool({
 *   name: 'refund_order',
 *   args: z.strictObject({ tenant: z.string(), order: z.string(), amount: z.number().positive() }),
 *   needs: (a) => ({ tenant: a.tenant, action: 'refund', resource: `orders/${a.order}` }),
 *   approval: (a) => (a.amount > 100 ? { summary: `refund ${a.amount} on order ${a.order}` } : undefined),
 * }, async (a, ctx) => (await ctx.fetch(`${ORDERS}/tenants/${a.tenant}/orders/${a.order}/refund`, { method: 'POST' })).json())
 * await refund(session, { tenant: '42', order: '17', amount: 150 })
 * ```
 */
export function guardTool<S extends z.ZodType, R>(
  definition: ToolDefinition<S>,
  handler: (args: z.output<S>, ctx: ToolContext) => Promise<R>,
): GuardedTool<S, R> {
  if (definition === null || typeof definition !== 'object') {
    throw new TypeError('definition must be an object');
  }
  if (typeof definition.name !== 'string' || !TOOL_NAME.test(definition.name)) {
    throw new TypeError('definition.name must match [a-z][a-z0-9_]{0,63}');
  }
  if (definition.args === null || typeof definition.args?.safeParse !== 'function') {
    throw new TypeError('definition.args must be a zod schema');
  }
  if (typeof definition.needs !== 'function')
    throw new TypeError('definition.needs must be a function');
  if (typeof handler !== 'function') throw new TypeError('handler must be a function');
  const tool = definition.name;

  const run = async (holder: CapabilityHolder, raw: unknown): Promise<R> => {
    const state = holderState(holder);
    if (state === undefined) {
      throw new ChitError('ERR_TOKEN_MISSING', `tool ${tool} needs a capability`);
    }
    const rt = state.runtime;
    const facts = holder.toJSON();
    let digest = safeDigest(raw);
    let callToken = state.token;

    // The runtime minted the session token itself: what it knows of it names a denial.
    const known = {
      tokenId: facts.tokenId,
      principal: facts.principal,
      session: facts.session,
      traceId: facts.traceId,
    };
    let context: RequestContext = {};
    const record = async (d: Decision) => {
      const input = eventFromDecision(d, {
        service: rt.service,
        route: `tool/${tool}`,
        tool,
        ...(digest !== undefined && { argsDigest: digest }),
        traceId: facts.traceId,
        known,
      });
      const event = createAuditEvent(input, { now: d.nowMs });
      try {
        await rt.audit(event);
      } catch {
        // An allowance that cannot be recorded is not granted; a denial stays a denial.
        if (d.allowed) throw new StoreUnavailableError('audit store is unavailable');
      }
    };
    const deny = async (error: ChitError): Promise<never> => {
      await record(denial(error, 'verify', undefined, context, rt.clock()));
      throw error;
    };

    const parsed = definition.args.safeParse(raw);
    if (!parsed.success) {
      const paths = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      return deny(new ToolArgumentsError(`tool ${tool}: invalid arguments at ${paths}`));
    }
    const args = parsed.data as z.output<S>;
    const validDigest = safeDigest(args);
    if (validDigest === undefined) {
      return deny(new ToolArgumentsError(`tool ${tool}: arguments are not plain JSON`));
    }
    digest = validDigest;

    let needs: ToolNeeds;
    let conditions: string[];
    try {
      needs = definition.needs(args);
      conditions = needsConditions(needs, Math.floor(rt.clock() / 1000) + rt.callTtl);
    } catch (e) {
      if (e instanceof ChitError) return deny(e);
      return deny(new ToolArgumentsError(`tool ${tool}: arguments name an invalid resource`));
    }
    // The human may take minutes: obtain the discharge first, then derive the call's
    // short-lived token, so its expiry counts from the approval, not from the request.
    const discharges = [...state.discharges];
    let approval: { readonly summary: string } | undefined;
    try {
      approval = definition.approval?.(args);
    } catch {
      // A policy that cannot decide does not let the call through without a human.
      return deny(new ChitError('ERR_DISCHARGE_MISSING', `tool ${tool}: approval policy failed`));
    }
    let sealed: SealedApprovalCaveat | undefined;
    if (approval !== undefined) {
      const got = await obtainApproval(state, tool, needs, facts, validDigest, approval.summary);
      if (got instanceof ChitError) return deny(got);
      sealed = got.sealed;
      discharges.push(got.discharge);
    }
    conditions = needsConditions(needs, Math.floor(rt.clock() / 1000) + rt.callTtl);
    let call = attenuate(callToken, conditions);
    if (sealed !== undefined && rt.approvals !== undefined) {
      call = addThirdPartyCaveat(call, {
        location: rt.approvals.location,
        caveatId: sealed.caveatId,
        caveatKey: sealed.caveatKey,
        nonce: rt.random(24),
      });
    }
    callToken = encode(call);

    const primary = parseToken(callToken);
    context = {
      action: needs.action,
      resource: needs.resource,
      ...(needs.tenant !== undefined && { tenant: needs.tenant }),
      ...(needs.attributes !== undefined && { attributes: needs.attributes }),
    };
    const verdict = await rt.verifier.verify({
      token: callToken,
      discharges: discharges.map((d) => encode(bindDischarge(primary, parseToken(d)))),
      context,
    });
    // The coded class the verifier threw, so callers can test `instanceof` as well as `code`.
    if (!verdict.allowed) return deny(errorFromCode(verdict.code, verdict.message));
    await record({
      allowed: true,
      capability: capabilityFromView(verdict.capability, fingerprint(primary)),
      context,
      consumed: [],
      nowMs: rt.clock(),
    });
    const ctx = makeToolContext({
      tool,
      argsDigest: validDigest,
      capability: verdict.capability,
      facts,
      state: { token: callToken, discharges, runtime: rt },
    });
    return handler(args, ctx);
  };
  return Object.assign(run, { definition });
}

async function obtainApproval(
  state: HolderState,
  tool: string,
  needs: ToolNeeds,
  facts: ReturnType<CapabilityHolder['toJSON']>,
  digest: string,
  summary: string,
): Promise<{ sealed: SealedApprovalCaveat; discharge: string } | ChitError> {
  const rt = state.runtime;
  if (rt.approvals === undefined) {
    return new ChitError('ERR_DISCHARGE_MISSING', `tool ${tool} needs an approval service`);
  }
  try {
    const sealed = rt.approvals.seal({
      tool,
      action: needs.action,
      resource: needs.resource,
      ...(needs.tenant !== undefined && { tenant: needs.tenant }),
      session: facts.session,
      principal: facts.principal,
      argsDigest: digest,
      summary: summary.slice(0, 200),
      expiresAt: Math.floor(rt.clock() / 1000) + rt.approvalTtl,
    });
    const discharge = await rt.approvals.requestDischarge(sealed.caveatId);
    return { sealed, discharge };
  } catch (e) {
    if (e instanceof ChitError) return e;
    return new ChitError('ERR_DISCHARGE_MISSING', `tool ${tool}: no discharge was obtained`);
  }
}
