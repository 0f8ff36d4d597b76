/**
 * The discharge an approval issues: a macaroon under the caveat key, named by the caveat
 * id, that expires soon and grants only the approved request (its tenant, action and
 * resource are caveats of the discharge, so it narrows whatever token it is bound to).
 */
import type { ApprovalRequest } from '@chit/agent';
import { addFirstPartyCaveat, caveat, createMacaroon, encode, type Macaroon } from '@chit/token';

/**
 * Issues the discharge text (not yet bound: the holder binds it with `bindDischarge`).
 * @example
 * ```ts
 * const discharge = issueDischarge({ caveatId, caveatKey, request, location, nowSeconds, ttl: 60 })
 * ```
 */
export function issueDischarge(input: {
  readonly caveatId: string;
  readonly caveatKey: Uint8Array;
  readonly request: ApprovalRequest;
  readonly location: string;
  readonly nowSeconds: number;
  readonly ttl: number;
}): string {
  const { request } = input;
  const conditions = [
    caveat.expires(input.nowSeconds + input.ttl),
    caveat.action(request.action),
    caveat.resource(request.resource),
    ...(request.tenant !== undefined ? [caveat.tenant(request.tenant)] : []),
  ];
  let m: Macaroon = createMacaroon({
    rootKey: input.caveatKey,
    identifier: input.caveatId,
    location: input.location,
  });
  for (const c of conditions) m = addFirstPartyCaveat(m, c);
  return encode(m);
}
