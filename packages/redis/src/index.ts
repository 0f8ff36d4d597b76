export * from './audit-stream.js';
export { EvictionPolicyError } from './connection.js';
export { parseRevocation } from './feed.js';
export { type KeyLayout, keyLayout } from './keys.js';
export * from './redis-store.js';
export { CONSUME_BUDGETS_LUA, REVOKE_LUA } from './scripts.js';
