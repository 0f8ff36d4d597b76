/**
 * The public data types of @chit/token. Implementation modules import these;
 * other packages rely on the names (extend, never rename).
 */

/**
 * Bytes in, bytes out: the core never touches Node's Buffer.
 * @example const key: Bytes = crypto.getRandomValues(new Uint8Array(32))
 */
export type Bytes = Uint8Array;

/**
 * One caveat exactly as carried on the wire.
 * @example m.caveats.filter((c: Caveat) => c.vid !== undefined) // third-party caveats
 */
export interface Caveat {
  /** Caveat identifier: the condition text (first-party) or the third-party caveat id. */
  readonly id: Bytes;
  /** Verification id: present only on a third-party caveat (72 bytes in V2). */
  readonly vid?: Bytes;
  /** Location hint of a third-party caveat. Not signed. */
  readonly location?: string;
}

/**
 * A parsed macaroon (V2). Immutable: attenuation returns a new one.
 * Its `signature` is the bearer secret of this token and of every token that can be
 * derived from it: never log it. Implementations hide it from `inspect` and `toJSON`.
 * @example const m: Macaroon = parseToken(text)
 */
export interface Macaroon {
  readonly location?: string;
  readonly identifier: Bytes;
  readonly caveats: readonly Caveat[];
  readonly signature: Bytes;
}

/**
 * What Chit packs into a macaroon identifier (versioned binary layout, see docs/protocol.md).
 * @example decodeIdentifier(m.identifier)?.tokenId
 */
export interface ChitIdentifier {
  /** Layout version (2 is written; 1 still decodes, with `sealed` 0). */
  readonly version: 1 | 2;
  /** Key id: selects the master key. 1-64 chars of `[A-Za-z0-9._-]`. */
  readonly kid: string;
  /** Random 128-bit token id, 32 lowercase hex characters. Names the token family. */
  readonly tokenId: string;
  /** Issue time, Unix seconds. */
  readonly issuedAt: number;
  /** Session the token was minted for, if any. */
  readonly session?: string;
  /**
   * How many caveats the minter added (version 2; 0 for version 1): the first `sealed`
   * caveats are the minter's, the rest were appended by holders. Claims come only from
   * the sealed ones.
   */
  readonly sealed: number;
}

/**
 * Resolves a key id to its master (root) key; `undefined` for unknown or retired kids.
 * @example const keys: KeyResolver = (kid) => ring.get(kid)
 */
export type KeyResolver = (kid: string) => Bytes | undefined;

/**
 * Current time in Unix milliseconds (`Date.now` fits). Time is always an input.
 * @example const clock: Clock = Date.now
 */
export type Clock = () => number;

/**
 * Parsing and verification bounds, enforced before any expensive work.
 * @example parseToken(text, { maxCaveats: 16 } satisfies Partial<Limits>)
 */
export interface Limits {
  /** Maximum encoded token size in bytes of the text form (default 8192). */
  readonly maxTokenBytes: number;
  /** Maximum caveats in one macaroon (default 64). */
  readonly maxCaveats: number;
  /** Maximum bytes of one caveat identifier / condition (default 1024). */
  readonly maxConditionBytes: number;
  /** Maximum number of discharge macaroons (default 16). */
  readonly maxDischarges: number;
}

/**
 * What the request asks to do. A caveat whose context field is absent is unsatisfied
 * (fail closed); a field the token does not constrain is simply allowed.
 * @example const ctx: RequestContext = { tenant: '42', resource: 'orders/7', action: 'read' }
 */
export interface RequestContext {
  readonly tenant?: string;
  readonly resource?: string;
  readonly action?: string;
  /** The name of the verifying service, matched against `audience` caveats. */
  readonly audience?: string;
  /**
   * If given and the token carries a principal claim, must equal it. A token without the
   * claim is not restricted by it (a holder could otherwise widen by appending the claim):
   * services acting on identity check that `capability.principal` is present.
   */
  readonly principal?: string;
  /** If given and the token carries a session (identifier or claim), must equal it. */
  readonly session?: string;
  /** Request attributes matched against attribute caveats (`customer_id = 7`). */
  readonly attributes?: Readonly<Record<string, string>>;
}

/**
 * A usage budget (`uses <= N`), counted per chain position where it was added.
 * @example for (const b of cap.budgets) await store.consume(b.key, b.limit)
 */
