import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of the workspace packages: every package's
// `exports` map carries a `@chit/source` condition that points at `src/`, so a test
// never depends on a stale `dist/`. The CLI tests spawn the built binary on purpose.
const conditions = ['@chit/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@chit/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
