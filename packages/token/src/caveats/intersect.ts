/**
 * Intersection of parsed conditions: the one place that decides how several caveats
 * combine. Shared by verification (resolveCapability) and the unverified summary.
 */
import type { Condition } from './condition.js';
import { parseCondition } from './parse.js';

/**
 * Everything a list of conditions resolves to (internal, mutable while built).
 * @example const r: Resolution = resolveConditions(['uses <= 3'], undefined); // r.budgets: [{ index: 0, limit: 3 }]
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
  notBefore: number | null;
  /** Each `uses` limit with the index of its condition. */
  budgets: { index: number; limit: number }[];
  via: string[];
  principal: string | undefined;
  role: string | undefined;
  session: string | undefined;
  traceId: string | undefined;
  /** Two claims of one kind disagree (or a session claim disagrees with the identifier). */
  claimsConflict: boolean;
}

/** Intersection of two sorted unique lists (`null` = unrestricted), sorted. */
function intersect(current: readonly string[] | null, next: readonly string[]): readonly string[] {
  // Parsed arrays are fresh and referenced nowhere else: no copy needed.
  if (current === null) return next;
  return current.filter((v) => next.includes(v));
}

/**
 * Parses every condition (throwing CaveatUnknown/CaveatMalformed on the first bad one) and
 * intersects them. `session` is the identifier's session, if any.
 * @example resolveConditions(['tenant in [1,2]', 'tenant = 2'], undefined).tenants // ['2']
 */
export function resolveConditions(
  conditions: readonly string[],
  session: string | undefined,
): Resolution {
  const r: Resolution = {
    tenants: null,
    resources: [],
    actions: null,
    audiences: null,
    attributeNames: [],
    attributeValues: [],
    expiresAt: null,
    notBefore: null,
    budgets: [],
    via: [],
    principal: undefined,
    role: undefined,
    session,
    traceId: undefined,
    claimsConflict: false,
  };
  for (let i = 0; i < conditions.length; i++) {
    apply(r, parseCondition(conditions[i]!), i);
  }
  return r;
}

function claim(r: Resolution, current: string | undefined, value: string): string {
  if (current !== undefined && current !== value) r.claimsConflict = true;
  return current ?? value;
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
      return;
    case 'not-before':
      if (r.notBefore === null || c.at > r.notBefore) r.notBefore = c.at;
      return;
    case 'uses':
      r.budgets.push({ index, limit: c.limit });
      return;
    case 'via':
      r.via.push(c.service);
      return;
    case 'principal':
      r.principal = claim(r, r.principal, c.value);
      return;
    case 'role':
      r.role = claim(r, r.role, c.value);
      return;
    case 'session':
      r.session = claim(r, r.session, c.value);
      return;
    case 'trace':
      r.traceId = claim(r, r.traceId, c.value);
      return;
  }
}

/**
 * Can nothing satisfy this resolution (conflicting claims or an empty set)?
 * @example isUnsatisfiable(resolveConditions(['role = a', 'role = b'], undefined)) // true
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
