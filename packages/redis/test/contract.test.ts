import { type ContractStore, runStoreContract } from '@chit/store/contract';
import {
  type RedisClusterProcess,
  type RedisProcess,
  startRedis,
  startRedisCluster,
} from '@chit/testkit';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../src/index.js';

let redis: RedisProcess;
let cluster: RedisClusterProcess;
let n = 0;

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster({ masters: 3 })]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), cluster?.stop()]);
});

runStoreContract(
  'redis (single)',
  async (clock) => {
    const prefix = `c${n++}`;
    // A restart of the service: a new store (new connections) on the same server and prefix.
    const open = async (): Promise<ContractStore> => {
      const store = await createRedisStore({ url: redis.url, prefix, clock });
      return {
        store,
        reopen: async () => {
          await store.close();
          return open();
        },
        cleanup: () => store.close(),
      };
    };
    return open();
  },
  { restarts: true },
);

runStoreContract('redis (3-master cluster)', async (clock) => {
  const client = new Cluster([...cluster.startupNodes], {
    enableOfflineQueue: false,
    redisOptions: { commandTimeout: 1000, maxRetriesPerRequest: 1 },
  });
  client.on('error', () => {});
  const store = await createRedisStore({ redis: client, prefix: `k${n++}`, clock });
  return {
    store,
    cleanup: async () => {
      await store.close();
      client.disconnect();
    },
  };
});
