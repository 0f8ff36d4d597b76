/**
 * The approval service's entry point: `node services/approval/dist/main.js`.
 * Configuration from the environment (see config.ts); exit code 2 on a bad configuration.
 */
import { buildApprovalApp } from './app.js';
import { ApprovalConfigError, loadApprovalConfig } from './config.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadApprovalConfig>;
  try {
    config = loadApprovalConfig(process.env);
  } catch (e) {
    if (e instanceof ApprovalConfigError) {
      process.stderr.write(`chit-approval: invalid configuration: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const app = await buildApprovalApp({
    approvalKey: config.approvalKey,
    approverToken: config.approverToken,
    location: config.location,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  const address = await app.listen({ port: config.port, host: config.host });
  process.stderr.write(`chit-approval listening on ${address} (approvers' page: ${address}/)\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `chit-approval: failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
});
