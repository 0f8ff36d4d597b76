/**
 * The mint's only contact with @chit/token's chain functions: minting with the caveat
 * builders and verifying with the key ring (the verify route's decision port, holder
 * revocation).
 */
import {
  ChitError,
  caveat,
  encode,
  fingerprint,
  mint,
  stateLifetime,
  TokenExpiredError,
  type VerifiedCapability,
  verifyChain,
} from '@chit/token';
import type { MintContext } from './context.js';
import type { MintBody } from './schemas.js';

/**
 * A freshly minted token and what the mint answers about it.
 * @example const { token, tokenId, expiresAt } = mintCapability(ctx, body, undefined);
 */
export interface MintedToken {
  readonly token: string;
  readonly tokenId: string;
  readonly kid: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly caveats: readonly string[];
  /** Fingerprint of the minted token (its last chain fingerprint), for the audit event. */
  readonly fingerprint: string;
}

/** Runs a caveat builder; its TypeError/RangeError on a bad value becomes a 400 naming the field. */
function build(field: string, fn: () => string): string {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) {
      throw new ChitError('ERR_BAD_REQUEST', `${field} is not a valid caveat value`);
    }
    throw e;
  }
}

/**
 * The caveats of a mint request, in a fixed order, built with the core's builders.
 * @example mintCaveats(body, 1767225600, traceId) // ['tenant = 42', 'resource = orders/*', …]
 */
export function mintCaveats(
  body: MintBody,
  expiresAt: number,
  traceId: string | undefined,
): string[] {
  const caveats = [
    build('tenant', () => caveat.tenant(body.tenant)),
    build('resources', () => caveat.resource(body.resources)),
    build('actions', () => caveat.action(body.actions)),
    build('ttl', () => caveat.expires(expiresAt)),
    build('principal.id', () => caveat.principal(body.principal.id)),
  ];
  if (body.principal.role !== undefined) {
    const role = body.principal.role;
    caveats.push(build('principal.role', () => caveat.role(role)));
  }
  if (traceId !== undefined) caveats.push(build('traceId', () => caveat.trace(traceId)));
  if (body.audience !== undefined) {
    const audience = body.audience;
    caveats.push(build('audience', () => caveat.audience(audience)));
  }
  if (body.budget !== undefined) {
    const uses = body.budget.uses;
    caveats.push(build('budget.uses', () => caveat.uses(uses)));
  }
  for (const [name, value] of Object.entries(body.attributes ?? {})) {
    caveats.push(build(`attributes.${name}`, () => caveat.attribute(name, value)));
  }
  return caveats;
}

/**
 * Mints a token with the active kid: 16 random bytes of token id, issue time now,
 * session in the identifier, caveats from the request.
 * @example const minted = mintCapability(ctx, body, traceId)
 */
export function mintCapability(
  ctx: MintContext,
  body: MintBody,
  traceId: string | undefined,
): MintedToken {
  const issuedAt = ctx.nowSeconds();
  const expiresAt = issuedAt + body.ttl;
  const caveats = mintCaveats(body, expiresAt, traceId);
  if (body.session !== undefined && !fitsIdentifier(body.session)) {
    throw new ChitError('ERR_BAD_REQUEST', 'session is not a valid session id');
  }
  const tokenIdBytes = ctx.tokenIdBytes(16);
  const kid = ctx.keys.activeKid;
  const m = mint({
    key: ctx.keys.activeKey,
    kid,
    tokenId: tokenIdBytes,
    issuedAt,
    ...(body.session !== undefined ? { session: body.session } : {}),
    caveats,
  });
  return {
    token: encode(m),
    tokenId: Buffer.from(tokenIdBytes).toString('hex'),
    kid,
    issuedAt,
    expiresAt,
    caveats,
    fingerprint: fingerprint(m),
  };
}

// The request schema (@chit/protocol `identifier(128)`) already refuses control characters
// and lone surrogates; 128 UTF-16 units can still be up to 384 UTF-8 bytes, and the
// identifier holds at most 255.
function fitsIdentifier(session: string): boolean {
  return Buffer.byteLength(session) <= 255;
}

/**
 * Verifies a token's chain and discharges with the live key ring (through the bounded
 * cache of verified chains), resolving its caveats. Throws the core's ChitError.
 * @example const cap = verifyTokenChain(ctx, token, [])
 */
export function verifyTokenChain(
  ctx: MintContext,
  token: string,
  discharges: readonly string[],
): VerifiedCapability {
  return verifyChain(token, { keys: ctx.keys.resolve, discharges, cache: ctx.chainCache });
}

/**
 * Verifies a presented token for holder revocation, the proof of holding it: the chain
 * and every discharge must verify, and the token as presented must not have expired
 * beyond the leeway (a token some verifier still accepts is revocable). Caveats about the
 * request are not judged: there is no request. Throws the core's ChitError.
 * @example const cap = verifyForRevocation(ctx, token, [])
 */
export function verifyForRevocation(
  ctx: MintContext,
  token: string,
  discharges: readonly string[],
): VerifiedCapability {
  const cap = verifyTokenChain(ctx, token, discharges);
  // Revocable for as long as a verifier could accept it: the same bound as revocation
  // entries (not-before is not checked: a token not valid yet can be revoked already).
  const acceptedUntil = stateLifetime(cap.expiresAt);
  if (acceptedUntil !== null && ctx.nowSeconds() >= acceptedUntil) throw new TokenExpiredError();
  return cap;
}
