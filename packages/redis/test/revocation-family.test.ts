/**
 * The `family` of a holder entry in the Redis form (`rev,exp,ib,family`): parsed only
 * where it can be, refused at write when it could not be read back, and merged with an
 * entry stored before the field existed.
 */
import { type RevocationEntry, RevocationMirror } from '@chit/store';
import { type RedisProcess, startRedis } from '@chit/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, keyLayout, parseRevocation } from '../src/index.js';

const FAMILY = 'a1'.repeat(16);
let redis: RedisProcess;
let n = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('parseRevocation: family', () => {
  it('parses the family of a holder entry', () => {
    expect(parseRevocation('fingerprint:ff', '1,2,,ab12')).toEqual({
      kind: 'fingerprint',
      value: 'ff',
      revokedAt: 1,
      expiresAt: 2,
      family: 'ab12',
    });
  });

  it('rejects a family anywhere else or in any other form', () => {
    for (const [field, value] of [
      ['token:ff', '1,2,,ab12'],
      ['principal:u', '1,2,3,ab12'],
      ['fingerprint:ff', '1,2,3,ab12'],
      ['fingerprint:ff', '1,2,,'],
      ['fingerprint:ff', '1,2,,AB12'],
      ['fingerprint:ff', '1,2,,ab,12'],
      ['fingerprint:ff', '1,2,,ab\t12'],
    ] as const) {
      expect(parseRevocation(field, value), `${field} ${value}`).toBeUndefined();
    }
  });
});

describe('redis store: family', () => {
  const now = Math.floor(Date.now() / 1000);
  const holder = (over: Partial<RevocationEntry> = {}): RevocationEntry => ({
    kind: 'fingerprint',
    value: 'f'.repeat(64),
    revokedAt: now,
    expiresAt: now + 600,
    family: FAMILY,
    ...over,
  });

  it('refuses a family it could not read back (TypeError), storing nothing', async () => {
    const store = await createRedisStore({ url: redis.url, prefix: `fam${n++}`, clock: Date.now });
    try {
      for (const family of ['AB12', 'ab\n12', 'ab,12', '']) {
        await expect(store.revoke(holder({ family }))).rejects.toThrow(TypeError);
      }
      await expect(
        store.revoke({
          kind: 'token',
          value: FAMILY,
          revokedAt: now,
          expiresAt: now + 60,
          family: FAMILY,
        }),
      ).rejects.toThrow(TypeError);
      expect(await store.listRevocations(now)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('merges with an entry stored without a family (before the field existed)', async () => {
    const prefix = `fam${n++}`;
    const keys = keyLayout(prefix);
    const raw = new Redis(redis.url);
    const field = `fingerprint:${'f'.repeat(64)}`;
    await raw.hset(keys.revocations, field, `${now},${now + 900},`);
    await raw.zadd(keys.revocationExpiry, now + 900, field);
    await raw.append(keys.revocationLog, `${field}\t${now},${now + 900},\n`);
    raw.disconnect();
    const store = await createRedisStore({ url: redis.url, prefix, clock: Date.now });
    try {
      await store.revoke(holder({ expiresAt: now + 300 }));
      const merged = holder({ expiresAt: now + 900 });
      expect(await store.listRevocations(now)).toEqual([merged]);
      const mirror = new RevocationMirror();
      await store.scanRevocations!(now, (e) => mirror.apply(e));
      expect(mirror.holderRevocations(FAMILY)).toBe(1);
    } finally {
      await store.close();
    }
  });
});
