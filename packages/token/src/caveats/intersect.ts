/**
 * Intersection of parsed conditions: the one place that decides how several caveats
 * combine. Shared by verification (resolveCapability) and the unverified summary.
 */
import { CaveatMalformedError } from '../errors.js';
import { MAX_BUDGETS } from '../limits.js';
import type { Condition } from './condition.js';
import { parseCondition } from './parse.js';

/**
 * Everything a list of conditions resolves to (internal, mutable while built).
 * @example const r: Resolution = resolveConditions(['uses <= 3'], { session: undefined, sealed: 1 }); // r.budgets: [{ index: 0, limit: 3, expiresAt: null }]
 */
export interface Resolution {
  tenants: readonly string[] | null;
  resources: (readonly string[])[];
  actions: readonly string[] | null;
  audiences: readonly string[] | null;
  /** `null` until the first attribute condition (most chains have few or none). */
  /** Attribute names in first-seen order, parallel to `attributeValues` (few per chain). */
  attributeNames: string[];
  attributeValues: (readonly string[])[];
  expiresAt: number | null;
  /** The earliest `expires` of the primary chain alone (discharges excluded). */
  chainExpiresAt: number | null;
  /** The earliest `expires` of the current chain (primary or one discharge) so far. */
  prefixExpiresAt: number | null;
  notBefore: number | null;
  /**
   * Each `uses` limit with the index of its condition and the earliest `expires` of its
   * chain up to it: what every token sharing the counter carries.
   */
  budgets: { index: number; limit: number; expiresAt: number | null }[];
  via: string[];
  principal: string | undefined;
  role: string | undefined;
  session: string | undefined;
  traceId: string | undefined;
  /** Two claims of one kind disagree (or a session claim disagrees with the identifier). */
  claimsConflict: boolean;
  /** Conditions before this index are the minter's (the identifier's sealed count). */
  sealed: number;
  /** Claim-shaped conditions a holder appended: each must equal the sealed claim. */
  claimChecks: Condition[] | null;
}

/**
 * What the verifier knows about where the conditions came from.
 * @example const origin: ConditionOrigin = { session: 's-1', sealed: 5, segmentStarts: [0, 7] }
 */
export interface ConditionOrigin {
  /** The identifier's session, if any. */
  readonly session: string | undefined;
  /** How many leading conditions the minter sealed (identifier); claims come only from them. */
  readonly sealed: number;
  /**
   * Index of the first condition of each chain: the primary (0) then each discharge.
   * Omitted: one chain.
   */
  readonly segmentStarts?: readonly number[];
}

/** Intersection of two sorted unique lists (`null` = unrestricted), sorted. */
function intersect(current: readonly string[] | null, next: readonly string[]): readonly string[] {
  // Parsed arrays are fresh and referenced nowhere else: no copy needed.
  if (current === null) return next;
  return current.filter((v) => next.includes(v));
}

/**
 * Parses every condition (throwing CaveatUnknown/CaveatMalformed on the first bad one) and
 * intersects them.
 *
 * Claims (principal, role, session, trace) come only from the first `origin.sealed`
 * conditions (the minter's) and the identifier's session. A claim-shaped condition after
 * them (a holder's, or a discharge's) is a check: it must equal the sealed claim, and
 * when there is none, or it differs, nothing satisfies the token (appending may only
 * restrict).
 * @example resolveConditions(['tenant in [1,2]', 'tenant = 2'], { session: undefined, sealed: 2 }).tenants // ['2']
 */
export function resolveConditions(
  conditions: readonly string[],
  origin: ConditionOrigin,
): Resolution {
  const r: Resolution = {
    tenants: null,
    resources: [],
    actions: null,
    audiences: null,
    attributeNames: [],
    attributeValues: [],
    expiresAt: null,
    chainExpiresAt: null,
    prefixExpiresAt: null,
    notBefore: null,
    budgets: [],
    via: [],
    principal: undefined,
    role: undefined,
    session: origin.session,
    traceId: undefined,
    claimsConflict: false,
    sealed: origin.sealed,
    claimChecks: null,
  };
  const starts = origin.segmentStarts;
  let segment = 0;
  let nextStart = starts !== undefined && starts.length > 1 ? starts[1]! : -1;
  for (let i = 0; i < conditions.length; i++) {
    // A while: an empty discharge starts where the next one does.
    while (i === nextStart) {
      if (segment === 0) r.chainExpiresAt = r.prefixExpiresAt;
      segment++;
      nextStart = starts!.length > segment + 1 ? starts![segment + 1]! : -1;
      r.prefixExpiresAt = null;
    }
    apply(r, parseCondition(conditions[i]!), i);
  }
  if (segment === 0) r.chainExpiresAt = r.prefixExpiresAt;
  if (r.budgets.length > MAX_BUDGETS) {
    throw new CaveatMalformedError(`caveat is malformed: more than ${MAX_BUDGETS} uses budgets`);
  }
  if (r.claimChecks !== null) checkClaims(r, r.claimChecks);
  return r;
}

