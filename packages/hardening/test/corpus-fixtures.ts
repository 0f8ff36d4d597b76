/**
 * Shared material of the verifier corpus: the genuine tokens every hostile case is derived
 * from (deterministic, so every byte reproduces) and small builders.
 */
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  caveat,
  createMacaroon,
  encode,
  encodeBinary,
  type MacaroonV2,
  parseToken,
} from '@chit/token';
import { mintMacaroon, mintToken, readerCaveats, toText, V2, writeRaw } from '../src/index.js';

/** One hostile request and its expected answer. */
export interface HostileCase {
  readonly name: string;
  readonly method?: 'GET' | 'POST';
  readonly url?: string;
  readonly headers: Record<string, string | string[]>;
  readonly payload?: unknown;
  readonly status: number;
  readonly code: string;
}

export const enc = new TextEncoder();
export const signed = (
  conditions: (string | Uint8Array)[],
  base = mintMacaroon({ caveats: readerCaveats() }),
) => conditions.reduce<MacaroonV2>((m, c) => addFirstPartyCaveat(m, c), base);
export const auth = (token: string) => ({ authorization: `Chit ${token}`, 'x-tenant': '42' });

export const valid = mintToken({ caveats: readerCaveats() });
export const base = parseToken(valid.token) as MacaroonV2;
export const bytes = encodeBinary(base);
export const id = base.identifier;
export const sig = base.signature;
export const cav = (text: string) => [{ type: V2.IDENTIFIER, data: enc.encode(text) }];
export const caveatFields = base.caveats.map((c) => [{ type: V2.IDENTIFIER, data: c.id }]);
export const raw = (over: Partial<Parameters<typeof writeRaw>[0]>) =>
  toText(
    writeRaw({
      header: [{ type: V2.IDENTIFIER, data: id }],
      caveats: caveatFields,
      trailer: [{ type: V2.SIGNATURE, data: sig }],
      ...over,
    }),
  );
export const flip = (b: Uint8Array, i: number) => {
  const c = b.slice();
  c[i] = c[i]! ^ 1;
  return toText(c);
};

// Third-party caveat and its discharge (an approval service holding CAVEAT_KEY).
export const CAVEAT_KEY = enc.encode('approval-service-shared-key-0001');
export const nonce = new Uint8Array(24).fill(9);
export const withApproval = addThirdPartyCaveat(mintMacaroon({ caveats: readerCaveats() }), {
  caveatKey: CAVEAT_KEY,
  caveatId: 'approval-1',
  location: 'https://approvals.example',
  nonce,
});
export const discharge = createMacaroon({ rootKey: CAVEAT_KEY, identifier: 'approval-1' });
export const approved = {
  token: encode(withApproval),
  discharge: encode(bindDischarge(withApproval, discharge)),
};
export const narrower = addFirstPartyCaveat(withApproval, caveat.resource('orders/7'));
export const other = addThirdPartyCaveat(mintMacaroon({ caveats: readerCaveats() }), {
  caveatKey: CAVEAT_KEY,
  caveatId: 'approval-1',
  nonce,
});
export const strayDischarge = encode(
  bindDischarge(withApproval, createMacaroon({ rootKey: CAVEAT_KEY, identifier: 'approval-9' })),
);
// A discharge that itself demands a discharge of the same id: a cycle.
export const cyclic = addThirdPartyCaveat(discharge, {
  caveatKey: CAVEAT_KEY,
  caveatId: 'approval-1',
  nonce,
});

export const T = valid.token;
export const M = 'ERR_TOKEN_MALFORMED';
export const S = 'ERR_SIGNATURE_INVALID';
export const U = 'ERR_CAVEAT_UNSATISFIED';
export const CM = 'ERR_CAVEAT_MALFORMED';
export const big = (n: number) => 'A'.repeat(n);
