/**
 * @chit/hardening: shared helpers of the adversarial, fault and load suite (private).
 */
export * from './fixtures.js';
export * from './verifier-app.js';
export * from './v2-craft.js';
export * from './fuzz.js';
export * from './stats.js';
export * from './timing.js';