function sealedClaim(r: Resolution, c: Condition): string | undefined {
  switch (c.type) {
    case 'principal':
      return r.principal;
    case 'role':
      return r.role;
    case 'session':
      return r.session;
    default:
      return r.traceId;
  }
}

// A holder's claim-shaped caveat restricts only: it must repeat the sealed claim.
function checkClaims(r: Resolution, checks: readonly Condition[]): void {
  for (const c of checks) {
    const value = (c as { value: string }).value;
    const sealed = sealedClaim(r, c);
    if (sealed === undefined || sealed !== value) r.claimsConflict = true;
  }
}

function claim(r: Resolution, current: string | undefined, value: string): string {
  if (current !== undefined && current !== value) r.claimsConflict = true;
  return current ?? value;
}

function holderClaim(r: Resolution, c: Condition): void {
  if (r.claimChecks === null) r.claimChecks = [];
  r.claimChecks.push(c);
}

function apply(r: Resolution, c: Condition, index: number): void {
  switch (c.type) {
    case 'tenant':
      r.tenants = intersect(r.tenants, c.values);
      return;
    case 'action':
      r.actions = intersect(r.actions, c.values);
      return;
    case 'audience':
      r.audiences = intersect(r.audiences, c.values);
      return;
    case 'resource':
      r.resources.push(c.patterns);
      return;
    case 'attribute':
      {
        const at = r.attributeNames.indexOf(c.name);
        if (at === -1) {
          r.attributeNames.push(c.name);
          r.attributeValues.push(c.values);
        } else {
          r.attributeValues[at] = intersect(r.attributeValues[at]!, c.values);
        }
      }
      return;
    case 'expires':
      if (r.expiresAt === null || c.at < r.expiresAt) r.expiresAt = c.at;
      if (r.prefixExpiresAt === null || c.at < r.prefixExpiresAt) r.prefixExpiresAt = c.at;
      return;
    case 'not-before':
      if (r.notBefore === null || c.at > r.notBefore) r.notBefore = c.at;
      return;
    case 'uses':
      r.budgets.push({ index, limit: c.limit, expiresAt: r.prefixExpiresAt });
      return;
    case 'via':
      r.via.push(c.service);
      return;
    case 'principal':
      if (index >= r.sealed) holderClaim(r, c);
      else r.principal = claim(r, r.principal, c.value);
      return;
    case 'role':
      if (index >= r.sealed) holderClaim(r, c);
      else r.role = claim(r, r.role, c.value);
      return;
    case 'session':
      if (index >= r.sealed) holderClaim(r, c);
      else r.session = claim(r, r.session, c.value);
      return;
    case 'trace':
      if (index >= r.sealed) holderClaim(r, c);
      else r.traceId = claim(r, r.traceId, c.value);
      return;
  }
}

/**
 * Can nothing satisfy this resolution (conflicting claims or an empty set)?
 * @example isUnsatisfiable(resolveConditions(['role = a', 'role = b'], { session: undefined, sealed: 2 })) // true
 */
export function isUnsatisfiable(r: Resolution): boolean {
  if (r.claimsConflict) return true;
  if (r.tenants?.length === 0 || r.actions?.length === 0 || r.audiences?.length === 0) return true;
  for (const values of r.attributeValues) if (values.length === 0) return true;
  return false;
}

// Records without Object.prototype (no inherited `constructor`, `toString`...), built
// through a constructor so that V8 keeps them in fast mode, unlike Object.create(null).
function AttributeRecord(this: object): void {}
AttributeRecord.prototype = Object.freeze(Object.create(null));
const EMPTY_RECORD: Readonly<Record<string, readonly string[]>> = Object.freeze(
  new (AttributeRecord as unknown as new () => Record<string, readonly string[]>)(),
);

/**
 * A frozen record of attribute constraints without inherited names; the value arrays are
 * owned by the resolution and frozen in place.
 * @example attributeRecord(['region'], [['eu']]).region // ['eu']
 */
export function attributeRecord(
  names: readonly string[],
  values: readonly (readonly string[])[],
): Readonly<Record<string, readonly string[]>> {
  if (names.length === 0) return EMPTY_RECORD;
  const out = new (AttributeRecord as unknown as new () => Record<string, readonly string[]>)();
  for (let i = 0; i < names.length; i++) out[names[i]!] = Object.freeze(values[i]!);
  return Object.freeze(out);
}
