/**
 * Turns a {@link MintConfig} into a running app: opens the store (embedded in the data
 * directory, or Redis when `REDIS_URL` is set), loads or creates the master key and the
 * admin token, and builds the app. Shared by `main.ts` and the tests (restart = call again).
 */
import { type ChitStore, createEmbeddedStore } from '@chit/store';
import type { Clock } from '@chit/token';
import type { DestinationStream } from 'pino';
import { buildMintApp, type MintApp } from './app.js';
import type { MintConfig } from './config.js';
import type { RandomBytes } from './context.js';
import {
  type DataDirPaths,
  dataDirPaths,
  loadOrCreateAdminToken,
  loadOrCreateKeyFile,
  writeSecretFile,
} from './data-dir.js';
import { KeyRing } from './key-ring.js';
import { openRedisStore } from './redis-store.js';

/**
 * What {@link startMint} set up, for the start-up message (paths, never secrets).
 * @example const { app, mode, adminTokenFile } = await startMint(config);
 */
export interface MintRuntime {
  readonly app: MintApp;
  readonly mode: 'embedded' | 'redis';
  readonly paths: DataDirPaths;
  /** Path of the key file, when keys come from the data directory. */
  readonly keysFile?: string;
  /** Path of the admin token file, when the admin token comes from the data directory. */
  readonly adminTokenFile?: string;
  /** True when this start created a file (first start). */
  readonly created: boolean;
}

/**
 * Injectable dependencies of {@link startMint}.
 * @example await startMint(config, { clock: () => fixedMs, logDestination: stream });
 */
export interface MintRuntimeDeps {
  readonly clock?: Clock;
  readonly random?: RandomBytes;
  readonly logDestination?: DestinationStream;
  readonly processMetrics?: boolean;
  readonly stalenessMs?: number;
  readonly mirrorWaitMs?: number;
  /** Use this store instead of opening one from the config. */
  readonly store?: ChitStore;
}

/**
 * Opens everything the config asks for and builds the app (not yet listening).
 * @example
 * ```ts
 * const rt = await startMint(loadConfig(process.env));
 * await rt.app.listen({ port: 7300 });
 * ```
 */
export async function startMint(
  config: MintConfig,
  deps: MintRuntimeDeps = {},
): Promise<MintRuntime> {
  const clock = deps.clock ?? Date.now;
  const paths = dataDirPaths(config.dataDir);
  let created = false;

  let keys: KeyRing;
  let keysFile: string | undefined;
  if (config.rootKeys && config.activeKid) {
    keys = KeyRing.fromRootKeys(config.rootKeys, config.activeKid);
  } else {
    const loaded = await loadOrCreateKeyFile(paths, clock, deps.random);
    created ||= loaded.created;
    keysFile = paths.keysFile;
    keys = KeyRing.fromKeyFile(loaded.file, (file) =>
      writeSecretFile(paths.keysFile, `${JSON.stringify(file, null, 2)}\n`),
    );
  }

  let adminToken = config.adminToken;
  let adminTokenFile: string | undefined;
  if (adminToken === undefined) {
    const loaded = await loadOrCreateAdminToken(paths, deps.random);
    created ||= loaded.created;
    adminToken = loaded.token;
    adminTokenFile = paths.adminTokenFile;
  }

  const mode = config.redisUrl ? 'redis' : 'embedded';
  const store =
    deps.store ??
    (config.redisUrl
      ? await openRedisStore(config.redisUrl, clock, { cluster: config.redisCluster })
      : await createEmbeddedStore({ dir: config.dataDir, clock }));

  const app = await buildMintApp({
    config,
    store,
    keys,
    adminToken,
    clock,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.logDestination ? { logDestination: deps.logDestination } : {}),
    ...(deps.processMetrics !== undefined ? { processMetrics: deps.processMetrics } : {}),
    ...(deps.stalenessMs !== undefined ? { stalenessMs: deps.stalenessMs } : {}),
    ...(deps.mirrorWaitMs !== undefined ? { mirrorWaitMs: deps.mirrorWaitMs } : {}),
  });
  return {
    app,
    mode,
    paths,
    created,
    ...(keysFile ? { keysFile } : {}),
    ...(adminTokenFile ? { adminTokenFile } : {}),
  };
}
