/**
 * The scripted agent session: a deterministic script stands in for the model's tool
 * choices. Five steps, each with its expected decision; then the audit trail of the
 * session, read back from the mint's `/v1/audit`.
 */
import type { AgentSession } from '@chit/agent';
import { ChitError, type ErrorCode } from '@chit/token';
import type { DemoStack } from './stack.js';
import { demoTools } from './tools.js';

/** What a step expects: `allow`, or the stable code of the refusal. */
export type Expected = 'allow' | ErrorCode;

/** One step's outcome. */
export interface StepResult {
  readonly step: number;
  readonly title: string;
  readonly expected: Expected;
  readonly decision: 'allow' | 'deny';
  readonly code?: ErrorCode;
  readonly detail: string;
  readonly ok: boolean;
}

/** The demo's outcome. */
export interface DemoResult {
  readonly session: string;
  readonly steps: readonly StepResult[];
  readonly audit: readonly Readonly<Record<string, unknown>>[];
  /** Every step had its expected decision and the audit trail was read back. */
  readonly ok: boolean;
}

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  readonly stack: DemoStack;
  /** Prints one line (default: nothing). */
  readonly log?: (line: string) => void;
  /**
   * Step 4's human: approves the pending approval `id`. Default: the script approves
   * through the approval API.
   */
  readonly approve?: (stack: DemoStack, approvalId: string) => Promise<void>;
}

/**
 * Approves through the approval API (`POST /v1/approvals/:id/approve`).
 * @example await approveViaApi(stack, id)
 */
export async function approveViaApi(stack: DemoStack, id: string): Promise<void> {
  const res = await fetch(`${stack.approvalUrl}/v1/approvals/${id}/approve`, {
    method: 'POST',
    headers: stack.approverHeaders,
  });
  if (!res.ok) throw new Error(`approval API answered ${res.status}`);
}

/**
 * Waits until the approval service lists one pending approval for `session`; its id.
 * @example const id = await pendingApproval(stack, session.session)
 */
export async function pendingApproval(stack: DemoStack, session: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const res = await fetch(`${stack.approvalUrl}/v1/approvals?status=pending`, {
      headers: stack.approverHeaders,
    });
    const body = (await res.json()) as {
      approvals: { id: string; request: { session?: string } }[];
    };
    const hit = body.approvals.find((a) => a.request.session === session);
    if (hit !== undefined) return hit.id;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no pending approval appeared');
}

/**
 * Runs the five steps against a running stack.
 * @example
 * ```ts
 * const result = await runScenario({ stack, log: console.log })
 * process.exitCode = result.ok ? 0 : 1
 * ```
 */
export async function runScenario(options: ScenarioOptions): Promise<DemoResult> {
  const { stack } = options;
  const log = options.log ?? (() => {});
  const approve = options.approve ?? approveViaApi;
  const tools = demoTools(stack.ordersUrl);
  const session: AgentSession = await stack.runtime.startSession({
    principal: { id: 'user-1', role: 'support-agent' },
    tenant: '42',
    resources: ['customers/*/orders', 'orders', 'orders/*'],
    actions: ['list', 'read', 'refund'],
    ttl: 900,
    budget: 20,
  });
  log(`session ${session.session} for user-1 in tenant 42 (trace ${session.traceId})`);
  const steps: StepResult[] = [];

  const step = async (
    title: string,
    expected: Expected,
    call: () => Promise<string>,
  ): Promise<void> => {
    const n = steps.length + 1;
    let result: StepResult;
    try {
      const detail = await call();
      result = { step: n, title, expected, decision: 'allow', detail, ok: expected === 'allow' };
    } catch (e) {
      if (!(e instanceof ChitError)) throw e;
      result = {
        step: n,
        title,
        expected,
        decision: 'deny',
        code: e.code,
        detail: e.message,
        ok: expected === e.code,
      };
    }
    steps.push(result);
    const decision = result.decision === 'allow' ? 'ALLOW' : `DENY ${result.code}`;
    log(
      `(${n}) ${title}: ${decision}${result.ok ? '' : `  (expected ${expected})`} - ${result.detail}`,
    );
  };

  await step('list orders of tenant 42', 'allow', async () => {
    const { orders } = await tools.listOrders(session, { tenant: '42' });
    return `${orders.length} orders`;
  });
  await step('narrow to customer 7 for the customer_orders sub-tool', 'allow', async () => {
    const r = await tools.customerSummary(session, { tenant: '42', customer: '7' });
    return `customer ${r.customer} has ${r.orders} orders`;
  });
  await step('read orders of tenant 43', 'ERR_CAVEAT_UNSATISFIED', async () => {
    const { orders } = await tools.listOrders(session, { tenant: '43' });
    return `${orders.length} orders of another tenant`;
  });
  await step('refund 150 on order 17 (needs a human)', 'allow', async () => {
    const call = tools.refundOrder(session, { tenant: '42', order: '17', amount: 150 });
    const id = await pendingApproval(stack, session.session);
    log(`    approval ${id} pending: approving it`);
    await approve(stack, id);
    const r = await call;
    return `order ${r.order} refunded ${r.refunded}`;
  });
  await session.revoke();
  log(`    session ${session.session} revoked at the mint`);
  await step('list orders after the session was revoked', 'ERR_TOKEN_REVOKED', async () => {
    const { orders } = await tools.listOrders(session, { tenant: '42' });
    return `${orders.length} orders`;
  });

  const audit: Readonly<Record<string, unknown>>[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await stack.mint.audit({ session: session.session, ...(cursor && { cursor }) });
    audit.push(...page.events);
    if (page.next === null) break;
    cursor = page.next;
  }
  log('');
  log(`audit trail of session ${session.session} (GET /v1/audit?session=...):`);
  for (const e of audit) {
    const cols = [
      String(e.time),
      String(e.service).padEnd(8),
      String(e.type).padEnd(12),
      String(e.decision ?? '-').padEnd(5),
      e.tool ? `tool=${e.tool}` : (e.route ?? ''),
      e.code ?? '',
    ];
    log(`  ${cols.join('  ')}`);
  }
  const ok = steps.every((s) => s.ok) && audit.length > 0;
  return { session: session.session, steps, audit, ok };
}
