/**
 * The mint service's entry point: `node services/mint/dist/main.js`. Reads the
 * environment once, starts on embedded defaults when nothing is configured, and shuts
 * down gracefully on SIGTERM/SIGINT.
 */
import { ConfigError, loadConfig } from './config.js';
import { startMint } from './runtime.js';
import { installShutdown } from './shutdown.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`chit-mint: invalid configuration: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const rt = await startMint(config, { processMetrics: true });
  installShutdown(rt.app);
  const address = await rt.app.listen({ port: config.port, host: config.host });
  const lines = [
    `chit-mint listening on ${address} (${rt.mode} mode${rt.mode === 'embedded' ? `, data in ${rt.paths.dir}` : ''})`,
  ];
  if (rt.keysFile) lines.push(`  master keys:  ${rt.keysFile}`);
  if (rt.adminTokenFile) {
    lines.push(
      `  admin token:  ${rt.adminTokenFile}  (export CHIT_ADMIN_TOKEN=$(cat ${rt.adminTokenFile}))`,
    );
  }
  if (rt.created) lines.push('  (created on this first start, mode 0600)');
  lines.push(`  API docs:     ${address}/docs`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `chit-mint: failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
});
