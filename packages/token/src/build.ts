/**
 * Building plain (standard) macaroons: create, add first- and third-party caveats, bind
 * discharges, encode. Chit-specific minting and attenuation live in `chit.ts`.
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { appendFirstParty } from './append.js';
import { base64UrlEncode, isWellFormedText, utf8Encode } from './bytes.js';
import { bindWords, chainStart, chainThirdParty, fingerprintWords } from './chain.js';
import { serializeBinary } from './format.js';
import { derivedKeyBytes, deriveKey, deriveKeyUncached } from './keys.js';
import { asMacaroon, MacaroonV2, makeCaveat, signatureOf } from './macaroon.js';
import { bytesToWords, wordsToBytes } from './sha256.js';
import type { Bytes, Macaroon } from './types.js';

/**
 * Largest caveat id or identifier a builder accepts (libmacaroons' per-string limit).
 * @example addFirstPartyCaveat(m, 'x'.repeat(MAX_FIELD_BYTES + 1)) // RangeError
 */
export const MAX_FIELD_BYTES = 32768;

const SIG = new Int32Array(8);

function sigBytes(words: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  wordsToBytes(words, 0, out, 0);
  return out;
}

/**
 * Validates bytes-or-text input and returns bytes (TypeError/RangeError naming `name`).
 * @example toFieldBytes('a = 1', 'condition') // Uint8Array
 */
export function toFieldBytes(value: unknown, name: string, allowEmpty = false): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'string') {
    if (!isWellFormedText(value)) {
      throw new RangeError(`${name} must be well-formed Unicode`);
    }
    bytes = utf8Encode(value);
  } else if (value instanceof Uint8Array) {
    bytes = value.slice();
  } else {
    throw new TypeError(`${name} must be a string or a Uint8Array`);
  }
  if (!allowEmpty && bytes.length === 0) throw new RangeError(`${name} must not be empty`);
  if (bytes.length > MAX_FIELD_BYTES)
    throw new RangeError(`${name} must be at most ${MAX_FIELD_BYTES} bytes`);
  return bytes;
}

/**
 * Validates an optional location hint.
 * @example toLocation('', 'options.location') // undefined
 */
export function toLocation(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  if (!isWellFormedText(value)) {
    throw new RangeError(`${name} must be well-formed Unicode`);
  }
  if (utf8Encode(value).length > MAX_FIELD_BYTES) throw new RangeError(`${name} is too long`);
  return value === '' ? undefined : value;
}

/**
 * Validates a root key argument.
 * @example toRootKey(masterKey, 'options.key')
 */
export function toRootKey(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (value.length === 0) throw new RangeError(`${name} must not be empty`);
  return value;
}

/**
 * Options of {@link createMacaroon}.
 * @example createMacaroon({ rootKey, identifier: 'keyid', location: 'https://svc' })
 */
export interface CreateMacaroonOptions {
  /** The root key (any length; the standard derivation is applied). */
  readonly rootKey: Bytes;
  /** The identifier, bytes or UTF-8 text. */
  readonly identifier: Bytes | string;
  /** Optional unsigned location hint. */
  readonly location?: string;
}

/**
 * Creates a plain (non-Chit) macaroon with the standard derivation: any standard
 * macaroon library holding `rootKey` verifies it.
 * @example
 * ```ts
 * const m = createMacaroon({ rootKey: utf8Encode('this is the key'), identifier: 'keyid', location: 'http://example.org/' });
 * encode(m) // 'AgETaHR0cDovL2V4YW1wbGUub3JnLwIFa2V5aWQAAAYgfN7nklEcW8b1KEhYBd_psk54XijiqZMB-dcRxgnjjvc'
 * ```
 */
export function createMacaroon(options: CreateMacaroonOptions): MacaroonV2 {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const rootKey = toRootKey(options.rootKey, 'options.rootKey');
  const identifier = toFieldBytes(options.identifier, 'options.identifier', true);
  const location = toLocation(options.location, 'options.location');
  return createFromIdentifier(rootKey, identifier, location);
}

/**
 * @internal Creates a macaroon for already-validated inputs.
 * @example createFromIdentifier(rootKey, identifierBytes, undefined)
 */
export function createFromIdentifier(
  rootKey: Uint8Array,
  identifier: Uint8Array,
  location: string | undefined,
): MacaroonV2 {
  chainStart(deriveKey(rootKey), identifier, SIG);
  return new MacaroonV2(location, identifier, [], sigBytes(SIG));
}

/**
 * Appends one first-party caveat (any bytes or text: no Chit grammar check). For Chit
 * tokens use {@link attenuate}, which validates the condition first.
 * @example
 * ```ts
 * const narrowed = addFirstPartyCaveat(m, 'account = 3735928559');
 * ```
 */
