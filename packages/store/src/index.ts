export * from './audit-batch.js';
export * from './audit-schema.js';
export * from './embedded-store.js';
export * from './mirror.js';
export type * from './ports.js';
export * from './sync-mirror.js';
export {
  MAX_STORE_KEY_LENGTH,
  REVOCATION_FAMILY,
  revocationKey,
  validateBudgets,
  validateRevocation,
} from './validate.js';
