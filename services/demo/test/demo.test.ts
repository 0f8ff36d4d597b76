import { ChitError } from '@chit/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoResult,
  type DemoStack,
  demoTools,
  runScenario,
  startDemoStack,
} from '../src/index.js';

/** Every request a tool sent downstream, with its credential headers. */
const sent: { url: string; method: string; headers: Headers; body?: unknown }[] = [];
let stack: DemoStack;
let result: DemoResult;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startDemoStack({
    approvalPollMs: 200,
    fetch: (input, init) => {
      sent.push({
        url: String(input),
        method: init?.method ?? 'GET',
        headers: new Headers(init?.headers),
        body: init?.body,
      });
      return globalThis.fetch(input, init);
    },
  });
  result = await runScenario({ stack, log: (l) => lines.push(l) });
});
afterAll(async () => {
  await stack?.close();
});

const credentials = () =>
  sent
    .flatMap((s) => [
      s.headers.get('authorization')?.slice(5) ?? '',
      ...(s.headers.get('chit-discharges')?.split(',') ?? []),
    ])
    .filter(Boolean);

describe('the demo scenario, end to end over real sockets', () => {
  it('every step has its expected decision', () => {
    expect(
      result.steps.filter((s) => !s.ok),
      lines.join('\n'),
    ).toEqual([]);
    expect(result.steps.map((s) => [s.decision, s.code ?? null])).toEqual([
      ['allow', null],
      ['allow', null],
      ['deny', 'ERR_CAVEAT_UNSATISFIED'],
      ['allow', null],
      ['deny', 'ERR_TOKEN_REVOKED'],
    ]);
    expect(result.ok).toBe(true);
    expect(lines.join('\n')).toMatch(
      /\(5\) list orders after the session was revoked: DENY ERR_TOKEN_REVOKED/,
    );
  });

  it('the audit trail read back from /v1/audit shows every tool call, approval and service decision', () => {
    const tools = result.audit
      .filter((e) => e.service === 'agent')
      .map((e) => [e.tool, e.decision, e.code ?? null]);
    expect(tools).toEqual([
      ['list_orders', 'allow', null],
      ['customer_summary', 'allow', null],
      ['customer_orders', 'allow', null],
      ['list_orders', 'deny', 'ERR_CAVEAT_UNSATISFIED'],
      ['refund_order', 'allow', null],
      ['list_orders', 'deny', 'ERR_TOKEN_REVOKED'],
    ]);
    for (const e of result.audit.filter((x) => x.service === 'agent')) {
      expect(e.argsDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(e.session).toBe(result.session);
    }
    const kinds = new Set(result.audit.map((e) => `${e.service}:${e.type}`));
    for (const k of [
      'mint:mint',
      'mint:verify.allow',
      'orders:verify.allow',
      'approval:approval',
      'mint:revoke',
    ]) {
      expect(kinds).toContain(k);
    }
    // The orders service saw the sub-tool's narrowed token (customer 7) delegated via the agent.
    const sub = result.audit.find(
      (e) => e.service === 'orders' && String(e.route).includes('customers'),
    );
    expect(sub?.caveats).toContain('customer_id = 7');
    expect(sub?.via).toEqual(['agent']);
  });

  it('no token or discharge appears in the audit trail or the printed output', () => {
    const creds = credentials();
    expect(creds.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(result.audit) + lines.join('\n');
    for (const c of creds) {
      expect(text).not.toContain(c);
      expect(text).not.toContain(c.slice(-40)); // the tail holds the signature
    }
  });

  it('revocation reached the orders service too: a replayed request is refused there', async () => {
    const first = sent[0]!;
    const res = await fetch(first.url, { headers: first.headers });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.code).toBe('ERR_TOKEN_REVOKED');
  });
});

describe('human approval', () => {
  it('without the discharge the orders service refuses the refund (ERR_DISCHARGE_MISSING)', async () => {
    const session = await stack.runtime.startSession({
      principal: { id: 'user-2' },
      tenant: '42',
      resources: ['orders/*'],
      actions: ['refund'],
      ttl: 300,
    });
    const tools = demoTools(stack.ordersUrl);
    const call = tools.refundOrder(session, { tenant: '42', order: '15', amount: 101 });
    const outcome = call.then(
      () => null,
      (e: unknown) => e,
    ); // settled at once: the refusal may arrive before the assertion awaits it
    const id = await waitPending(session.session);
    const approved = await fetch(`${stack.approvalUrl}/v1/approvals/${id}/approve`, {
      method: 'POST',
      headers: stack.approverHeaders,
    });
    expect(approved.status).toBe(200);
    expect(await outcome).toMatchObject({ code: 'ERR_CONFLICT' }); // authorized; 101 > order total 80
    const refund = sent.at(-1)!;
    expect(refund.headers.get('chit-discharges')).toBeTruthy();
    const headers = new Headers(refund.headers);
    headers.delete('chit-discharges');
    const res = await fetch(refund.url, { method: 'POST', headers, body: refund.body as string });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorBody).error.code).toBe('ERR_DISCHARGE_MISSING');
  });

  it('a denied approval refuses the tool call with ERR_DISCHARGE_MISSING; nothing is refunded', async () => {
    const session = await stack.runtime.startSession({
      principal: { id: 'user-3' },
      tenant: '42',
      resources: ['orders/*'],
      actions: ['refund'],
      ttl: 300,
    });
    const before = sent.length;
    const call = demoTools(stack.ordersUrl).refundOrder(session, {
      tenant: '42',
      order: '16',
      amount: 200,
    });
    const id = await waitPending(session.session);
    const res = await fetch(`${stack.approvalUrl}/v1/approvals/${id}/deny`, {
      method: 'POST',
      headers: stack.approverHeaders,
    });
    expect(res.status).toBe(200);
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ChitError);
    expect((err as ChitError).code).toBe('ERR_DISCHARGE_MISSING');
    expect(sent.length).toBe(before); // the handler never ran: no downstream request
  });
});

async function waitPending(session: string): Promise<string> {
  for (let i = 0; i < 250; i++) {
    const res = await fetch(`${stack.approvalUrl}/v1/approvals?status=pending`, {
      headers: stack.approverHeaders,
    });
    const hit = ((await res.json()) as Pending).approvals.find(
      (a: { request: { session?: string } }) => a.request.session === session,
    );
    if (hit) return hit.id;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no pending approval');
}

type Pending = { approvals: { id: string; request: { session?: string } }[] };
type ErrorBody = { error: { code: string } };
