/**
 * Approver authentication: `Authorization: Bearer <approver token>` for the API, HTTP
 * Basic (any user name, the approver token as password) for the page, read by
 * @chit/protocol's one `Authorization` parser. Compared in constant time through SHA-256
 * digests (equal lengths, no early exit).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { credentialsFor, decodeBasic } from '@chit/protocol';
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
    if (scheme === 'bearer') {
      secret = credentialsFor(header, 'Bearer');
    } else {
      const basic = decodeBasic(credentialsFor(header, 'Basic') ?? '');
      secret = basic?.password;
      if (basic !== undefined && /^[A-Za-z0-9._@-]{1,64}$/.test(basic.user)) who = basic.user;
    }
    if (secret === undefined || !timingSafeEqual(digest(secret), expected)) {
      throw new ChitError('ERR_UNAUTHORIZED', 'approver credentials are missing or wrong');
    }
    return who;
  };
}