export interface Budget {
  /** Store key for the counter: the fingerprint of the chain position that added it. */
  readonly key: string;
  /** Maximum number of uses. */
  readonly limit: number;
  /**
   * The earliest `expires` of the chain up to (and including) the caveat that added this
   * budget, in Unix seconds; `null` when that prefix has none. Every token that shares
   * the counter carries that prefix, so none outlives this: the counter must live until
   * `stateLifetime(expiresAt)`. Never taken from caveats appended after the budget.
   */
  readonly expiresAt: number | null;
}

/**
 * A third-party caveat as seen after verification.
 * @example cap.thirdParty.map((t: ThirdPartyCaveatInfo) => t.location)
 */
export interface ThirdPartyCaveatInfo {
  readonly location?: string;
  /** The caveat id, as text when it is valid UTF-8, else base64url. */
  readonly id: string;
}

/**
 * The authority a verified token grants: constraints resolved by intersecting every
 * caveat of the chain (and of its discharges). Frozen.
 * @example const cap: VerifiedCapability = verify(text, opts); cap.tenants
 */
export interface VerifiedCapability {
  readonly tokenId: string;
  readonly kid: string;
  readonly issuedAt: number;
  /** Session (identifier, or session claim caveat). */
  readonly session?: string;
  /** Principal claim (`principal = ...`). */
  readonly principal?: string;
  /** Role claim (`role = ...`). */
  readonly role?: string;
  /** Trace id claim (`trace = ...`) recorded at mint. */
  readonly traceId?: string;
  /** Allowed tenants, or `null` when unrestricted. */
  readonly tenants: readonly string[] | null;
  /** One entry per resource caveat; a resource must match a pattern of every entry. */
  readonly resources: readonly (readonly string[])[];
  /** Allowed actions, or `null` when unrestricted. */
  readonly actions: readonly string[] | null;
  /** Allowed audiences, or `null` when unrestricted. */
  readonly audiences: readonly string[] | null;
  /** Attribute name to allowed values (intersection of all its caveats). */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** Effective expiry (Unix seconds), the earliest `expires`; `null` when none. */
  readonly expiresAt: number | null;
  /**
   * The earliest `expires` of the primary chain alone (discharges excluded), or `null`:
   * no descendant of this token (same prefix, more caveats) outlives it. Revocation
   * entries for this token live until `stateLifetime(chainExpiresAt)`.
   */
  readonly chainExpiresAt: number | null;
  /** Effective not-before (Unix seconds), the latest `not-before`; `null` when none. */
  readonly notBefore: number | null;
  /** Usage budgets the caller must consume in its store before allowing the request. */
  readonly budgets: readonly Budget[];
  /** Delegation hops in chain order (`via = ...`). */
  readonly via: readonly string[];
  /** Every first-party condition of the primary and its discharges, as text, in chain order. */
  readonly caveats: readonly string[];
  /** Third-party caveats of the primary (each was discharged). */
  readonly thirdParty: readonly ThirdPartyCaveatInfo[];
  /**
   * One-way fingerprints of the chain signatures: index 0 after the identifier, index i
   * after caveat i. The last one names exactly the presented token; revoking fingerprint
   * i revokes that token and everything attenuated from it. Never the signatures.
   */
  readonly fingerprints: readonly string[];
}

/**
 * The untrusted view returned by `decode`: nothing in it has been verified.
 * @example const d: DecodedToken = decode(text); d.unsafeCaveats
 */
export interface DecodedToken {
  readonly location?: string;
  /** Raw identifier bytes. */
  readonly identifier: Bytes;
  /** The Chit identifier, or `null` when the identifier is not a Chit identifier. */
  readonly chit: ChitIdentifier | null;
  /** Caveats exactly as found; UNVERIFIED. */
  readonly unsafeCaveats: readonly UnsafeCaveat[];
}

/**
 * A caveat from an unverified token.
 * @example decode(text).unsafeCaveats.map((c: UnsafeCaveat) => c.text)
 */
export interface UnsafeCaveat {
  readonly kind: 'first-party' | 'third-party';
  /** The caveat id as text when valid UTF-8, else `null`. */
  readonly text: string | null;
  /** The raw caveat id. */
  readonly id: Bytes;
  readonly location?: string;
}
