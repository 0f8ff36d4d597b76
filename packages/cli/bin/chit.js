#!/usr/bin/env node
// The `chit` executable: runs the compiled CLI (`pnpm build` makes ../dist).
try {
  await import('../dist/main.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/main.js')) {
    process.stderr.write('ERR_USAGE: chit is not built yet: run `pnpm build` in the repository\n');
    process.exit(2);
  }
  throw e;
}
