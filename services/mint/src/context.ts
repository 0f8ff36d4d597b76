/**
 * What every route of one mint app shares: configuration, store, keys, mirror, metrics,
 * time and randomness (injected, so tests never sleep), and the audit writer.
 */
import type { AuditEventInput, ChitStore, RevocationMirror } from '@chit/store';
import type { Clock, VerifiedChainCache } from '@chit/token';
import type { MintConfig } from './config.js';
import type { Guards } from './guard.js';
import type { KeyRing } from './key-ring.js';
import type { MintMetrics } from './metrics.js';

/**
 * Random bytes source (`crypto.randomBytes` fits).
 * @example const random: RandomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));
 */
export type RandomBytes = (n: number) => Uint8Array;

/**
 * The shared state of one mint app.
 * @example app.mint.nowSeconds(); await app.mint.audit({ type: 'revoke', service: 'chit-mint' });
 */
export interface MintContext {
  readonly config: MintConfig;
  readonly store: ChitStore;
  readonly keys: KeyRing;
  readonly mirror: RevocationMirror;
  readonly metrics: MintMetrics;
  readonly clock: Clock;
  readonly random: RandomBytes;
  /** Token id bytes: `random` through a pool (see `pooledRandom`), a fresh copy per call. */
  readonly tokenIdBytes: RandomBytes;
  readonly guards: Guards;
  /** Bounded cache of verified chains (cleared on key rotation and retirement). */
  readonly chainCache: VerifiedChainCache;
  /** Builds a validated audit event, logs it, and appends it durably to the store. */
  audit(input: AuditEventInput, requestId?: string): Promise<void>;
  /** Current time in Unix seconds (whole). */
  nowSeconds(): number;
}
