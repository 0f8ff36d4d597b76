import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../src/index.js';

let dir: string;
const NOW = 1_800_000_000;
const clock = () => NOW * 1000;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chit-embedded-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const event = (i: number) => ({
  id: `ev-${i}`,
  time: new Date(NOW * 1000 + i).toISOString(),
  type: 'mint' as const,
  tokenId: `t${i}`,
  caveats: [],
  decision: null,
  service: 'mint',
});

describe('embedded store on disk', () => {
  it('keeps revocations and audit events across a restart, dropping expired entries', async () => {
    const a = await createEmbeddedStore({ dir, clock });
    await a.revoke({ kind: 'token', value: 'keep', revokedAt: NOW, expiresAt: NOW + 60 });
    await a.revoke({ kind: 'session', value: 'gone', revokedAt: NOW, expiresAt: NOW + 1 });
    await a.appendAudit(event(1));
    await a.close();
    const later = () => (NOW + 5) * 1000;
    const b = await createEmbeddedStore({ dir, clock: later });
    expect((await b.listRevocations(NOW + 5)).map((e) => e.value)).toEqual(['keep']);
    expect((await b.queryAudit({})).events).toEqual([event(1)]);
    await b.close();
  });

  it('writes a batch of audit events to disk in order, one line each, once resolved', async () => {
    const a = await createEmbeddedStore({ dir, clock });
    await a.appendAudit(event(1));
    await a.appendAudits([event(2), event(3), event(4)]);
    await a.appendAudits([]);
    // On disk before close: what was acknowledged survives a crash (no close, no flush).
    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).split('\n');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l).id)).toEqual([
      'ev-1',
      'ev-2',
      'ev-3',
      'ev-4',
    ]);
    expect(lines.at(-1)).toBe('');
    await a.close();
    const b = await createEmbeddedStore({ dir, clock });
    expect((await b.queryAudit({})).events).toEqual([1, 2, 3, 4].map(event));
    await b.close();
  });

  it('writes files readable only by the owner', async () => {
    const s = await createEmbeddedStore({ dir, clock });
    await s.close();
    const { stat } = await import('node:fs/promises');
    expect((await stat(join(dir, 'revocations.jsonl'))).mode & 0o077).toBe(0);
  });

  it('tolerates a torn last line (a crash mid-write) and keeps appending cleanly', async () => {
    const a = await createEmbeddedStore({ dir, clock });
    await a.appendAudit(event(1));
    await a.close();
    await appendFile(join(dir, 'audit.jsonl'), '{"id":"ev-2","ti');
    const b = await createEmbeddedStore({ dir, clock });
    expect((await b.queryAudit({})).events.map((e) => e.id)).toEqual(['ev-1']);
    await b.appendAudit(event(3));
    await b.close();
    const c = await createEmbeddedStore({ dir, clock });
    expect((await c.queryAudit({})).events.map((e) => e.id)).toEqual(['ev-1', 'ev-3']);
    await c.close();
  });

  it('refuses to start on corruption before the last line', async () => {
    await writeFile(join(dir, 'audit.jsonl'), `garbage\n${JSON.stringify(event(1))}\n`);
    await expect(createEmbeddedStore({ dir, clock })).rejects.toThrow(/line 1 is corrupt/);
  });

  it('compacts a revocation file dominated by expired entries at open', async () => {
    const a = await createEmbeddedStore({ dir, clock });
    for (let i = 0; i < 100; i++) {
      await a.revoke({
        kind: 'token',
        value: `t${i}`,
        revokedAt: NOW,
        expiresAt: NOW + (i < 90 ? 1 : 600),
      });
    }
    await a.close();
    const b = await createEmbeddedStore({ dir, clock: () => (NOW + 10) * 1000 });
    expect(await b.listRevocations(NOW + 10)).toHaveLength(10);
    await b.close();
    const lines = (await readFile(join(dir, 'revocations.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(10);
  });

  it('loses nothing acknowledged when the process is SIGKILLed', async () => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@chit/source',
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures/crash-writer.ts'),
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let acked = -1;
    let stderr = '';
    child.stderr.on('data', (b) => {
      stderr += b;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        const lines = b.toString().trim().split('\n');
        acked = Number(lines.at(-1));
        if (acked >= 40) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on(
        'exit',
        (code) => code !== null && reject(new Error(`writer exited ${code}: ${stderr}`)),
      );
    });
    await new Promise((r) => child.once('exit', r));
    const s = await createEmbeddedStore({ dir, clock: Date.now });
    const revoked = new Set(
      (await s.listRevocations(Math.floor(Date.now() / 1000))).map((e) => e.value),
    );
    const audited = new Set((await s.queryAudit({ limit: 1000 })).events.map((e) => e.id));
    for (let i = 0; i <= acked; i++) {
      expect(revoked.has(`tok-${i}`)).toBe(true);
      expect(audited.has(`ev-${i}`)).toBe(true);
    }
    await s.close();
  });
});
