/**
 * Tokens a holder makes offline, for the revocation tests: a descendant narrowed by one
 * more caveat, and a token with a third-party caveat with discharges for it. Every token
 * made is remembered as a secret for the log scans.
 */
import {
  addThirdPartyCaveat,
  attenuate,
  bindDischarge,
  caveat,
  createMacaroon,
  encode,
  parseToken,
} from '@chit/token';
import { rememberSecret } from './harness.js';

const secret = (t: string) => {
  rememberSecret(t);
  return t;
};

/**
 * A descendant of `token` narrowed by one harmless caveat (`n = i`): distinct per `i`.
 * @example const child = descendant(root.token, 3)
 */
export function descendant(token: string, i: number): string {
  return secret(encode(attenuate(parseToken(token), [caveat.attribute('n', String(i))])));
}

/** A token with one third-party caveat and how to discharge it. */
export interface ThirdPartyToken {
  /** The token with the third-party caveat appended. */
  readonly token: string;
  /** A discharge bound to the token; `expires` adds an expiry to it. */
  discharge(expires?: number): string;
  /** A valid discharge that is not bound to the token. */
  readonly unbound: string;
}

/**
 * Appends a third-party caveat (id `caveatId`) to `token`.
 * @example const tp = withThirdParty(minted.token, 'approval-1'); tp.discharge(now + 60)
 */
export function withThirdParty(token: string, caveatId: string): ThirdPartyToken {
  const caveatKey = new Uint8Array(32).fill(9);
  const primary = addThirdPartyCaveat(parseToken(token), {
    caveatKey,
    caveatId,
    nonce: new Uint8Array(24).fill(4),
  });
  const discharge = (expires?: number) =>
    attenuate(
      createMacaroon({ rootKey: caveatKey, identifier: caveatId }),
      expires === undefined ? [] : [caveat.expires(expires)],
    );
  return {
    token: secret(encode(primary)),
    discharge: (expires) => secret(encode(bindDischarge(primary, discharge(expires)))),
    unbound: secret(encode(discharge())),
  };
}
