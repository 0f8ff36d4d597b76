/**
 * @chit/hardening: shared helpers of the adversarial, fault and load suite (private).
 */

export * from './audit-completeness.js';
export * from './budget-kill.js';
export * from './fixtures.js';
export * from './fuzz.js';
export * from './load.js';
export * from './mint-kill.js';
export * from './process.js';
export * from './propagation.js';
export * from './redis-outage.js';
export * from './soak.js';
export * from './stats.js';
export * from './timing.js';
export * from './v2-craft.js';
export * from './verifier-app.js';
