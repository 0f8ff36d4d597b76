/** Test fixtures: a real mint service on a real socket, over an in-memory embedded store. */
import { randomBytes } from 'node:crypto';
import { loadConfig, startMint } from '@chit/mint';
import { createMintClient, type MintClient } from '@chit/sdk';
import { type AuditEvent, type ChitStore, createEmbeddedStore } from '@chit/store';
import { ChitError } from '@chit/token';
import { afterAll, beforeAll } from 'vitest';
import { z } from 'zod';
import { type AgentRuntimeOptions, createAgentRuntime, guardTool } from '../src/index.js';

export const ROOT_KEY = randomBytes(32);
export const ADMIN_TOKEN = randomBytes(32).toString('hex');

/** A controllable clock (Unix ms), starting now. */
export function testClock(start = Date.now()) {
  let now = start;
  return Object.assign(() => now, {
    advance: (ms: number) => {
      now += ms;
    },
  });
}

export interface MintHarness {
  readonly url: string;
  readonly mint: MintClient;
  readonly store: ChitStore;
  /** Every audit event appended through the store, in order. */
  readonly events: AuditEvent[];
  close(): Promise<void>;
}

/** Starts the mint service (real socket, memory store) with a fixed root key. */
export async function startMintHarness(clock: () => number = Date.now): Promise<MintHarness> {
  const store = await createEmbeddedStore({ clock });
  const config = loadConfig({
    CHIT_DATA_DIR: '/nonexistent-chit-agent-test',
    CHIT_ROOT_KEYS: `t1:${ROOT_KEY.toString('hex')}`,
    CHIT_ADMIN_TOKEN: ADMIN_TOKEN,
    CHIT_LOG_LEVEL: 'silent',
    CHIT_SERVICE_NAME: 'mint',
  });
  const events: AuditEvent[] = [];
  const recording: ChitStore = {
    ...store,
    appendAudit: async (e) => {
      events.push(e);
      await store.appendAudit(e);
    },
    appendAudits: async (batch) => {
      events.push(...batch);
      await store.appendAudits(batch);
    },
  };
  const rt = await startMint(config, { store: recording, clock });
  const url = await rt.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    mint: createMintClient({ baseUrl: url, adminToken: ADMIN_TOKEN, retries: 0 }),
    store: recording,
    events,
    close: () => rt.app.close(),
  };
}

/**
 * One mint harness for the calling suite: started in `beforeAll`, closed in `afterAll`.
 * The object is filled in when the suite starts; read it only inside hooks and tests.
 */
export function suiteMintHarness(clock: () => number = Date.now): MintHarness {
  const h = {} as MintHarness;
  beforeAll(async () => {
    Object.assign(h, await startMintHarness(clock));
  });
  afterAll(async () => {
    await h.close?.();
  });
  return h;
}

/** The code of the ChitError `p` rejects with (anything else, or no rejection, fails). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChitError) return e.code;
    throw e;
  }
  throw new Error('expected a ChitError');
}

/** A runtime on the harness. */
export function runtimeOn(h: MintHarness, extra: Partial<AgentRuntimeOptions> = {}) {
  return createAgentRuntime({ mint: h.mint, audit: h.store, ...extra });
}

/** The standard session of the tests: tenant 42, orders and customers, 3 actions. */
export const SPEC = {
  principal: { id: 'user-1', role: 'agent' },
  tenant: '42',
  resources: ['customers/*/orders', 'orders', 'orders/*'],
  actions: ['list', 'read', 'refund'],
  ttl: 600,
} as const;

/** A tool that records its runs; its handler returns what it saw. */
export function recordingTool(runs: unknown[] = []) {
  const tool = guardTool(
    {
      name: 'list_orders',
      args: z.strictObject({ tenant: z.string().regex(/^[0-9]{1,12}$/) }),
      needs: (a) => ({ tenant: a.tenant, action: 'list', resource: 'orders' }),
    },
    async (a, ctx) => {
      runs.push(a);
      return {
        tenants: ctx.capability.tenants,
        actions: ctx.capability.actions,
        digest: ctx.argsDigest,
      };
    },
  );
  return { tool, runs };
}
