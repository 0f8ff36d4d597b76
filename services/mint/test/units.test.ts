import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChitError } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { Authenticator, hashClientSecret } from '../src/auth.js';
import { dataDirPaths, loadOrCreateAdminToken, loadOrCreateKeyFile } from '../src/data-dir.js';
import { hasDuplicateKeys } from '../src/json-body.js';
import { KeyRing } from '../src/key-ring.js';

const ADMIN = 'admin-token-'.padEnd(40, 'x');
const client = { secretHash: hashClientSecret('s3cret'), tenants: ['42'], maxTtl: 600 };
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('Authenticator', () => {
  const auth = new Authenticator(ADMIN, { agents: client });
  it('accepts the admin bearer token and a client basic credential', () => {
    expect(auth.authenticate(`Bearer ${ADMIN}`)).toEqual({ kind: 'admin' });
    expect(auth.authenticate(basic('agents', 's3cret'))).toEqual({
      kind: 'client',
      id: 'agents',
      client,
    });
  });
  it.each([
    undefined,
    '',
    'Bearer',
    `Bearer ${ADMIN}x`,
    `Bearer ${ADMIN.slice(1)}`,
    `Token ${ADMIN}`,
    // One strictness (@chit/protocol's splitAuthorization): scheme spelled exactly, one space.
    `bearer ${ADMIN}`,
    `BEARER ${ADMIN}`,
    `Bearer  ${ADMIN}`,
    `Bearer ${ADMIN} `,
    `Bearer\t${ADMIN}`,
    `basic ${Buffer.from('agents:s3cret').toString('base64')}`,
    `Basic ${Buffer.from('agents:s3cret').toString('base64')}x`,
    basic('agents', 'wrong'),
    basic('nobody', 's3cret'),
    'Basic !!!',
    `Basic ${Buffer.from('no-colon').toString('base64')}`,
    `Basic ${Buffer.from(':s3cret').toString('base64')}`,
  ])('rejects %j', (header) => {
    expect(auth.authenticate(header)).toBeNull();
  });
});

describe('KeyRing', () => {
  const key = (b: number) => new Uint8Array(32).fill(b);
  it('rotates: the new kid mints, the old keeps verifying until retired', async () => {
    const written: unknown[] = [];
    const ring = KeyRing.fromKeyFile(
      { version: 1, active: 'k1', keys: [{ kid: 'k1', key: '01'.repeat(32), createdAt: 1 }] },
      async (f) => {
        written.push(f);
      },
    );
    expect(ring.rotatable).toBe(true);
    const { kid, previous } = await ring.rotate(key(2), 100);
    expect([kid, previous]).toEqual(['k2', 'k1']);
    expect(ring.activeKid).toBe('k2');
    expect(ring.activeKey).toEqual(key(2));
    expect(ring.resolve('k1')).toEqual(key(1));
    expect(written).toHaveLength(1);
    await expect(ring.retire('k2', 101)).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    await expect(ring.retire('k9', 101)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await ring.retire('k1', 101);
    expect(ring.resolve('k1')).toBeUndefined();
    await expect(ring.retire('k1', 102)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    // A retired kid is never reused.
    expect((await ring.rotate(key(3), 103)).kid).toBe('k3');
    expect(ring.list().map((k) => [k.kid, k.active, k.retiredAt])).toEqual([
      ['k1', false, 101],
      ['k2', false, undefined],
      ['k3', true, undefined],
    ]);
    expect(JSON.stringify(ring.list())).not.toContain('0101');
  });
  it('does not rotate keys pinned by the environment', async () => {
    const ring = KeyRing.fromRootKeys([{ kid: 'a', key: key(1) }], 'a');
    expect(ring.rotatable).toBe(false);
    await expect(ring.rotate(key(2), 1)).rejects.toBeInstanceOf(ChitError);
    await expect(ring.retire('a', 1)).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
  });
  it('rejects a short key', async () => {
    const ring = KeyRing.fromKeyFile(
      { version: 1, active: 'k1', keys: [{ kid: 'k1', key: '01'.repeat(32), createdAt: 1 }] },
      async () => {},
    );
    await expect(ring.rotate(new Uint8Array(16), 1)).rejects.toBeInstanceOf(RangeError);
  });
});

describe('data dir', () => {
  it('creates the key and admin token files once, mode 0600, and reloads them', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'chit-mint-')), 'data');
    const paths = dataDirPaths(dir);
    const first = await loadOrCreateKeyFile(paths, () => 5000);
    expect(first.created).toBe(true);
    expect(first.file.active).toBe('k1');
    const again = await loadOrCreateKeyFile(paths, () => 9000);
    expect(again).toEqual({ file: first.file, created: false });
    const admin = await loadOrCreateAdminToken(paths);
    expect(admin.created).toBe(true);
    expect(admin.token.length).toBeGreaterThanOrEqual(43);
    expect((await loadOrCreateAdminToken(paths)).token).toBe(admin.token);
    for (const f of [paths.keysFile, paths.adminTokenFile]) {
      expect((await stat(f)).mode & 0o777).toBe(0o600);
    }
    expect(await readFile(paths.adminTokenFile, 'utf8')).toBe(`${admin.token}\n`);
  });
});

