/**
 * The caveat-id scheme of human-approval caveats (see docs/approvals.md).
 *
 * The policy author (the agent runtime, never the model) and the approval service share
 * a 32-byte *approval key*. To require a human for a request, the author draws a fresh
 * random caveat key, seals `{caveat key, what is to be approved}` with AES-256-GCM under
 * the approval key, and uses the sealed text as the third-party caveat id. The approval
 * service opens it to show the human what they approve and, once approved, issues the
 * discharge with the caveat key. No lookup table is needed and the caveat id reveals
 * nothing to a holder without the approval key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ChitError } from '@chit/token';
import { z } from 'zod';

/** Prefix and version of a sealed approval caveat id. */
export const APPROVAL_CAVEAT_PREFIX = 'apv1.';
const AAD = Buffer.from('chit-approval-caveat-v1');
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Longest caveat id accepted (well within the core's 1024-byte condition limit). */
export const MAX_APPROVAL_CAVEAT_ID = 1000;

/** What a human is asked to approve (shown on the approval page). */
export interface ApprovalRequest {
  /** The tool the agent wants to run. */
  readonly tool: string;
  readonly action: string;
  readonly resource: string;
  readonly tenant?: string;
  readonly session?: string;
  readonly principal?: string;
  /** Digest of the tool call's arguments (`sha256:...`). */
  readonly argsDigest: string;
  /** One line for the human, e.g. `refund 150.00 EUR on order 17`. */
  readonly summary: string;
  /** Unix seconds after which the request can no longer be approved. */
  readonly expiresAt: number;
}

/** A sealed caveat: the caveat id to put in the token and the caveat key to chain with. */
export interface SealedApprovalCaveat {
  readonly caveatId: string;
  /** 32 random bytes: the discharge's root key. Secret: never log it. */
  readonly caveatKey: Uint8Array;
}

const short = (max: number) => z.string().min(1).max(max);
const payloadSchema = z.strictObject({
  k: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  t: short(64),
  a: short(64),
  r: short(256),
  tn: short(128).optional(),
  s: short(128).optional(),
  p: short(128).optional(),
  d: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  m: short(200),
  e: z.number().int().min(0),
});

/**
 * The caveat id is not a sealed approval caveat of this approval key (tampered, from
 * another key, or not one at all). Code `ERR_BAD_REQUEST` (400).
 * @example
 * ```ts
 * try { openApprovalCaveat(key, id) } catch (e) { if (e instanceof ApprovalCaveatInvalidError) reply.code(400) }
 * ```
 */
export class ApprovalCaveatInvalidError extends ChitError {
  constructor() {
    super('ERR_BAD_REQUEST', 'caveat id is not an approval caveat of this service');
  }
}

function checkKey(approvalKey: unknown): Buffer {
  if (!(approvalKey instanceof Uint8Array)) throw new TypeError('approvalKey must be a Uint8Array');
  if (approvalKey.length !== 32) throw new RangeError('approvalKey must be 32 bytes');
  return Buffer.from(approvalKey);
}

/**
 * Seals an approval request into a third-party caveat id with a fresh caveat key.
 * `random` is an input (tests pass a seeded source).
 * @example
 * ```ts
 * const { caveatId, caveatKey } = sealApprovalCaveat(approvalKey, {
 *   tool: 'refund', action: 'refund', resource: 'orders/17', argsDigest, summary: 'refund 150 on order 17',
 *   expiresAt: now + 600,
 * });
 * const guarded = addThirdPartyCaveat(token, { caveatId, caveatKey, location: approvalUrl, nonce });
 * ```
 */
export function sealApprovalCaveat(
  approvalKey: Uint8Array,
  request: ApprovalRequest,
  random: (n: number) => Uint8Array = randomBytes,
): SealedApprovalCaveat {
  const key = checkKey(approvalKey);
  const caveatKey = Uint8Array.from(random(32));
  const payload = payloadSchema.parse({
    k: Buffer.from(caveatKey).toString('base64url'),
    t: request.tool,
    a: request.action,
    r: request.resource,
    tn: request.tenant,
    s: request.session,
    p: request.principal,
    d: request.argsDigest,
    m: request.summary,
    e: request.expiresAt,
  });
  const nonce = Buffer.from(random(NONCE_BYTES));
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(AAD);
  const sealed = Buffer.concat([
    nonce,
    cipher.update(JSON.stringify(payload), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  const caveatId = APPROVAL_CAVEAT_PREFIX + sealed.toString('base64url');
  if (caveatId.length > MAX_APPROVAL_CAVEAT_ID) throw new RangeError('request is too long to seal');
  return { caveatId, caveatKey };
}

/** An opened approval caveat. */
export interface OpenedApprovalCaveat {
  readonly request: ApprovalRequest;
  /** The discharge's root key. Secret: never log it. */
  readonly caveatKey: Uint8Array;
}

/**
 * Opens a sealed caveat id (the approval service's side). Throws
 * {@link ApprovalCaveatInvalidError} for anything it did not seal with this key.
 * @example
 * ```ts
 * const { request, caveatKey } = openApprovalCaveat(approvalKey, body.caveatId);
 * ```
 */
export function openApprovalCaveat(
  approvalKey: Uint8Array,
  caveatId: string,
): OpenedApprovalCaveat {
  const key = checkKey(approvalKey);
  if (
    typeof caveatId !== 'string' ||
    caveatId.length > MAX_APPROVAL_CAVEAT_ID ||
    !caveatId.startsWith(APPROVAL_CAVEAT_PREFIX) ||
    !/^[A-Za-z0-9_-]+$/.test(caveatId.slice(APPROVAL_CAVEAT_PREFIX.length))
  ) {
    throw new ApprovalCaveatInvalidError();
  }
  const sealed = Buffer.from(caveatId.slice(APPROVAL_CAVEAT_PREFIX.length), 'base64url');
  if (sealed.length <= NONCE_BYTES + TAG_BYTES) throw new ApprovalCaveatInvalidError();
  let text: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(AAD);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    text = Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new ApprovalCaveatInvalidError();
  }
  const parsed = payloadSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ApprovalCaveatInvalidError();
  const p = parsed.data;
  const request: ApprovalRequest = {
    tool: p.t,
    action: p.a,
    resource: p.r,
    ...(p.tn !== undefined && { tenant: p.tn }),
    ...(p.s !== undefined && { session: p.s }),
    ...(p.p !== undefined && { principal: p.p }),
    argsDigest: p.d,
    summary: p.m,
    expiresAt: p.e,
  };
  return { request, caveatKey: Uint8Array.from(Buffer.from(p.k, 'base64url')) };
}
