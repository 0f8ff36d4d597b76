import { credentialsFor } from '@chit/protocol';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const KEY_A = 'aa'.repeat(32);
const KEY_B = 'bb'.repeat(40);

function fails(env: Record<string, string>, variable: string): void {
  let err: unknown;
  try {
    loadConfig(env);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).variable).toBe(variable);
  expect((err as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
}

describe('loadConfig', () => {
  it('starts with no configuration on embedded defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 7300,
      host: '127.0.0.1',
      adminToken: undefined,
      rootKeys: undefined,
      activeKid: undefined,
      redisUrl: undefined,
      dataDir: './.chit',
      maxTtl: 86400,
      trustProxy: false,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' }).port).toBe(7300);
  });

  it('parses every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      CHIT_ADMIN_TOKEN: 'x'.repeat(40),
      CHIT_ROOT_KEYS: `k1:${KEY_A},k2:${KEY_B}`,
      CHIT_ACTIVE_KID: 'k2',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      CHIT_DATA_DIR: '/var/lib/chit',
      CHIT_MAX_TTL: '3600',
      CHIT_MINT_CLIENTS: JSON.stringify({
        agents: { secretHash: 'ab'.repeat(32), tenants: ['42'], maxTtl: 7200 },
      }),
      CHIT_TRUST_PROXY: 'true',
    });
    expect(c.port).toBe(8080);
    expect(c.rootKeys?.map((k) => [k.kid, k.key.length])).toEqual([
      ['k1', 32],
      ['k2', 40],
    ]);
    expect(c.activeKid).toBe('k2');
    // A client's maxTtl is capped by CHIT_MAX_TTL.
    expect(c.mintClients.agents).toEqual({
      secretHash: 'ab'.repeat(32),
      tenants: ['42'],
      maxTtl: 3600,
    });
    expect(c.trustProxy).toBe(true);
  });

  it('accepts an admin token of exactly 32 visible ASCII characters, base64 punctuation included', () => {
    const token = `${'A'.repeat(28)}+/!=`;
    expect(loadConfig({ CHIT_ADMIN_TOKEN: token }).adminToken).toBe(token);
    fails({ CHIT_ADMIN_TOKEN: token.slice(1) }, 'CHIT_ADMIN_TOKEN');
  });

  it('accepts exactly the admin tokens the Authorization parser can carry', () => {
    for (const token of [
      `${'A'.repeat(28)}+/!=`,
      `${'x'.repeat(20)} ${'x'.repeat(20)}`,
      'é'.repeat(40),
    ]) {
      const carried = credentialsFor(`Bearer ${token}`, 'Bearer') === token;
      let accepted = true;
      try {
        loadConfig({ CHIT_ADMIN_TOKEN: token });
      } catch {
        accepted = false;
      }
      expect(accepted).toBe(carried);
    }
  });

  it('defaults the active kid when there is one key', () => {
    expect(loadConfig({ CHIT_ROOT_KEYS: `main:${KEY_A}` }).activeKid).toBe('main');
  });

  it.each([
    [{ PORT: 'http' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ CHIT_ADMIN_TOKEN: 'short' }, 'CHIT_ADMIN_TOKEN'],
    // Never accepted by the strict Authorization parser: a startup error, not a dead secret.
    [{ CHIT_ADMIN_TOKEN: `${'x'.repeat(20)} ${'x'.repeat(20)}` }, 'CHIT_ADMIN_TOKEN'],
    [{ CHIT_ADMIN_TOKEN: `${'x'.repeat(40)}\t` }, 'CHIT_ADMIN_TOKEN'],
    [{ CHIT_ADMIN_TOKEN: 'é'.repeat(40) }, 'CHIT_ADMIN_TOKEN'],
    [{ CHIT_ROOT_KEYS: 'k1' }, 'CHIT_ROOT_KEYS'],
    [{ CHIT_ROOT_KEYS: `k1:${'aa'.repeat(31)}` }, 'CHIT_ROOT_KEYS'],
    [{ CHIT_ROOT_KEYS: `k1:${'zz'.repeat(32)}` }, 'CHIT_ROOT_KEYS'],
    [{ CHIT_ROOT_KEYS: `bad kid:${KEY_A}` }, 'CHIT_ROOT_KEYS'],
    [{ CHIT_ROOT_KEYS: `k1:${KEY_A},k1:${KEY_B}` }, 'CHIT_ROOT_KEYS'],
    [{ CHIT_ROOT_KEYS: `k1:${KEY_A},k2:${KEY_B}` }, 'CHIT_ACTIVE_KID'],
    [{ CHIT_ROOT_KEYS: `k1:${KEY_A}`, CHIT_ACTIVE_KID: 'k9' }, 'CHIT_ACTIVE_KID'],
    [{ CHIT_ACTIVE_KID: 'k1' }, 'CHIT_ACTIVE_KID'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    [{ CHIT_MINT_CLIENTS: '{' }, 'CHIT_MINT_CLIENTS'],
    [
      { CHIT_MINT_CLIENTS: '{"a":{"secretHash":"nothex","tenants":["1"],"maxTtl":1}}' },
      'CHIT_MINT_CLIENTS',
    ],
    [
      { CHIT_MINT_CLIENTS: `{"a":{"secretHash":"${'ab'.repeat(32)}","tenants":[],"maxTtl":1}}` },
      'CHIT_MINT_CLIENTS',
    ],
    [{ CHIT_MAX_TTL: '0' }, 'CHIT_MAX_TTL'],
    [{ CHIT_LOG_LEVEL: 'loud' }, 'CHIT_LOG_LEVEL'],
    [{ CHIT_TRUST_PROXY: 'yes' }, 'CHIT_TRUST_PROXY'],
  ])('rejects %j naming %s', (env, variable) => {
    fails(env as Record<string, string>, variable);
  });

  it('never echoes a secret value in its message', () => {
    const secret = `k1:${'cd'.repeat(31)}`;
    try {
      loadConfig({ CHIT_ROOT_KEYS: secret });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('cdcd');
    }
  });
});

describe('Redis Cluster configuration', () => {
  it('accepts seed nodes with REDIS_CLUSTER=true', () => {
    const c = loadConfig({ REDIS_URL: 'redis://a:7000,redis://b:7001', REDIS_CLUSTER: 'true' });
    expect([c.redisUrl, c.redisCluster]).toEqual(['redis://a:7000,redis://b:7001', true]);
  });
  it('refuses several URLs without REDIS_CLUSTER, and REDIS_CLUSTER without REDIS_URL', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://a:7000,redis://b:7001' })).toThrow(
      /^REDIS_URL: /,
    );
    expect(() => loadConfig({ REDIS_CLUSTER: 'true' })).toThrow(/^REDIS_CLUSTER: /);
    expect(() => loadConfig({ REDIS_CLUSTER: 'yes' })).toThrow(/^REDIS_CLUSTER: /);
  });
});
