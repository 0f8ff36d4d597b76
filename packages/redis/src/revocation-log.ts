/**
 * Bulk read of the revocation set from its append-only log: a few large GETRANGE chunks
 * instead of a million HSCAN fields (measured several times faster; see docs/store.md).
 */
import type { RevocationEntry } from '@chit/store';
import { parseRevocation } from './feed.js';
import type { KeyLayout } from './keys.js';
import type { ScriptCommands } from './scripts.js';

/** Bytes per GETRANGE round trip. */
const CHUNK = 4 << 20;
/** Compactions tolerated during one read before giving up (each restarts the read). */
const MAX_RESTARTS = 5;

/**
 * Every unexpired entry, deduplicated (a later line of the same entry is its merged,
 * wider form, so the last one wins).
 *
 * @example
 * ```ts
 * const entries = await readRevocationLog(client, keys, nowSeconds);
 * ```
 */
export async function readRevocationLog(
  client: ScriptCommands,
  keys: KeyLayout,
  nowSeconds: number,
): Promise<RevocationEntry[]> {
  for (let attempt = 0; attempt <= MAX_RESTARTS; attempt++) {
    const latest = new Map<string, RevocationEntry>();
    let gen: string | undefined;
    let carry: Buffer = Buffer.alloc(0);
    let restarted = false;
    for (let offset = 0; ; offset += CHUNK) {
      // Buffers, not strings: a chunk boundary may split a multi-byte UTF-8 character.
      const [g, chunk] = await client.chitReadLogBuffer(
        keys.revocationLog,
        keys.revocationMeta,
        offset,
        offset + CHUNK - 1,
      );
      const genText = g.toString();
      if (gen === undefined) gen = genText;
      else if (genText !== gen) {
        restarted = true;
        break;
      }
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const end = bytes.lastIndexOf(0x0a) + 1;
      carry = bytes.subarray(end);
      for (const line of bytes.toString('utf8', 0, end).split('\n')) {
        const tab = line.lastIndexOf('\t');
        if (tab <= 0) continue;
        const field = line.slice(0, tab);
        const e = parseRevocation(field, line.slice(tab + 1));
        if (e !== undefined) latest.set(field, e);
      }
      if (chunk.length < CHUNK) break;
    }
    if (restarted) continue;
    const out: RevocationEntry[] = [];
    for (const e of latest.values()) if (e.expiresAt > nowSeconds) out.push(e);
    return out;
  }
  throw new Error('revocation log kept changing while being read');
}
