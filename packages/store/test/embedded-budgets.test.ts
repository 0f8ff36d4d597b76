/**
 * The embedded store's budget counters on disk (`budgets.jsonl`): an allowed use is on
 * disk before it is acknowledged, survives a restart and a SIGKILL, lapsed counters are
 * not reloaded, and the file is compacted so it stays proportional to the live counters.
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChitStore, createEmbeddedStore } from '../src/index.js';

let dir: string;
const NOW = 1_800_000_000;
let nowMs = NOW * 1000;
const clock = () => nowMs;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chit-budgets-'));
  nowMs = NOW * 1000;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const file = () => join(dir, 'budgets.jsonl');
const lines = async () => (await readFile(file(), 'utf8')).split('\n').filter((l) => l !== '');
const use = (key: string, limit: number, until: number | null = NOW + 3600) => ({
  key,
  limit,
  until,
});

/** Consumes until denied; returns how many uses were still granted. */
async function remaining(
  s: ChitStore,
  family: string,
  key: string,
  limit: number,
  until: number | null = NOW + 3600,
) {
  let n = 0;
  while ((await s.consumeBudgets(family, [use(key, limit, until)])).allowed) n++;
  return n;
}

describe('embedded store budgets on disk', () => {
  it('writes an allowed use to disk before it resolves, and keeps counts across a restart', async () => {
    const a = await createEmbeddedStore({ dir, clock });
    expect(await a.consumeBudgets('fam', [use('k', 3), use('j', 5, null)])).toEqual({
      allowed: true,
    });
    expect(await a.consumeBudgets('fam', [use('k', 3)])).toEqual({ allowed: true });
    expect(await a.consumeBudgets('fam', [use('k', 3), use('z', 0)])).toEqual({
      allowed: false,
      exhausted: 'z',
    });
    // On disk before close (no flush on close needed): one line per allowed call.
    expect((await lines()).map((l) => JSON.parse(l))).toEqual([
      {
        f: 'fam',
        c: [
          ['k', 1, (NOW + 3600) * 1000],
          ['j', 1, null],
        ],
      },
      { f: 'fam', c: [['k', 2, (NOW + 3600) * 1000]] },
    ]);
    expect((await stat(file())).mode & 0o077).toBe(0);
    await a.close();
    const b = await createEmbeddedStore({ dir, clock });
    expect(await remaining(b, 'fam', 'k', 3)).toBe(1);
    expect(await remaining(b, 'fam', 'j', 5, null)).toBe(4);
    await b.close();
  });

  it('keeps memory-only stores in memory', async () => {
    const s = await createEmbeddedStore({ clock });
    expect((await s.consumeBudgets('fam', [use('k', 1)])).allowed).toBe(true);
    await s.close();
    const again = await createEmbeddedStore({ clock });
    expect((await again.consumeBudgets('fam', [use('k', 1)])).allowed).toBe(true);
    await again.close();
  });

  it('drops a torn last line (a call never acknowledged) and keeps appending cleanly', async () => {
    const a = await createEmbeddedStore({ dir, clock });
    await a.consumeBudgets('fam', [use('k', 5)]);
    await a.close();
    await appendFile(file(), '{"f":"fam","c":[["k",2,');
    const b = await createEmbeddedStore({ dir, clock });
    await b.consumeBudgets('fam', [use('k', 5)]);
    await b.close();
    expect(await lines()).toHaveLength(2);
    const c = await createEmbeddedStore({ dir, clock });
    expect(await remaining(c, 'fam', 'k', 5)).toBe(3);
    await c.close();
  });

  it('refuses to start on a line that is not a budget record', async () => {
    for (const bad of ['{"f":"fam","c":[["k",0,null]]}', '{"f":"fam"}', '[1,2]', 'garbage']) {
      await writeFile(file(), `${bad}\n{"f":"fam","c":[["k",1,null]]}\n`);
      await expect(createEmbeddedStore({ dir, clock })).rejects.toThrow(/line 1 is/);
    }
  });

  it('does not reload lapsed counters, and compacts them away at open', async () => {
    const a = await createEmbeddedStore({ dir, clock });
    const granted = await Promise.all(
      Array.from({ length: 1500 }, (_, i) =>
        a.consumeBudgets(`t${i}`, [use('k', 1, i < 1490 ? NOW + 10 : NOW + 600)]),
      ),
    );
    expect(granted.every((r) => r.allowed)).toBe(true);
    await a.close();
    expect(await lines()).toHaveLength(1500);
    nowMs = (NOW + 10) * 1000; // the short counters lapse exactly now
    const b = await createEmbeddedStore({ dir, clock });
    expect(await lines()).toHaveLength(10);
    expect((await stat(file())).mode & 0o077).toBe(0);
    expect((await b.consumeBudgets('t0', [use('k', 1, NOW + 600)])).allowed).toBe(true);
    expect(await b.consumeBudgets('t1499', [use('k', 1, NOW + 600)])).toEqual({
      allowed: false,
      exhausted: 'k',
    });
    await b.close();
  });

  it('compacts while running: a hot counter keeps the file small and its count exact', async () => {
    const a = await createEmbeddedStore({ dir, clock });
    for (let round = 0; round < 50; round++) {
      const granted = await Promise.all(
        Array.from({ length: 100 }, () => a.consumeBudgets('fam', [use('hot', 5001)])),
      );
      expect(granted.every((r) => r.allowed)).toBe(true);
    }
    // One line per use would be 5,000 lines; compaction keeps it to the slack above live.
    expect((await lines()).length).toBeLessThanOrEqual(1100);
    await a.close();
    const b = await createEmbeddedStore({ dir, clock });
    expect(await remaining(b, 'fam', 'hot', 5001)).toBe(1);
    await b.close();
  });

  it('loses no acknowledged use when the process is SIGKILLed: granted never exceeds the limit', async () => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@chit/source',
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures/budget-writer.ts'),
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acked = new Map<string, number>();
    let total = 0;
    let stderr = '';
    let partial = '';
    let killed = false;
    child.stderr.on('data', (b) => {
      stderr += b;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        const text = partial + b.toString();
        const complete = text.split('\n');
        partial = complete.pop()!;
        for (const key of complete) {
          acked.set(key, (acked.get(key) ?? 0) + 1);
          total++;
        }
        if (total >= 300 && !killed) {
          killed = true;
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
    const until = Math.floor(Date.now() / 1000) + 3600;
    // Every acknowledged use is still counted: what is left plus what was granted fits the limit.
    for (let i = 0; i < 10; i++) {
      const key = `k${i}`;
      const left = await remaining(s, 'fam', key, 100, until);
      expect(acked.get(key) ?? 0, key).toBeGreaterThan(0);
      expect((acked.get(key) ?? 0) + left, key).toBeLessThanOrEqual(100);
    }
    const all = await remaining(s, 'fam', 'all', 1000, until);
    expect(total + all).toBeLessThanOrEqual(1000);
    await s.close();
  });
});
