/**
 * Mint killed with SIGKILL while clients spend budgets (embedded store). Budgeted tokens
 * (`uses <= limit`) are verified through `/v1/verify` by `concurrency` clients; once
 * `killAfter` uses have been answered "allowed" the mint is SIGKILLed, restarted on the same
 * data directory, and every token is verified until it is refused. Every acknowledged use
 * must still be counted: uses granted before plus after the crash never exceed the limit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, startService } from './process.js';

/**
 * The figures of one run.
 * @example
 * ```ts
 * const { overLimit }: BudgetKillReport = await runBudgetKill({ tokens: 8, uses: 40, killAfter: 150, concurrency: 8 });
 * ```
 */
export interface BudgetKillReport {
  /** Uses answered "allowed" before the kill. */
  readonly acknowledged: number;
  /** Requests in flight or refused at the kill (may or may not have been counted). */
  readonly unacknowledged: number;
  /** Uses the restarted mint still granted, over all tokens. */
  readonly grantedAfterRestart: number;
  /** Tokens whose uses before plus after the restart exceed the limit: must be empty. */
  readonly overLimit: readonly { tokenId: string; before: number; after: number }[];
  /** Codes of the final refusal of each token after the restart (all ERR_BUDGET_EXHAUSTED). */
  readonly finalCodes: Readonly<Record<string, number>>;
}

const ADMIN = `hardening-admin-${'b'.repeat(40)}`;
const CONTEXT = { tenant: '42', resource: 'orders/1', action: 'read' };

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function verify(base: string, token: string): Promise<{ allowed: boolean; code?: string }> {
  const res = await post(`${base}/v1/verify`, { token, context: CONTEXT });
  if (res.status !== 200) throw new Error(`verify answered ${res.status}`);
  return (await res.json()) as { allowed: boolean; code?: string };
}

/**
 * Runs the scenario once.
 * @example
 * ```ts
 * const r = await runBudgetKill({ tokens: 8, uses: 40, killAfter: 150, concurrency: 8 }); r.overLimit // []
 * ```
 */
export async function runBudgetKill(opts: {
  tokens: number;
  uses: number;
  killAfter: number;
  concurrency: number;
}): Promise<BudgetKillReport> {
  if (opts.killAfter >= opts.tokens * opts.uses)
    throw new RangeError('killAfter must be below tokens * uses');
  const dir = await mkdtemp(join(tmpdir(), 'chit-hardening-budget-kill-'));
  const env = { CHIT_DATA_DIR: dir, CHIT_ADMIN_TOKEN: ADMIN, CHIT_MINT_RATE_LIMIT: '1000000' };
  let mint: ServiceProcess | undefined = await startService('mint', env);
  try {
    const minted: { token: string; tokenId: string }[] = [];
    for (let i = 0; i < opts.tokens; i++) {
      const res = await post(`${mint.url}/v1/tokens`, {
        principal: { id: `user-${i}` },
        tenant: '42',
        resources: ['orders/*'],
        actions: ['read'],
        ttl: 3600,
        budget: { uses: opts.uses },
      });
      if (res.status !== 201) throw new Error(`mint answered ${res.status}`);
      minted.push((await res.json()) as { token: string; tokenId: string });
    }
    const before = new Map<string, number>(minted.map((m) => [m.tokenId, 0]));
    let acknowledged = 0;
    let unacknowledged = 0;
    let next = 0;
    let killing: Promise<unknown> | undefined;
    const running = mint;
    const worker = async () => {
      while (killing === undefined) {
        const m = minted[next++ % minted.length]!;
        try {
          const d = await verify(running.url, m.token);
          if (!d.allowed) continue; // exhausted already: another token is picked next
          before.set(m.tokenId, before.get(m.tokenId)! + 1);
          // The kill is sent on the acknowledged use that reaches the threshold: no timers.
          if (++acknowledged >= opts.killAfter) killing ??= running.stop('SIGKILL');
        } catch {
          unacknowledged++;
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    await killing;
    mint = await startService('mint', env);
    const overLimit: { tokenId: string; before: number; after: number }[] = [];
    const finalCodes: Record<string, number> = {};
    let grantedAfterRestart = 0;
    for (const m of minted) {
      let after = 0;
      for (;;) {
        const d = await verify(mint.url, m.token);
        if (!d.allowed) {
          finalCodes[d.code ?? 'none'] = (finalCodes[d.code ?? 'none'] ?? 0) + 1;
          break;
        }
        // A restart that forgot the counts would grant up to `uses` again: stop there.
        if (++after > opts.uses) break;
      }
      grantedAfterRestart += after;
      const b = before.get(m.tokenId)!;
      if (b + after > opts.uses) overLimit.push({ tokenId: m.tokenId, before: b, after });
    }
    return { acknowledged, unacknowledged, grantedAfterRestart, overLimit, finalCodes };
  } finally {
    await mint?.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}