export function addFirstPartyCaveat(m: Macaroon, condition: Bytes | string): MacaroonV2 {
  const base = asMacaroon(m, 'macaroon');
  return appendFirstParty(base, [toFieldBytes(condition, 'condition')]);
}

/**
 * Options of {@link addThirdPartyCaveat}.
 * @example addThirdPartyCaveat(m, { location: 'https://auth', caveatKey, caveatId: 'is-alice', nonce })
 */
export interface ThirdPartyCaveatOptions {
  /** Where the discharge is obtained (unsigned hint). */
  readonly location?: string;
  /** The caveat root key shared with the third party (any length; derived as usual). */
  readonly caveatKey: Bytes;
  /** The caveat id the third party recognises (bytes or UTF-8 text). */
  readonly caveatId: Bytes | string;
  /** 24 random bytes (randomness is an input). */
  readonly nonce: Bytes;
}

/**
 * Appends a third-party caveat: `VID = nonce || secretbox(derive(caveatKey), nonce, key = sig)`
 * and `sig = HMAC(sig, HMAC(sig, VID) || HMAC(sig, cid))`. The third party then issues a
 * discharge with `createMacaroon({ rootKey: caveatKey, identifier: caveatId })`.
 * @example
 * ```ts
 * const m2 = addThirdPartyCaveat(m, { location: 'https://auth.example', caveatKey, caveatId: 'user-is-alice', nonce });
 * ```
 */
export function addThirdPartyCaveat(m: Macaroon, options: ThirdPartyCaveatOptions): MacaroonV2 {
  const base = asMacaroon(m, 'macaroon');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const caveatKey = toRootKey(options.caveatKey, 'options.caveatKey');
  const caveatId = toFieldBytes(options.caveatId, 'options.caveatId');
  const location = toLocation(options.location, 'options.location');
  const nonce = options.nonce;
  if (!(nonce instanceof Uint8Array)) throw new TypeError('options.nonce must be a Uint8Array');
  if (nonce.length !== 24) throw new RangeError('options.nonce must be 24 bytes');
  const sig = signatureOf(base);
  const dk = derivedKeyBytes(deriveKeyUncached(caveatKey));
  const sealed = xsalsa20poly1305(sig, nonce.slice()).encrypt(dk);
  const vid = new Uint8Array(24 + sealed.length);
  vid.set(nonce, 0);
  vid.set(sealed, 24);
  bytesToWords(sig, 0, SIG, 0);
  chainThirdParty(SIG, vid, caveatId);
  const caveats = [...base.caveats, makeCaveat(caveatId, vid, location)];
  return new MacaroonV2(base.location, base.identifier, caveats, sigBytes(SIG));
}

/**
 * Binds a discharge to the primary token it will be presented with:
 * `HMAC(0^32, HMAC(0^32, primarySig) || HMAC(0^32, dischargeSig))`. Bind every discharge
 * (nested ones too) to the primary.
 * @example
 * ```ts
 * const bound = bindDischarge(primary, discharge);
 * verify(primary, { keys, context, clock, discharges: [bound] });
 * ```
 */
export function bindDischarge(primary: Macaroon, discharge: Macaroon): MacaroonV2 {
  const p = asMacaroon(primary, 'primary');
  const d = asMacaroon(discharge, 'discharge');
  bytesToWords(signatureOf(d), 0, SIG, 0);
  bindWords(signatureOf(p), SIG, SIG);
  return new MacaroonV2(d.location, d.identifier, d.caveats, sigBytes(SIG));
}

/**
 * The canonical text form: base64url (no padding) of the V2 binary form. Cached per
 * macaroon object.
 * @example
 * ```ts
 * const text = encode(m); // 'AgE...'
 * ```
 */
export function encode(m: Macaroon): string {
  const base = asMacaroon(m, 'token');
  let text = MacaroonV2.cachedText(base);
  if (text === undefined) {
    const binary = serializeBinary(base);
    text = base64UrlEncode(binary);
    MacaroonV2.setCachedText(base, text);
    MacaroonV2.setCachedBinary(base, binary);
  }
  return text;
}

/**
 * The V2 binary form.
 * @example
 * ```ts
 * encodeBinary(m)[0] // 2
 * ```
 */
export function encodeBinary(m: Macaroon): Uint8Array {
  return serializeBinary(asMacaroon(m, 'token')).slice();
}

/**
 * The fingerprint of this exact token: a one-way, domain-separated hash of its signature
 * (128 bits, 32 hex characters). Safe to log, store and revoke by; equal to the last entry
 * of `VerifiedCapability.fingerprints`.
 * @example
 * ```ts
 * fingerprint(m) // '9c1e...'
 * ```
 */
export function fingerprint(m: Macaroon): string {
  bytesToWords(signatureOf(asMacaroon(m, 'token')), 0, SIG, 0);
  return fingerprintWords(SIG);
}
