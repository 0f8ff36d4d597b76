/**
 * The verifier's injected clock stepped ±5 minutes (forwards, then backwards past where it
 * started): no crash, no 500, and expiry / not-before decisions follow the 30 s leeway to
 * the second (valid while notBefore - 30 <= now < expires + 30), on the embedded store and
 * on Redis (whose revocation mirror must not mistake a clock step for staleness).
 */
import { createRedisStore } from '@chit/redis';
import { type ChitStore, createEmbeddedStore } from '@chit/store';
import { type RedisProcess, startRedis } from '@chit/testkit';
import { caveat, LEEWAY_SECONDS } from '@chit/token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authHeaders,
  buildVerifierApp,
  keys,
  mintToken,
  NOW_S,
  readerCaveats,
  settableClock,
  type VerifierApp,
} from '../src/index.js';

// The one leeway every verifier uses.
const LEEWAY = LEEWAY_SECONDS;
const STEPS_S = [0, 300, -300, 299, -1, 0];
let redis: RedisProcess;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

async function check(v: VerifierApp, token: string): Promise<[number, string | undefined]> {
  const res = await v.app.inject({ url: '/orders/7', headers: authHeaders(token) });
  return [
    res.statusCode,
    res.statusCode === 200 ? undefined : (res.json() as { error: { code: string } }).error.code,
  ];
}

describe.each(['embedded', 'redis'] as const)('clock steps (%s store)', (kind) => {
  it('decisions follow the leeway exactly at every step', async () => {
    const clock = settableClock();
    const store: ChitStore =
      kind === 'embedded'
        ? await createEmbeddedStore({ clock })
        : await createRedisStore({ url: redis.url, clock, prefix: `clock${Date.now()}` });
    const v = await buildVerifierApp({ chit: { keys, store, clock } });
    try {
      const issuedAt = NOW_S - 600;
      const fixed = mintToken({ issuedAt, caveats: readerCaveats(NOW_S + 200) }).token;
      for (const step of STEPS_S) {
        for (const subSecond of [0, 999]) {
          clock.set((NOW_S + step) * 1000 + subSecond);
          const now = NOW_S + step;
          const at = (caveats: string[]) => mintToken({ issuedAt, caveats }).token;
          const table: [string, string, [number, string | undefined]][] = [
            ['expires now-30', at([...readerCaveats(now - LEEWAY)]), [401, 'ERR_TOKEN_EXPIRED']],
            ['expires now-29', at([...readerCaveats(now - LEEWAY + 1)]), [200, undefined]],
            ['expires now', at([...readerCaveats(now)]), [200, undefined]],
            [
              'not-before now+30',
              at([...readerCaveats(), caveat.notBefore(now + LEEWAY)]),
              [200, undefined],
            ],
            [
              'not-before now+31',
              at([...readerCaveats(), caveat.notBefore(now + LEEWAY + 1)]),
              [401, 'ERR_TOKEN_NOT_YET_VALID'],
            ],
            [
              'fixed token (expires NOW+200)',
              fixed,
              now >= NOW_S + 200 + LEEWAY ? [401, 'ERR_TOKEN_EXPIRED'] : [200, undefined],
            ],
          ];
          for (const [name, token, expected] of table) {
            expect([`${name} @ step ${step}s +${subSecond}ms`, ...(await check(v, token))]).toEqual(
              [`${name} @ step ${step}s +${subSecond}ms`, ...expected],
            );
          }
        }
      }
    } finally {
      await v.app.close();
      await store.close();
    }
  }, 60_000);
});
