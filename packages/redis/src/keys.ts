/**
 * The Redis key layout. Every key starts with the prefix; keys used together by one Lua
 * script share a hash tag (`{...}`) so they live in one Redis Cluster slot.
 */

/** The keys of one store prefix. */
export interface KeyLayout {
  /** Hash: `<kind>:<value>` → `revokedAt,expiresAt,issuedBefore` (`,family` on a holder entry). */
  readonly revocations: string;
  /** Sorted set: `<kind>:<value>` scored by expiresAt (prunes expired entries). */
  readonly revocationExpiry: string;
  /** String: append-only log of stored entries, `<field>\t<value>\n` (fast bulk load). */
  readonly revocationLog: string;
  /** Hash: `lines` (log lines) and `gen` (bumped when the log is compacted). */
  readonly revocationMeta: string;
  /** Pub/sub channel of the revocation feed. */
  readonly feedChannel: string;
  /** Stream of audit events (field `d`: the event JSON). */
  readonly audit: string;
  /** Budget counter of chain position `key` of token family `family`. */
  budget(family: string, key: string): string;
}

/**
 * Builds the key layout for `prefix`.
 *
 * @example
 * ```ts
 * keyLayout('chit').revocations; // '{chit:rev}:entries'
 * keyLayout('chit').budget('ab12', 'fp'); // 'chit:{ab12}:b:fp'
 * ```
 */
export function keyLayout(prefix: string): KeyLayout {
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(prefix)) {
    throw new TypeError('prefix must be 1-64 characters of [A-Za-z0-9._:-]');
  }
  return {
    revocations: `{${prefix}:rev}:entries`,
    revocationExpiry: `{${prefix}:rev}:expiry`,
    revocationLog: `{${prefix}:rev}:log`,
    revocationMeta: `{${prefix}:rev}:meta`,
    feedChannel: `${prefix}:rev:feed`,
    audit: `${prefix}:audit`,
    budget: (family, key) => `${prefix}:{${family}}:b:${key}`,
  };
}
