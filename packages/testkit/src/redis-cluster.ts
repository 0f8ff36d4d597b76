/**
 * A real Redis Cluster for tests: N cluster-enabled redis-server masters on free
 * loopback ports, all 16384 slots assigned, ready once every node reports
 * `cluster_state:ok`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type RedisProcess, startRedis } from './redis-server.js';
import { redisCommand } from './resp.js';

const run = promisify(execFile);

/** Options of {@link startRedisCluster}. */
export interface StartRedisClusterOptions {
  /** Number of masters (default 3, at least 3 for redis-cli; any number from Node). */
  readonly masters?: number;
  /** Assign slots from Node (CLUSTER ADDSLOTSRANGE/MEET) even if redis-cli is present. */
  readonly withoutRedisCli?: boolean;
  /** How long to wait for `cluster_state:ok` (default 20 000 ms). */
  readonly readyTimeoutMs?: number;
}

/** A running cluster. */
export interface RedisClusterProcess {
  readonly nodes: readonly RedisProcess[];
  /** Startup nodes for ioredis `new Cluster(...)`. */
  readonly startupNodes: readonly { host: string; port: number }[];
  /** Stops every node. */
  stop(): Promise<void>;
}

/**
 * Starts a cluster of `masters` nodes.
 *
 * @example
 * ```ts
 * const cluster = await startRedisCluster({ masters: 3 });
 * const client = new Cluster([...cluster.startupNodes]);
 * // ...
 * await cluster.stop();
 * ```
 */
export async function startRedisCluster(
  opts: StartRedisClusterOptions = {},
): Promise<RedisClusterProcess> {
  const masters = opts.masters ?? 3;
  if (!Number.isInteger(masters) || masters < 1)
    throw new RangeError('masters must be a positive integer');
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(
        await startRedis({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
          ],
        }),
      );
    }
    const useCli = !opts.withoutRedisCli && masters >= 3 && (await hasRedisCli());
    if (useCli) {
      await run('redis-cli', [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
    } else {
      await assignSlotsFromNode(nodes);
    }
    await waitClusterOk(nodes, opts.readyTimeoutMs ?? 20_000);
  } catch (e) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw e;
  }
  return {
    nodes,
    startupNodes: nodes.map((n) => ({ host: n.host, port: n.port })),
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}

async function hasRedisCli(): Promise<boolean> {
  try {
    await run('redis-cli', ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function assignSlotsFromNode(nodes: readonly RedisProcess[]): Promise<void> {
  const per = Math.ceil(16384 / nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const from = i * per;
    const to = Math.min(16383, from + per - 1);
    await redisCommand(nodes[i]!.port, ['CLUSTER', 'ADDSLOTSRANGE', String(from), String(to)]);
  }
  for (const n of nodes.slice(1)) {
    await redisCommand(nodes[0]!.port, ['CLUSTER', 'MEET', '127.0.0.1', String(n.port)]);
  }
}

async function waitClusterOk(nodes: readonly RedisProcess[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const n of nodes) {
    for (;;) {
      const info = await redisCommand(n.port, ['CLUSTER', 'INFO']).catch(() => '');
      if (
        info?.includes('cluster_state:ok') &&
        info.includes(`cluster_known_nodes:${nodes.length}`)
      )
        break;
      if (Date.now() > deadline) throw new Error(`cluster node ${n.port} not ok: ${info}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
