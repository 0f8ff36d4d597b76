#!/usr/bin/env node
// Mint SIGKILLed during a revocation burst, embedded and Redis (AOF, fsync always) modes:
// `node packages/hardening/scripts/mint-kill.mjs [rounds]` (run `pnpm build` first).
// Prints acknowledged revocations and how many are missing after the restart (must be 0).
import { runMintKill } from '../dist/index.js';

const rounds = Number(process.argv[2] ?? 3);
let failed = false;
for (const mode of ['embedded', 'redis']) {
  for (let i = 0; i < rounds; i++) {
    const r = await runMintKill({ mode, burstMs: 3000, concurrency: 16, mintedTokens: 100 });
    failed ||= r.missing.length > 0 || r.enforcedAfterRestart !== r.mintedRevoked;
    console.log(
      `mint-kill ${mode} #${i + 1}: ${r.acknowledged} acknowledged, ${r.missing.length} missing, ` +
        `${r.enforcedAfterRestart}/${r.mintedRevoked} minted tokens refused after restart`,
    );
  }
}
process.exit(failed ? 1 : 0);
