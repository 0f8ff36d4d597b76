/** Fixtures: an approval app on `inject`, a controllable clock, sealed caveats. */
import { type ApprovalRequest, argsDigest, sealApprovalCaveat } from '@chit/agent';
import type { AuditEvent } from '@chit/store';
import type { FastifyInstance } from 'fastify';
import { buildApprovalApp } from '../src/index.js';

export const APPROVAL_KEY = new Uint8Array(32).map((_, i) => (i * 11 + 5) & 255);
export const APPROVER = 'approver-secret-0123456789abcdef0123456789';
export const bearer = { authorization: `Bearer ${APPROVER}` };
export const basic = (user = 'alice', pass = APPROVER) => ({
  authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
});

export function testClock(start = 1_800_000_000_000) {
  let now = start;
  return Object.assign(() => now, {
    advance: (ms: number) => {
      now += ms;
    },
  });
}

export function request(overrides: Partial<ApprovalRequest> = {}, nowSeconds = 1_800_000_000) {
  return {
    tool: 'refund_order',
    action: 'refund',
    resource: 'orders/17',
    tenant: '42',
    session: 's-1',
    principal: 'user-1',
    argsDigest: argsDigest({ order: '17', amount: 150 }),
    summary: 'refund 150 on order 17',
    expiresAt: nowSeconds + 300,
    ...overrides,
  } satisfies ApprovalRequest;
}

export function seal(overrides: Partial<ApprovalRequest> = {}, nowSeconds?: number) {
  return sealApprovalCaveat(APPROVAL_KEY, request(overrides, nowSeconds));
}

export async function buildTestApp(
  extra: { maxRecords?: number; clock?: () => number } = {},
): Promise<{ app: FastifyInstance; clock: ReturnType<typeof testClock>; audit: AuditEvent[] }> {
  const clock = testClock();
  const audit: AuditEvent[] = [];
  const app = await buildApprovalApp({
    approvalKey: APPROVAL_KEY,
    approverToken: APPROVER,
    location: 'http://approval.test',
    clock: extra.clock ?? clock,
    logDestination: false,
    audit: { appendAudit: async (e) => void audit.push(e) },
    ...(extra.maxRecords !== undefined && { maxRecords: extra.maxRecords }),
  });
  await app.ready();
  return { app, clock, audit };
}
