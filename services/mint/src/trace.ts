/**
 * The mint records the trace id of an incoming W3C `traceparent` in audit events with
 * `traceIdFrom` of `@chit/sdk/headers`, the one implementation shared with the verifier.
 * Re-exported here for the mint's existing unit tests (test/units.test.ts).
 */
export { traceIdFrom } from '@chit/sdk/headers';
