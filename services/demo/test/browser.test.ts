/**
 * The approvers' page in real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core, as packages/sdk's browser test): the agent's refund waits for a human,
 * the human clicks Approve, the tool call succeeds.
 */
import { launchChromium } from '@chit/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, demoTools, runScenario, startDemoStack } from '../src/index.js';

let browser: Browser;
let stack: DemoStack;

beforeAll(async () => {
  // Launched first: a missing Chromium fails the suite before the stack starts.
  browser = await launchChromium();
  stack = await startDemoStack({ approvalPollMs: 200 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function clickOnPage(id: string, button: 'approve' | 'deny'): Promise<void> {
  const context = await browser.newContext({ httpCredentials: stack.approverLogin });
  try {
    const page = await context.newPage();
    await page.goto(`${stack.approvalUrl}/`);
    const row = page.locator(`tr[data-approval="${id}"]`);
    await expect(row.locator('.summary').textContent()).resolves.toMatch(/refund \d+ on order \d+/);
    await row.locator(`button.${button}`).click();
    await page.waitForURL(`${stack.approvalUrl}/`);
    await expect(page.locator(`tr[data-approval="${id}"]`).count()).resolves.toBe(0);
  } finally {
    await context.close();
  }
}

describe('approval page in headless Chromium', () => {
  it('click Approve: the waiting refund succeeds (the whole scenario passes)', async () => {
    const result = await runScenario({ stack, approve: (_s, id) => clickOnPage(id, 'approve') });
    const refund = result.steps[3]!;
    expect(refund).toMatchObject({ decision: 'allow', ok: true });
    expect(refund.detail).toBe('order 17 refunded 150');
    expect(result.ok).toBe(true);
  });

  it('click Deny: the refund is refused with ERR_DISCHARGE_MISSING', async () => {
    const session = await stack.runtime.startSession({
      principal: { id: 'user-9' },
      tenant: '42',
      resources: ['orders/*'],
      actions: ['refund'],
      ttl: 300,
    });
    const call = demoTools(stack.ordersUrl).refundOrder(session, {
      tenant: '42',
      order: '16',
      amount: 120,
    });
    // Settled into a value at once: the refusal arrives while the page is being clicked,
    // before the assertion below awaits it (no unhandled rejection in between).
    const outcome = call.then(
      () => null,
      (e: unknown) => e,
    );
    let id: string | undefined;
    for (let i = 0; i < 250 && id === undefined; i++) {
      const res = await fetch(`${stack.approvalUrl}/v1/approvals?status=pending`, {
        headers: stack.approverHeaders,
      });
      id = ((await res.json()) as Pending).approvals.find(
        (a: { request: { session?: string } }) => a.request.session === session.session,
      )?.id;
      if (id === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    await clickOnPage(id!, 'deny');
    expect(await outcome).toMatchObject({ code: 'ERR_DISCHARGE_MISSING' });
  });
});

type Pending = { approvals: { id: string; request: { session?: string } }[] };
