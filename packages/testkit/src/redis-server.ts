/**
 * Real `redis-server` processes for tests: free loopback port, temp dir, no persistence
 * unless asked, ready when it answers PING. Never skips: a missing binary is an error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { redisCommand } from './resp.js';

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Port to use; default a free one. */
  readonly port?: number;
  /** `appendonly yes` (default no). */
  readonly appendonly?: boolean;
  /** `appendfsync` when appendonly (default `always`: nothing acknowledged is lost). */
  readonly appendfsync?: 'always' | 'everysec' | 'no';
  /** `maxmemory-policy` (Redis default `noeviction`). */
  readonly maxmemoryPolicy?: string;
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  readonly args?: readonly string[];
  /** Working directory (default a fresh temp dir, removed by `stop()`). */
  readonly dir?: string;
  /** How long to wait for PING (default 10 000 ms). */
  readonly readyTimeoutMs?: number;
}

/** A running redis-server. */
export interface RedisProcess {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Its working directory (AOF, nodes.conf). */
  readonly dir: string;
  /** SIGTERM, wait for exit, remove the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL (a crash), wait for exit; the dir stays for `restart()`. */
  kill(): Promise<void>;
  /** Start again on the same port and dir (after `kill()`, or kills first). */
  restart(): Promise<void>;
  /** SIGSTOP: the server hangs (connections stay open, nothing answers). */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
}

const INSTALL_HINT =
  'redis-server is not installed or not on PATH: install it (Debian: apt-get install redis-server); Redis tests never skip';

/**
 * Starts a real redis-server on a free loopback port and waits until it answers PING.
 *
 * @example
 * ```ts
 * const redis = await startRedis({ appendonly: true });
 * const client = new Redis(redis.port);
 * // ...
 * await redis.stop();
 * ```
 */
export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisProcess> {
  const port = opts.port ?? (await freePort());
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'chit-redis-')));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--daemonize',
    'no',
    '--protected-mode',
    'no',
    '--appendonly',
    opts.appendonly ? 'yes' : 'no',
    ...(opts.appendonly ? ['--appendfsync', opts.appendfsync ?? 'always'] : []),
    ...(opts.maxmemoryPolicy ? ['--maxmemory-policy', opts.maxmemoryPolicy] : []),
    ...(opts.args ?? []),
  ];
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;
  let stopped = false;

  const launch = async (): Promise<void> => {
    const proc = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    const collect = (b: Buffer) => {
      if (output.length < 8192) output += b.toString();
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' ? new Error(INSTALL_HINT) : e),
      );
      proc.once('exit', (code) =>
        reject(new Error(`redis-server exited (code ${code}) on port ${port}:\n${output}`)),
      );
    });
    failed.catch(() => {});
    await Promise.race([waitForPing(port, readyTimeoutMs), failed]);
  };

  const waitExit = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGCONT'); // a paused server cannot handle SIGTERM
      proc.kill(signal);
    });
  };

  await launch();
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await waitExit('SIGTERM');
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
    async kill() {
      await waitExit('SIGKILL');
    },
    async restart() {
      await waitExit('SIGKILL');
      await launch();
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await redisCommand(port, ['PING'], 500)) === 'PONG') return;
    } catch (e) {
      // LOADING (AOF replay) and ECONNREFUSED both mean: not yet.
      if (Date.now() > deadline) {
        throw new Error(
          `redis-server on port ${port} did not answer PING: ${(e as Error).message}`,
        );
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
