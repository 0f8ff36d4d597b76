/**
 * Child processes of the suite: the mint (`services/mint`) and the standalone verifier
 * (`verifier-main`), started on a free port and stopped by signal. Tests run them from
 * the TypeScript sources (tsx, `@chit/source` condition); scripts from the built `dist`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@chit/testkit';

const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * The repository root (this file is in packages/hardening/src or dist).
 * @example
 * ```ts
 * join(REPO_ROOT, 'services', 'mint', 'dist', 'main.js')
 * ```
 */
export const REPO_ROOT = join(HERE, '..', '..', '..');
const FROM_SOURCE = HERE.endsWith('src');

/**
 * A running child service.
 * @example
 * ```ts
 * const v: ServiceProcess = await startService('verifier', { REDIS_URL }); v.rssBytes();
 * ```
 */
export interface ServiceProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resident set size in bytes (Linux `/proc`). */
  rssBytes(): number;
  /** Sends the signal and waits for the exit; resolves to the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Which service to start.
 * @example
 * ```ts
 * const name: ServiceName = 'mint';
 * ```
 */
export type ServiceName = 'mint' | 'verifier';

function entryOf(name: ServiceName): string[] {
  const rel =
    name === 'mint'
      ? ['services', 'mint', FROM_SOURCE ? 'src' : 'dist', `main.${FROM_SOURCE ? 'ts' : 'js'}`]
      : [
          'packages',
          'hardening',
          FROM_SOURCE ? 'src' : 'dist',
          `verifier-main.${FROM_SOURCE ? 'ts' : 'js'}`,
        ];
  const file = join(REPO_ROOT, ...rel);
  return FROM_SOURCE ? ['--conditions=@chit/source', '--import', 'tsx', file] : [file];
}

/**
 * Starts a service on a free port and waits until `GET /healthz` answers.
 * @example
 * ```ts
 * const mint = await startService('mint', { CHIT_DATA_DIR: dir, CHIT_ADMIN_TOKEN: admin });
 * await mint.stop('SIGKILL');
 * ```
 */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  opts: { port?: number; readyTimeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, entryOf(name), {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CHIT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-20_000);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it was ready: ${err.slice(-2000)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready in time: ${err.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url,
    child,
    stderr: () => err,
    rssBytes: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return Number(kb) * 1024;
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Runs a service to completion (for start-up refusals) and returns its exit code and stderr.
 * @example
 * ```ts
 * const { code, stderr } = await runServiceToExit('mint', { REDIS_URL: url });
 * ```
 */
export async function runServiceToExit(
  name: ServiceName,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | string; stderr: string }> {
  const child = spawn(process.execPath, entryOf(name), {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(await freePort()), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolve) => {
    child.once('exit', (c, s) => resolve(c ?? s ?? 'unknown'));
  });
  clearTimeout(timer);
  return { code, stderr };
}
