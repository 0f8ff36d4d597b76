/**
 * The capability object resolveCapability returns, carrying its compiled constraints in a
 * private field, plus compilation for capabilities built elsewhere (deserialised).
 */
import type { Budget, ChitIdentifier, ThirdPartyCaveatInfo, VerifiedCapability } from '../types.js';
import {
  attributeRecord,
  isUnsatisfiable,
  type Resolution,
  resolveConditions,
} from './intersect.js';
import { compileParsedPatterns, compilePatterns, type ResourceMatcher } from './resource.js';

/**
 * What authorize needs beyond the capability's own fields, prepared once.
 * @example const { unsatisfiable, attributeNames } = compiledOf(cap);
 */
export interface CompiledCapability {
  readonly unsatisfiable: boolean;
  /** One matcher list per resource condition. */
  readonly resources: readonly (readonly ResourceMatcher[])[];
  readonly attributeNames: readonly string[];
  readonly attributeValues: readonly (readonly string[])[];
}

const EMPTY: readonly never[] = Object.freeze([]);

/** Freezes an array the resolution owns, in place; shares one empty array. */
function owned<T>(values: T[]): readonly T[] {
  return values.length === 0 ? EMPTY : Object.freeze(values);
}

function compileResolution(r: Resolution, resources: readonly (readonly string[])[]) {
  const noAttributes = r.attributeNames.length === 0;
  return {
    unsatisfiable: isUnsatisfiable(r),
    resources: resources.length === 0 ? EMPTY : resources.map(compileParsedPatterns),
    attributeNames: noAttributes ? EMPTY : r.attributeNames,
    attributeValues: noAttributes ? EMPTY : r.attributeValues,
  };
}

/**
 * A VerifiedCapability made by resolveCapability. Its compiled constraints live in a private
 * field: invisible to JSON, spread and `Object.keys`, and lost by any copy (a copy is then
 * compiled from its own fields), so they always describe exactly this object. Every
 * capability has the same shape (absent claims are `undefined`): authorize stays
 * monomorphic.
 */
class ResolvedCapability implements VerifiedCapability {
  readonly tokenId: string;
  readonly kid: string;
  readonly issuedAt: number;
  readonly session: string | undefined;
  readonly principal: string | undefined;
  readonly role: string | undefined;
  readonly traceId: string | undefined;
  readonly tenants: readonly string[] | null;
  readonly resources: readonly (readonly string[])[];
  readonly actions: readonly string[] | null;
  readonly audiences: readonly string[] | null;
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  readonly expiresAt: number | null;
  readonly chainExpiresAt: number | null;
  readonly notBefore: number | null;
  readonly budgets: readonly Budget[];
  readonly via: readonly string[];
  readonly caveats: readonly string[];
  readonly thirdParty: readonly ThirdPartyCaveatInfo[];
  readonly fingerprints: readonly string[];
  readonly #compiled: CompiledCapability;

  constructor(
    identifier: ChitIdentifier,
    r: Resolution,
    budgets: Budget[],
    conditions: string[],
    fingerprints: string[],
    thirdParty: readonly ThirdPartyCaveatInfo[],
  ) {
    this.tokenId = identifier.tokenId;
    this.kid = identifier.kid;
    this.issuedAt = identifier.issuedAt;
    this.session = r.session;
    this.principal = r.principal;
    this.role = r.role;
    this.traceId = r.traceId;
    this.tenants = r.tenants && Object.freeze(r.tenants);
    for (let i = 0; i < r.resources.length; i++) Object.freeze(r.resources[i]);
    this.resources = owned(r.resources);
    this.actions = r.actions && Object.freeze(r.actions);
    this.audiences = r.audiences && Object.freeze(r.audiences);
    this.attributes = attributeRecord(r.attributeNames, r.attributeValues);
    this.expiresAt = r.expiresAt;
    this.chainExpiresAt = r.chainExpiresAt;
    this.notBefore = r.notBefore;
    this.budgets = owned(budgets);
    this.via = owned(r.via);
    this.caveats = Object.freeze(conditions);
    this.thirdParty =
      thirdParty.length === 0
        ? EMPTY
        : Object.freeze(
            thirdParty.map((t) =>
              Object.freeze(
                t.location === undefined ? { id: t.id } : { location: t.location, id: t.id },
              ),
            ),
          );
    this.fingerprints = Object.freeze(fingerprints);
    this.#compiled = compileResolution(r, this.resources);
    Object.freeze(this);
  }

  static compiledOf(cap: VerifiedCapability): CompiledCapability | undefined {
    return #compiled in cap ? (cap as ResolvedCapability).#compiled : undefined;
  }
}

/**
 * Builds the frozen capability for a resolution (see resolveCapability). `budgets`,
 * `conditions` and `fingerprints` are frozen in place and kept: pass arrays nobody else
 * holds.
 * @example createCapability(identifier, resolveConditions(texts, identifier), [], texts, fps, [])
 */
export function createCapability(
  identifier: ChitIdentifier,
  r: Resolution,
  budgets: Budget[],
  conditions: string[],
  fingerprints: string[],
  thirdParty: readonly ThirdPartyCaveatInfo[],
): VerifiedCapability {
  return new ResolvedCapability(identifier, r, budgets, conditions, fingerprints, thirdParty);
}

// Capabilities built elsewhere (deserialised, hand-built): compiled on first use, kept as
// long as the object lives.
const compiledForeign = new WeakMap<VerifiedCapability, CompiledCapability>();

/**
 * Compiled matchers of a capability built elsewhere, from its own fields; claim
 * conflicts are re-derived from its condition texts, and unparseable texts deny.
 */
function compileForeign(cap: VerifiedCapability): CompiledCapability {
  let unsatisfiable: boolean;
  try {
    // The fields were judged where the capability was built: every caveat counts as sealed.
    unsatisfiable = isUnsatisfiable(
      resolveConditions(cap.caveats, { session: cap.session, sealed: cap.caveats.length }),
    );
  } catch {
    unsatisfiable = true;
  }
  const attributeNames = Object.keys(cap.attributes);
  const compiled: CompiledCapability = {
    unsatisfiable,
    resources: cap.resources.map(compilePatterns),
    attributeNames,
    attributeValues: attributeNames.map((name) => cap.attributes[name]!),
  };
  compiledForeign.set(cap, compiled);
  return compiled;
}

/**
 * The prepared constraints of any capability (once per object).
 * @example if (compiledOf(cap).unsatisfiable) throw new CaveatUnsatisfiedError()
 */
export function compiledOf(cap: VerifiedCapability): CompiledCapability {
  return ResolvedCapability.compiledOf(cap) ?? compiledForeign.get(cap) ?? compileForeign(cap);
}
