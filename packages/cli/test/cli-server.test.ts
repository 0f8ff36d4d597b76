// `chit mint --server`, `chit revoke`, `chit audit` against the real mint service running
// as its own process (embedded mode, temp data dir, port 0), all through child processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMintClient } from '@chit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chit, ensureBuilt, ROOT } from './cli-process.js';

const ADMIN = 'cli-test-admin-token-0123456789abcdef';
let mintProcess: ChildProcess;
let url: string;
let dir: string;
const env = () => ({ CHIT_ADMIN_TOKEN: ADMIN });

function startMintService(): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'chit-cli-mint-'));
  mintProcess = spawn(
    process.execPath,
    ['--conditions=@chit/source', '--import', 'tsx', 'services/mint/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        CHIT_DATA_DIR: dir,
        CHIT_ADMIN_TOKEN: ADMIN,
        CHIT_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let err = '';
    mintProcess.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    mintProcess.on('exit', (code) => reject(new Error(`mint service exited (${code}): ${err}`)));
  });
}

beforeAll(async () => {
  ensureBuilt();
  url = await startMintService();
}, 180_000);

afterAll(() => {
  mintProcess?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const MINT = [
  '--principal',
  'user-1',
  '--tenant',
  '42',
  '--resource',
  'orders/*',
  '--action',
  'read',
];

describe('chit against a running mint service', () => {
  it('mints with --server, revokes by token id, and the audit shows it all', async () => {
    const m = chit(
      ['mint', '--server', url, ...MINT, '--ttl', '10m', '--session', 's-cli', '--json'],
      {
        env: env(),
      },
    );
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const minted = JSON.parse(m.stdout) as { token: string; tokenId: string; caveats: string[] };
    expect(minted.caveats).toContain('tenant = 42');

    const client = createMintClient({ baseUrl: url });
    const context = { tenant: '42', resource: 'orders/7', action: 'read' };
    expect((await client.verify({ token: minted.token, context })).allowed).toBe(true);

    const r = chit(['revoke', '--token-id', minted.tokenId, '--server', url], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^revoked token ${minted.tokenId} `));
    const after = await client.verify({ token: minted.token, context });
    expect(after).toMatchObject({ allowed: false, code: 'ERR_TOKEN_REVOKED' });

    const a = chit(['audit', '--token-id', minted.tokenId], {
      env: { ...env(), CHIT_SERVER: url },
    });
    expect(a.code).toBe(0);
    const lines = a.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[1])).toEqual([
      'mint',
      'verify.allow',
      'revoke',
      'verify.deny',
    ]);
    expect(lines[3]).toContain('ERR_TOKEN_REVOKED');
    const j = chit(['audit', '--session', 's-cli', '--limit', '2', '--json', '--server', url], {
      env: env(),
    });
    const page = JSON.parse(j.stdout) as { events: { type: string }[]; next: string | null };
    expect(page.events.map((e) => e.type)).toEqual(['mint', 'verify.allow']);
    expect(page.next).not.toBeNull();
  });

  it('revokes exactly one token read from stdin', async () => {
    const t = chit(['mint', '--server', url, ...MINT], { env: env() }).stdout.trim();
    const r = chit(['revoke', '-', '--server', url, '--json'], { env: env(), input: t });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).revoked.kind).toBe('fingerprint');
  });

  it('fails with the server code, exit 1, on bad credentials or a refused request', () => {
    const bad = chit(['audit', '--server', url], { env: { CHIT_ADMIN_TOKEN: 'wrong' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^ERR_UNAUTHORIZED: /);
    const json = chit(['revoke', '--session', 's', '--server', url, '--json'], {
      env: { CHIT_ADMIN_TOKEN: 'wrong' },
    });
    expect(JSON.parse(json.stderr).error.code).toBe('ERR_UNAUTHORIZED');
    const refused = chit(['mint', '--server', url, ...MINT, '--ttl', '3650d'], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ERR_BAD_REQUEST: /);
  });

  it('reports an unreachable service with exit 1 and usage errors with exit 2', () => {
    const down = chit(['audit', '--server', 'http://127.0.0.1:9'], { env: env() });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^ERR_UPSTREAM_UNAVAILABLE: mint service is unreachable/);
    for (const [args, e] of [
      [['audit', '--server', url], {}],
      [['revoke', '--server', url], env()],
      [['revoke', '--token-id', 'a', '--session', 'b', '--server', url], env()],
      [['revoke', '--principal', 'p', '--server', url], env()],
      [['mint', '--server', url, '--principal', 'p'], env()],
      [['mint', '--server', 'ftp://x', ...MINT], env()],
      [['mint', '--server', url, '--key', 'ab'.repeat(16), ...MINT], env()],
    ] as [string[], Record<string, string>][]) {
      const r = chit(args, { env: e });
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toMatch(/^ERR_USAGE: /);
    }
  });
});
