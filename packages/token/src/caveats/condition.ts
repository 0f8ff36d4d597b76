/**
 * The parsed forms of first-party conditions. A list with one element is the `key = v`
 * form; two or more is `key in [..]`: so every condition has exactly one text.
 */

/**
 * `tenant`, `action` or `audience`: the request's field must be one of `values`
 * (sorted, unique, 1-64 elements).
 * @example
 * ```ts
 * const c: SetCondition = { type: 'action', values: ['read', 'write'] }; // action in [read,write]
 * ```
 */
export interface SetCondition {
  readonly type: 'tenant' | 'action' | 'audience';
  readonly values: readonly string[];
}

/**
 * `resource`: the requested resource must match one of `patterns` (sorted, unique).
 * @example
 * ```ts
 * const c: ResourceCondition = { type: 'resource', patterns: ['orders/*'] }; // resource = orders/*
 * ```
 */
export interface ResourceCondition {
  readonly type: 'resource';
  readonly patterns: readonly string[];
}

/**
 * `expires` or `not-before`: a Unix time in seconds.
 * @example
 * ```ts
 * const c: TimeCondition = { type: 'expires', at: 1767225600 }; // expires = 1767225600
 * ```
 */
export interface TimeCondition {
  readonly type: 'expires' | 'not-before';
  readonly at: number;
}

/**
 * `uses <= N`: a usage budget, enforced by the store, counted per chain position.
 * @example
 * ```ts
 * const c: UsesCondition = { type: 'uses', limit: 100 }; // uses <= 100
 * ```
 */
export interface UsesCondition {
  readonly type: 'uses';
  readonly limit: number;
}

/**
 * A claim about who holds the token: all claims of one kind must agree.
 * @example
 * ```ts
 * const c: ClaimCondition = { type: 'principal', value: 'user-1' }; // principal = user-1
 * ```
 */
export interface ClaimCondition {
  readonly type: 'principal' | 'role' | 'session' | 'trace';
  readonly value: string;
}

/**
 * `via = service`: a delegation hop, recorded in order; never restricts.
 * @example
 * ```ts
 * const c: ViaCondition = { type: 'via', service: 'billing' }; // via = billing
 * ```
 */
export interface ViaCondition {
  readonly type: 'via';
  readonly service: string;
}

/**
 * `name = v` or `name in [..]`: the request must carry attribute `name` with one of `values`.
 * @example
 * ```ts
 * const c: AttributeCondition = { type: 'attribute', name: 'customer_id', values: ['7'] };
 * ```
 */
export interface AttributeCondition {
  readonly type: 'attribute';
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * Every parsed first-party condition, discriminated by `type`.
 * @example
 * ```ts
 * const c: Condition = parseCondition('tenant = 42');
 * if (c.type === 'tenant') console.log(c.values); // ['42']
 * ```
 */
export type Condition =
  | SetCondition
  | ResourceCondition
  | TimeCondition
  | UsesCondition
  | ClaimCondition
  | ViaCondition
  | AttributeCondition;

/**
 * The constraints a list of conditions resolves to, by the same intersection rules as
 * verification. UNVERIFIED when computed from a decoded token: for display and for
 * deciding whether a new condition would narrow, never for authorisation.
 * @example
 * ```ts
 * const s: ConditionSummary = summarizeConditions(['tenant in [1,2]', 'tenant = 2']);
 * s.tenants; // ['2']
 * ```
 */
export interface ConditionSummary {
  /** Allowed tenants, `null` when unrestricted. */
  readonly tenants: readonly string[] | null;
  /** One entry per resource condition; a resource must match a pattern of every entry. */
  readonly resources: readonly (readonly string[])[];
  /** Allowed actions, `null` when unrestricted. */
  readonly actions: readonly string[] | null;
  /** Allowed audiences, `null` when unrestricted. */
  readonly audiences: readonly string[] | null;
  /** Attribute name to allowed values. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** Earliest `expires`, `null` when none. */
  readonly expiresAt: number | null;
  /** Latest `not-before`, `null` when none. */
  readonly notBefore: number | null;
  /** Smallest `uses <= N`, `null` when none. */
  readonly uses: number | null;
  /** Every `uses` limit in chain order (each one is a separate budget). */
  readonly budgets: readonly number[];
  readonly principal?: string;
  readonly role?: string;
  readonly session?: string;
  readonly traceId?: string;
  /** Delegation hops in order. */
  readonly via: readonly string[];
  /**
   * Nothing can satisfy these conditions: claims disagree, or a tenant, action, audience
   * or attribute intersection is empty.
   */
  readonly unsatisfiable: boolean;
}
