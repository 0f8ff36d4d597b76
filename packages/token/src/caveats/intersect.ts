/**
 * Intersection of parsed conditions: the one place that decides how several caveats
 * combine. Shared by verification (resolveCapability) and the unverified summary.
 */
import { CaveatMalformedError } from '../errors.js';
import { MAX_BUDGETS } from '../limits.js';
import type { ClaimCondition, Condition } from './condition.js';
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
  claimChecks: ClaimCondition[] | null;
}

/**
 * What the verifier knows about where the conditions came from.
 * @example const origin: ConditionOrigin = { session: 's-1', sealed: 5, dischargeStarts: [7] }
 */
export interface ConditionOrigin {
  /** The identifier's session, if any. */
  readonly session: string | undefined;
  /** How many leading conditions the minter sealed (identifier); claims come only from them. */
  readonly sealed: number;
  /**
   * Index of the first condition of each discharge, in order (the primary's come before
   * the first). Omitted: the primary's alone.
   */
  readonly dischargeStarts?: readonly number[];
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
  // Each chain (the primary, then each discharge) bounds its own budgets' lifetimes.
  const starts = origin.dischargeStarts ?? NO_STARTS;
  let next = 0; // the next discharge to start
  for (let i = 0; i < conditions.length; i++) {
    // A while: an empty discharge starts where the next one does.
    while (next < starts.length && starts[next] === i) startChain(r, next++);
    apply(r, parseCondition(conditions[i]!), i);
  }
  while (next < starts.length) startChain(r, next++);
  if (starts.length === 0) r.chainExpiresAt = r.prefixExpiresAt;
  if (r.budgets.length > MAX_BUDGETS) {
    throw new CaveatMalformedError(`caveat is malformed: more than ${MAX_BUDGETS} uses budgets`);
  }
  if (r.claimChecks !== null) checkClaims(r, r.claimChecks);
  return r;
}

const NO_STARTS: readonly number[] = [];

// Discharge `n` starts: the primary chain's expiry is known once the first one does.
function startChain(r: Resolution, n: number): void {
  if (n === 0) r.chainExpiresAt = r.prefixExpiresAt;
  r.prefixExpiresAt = null;
}

const CLAIM_FIELD = {
  principal: 'principal',
  role: 'role',
  session: 'session',
  trace: 'traceId',
} as const satisfies Record<ClaimCondition['type'], keyof Resolution>;

/**
 * The field a claim type fills, in a resolution, a capability and a summary alike
 * (`trace` fills `traceId`).
 * @example summary[claimField('trace')] // summary.traceId
 */
export function claimField(type: ClaimCondition['type']): (typeof CLAIM_FIELD)[typeof type] {
  return CLAIM_FIELD[type];
}

// The minter's claim, or a holder's check of it (held until every sealed claim is known).
function applyClaim(r: Resolution, c: ClaimCondition, index: number): void {
  if (index >= r.sealed) {
    if (r.claimChecks === null) r.claimChecks = [];
    r.claimChecks.push(c);
    return;
  }
  const field = CLAIM_FIELD[c.type];
  const current = r[field];
  if (current !== undefined && current !== c.value) r.claimsConflict = true;
  r[field] = current ?? c.value;
}

// A holder's claim-shaped caveat restricts only: it must repeat the sealed claim.
function checkClaims(r: Resolution, checks: readonly ClaimCondition[]): void {
  for (const c of checks) {
    if (r[CLAIM_FIELD[c.type]] !== c.value) r.claimsConflict = true;
  }
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
    case 'role':
    case 'session':
    case 'trace':
      applyClaim(r, c, index);
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
