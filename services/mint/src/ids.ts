/** Request and audit event ids. */
import type { RandomBytes } from './context.js';

/**
 * Ids for requests and audit events from a pooled random buffer: one `randomBytes(4096)`
 * call serves hundreds of ids (these are unique labels, not secrets).
 * @example const newId = idSource(randomBytes); newId(16, 'hex');
 */
export function idSource(
  random: RandomBytes,
): (bytes: number, encoding: 'hex' | 'base64url') => string {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return (bytes, encoding) => {
    if (offset + bytes > pool.length) {
      pool = Buffer.from(random(4096));
      offset = 0;
    }
    const id = pool.toString(encoding, offset, offset + bytes);
    offset += bytes;
    return id;
  };
}
