import { configDefaults, defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of the workspace packages: every package's
// `exports` map carries a `@chit/source` condition that points at `src/`, so a test
// never depends on a stale `dist/`. The CLI tests spawn the built binary on purpose.
const conditions = ['@chit/source', 'module', 'node', 'import', 'default'];

const ALL = ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts'];

// The tiers (docs/testing.md). `vitest run` (the README's `pnpm test`, CI) runs all three.
// - system: the hardening suite at CI size (adversarial corpora, faults, soak, timing,
//   fuzz slice, audit completeness), by directory.
// - integration: a test file that starts a child process: redis-server, Chromium, the CLI
//   binary, a service or a crash writer. Listed by path glob below (whole directories where
//   every file does, then by name). The unit tier refuses child processes (see
//   vitest.unit-setup.ts), so a file missing here fails there with a message saying so.
// - unit: everything else. It runs inside the test process (fastify `inject`, or loopback
//   sockets the test opens itself); no build needed.
const SYSTEM = ['packages/hardening/test/**/*.test.ts'];
const INTEGRATION = [
  'packages/redis/test/**/*.test.ts',
  'packages/testkit/test/**/*.test.ts',
  'packages/cli/test/**/*.test.ts',
  'services/demo/test/**/*.test.ts',
  '**/test/**/browser*.test.ts',
  '**/test/**/*.e2e.test.ts',
  '**/test/**/redis*.test.ts',
  'packages/fastify/test/{cluster-budgets,outage,remote,revocation}.test.ts',
  'packages/store/test/embedded-{budgets,persistence}.test.ts',
  'services/mint/test/ops.test.ts',
];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@chit/source'] } },
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ALL,
          exclude: [...configDefaults.exclude, ...INTEGRATION, ...SYSTEM],
          setupFiles: ['./vitest.unit-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          exclude: [...configDefaults.exclude, ...SYSTEM],
        },
      },
      { extends: true, test: { name: 'system', include: SYSTEM } },
    ],
  },
});
