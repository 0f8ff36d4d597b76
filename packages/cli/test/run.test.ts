// `run` in-process with an injected world: deterministic clock and randomness, and the
// failure paths a child process cannot easily provoke.
import { decode } from '@chit/token';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/io.js';
import { run } from '../src/run.js';

const NOW_MS = 1_800_000_000_000;

function world(over: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => '',
    clock: () => NOW_MS,
    random: (n) => new Uint8Array(n).fill(0xab),
    env: {},
    ...over,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('run', () => {
  it('takes time and randomness only from its inputs', async () => {
    const k = world();
    expect(await run(['keygen'], k.io)).toBe(0);
    expect(k.out()).toBe(`${'ab'.repeat(32)}\n`);
    const m = world();
    expect(await run(['mint', '--key', 'ab'.repeat(32), '--ttl', '90s'], m.io)).toBe(0);
    const d = decode(m.out().trim());
    expect(d.chit).toMatchObject({ tokenId: 'ab'.repeat(16), issuedAt: NOW_MS / 1000 });
    expect(d.unsafeCaveats.map((c) => c.text)).toEqual([`expires = ${NOW_MS / 1000 + 90}`]);
    const i = world({ clock: () => NOW_MS + 30_000, readStdin: async () => m.out() });
    expect(await run(['inspect', '-'], i.io)).toBe(0);
    expect(i.out()).toContain('in 1m');
  });

  it('reports an unexpected failure as one ERR_INTERNAL line, exit 1', async () => {
    const w = world({
      readStdin: async () => {
        throw new Error('stdin went away');
      },
    });
    expect(await run(['inspect', '-'], w.io)).toBe(1);
    expect(w.err()).toBe('ERR_INTERNAL: stdin went away\n');
    const j = world({
      readStdin: async () => {
        throw new Error('gone');
      },
    });
    expect(await run(['inspect', '-', '--json'], j.io)).toBe(1);
    expect(JSON.parse(j.err())).toEqual({ error: { code: 'ERR_INTERNAL', message: 'gone' } });
  });

  it('turns a library RangeError on a flag value into a usage error', async () => {
    const w = world();
    expect(
      await run(['mint', '--key', 'ab'.repeat(32), '--action', 'no spaces allowed'], w.io),
    ).toBe(2);
    expect(w.err()).toMatch(/^ERR_USAGE: /);
  });
});
