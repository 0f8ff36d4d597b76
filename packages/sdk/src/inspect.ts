/**
 * `inspect`: the unverified, human-oriented view of a token, for display and debugging.
 */

import type { ConditionSummary } from '@chit/token';
import {
  ChitError,
  type Clock,
  decode,
  type ErrorCode,
  parseCondition,
  summarizeConditions,
} from '@chit/token';

/**
 * A third-party caveat: someone at `location` must issue a discharge for it.
 * @example for (const t of inspect(token).thirdParty) console.log(t.location, t.id)
 */
export interface InspectedThirdParty {
  /** Where to ask for the discharge (not signed: a hint). */
  readonly location: string | null;
  /** The caveat id as text when UTF-8, else base64url. */
  readonly id: string;
}

/**
 * What `inspect` shows. Nothing here has been verified: `verified` is always `false`.
 * @example const v: InspectedToken = inspect(token); v.verified // false
 */
export interface InspectedToken {
  readonly verified: false;
  readonly location: string | null;
  /** `true` when the identifier is a Chit identifier (kid, token id, issue time). */
  readonly chit: boolean;
  /** The identifier as text when it is not a Chit identifier (UTF-8), else base64url. */
  readonly identifier: string;
  readonly tokenId: string | null;
  readonly kid: string | null;
  /** Unix seconds. */
  readonly issuedAt: number | null;
  readonly issuedAtIso: string | null;
  /** Session from the identifier, else from a `session` claim caveat. */
  readonly session: string | null;
  /** First-party caveats as text (binary ones as `0x` hex), in chain order. */
  readonly caveats: readonly string[];
  readonly thirdParty: readonly InspectedThirdParty[];
  /** Earliest `expires`, Unix seconds; `null` when the token never expires. */
  readonly expiresAt: number | null;
  readonly expiresAtIso: string | null;
  /** Seconds left at the clock's now (negative once expired); `null` without expiry. */
  readonly remainingSeconds: number | null;
  /** `in 59m 12s`, `expired 3m ago` or `never`. */
  readonly remaining: string;
  readonly expired: boolean;
  /** Allowed audiences, `null` when any. */
  readonly audiences: readonly string[] | null;
  readonly tenants: readonly string[] | null;
  readonly actions: readonly string[] | null;
  readonly resources: readonly (readonly string[])[];
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  readonly principal: string | null;
  readonly role: string | null;
  readonly via: readonly string[];
  /** Every `uses <= N` budget, in chain order. */
  readonly budgets: readonly number[];
  /**
   * When a caveat could not be understood, its error code (the token would be denied
   * by any verifier); `null` otherwise.
   */
  readonly problem: ErrorCode | null;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += B64URL[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function textOr(bytes: Uint8Array): string | null {
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}

function hex(bytes: Uint8Array): string {
  let s = '0x';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * A duration in seconds as `1d 2h`, `59m 12s`, `5s`: the two largest units.
 * @example humanDuration(3725) // '1h 2m'
 */
export function humanDuration(seconds: number): string {
  const s = Math.abs(Math.trunc(seconds));
  const units: [string, number][] = [
    ['d', Math.floor(s / 86400)],
    ['h', Math.floor(s / 3600) % 24],
    ['m', Math.floor(s / 60) % 60],
    ['s', s % 60],
  ];
  const first = units.findIndex(([, v]) => v > 0);
  if (first === -1) return '0s';
  return units
    .slice(first, first + 2)
    .filter(([, v]) => v > 0)
    .map(([u, v]) => `${v}${u}`)
    .join(' ');
}

function iso(unix: number | null): string | null {
  if (unix === null) return null;
  const d = new Date(unix * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * The unverified view of a token (any V2 macaroon; Chit identifiers are decoded): ids,
 * caveats as text, expiry in ISO form with the remaining life, audience, third-party
 * caveats with the location that must discharge them. Never the signature. Marked
 * `verified: false`: for display and debugging, never for a decision.
 *
 * @example
 * ```ts
 * const v = inspect(token, { clock: Date.now })
 * console.log(v.tokenId, v.expiresAtIso, v.remaining) // '0f1e…' '2026-11-27T10:00:00.000Z' 'in 59m 12s'
 * ```
 */
export function inspect(token: string, options: { readonly clock?: Clock } = {}): InspectedToken {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  const d = decode(token);
  const caveats: string[] = [];
  const conditions: string[] = [];
  let binary = false;
  const thirdParty: InspectedThirdParty[] = [];
  for (const c of d.unsafeCaveats) {
    if (c.kind === 'third-party') {
      thirdParty.push({ location: c.location ?? null, id: c.text ?? base64url(c.id) });
      continue;
    }
    caveats.push(c.text ?? hex(c.id));
    if (c.text === null) binary = true;
    else conditions.push(c.text);
  }
  // Show what can be understood; name the first problem (a verifier would deny on it).
  let problem: ErrorCode | null = binary ? 'ERR_CAVEAT_UNKNOWN' : null;
  const understood = conditions.filter((text) => {
    try {
      parseCondition(text);
      return true;
    } catch (e) {
      if (!(e instanceof ChitError)) throw e;
      problem ??= e.code;
      return false;
    }
  });
  const summary: ConditionSummary = summarizeConditions(understood);
  const now = Math.floor((options.clock ?? Date.now)() / 1000);
  const expiresAt = summary.expiresAt;
  const remainingSeconds = expiresAt === null ? null : expiresAt - now;
  const expired = remainingSeconds !== null && remainingSeconds <= 0;
  const remaining =
    remainingSeconds === null
      ? 'never'
      : expired
        ? `expired ${humanDuration(remainingSeconds)} ago`
        : `in ${humanDuration(remainingSeconds)}`;
  const chit = d.chit;
  return Object.freeze({
    verified: false,
    location: d.location ?? null,
    chit: chit !== null,
    identifier:
      chit === null ? (textOr(d.identifier) ?? base64url(d.identifier)) : base64url(d.identifier),
    tokenId: chit?.tokenId ?? null,
    kid: chit?.kid ?? null,
    issuedAt: chit?.issuedAt ?? null,
    issuedAtIso: iso(chit?.issuedAt ?? null),
    session: chit?.session ?? summary.session ?? null,
    caveats,
    thirdParty,
    expiresAt,
    expiresAtIso: iso(expiresAt),
    remainingSeconds,
    remaining,
    expired,
    audiences: summary.audiences,
    tenants: summary.tenants,
    actions: summary.actions,
    resources: summary.resources,
    attributes: summary.attributes,
    principal: summary.principal ?? null,
    role: summary.role ?? null,
    via: summary.via,
    budgets: summary.budgets,
    problem,
  });
}
