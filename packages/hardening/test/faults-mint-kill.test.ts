/**
 * Mint killed with SIGKILL during a revocation burst, embedded and Redis modes (Redis
 * `appendonly yes`, `appendfsync always`, itself killed and restarted too): every
 * acknowledged revocation is present after the restart and enforced by the new process.
 */
import { describe, expect, it } from 'vitest';
import { runMintKill } from '../src/index.js';

describe('mint SIGKILL during a revocation burst', () => {
  for (const mode of ['embedded', 'redis'] as const) {
    it(`${mode}: nothing acknowledged is lost`, async () => {
      const r = await runMintKill({ mode, burstMs: 1000, concurrency: 8, mintedTokens: 30 });
      console.log(`mint-kill ${mode}: ${JSON.stringify({ ...r, missing: r.missing.length })}`);
      expect(r.acknowledged).toBeGreaterThan(30);
      expect(r.missing).toEqual([]);
      expect(r.mintedRevoked).toBeGreaterThan(0);
      expect(r.enforcedAfterRestart).toBe(r.mintedRevoked);
    }, 90_000);
  }
});
