// Runs the built `chit` binary as a real child process. Builds the CLI and the packages
// it uses first when any of their sources is newer than its dist (a lock directory keeps
// parallel test files from building at once).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = join(ROOT, 'packages/cli/bin/chit.js');
const PACKAGES = ['token', 'sdk', 'cli'];
const LOCK = join(ROOT, 'packages/cli/.test-build-lock');

function newest(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

function oldestDist(): number {
  let min = Number.POSITIVE_INFINITY;
  for (const pkg of PACKAGES) {
    try {
      min = Math.min(min, statSync(join(ROOT, 'packages', pkg, 'dist/index.js')).mtimeMs);
    } catch {
      return 0;
    }
  }
  return min;
}

function stale(): boolean {
  const src = Math.max(...PACKAGES.map((p) => newest(join(ROOT, 'packages', p, 'src'))));
  return src > oldestDist();
}

/** Builds @chit/cli and its dependencies if their dist is older than their sources. */
export function ensureBuilt(): void {
  // A build in progress rewrites dist file by file: wait for it even when dist looks fresh.
  const waitUntil = Date.now() + 120_000;
  while (existsSync(LOCK) && Date.now() < waitUntil) spawnSync('sleep', ['0.2']);
  if (!stale()) return;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a killed run (older than any real build) is taken over.
      const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 300_000) {
        rmSync(LOCK, { recursive: true, force: true });
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another CLI build');
      spawnSync('sleep', ['0.2']);
    }
  }
  try {
    if (!stale()) return;
    const r = spawnSync('pnpm', ['--filter', '@chit/cli...', 'build'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`building the CLI failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** The outcome of one `chit` run. */
export interface ChitRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node packages/cli/bin/chit.js ...args` with optional stdin and environment. */
export function chit(
  args: readonly string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): ChitRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: opts.input ?? '',
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like {@link chit}, without blocking the event loop (for tests that also run a server). */
export function chitAsync(
  args: readonly string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): Promise<ChitRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
