/**
 * Approver authentication: `Authorization: Bearer <approver token>` for the API, HTTP
 * Basic (any user name, the approver token as password) for the page. Compared in
 * constant time through SHA-256 digests (equal lengths, no early exit).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ChitError } from '@chit/token';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Builds the approver check for the configured token.
 * @example
 * ```ts
 * const check = approverCheck(token)
 * const who = check(request.headers.authorization, 'bearer') // 'approver' or throws ERR_UNAUTHORIZED
 * ```
 */
export function approverCheck(
  approverToken: string,
): (header: string | undefined, scheme: 'bearer' | 'basic') => string {
  const expected = digest(approverToken);
  return (header, scheme) => {
    let secret: string | undefined;
    let who = 'approver';
    if (typeof header === 'string') {
      if (scheme === 'bearer' && header.startsWith('Bearer ')) {
        secret = header.slice(7);
      } else if (scheme === 'basic' && header.startsWith('Basic ')) {
        const text = Buffer.from(header.slice(6), 'base64').toString('utf8');
        const colon = text.indexOf(':');
        if (colon >= 0) {
          secret = text.slice(colon + 1);
          const user = text.slice(0, colon);
          if (/^[A-Za-z0-9._@-]{1,64}$/.test(user)) who = user;
        }
      }
    }
    if (secret === undefined || !timingSafeEqual(digest(secret), expected)) {
      throw new ChitError('ERR_UNAUTHORIZED', 'approver credentials are missing or wrong');
    }
    return who;
  };
}
