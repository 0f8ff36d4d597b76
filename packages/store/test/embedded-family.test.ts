/**
 * The family of a holder entry in the embedded store: kept across a restart, and learnt
 * by an entry first recorded without one (as the Redis store merges it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedStore, type RevocationEntry, RevocationMirror } from '../src/index.js';

const NOW = 1_800_000_000;
const FAMILY = 'c3'.repeat(16);
const clock = () => NOW * 1000;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chit-family-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const holder = (over: Partial<RevocationEntry> = {}): RevocationEntry => ({
  kind: 'fingerprint',
  value: 'f'.repeat(64),
  revokedAt: NOW,
  expiresAt: NOW + 600,
  family: FAMILY,
  ...over,
});

describe('embedded store: holder entry family', () => {
  it('keeps the family across a restart, merged with an entry recorded without one', async () => {
    const a = await createEmbeddedStore({ dir, clock });
    const { family: _none, ...legacy } = holder({ expiresAt: NOW + 900 });
    await a.revoke(legacy);
    await a.revoke(holder());
    expect(await a.listRevocations(NOW)).toEqual([holder({ expiresAt: NOW + 900 })]);
    await a.close();
    const b = await createEmbeddedStore({ dir, clock });
    expect(await b.listRevocations(NOW)).toEqual([holder({ expiresAt: NOW + 900 })]);
    const mirror = new RevocationMirror();
    mirror.load(await b.listRevocations(NOW));
    expect(mirror.holderRevocations(FAMILY)).toBe(1);
    await b.close();
  });
});
