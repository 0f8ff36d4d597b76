import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentSession, argsDigest, CapabilityHolder, guardTool } from '../src/index.js';
import { codeOf, recordingTool, runtimeOn, SPEC, suiteMintHarness } from './helpers.js';

const h = suiteMintHarness();

const toolEvents = (tool: string) => h.events.filter((e) => e.tool === tool);

describe('guardTool', () => {
  it('runs the handler with the verified capability narrowed to the call, and audits it', async () => {
    const { tool, runs } = recordingTool();
    const session = await runtimeOn(h).startSession(SPEC);
    const before = h.events.length;
    const out = await tool(session, { tenant: '42' });
    expect(runs).toEqual([{ tenant: '42' }]);
    expect(out.tenants).toEqual(['42']);
    expect(out.actions).toEqual(['list']); // narrowed from list, read, refund
    expect(out.digest).toBe(argsDigest({ tenant: '42' }));
    const mine = h.events.slice(before).filter((e) => e.service === 'agent');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      type: 'verify.allow',
      decision: 'allow',
      tool: 'list_orders',
      argsDigest: argsDigest({ tenant: '42' }),
      session: session.session,
      traceId: session.traceId,
      principal: 'user-1',
      tenant: '42',
      tokenId: session.tokenId,
    });
    expect(mine[0]!.caveats).toContain('action = list');
    // The mint recorded its own verification of the same call.
    expect(
      h.events.slice(before).some((e) => e.service === 'mint' && e.type === 'verify.allow'),
    ).toBe(true);
  });

  it('refuses without a capability: nothing runs', async () => {
    const { tool, runs } = recordingTool();
    expect(await codeOf(tool(undefined as never, { tenant: '42' }))).toBe('ERR_TOKEN_MISSING');
    expect(await codeOf(tool({} as never, { tenant: '42' }))).toBe('ERR_TOKEN_MISSING');
    const forged = Object.create(CapabilityHolder.prototype) as CapabilityHolder;
    expect(await codeOf(tool(forged, { tenant: '42' }))).toBe('ERR_TOKEN_MISSING');
    expect(runs).toEqual([]);
  });

  it('validates the model-chosen arguments before anything else', async () => {
    const { tool, runs } = recordingTool();
    const session = await runtimeOn(h).startSession(SPEC);
    const verifies = h.events.filter((e) => e.service === 'mint').length;
    for (const bad of [
      {},
      { tenant: 42 },
      { tenant: '42', extra: 1 },
      { tenant: '../43' },
      null,
      'x',
    ]) {
      expect(await codeOf(tool(session, bad))).toBe('ERR_BAD_REQUEST');
    }
    expect(runs).toEqual([]);
    // No verification was even attempted, but every refusal is audited with its code.
    expect(h.events.filter((e) => e.service === 'mint').length).toBe(verifies);
    const denied = toolEvents('list_orders').filter(
      (e) => e.session === session.session && e.code === 'ERR_BAD_REQUEST',
    );
    expect(denied).toHaveLength(6);
    expect(denied[0]!.argsDigest).toBe(argsDigest({}));
  });

  it('refuses another tenant and an action the session does not hold', async () => {
    const { tool, runs } = recordingTool();
    const session = await runtimeOn(h).startSession(SPEC);
    expect(await codeOf(tool(session, { tenant: '43' }))).toBe('ERR_CAVEAT_UNSATISFIED');
    const del = guardTool(
      {
        name: 'delete_order',
        args: z.strictObject({ order: z.string() }),
        needs: (a) => ({ tenant: '42', action: 'delete', resource: `orders/${a.order}` }),
      },
      async () => runs.push('deleted'),
    );
    expect(await codeOf(del(session, { order: '17' }))).toBe('ERR_CAVEAT_UNSATISFIED');
    expect(runs).toEqual([]);
    const last = toolEvents('delete_order').at(-1)!;
    expect(last).toMatchObject({ decision: 'deny', code: 'ERR_CAVEAT_UNSATISFIED' });
  });

  it('treats an invalid resource derived from the arguments as a bad request', async () => {
    const runs: unknown[] = [];
    const tool = guardTool(
      {
        name: 'read_order',
        args: z.strictObject({ order: z.string() }),
        needs: (a) => ({ tenant: '42', action: 'read', resource: `orders/${a.order}` }),
      },
      async () => runs.push(1),
    );
    const session = await runtimeOn(h).startSession(SPEC);
    for (const order of ['..', '7/../../admin', '*', '7%2f8', '']) {
      expect(await codeOf(tool(session, { order }))).toBe('ERR_BAD_REQUEST');
    }
    expect(runs).toEqual([]);
  });

  it('spends the session budget and then refuses', async () => {
    const { tool, runs } = recordingTool();
    const session = await runtimeOn(h).startSession({ ...SPEC, budget: 2 });
    await tool(session, { tenant: '42' });
    await tool(session, { tenant: '42' });
    expect(await codeOf(tool(session, { tenant: '42' }))).toBe('ERR_BUDGET_EXHAUSTED');
    expect(runs).toHaveLength(2);
  });

  it('stops every further call once the session is revoked', async () => {
    const { tool, runs } = recordingTool();
    const runtime = runtimeOn(h);
    const session = await runtime.startSession(SPEC);
    const other = await runtime.startSession(SPEC);
    await tool(session, { tenant: '42' });
    await session.revoke();
    expect(await codeOf(tool(session, { tenant: '42' }))).toBe('ERR_TOKEN_REVOKED');
    // Another session of the same principal is untouched.
    await tool(other, { tenant: '42' });
    expect(runs).toHaveLength(2);
  });

  it('does not grant a call whose audit event cannot be recorded', async () => {
    const { tool, runs } = recordingTool();
    const runtime = runtimeOn(h, {
      audit: {
        appendAudit: async () => {
          throw new Error('disk full');
        },
      },
    });
    const session = await runtime.startSession(SPEC);
    expect(await codeOf(tool(session, { tenant: '42' }))).toBe('ERR_STORE_UNAVAILABLE');
    expect(runs).toEqual([]);
  });

  it('refuses a tool that needs approval when the runtime has no approval service', async () => {
    const runs: unknown[] = [];
    const refund = guardTool(
      {
        name: 'refund_order',
        args: z.strictObject({ order: z.string(), amount: z.number() }),
        needs: (a) => ({ tenant: '42', action: 'refund', resource: `orders/${a.order}` }),
        approval: (a) => (a.amount > 100 ? { summary: `refund ${a.amount}` } : undefined),
      },
      async (a) => runs.push(a),
    );
    const session = await runtimeOn(h).startSession(SPEC);
    expect(await codeOf(refund(session, { order: '17', amount: 150 }))).toBe(
      'ERR_DISCHARGE_MISSING',
    );
    await refund(session, { order: '17', amount: 50 }); // under the threshold: no human needed
    expect(runs).toEqual([{ order: '17', amount: 50 }]);
  });

  it('fails closed on arguments that cannot be digested and on a policy that throws', async () => {
    const runs: unknown[] = [];
    const dated = guardTool(
      {
        name: 'dated',
        args: z.strictObject({ at: z.coerce.date() }),
        needs: () => ({ tenant: '42', action: 'list', resource: 'orders' }),
      },
      async (a) => runs.push(a),
    );
    const broken = guardTool(
      {
        name: 'broken_policy',
        args: z.strictObject({}),
        needs: () => ({ tenant: '42', action: 'refund', resource: 'orders/1' }),
        approval: () => {
          throw new Error('policy bug');
        },
      },
      async (a) => runs.push(a),
    );
    const session = await runtimeOn(h).startSession(SPEC);
    expect(await codeOf(dated(session, { at: '2026-01-01' }))).toBe('ERR_BAD_REQUEST');
    expect(await codeOf(broken(session, {}))).toBe('ERR_DISCHARGE_MISSING');
    expect(runs).toEqual([]);
  });

  it('never exposes the token through the holder', async () => {
    const session = await runtimeOn(h).startSession(SPEC);
    expect(session).toBeInstanceOf(AgentSession);
    const text =
      JSON.stringify(session) + String(Object.keys(session)) + JSON.stringify({ ...session });
    expect(text).not.toMatch(/AgE|eyJ/);
    expect(Object.values(session).every((v) => typeof v !== 'string' || v.length < 64)).toBe(true);
  });
});

describe('guardTool definitions', () => {
  it('rejects misuse with TypeErrors naming the argument', () => {
    const args = z.strictObject({});
    const needs = () => ({ action: 'a', resource: 'r' });
    expect(() => guardTool({ name: 'Bad Name', args, needs }, async () => 1)).toThrow(
      /definition.name/,
    );
    expect(() => guardTool({ name: 'ok', args: {} as never, needs }, async () => 1)).toThrow(
      /definition.args/,
    );
    expect(() => guardTool({ name: 'ok', args, needs: 1 as never }, async () => 1)).toThrow(
      /definition.needs/,
    );
    expect(() => guardTool({ name: 'ok', args, needs }, 1 as never)).toThrow(/handler/);
  });
});
