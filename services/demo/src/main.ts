/**
 * `pnpm demo`: starts mint, orders and approval services in this process (temporary
 * data, free ports), runs the scripted agent session, prints every step and the audit
 * trail, and exits 0 only if every decision was the expected one.
 */
import { runScenario } from './scenario.js';
import { startDemoStack } from './stack.js';

async function main(): Promise<number> {
  const stack = await startDemoStack();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    out(`mint ${stack.mintUrl}  orders ${stack.ordersUrl}  approval ${stack.approvalUrl}`);
    const result = await runScenario({ stack, log: out });
    out('');
    out(result.ok ? 'demo: every decision was the expected one' : 'demo: UNEXPECTED decision');
    return result.ok ? 0 : 1;
  } finally {
    await stack.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
