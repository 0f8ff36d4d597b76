/**
 * @chit/mint: the mint service as a library (the entry point is `main.ts`).
 */

export { buildMintApp, type MintApp, type MintAppOptions, REDACT_PATHS } from './app.js';
export { Authenticator, type Caller, hashClientSecret } from './auth.js';
export {
  ConfigError,
  loadConfig,
  type MintClient,
  type MintConfig,
  type RootKey,
} from './config.js';
export type { MintContext, RandomBytes } from './context.js';
export { type DataDirPaths, dataDirPaths } from './data-dir.js';
export { KeyRing, type KidInfo } from './key-ring.js';
export { type MintRuntime, type MintRuntimeDeps, startMint } from './runtime.js';
export { installShutdown } from './shutdown.js';
