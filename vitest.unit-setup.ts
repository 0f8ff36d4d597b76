// Setup of the unit tier (vitest.config.ts): a unit test runs inside the test process, so
// starting a child process (redis-server, Chromium, the CLI, a service) fails at once with
// a message naming the rule, instead of the file silently slowing the fast loop down.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const childProcess = require('node:child_process') as Record<string, unknown>;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = () => {
    throw new Error(
      `unit tier: this test calls child_process.${name}; a test that starts a process belongs ` +
        'to the integration tier (INTEGRATION in vitest.config.ts, docs/testing.md)',
    );
  };
}
syncBuiltinESMExports();
