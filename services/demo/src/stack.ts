/**
 * Starts the demo's services in this process on embedded defaults: a temporary data
 * directory, fresh random keys, free loopback ports. Nothing to configure, nothing kept.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentRuntime, createAgentRuntime, createApprovalClient } from '@chit/agent';
import { buildApprovalApp } from '@chit/approval';
import { loadConfig, startMint } from '@chit/mint';
import { createMintClient, type FetchLike, type MintClient } from '@chit/sdk';
import { type ChitStore, createEmbeddedStore } from '@chit/store';
import type { FastifyInstance } from 'fastify';
import { buildOrdersApp } from './orders.js';

/** The running demo services. Secrets stay inside: only URLs are exposed. */
export interface DemoStack {
  readonly mintUrl: string;
  readonly ordersUrl: string;
  readonly approvalUrl: string;
  readonly store: ChitStore;
  /** The application's mint client (admin): mint sessions, revoke, read the audit trail. */
  readonly mint: MintClient;
  readonly runtime: AgentRuntime;
  /** Approver `Authorization` header for the approval API (Bearer). */
  readonly approverHeaders: Readonly<Record<string, string>>;
  /** Approver credentials for the page (HTTP Basic). */
  readonly approverLogin: { readonly username: string; readonly password: string };
  close(): Promise<void>;
}

/**
 * A free TCP port on loopback (asked of the OS, then released).
 * @example const port = await freeLoopbackPort()
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts mint, orders and approval services and an agent runtime wired to them.
 * @example
 * ```ts
 * const stack = await startDemoStack()
 * try { ... } finally { await stack.close() }
 * ```
 */
export async function startDemoStack(
  options: {
    readonly approvalPollMs?: number;
    /** The `fetch` tool calls use for downstream services (tests observe requests with it). */
    readonly fetch?: FetchLike;
  } = {},
): Promise<DemoStack> {
  const dir = await mkdtemp(join(tmpdir(), 'chit-demo-'));
  const apps: FastifyInstance[] = [];
  try {
    const rootKey = randomBytes(32);
    const kid = 'demo-1';
    const adminToken = randomBytes(32).toString('hex');
    const approverToken = randomBytes(32).toString('hex');
    const approvalKey = Uint8Array.from(randomBytes(32));
    const store = await createEmbeddedStore({ dir, clock: Date.now });

    const config = loadConfig({
      CHIT_DATA_DIR: dir,
      CHIT_ROOT_KEYS: `${kid}:${rootKey.toString('hex')}`,
      CHIT_ADMIN_TOKEN: adminToken,
      CHIT_LOG_LEVEL: process.env.CHIT_DEMO_LOG_LEVEL ?? 'silent',
      CHIT_SERVICE_NAME: 'mint',
    });
    const mintRt = await startMint(config, { store });
    apps.push(mintRt.app);
    const mintUrl = await mintRt.app.listen({ port: 0, host: '127.0.0.1' });

    const orders = await buildOrdersApp({
      keys: (k) => (k === kid ? Uint8Array.from(rootKey) : undefined),
      store,
    });
    apps.unshift(orders);
    const ordersUrl = await orders.listen({ port: 0, host: '127.0.0.1' });

    const approvalPort = await freeLoopbackPort();
    const approvalUrl = `http://127.0.0.1:${approvalPort}`;
    const approval = await buildApprovalApp({
      approvalKey,
      approverToken,
      location: approvalUrl,
      audit: store,
      logDestination: false,
    });
    apps.unshift(approval);
    await approval.listen({ port: approvalPort, host: '127.0.0.1' });

    const mint = createMintClient({ baseUrl: mintUrl, adminToken });
    const runtime = createAgentRuntime({
      mint,
      audit: store,
      service: 'agent',
      ...(options.fetch !== undefined && { fetch: options.fetch }),
      audiences: { [new URL(ordersUrl).origin]: 'orders' },
      approvals: createApprovalClient({
        baseUrl: approvalUrl,
        approvalKey,
        pollMs: options.approvalPollMs ?? 1000,
      }),
    });
    return {
      mintUrl,
      ordersUrl,
      approvalUrl,
      store,
      mint,
      runtime,
      approverHeaders: { authorization: `Bearer ${approverToken}` },
      approverLogin: { username: 'demo-approver', password: approverToken },
      async close() {
        // Services first, the mint last: it closes the shared store.
        for (const app of apps) await app.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const app of apps) await app.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
