/**
 * The immutable macaroon object. Its signature is a bearer secret: it lives in a private
 * field, is copied out on access, and never appears in `inspect`, `toJSON` or errors.
 */
import type { Bytes, Caveat, Macaroon } from './types.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A parsed or built macaroon (V2). Frozen; `signature` returns a copy. Build one with
 * `mint`, `createMacaroon` or `parseToken`, never with `new`.
 * @example
 * ```ts
 * const m = parseToken(text);
 * console.log(m); // MacaroonV2 { identifier: <22 bytes>, caveats: 5, signature: <hidden> }
 * ```
 */
export class MacaroonV2 implements Macaroon {
  declare readonly location?: string;
  readonly identifier: Bytes;
  readonly caveats: readonly Caveat[];
  readonly #signature: Uint8Array;
  /** Cached canonical text form (not a property: the object stays frozen). */
  #encoded: string | undefined;
  /** Cached V2 binary form (owned; never handed out without a copy). */
  #binary: Uint8Array | undefined;

  /** @internal */
  constructor(
    location: string | undefined,
    identifier: Bytes,
    caveats: readonly Caveat[],
    signature: Uint8Array,
    encoded?: string,
    binary?: Uint8Array,
  ) {
    if (location !== undefined)
      Object.defineProperty(this, 'location', { value: location, enumerable: true });
    this.identifier = identifier;
    this.caveats = Object.freeze(caveats.slice());
    this.#signature = signature;
    this.#encoded = encoded;
    this.#binary = binary;
    Object.freeze(this);
  }

  /** A copy of the signature: the bearer secret of this token. Never log it. */
  get signature(): Bytes {
    return this.#signature.slice();
  }

  /** @internal The signature without a copy (read-only by convention). */
  static rawSignature(m: MacaroonV2): Uint8Array {
    return m.#signature;
  }

  /** @internal */
  static cachedText(m: MacaroonV2): string | undefined {
    return m.#encoded;
  }

  /** @internal */
  static cachedBinary(m: MacaroonV2): Uint8Array | undefined {
    return m.#binary;
  }

  /** @internal */
  static setCachedBinary(m: MacaroonV2, binary: Uint8Array): void {
    m.#binary = binary;
  }

  /** @internal */
  static setCachedText(m: MacaroonV2, text: string): void {
    m.#encoded = text;
  }

  /** JSON view: structure only, never the signature. */
  toJSON(): { location?: string; identifierBytes: number; caveats: number; signature: '<hidden>' } {
    const out: {
      location?: string;
      identifierBytes: number;
      caveats: number;
      signature: '<hidden>';
    } = {
      identifierBytes: this.identifier.length,
      caveats: this.caveats.length,
      signature: '<hidden>',
    };
    if (this.location !== undefined) out.location = this.location;
    return out;
  }

  [INSPECT](): string {
    const loc = this.location !== undefined ? ` location: ${JSON.stringify(this.location)},` : '';
    return `MacaroonV2 {${loc} identifier: <${this.identifier.length} bytes>, caveats: ${this.caveats.length}, signature: <hidden> }`;
  }
}

/**
 * Builds a frozen caveat record.
 * @example makeCaveat(utf8Encode('tenant = 42'))
 */
export function makeCaveat(id: Bytes, vid?: Bytes, location?: string): Caveat {
  const c: { id: Bytes; vid?: Bytes; location?: string } = { id };
  if (vid !== undefined) c.vid = vid;
  if (location !== undefined) c.location = location;
  return Object.freeze(c);
}

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/**
 * Accepts a {@link MacaroonV2} as is, or validates a structurally conforming object
 * (programmer input) and wraps it; an empty location (of the macaroon or of a caveat) is
 * taken as none. Throws TypeError naming `name` otherwise.
 * @example
 * ```ts
 * const m = asMacaroon(input, 'token');
 * ```
 */
export function asMacaroon(value: unknown, name: string): MacaroonV2 {
  if (value instanceof MacaroonV2) return value;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${name} must be a Macaroon`);
  }
  const v = value as Partial<Macaroon>;
  if (!isBytes(v.identifier)) throw new TypeError(`${name}.identifier must be a Uint8Array`);
  if (!isBytes(v.signature) || v.signature.length !== 32) {
    throw new TypeError(`${name}.signature must be a 32-byte Uint8Array`);
  }
  if (v.location !== undefined && typeof v.location !== 'string') {
    throw new TypeError(`${name}.location must be a string`);
  }
  if (!Array.isArray(v.caveats)) throw new TypeError(`${name}.caveats must be an array`);
  const caveats: Caveat[] = [];
  for (const c of v.caveats as unknown[]) {
    const cv = c as Partial<Caveat> | null;
    if (typeof cv !== 'object' || cv === null || !isBytes(cv.id)) {
      throw new TypeError(`${name}.caveats[] must have an id Uint8Array`);
    }
    if (cv.vid !== undefined && !isBytes(cv.vid))
      throw new TypeError(`${name}.caveats[].vid must be a Uint8Array`);
    // An empty location is no location (as in the header and in every parser).
    const location = cv.location === '' ? undefined : cv.location;
    if (location !== undefined && (typeof location !== 'string' || cv.vid === undefined)) {
      throw new TypeError(`${name}.caveats[].location must be a string on a third-party caveat`);
    }
    caveats.push(makeCaveat(cv.id.slice(), cv.vid?.slice(), location));
  }
  return new MacaroonV2(
    v.location === '' ? undefined : v.location,
    v.identifier.slice(),
    caveats,
    v.signature.slice(),
  );
}

/**
 * The raw signature bytes of a macaroon without copying (internal hot path).
 * @example
 * ```ts
 * const sig = signatureOf(m);
 * ```
 */
export function signatureOf(m: MacaroonV2): Uint8Array {
  return MacaroonV2.rawSignature(m);
}