describe('hasDuplicateKeys', () => {
  it.each([
    ['{"a":1,"a":2}', true],
    ['{"a":1,"\\u0061":2}', true],
    ['{"x":{"a":1,"a":2}}', true],
    ['[{"a":1},{"a":2}]', false],
    ['{"a":{"a":1},"b":["a","a"]}', false],
    ['{"a":"\\"a\\"","b":1}', false],
    ['{"a":[1,{"b":1}],"b":2}', false],
    ['{"tenant":"42","principal":{"id":"u"},"tenant":"43"}', true],
    [`${'['.repeat(10_000)}${']'.repeat(10_000)}`, false],
    ['{"a":', false],
  ])('%s → %s', (text, expected) => {
    expect(hasDuplicateKeys(text)).toBe(expected);
  });
});

describe('audit line redaction', () => {
  it('censors in an audit line exactly what the root logger censors', async () => {
    const { default: pino } = await import('pino');
    const { AUDIT_REDACT_PATHS, REDACT_PATHS } = await import('../src/app.js');
    const lines: string[] = [];
    const sink = { write: (line: string) => void lines.push(line) };
    const root = pino(
      { redact: { paths: REDACT_PATHS, censor: '[redacted]' }, timestamp: false },
      sink,
    );
    const audit = root.child({}, { redact: { paths: AUDIT_REDACT_PATHS, censor: '[redacted]' } });
    const event = {
      type: 'verify.allow',
      token: 'SECRET-token',
      discharges: ['SECRET-discharge'],
      adminToken: 'SECRET-admin',
      key: 'SECRET-key',
      signature: 'SECRET-signature',
      tokenId: 'ab',
    };
    root.info({ audit: event }, 'audit');
    audit.info({ audit: event }, 'audit');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(lines[0]);
    expect(lines[1]).not.toContain('SECRET');
    expect(JSON.parse(lines[1]!).audit.tokenId).toBe('ab');
  });
});

describe('pooledRandom', () => {
  it('serves consecutive, non-overlapping copies of the source bytes, one source call per 4 KiB', async () => {
    const { pooledRandom } = await import('../src/ids.js');
    const calls: number[] = [];
    let next = 0;
    const source = (n: number) => {
      calls.push(n);
      return Uint8Array.from({ length: n }, () => next++ & 0xff);
    };
    const take = pooledRandom(source);
    const seen: number[] = [];
    for (let i = 0; i < 300; i++) {
      const id = take(16);
      expect(id).toHaveLength(16);
      seen.push(...id);
      id.fill(0xee); // a caller's copy is its own
    }
    expect(calls).toEqual([4096, 4096]);
    expect(seen).toEqual(Array.from({ length: 300 * 16 }, (_, i) => i & 0xff));
    expect(take(5000)).toHaveLength(5000);
    expect(calls).toEqual([4096, 4096, 5000]);
  });
});

describe('isoTimeFormatter', () => {
  it('equals Date#toISOString for any time, in any order (seeded)', async () => {
    const { isoTimeFormatter } = await import('../src/iso-time.js');
    const iso = isoTimeFormatter();
    let seed = 0x9e3779b9;
    const rand = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const edges = [0, 1, 9, 10, 99, 100, 999, 1000, -1, -1001, 1767225599999, 1767225600000];
    edges.push(253402300799999, 253402300800000, 8.64e15, -8.64e15, 1.5, 1767225600000.5);
    const times = [...edges];
    for (let i = 0; i < 5000; i++) {
      const base = Math.floor(rand() * 253402300800000);
      times.push(base, base + Math.floor(rand() * 3000)); // often the same second twice
      times.push(Math.floor((rand() - 0.5) * 1.7e15));
    }
    for (const t of times) expect(iso(t)).toBe(new Date(t).toISOString());
  });
});
