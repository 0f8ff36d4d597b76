/** Opens the Redis store of @chit/redis for `REDIS_URL` (one client set, closed with the store). */
import { createRedisStore } from '@chit/redis';
import type { ChitStore } from '@chit/store';
import type { Clock } from '@chit/token';

/**
 * The Redis-backed store.
 * @example const store = await openRedisStore('redis://127.0.0.1:6379', Date.now)
 */
export async function openRedisStore(url: string, clock: Clock): Promise<ChitStore> {
  return createRedisStore({ url, clock });
}
