/**
 * Macaroon V2 binary format (libmacaroons / go-macaroon / js-macaroon compatible):
 *
 *   macaroon := 0x02 [LOCATION] IDENTIFIER EOS caveat* EOS SIGNATURE
 *   caveat   := [LOCATION] IDENTIFIER [VID] EOS
 *   field    := type(uvarint) length(uvarint) bytes
 *
 * The parser is a single forward loop (no recursion), strict about field order, minimal
 * varints, field lengths and trailing bytes, and checks every limit before copying.
 *
 * An empty LOCATION field (type 1, length 0) is read as no location, in the header and on
 * a caveat: pymacaroons writes one in every V2 macaroon without a location, and go-macaroon
 * and libmacaroons read it the same way. The writer never emits one (one spelling when we
 * write), so a token that had one re-encodes to other bytes with the same signature
 * (locations are not part of the HMAC chain).
 */
import { utf8Decode, utf8Encode } from './bytes.js';
import { TokenMalformedError, TokenTooLargeError } from './errors.js';
import { MacaroonV2, makeCaveat, signatureOf } from './macaroon.js';
import type { Caveat, Limits } from './types.js';

const FIELD_EOS = 0;
const FIELD_LOCATION = 1;
const FIELD_IDENTIFIER = 2;
const FIELD_VID = 4;
const FIELD_SIGNATURE = 6;
const MAX_FIELD = 0x7fffffff;

/** Parser cursor state (module scratch: parsing is synchronous). */
let buf: Uint8Array = new Uint8Array(0);
let pos = 0;
/** Set when an empty LOCATION field was read: the input is then not our spelling. */
let sawEmptyLocation = false;

function malformed(what: string): never {
  throw new TokenMalformedError(`token is malformed: ${what}`);
}

/** Reads a minimal unsigned LEB128 of at most 31 bits. */
function readUvarint(): number {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) malformed('truncated varint');
    const b = buf[pos++]!;
    if (shift === 28 && b > 0x07) malformed('varint too large');
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      if (b === 0 && shift > 0) malformed('non-minimal varint');
      return value >>> 0;
    }
    shift += 7;
  }
}

/** Reads the payload of a field whose type was just read; returns its start offset. */
function readFieldBody(maxLen: number, tooLarge: string | null): number {
  const len = readUvarint();
  if (len > MAX_FIELD) malformed('field too long');
  if (len > maxLen) {
    if (tooLarge !== null) throw new TokenTooLargeError(`token exceeds a size limit: ${tooLarge}`);
    malformed('field too long');
  }
  if (len > buf.length - pos) malformed('truncated field');
  const start = pos;
  pos += len;
  return start;
}

/** Reads a LOCATION field's payload: `undefined` when it is empty (no location). */
function readLocation(): string | undefined {
  const start = readFieldBody(MAX_FIELD, null);
  if (pos === start) {
    sawEmptyLocation = true;
    return undefined;
  }
  const loc = utf8Decode(buf, start, pos);
  if (loc === null) malformed('location is not UTF-8');
  return loc;
}

/**
 * Parses the V2 binary form. `bytes` is owned by the result afterwards (fields are views
 * into it); `bytes` and `text` are kept as the token's encoded forms only when they are
 * Chit's own spelling (no empty location field). Throws TokenMalformedError /
 * TokenTooLargeError.
 * @example
 * ```ts
 * const m = parseBinary(base64Decode(text)!, DEFAULT_LIMITS);
 * ```
 */
export function parseBinary(bytes: Uint8Array, limits: Limits, text?: string): MacaroonV2 {
  buf = bytes;
  pos = 0;
  sawEmptyLocation = false;
  try {
    if (bytes.length === 0 || bytes[0] !== 2) malformed('not a V2 macaroon');
    pos = 1;
    let location: string | undefined;
    let t = readUvarint();
    if (t === FIELD_LOCATION) {
      location = readLocation();
      t = readUvarint();
    }
    if (t !== FIELD_IDENTIFIER) malformed('expected identifier');
    const idStart = readFieldBody(MAX_FIELD, null);
    const identifier = bytes.subarray(idStart, pos);
    if (readUvarint() !== FIELD_EOS) malformed('expected end of header');
    const caveats: Caveat[] = [];
    for (;;) {
      t = readUvarint();
      if (t === FIELD_EOS) break;
      if (caveats.length >= limits.maxCaveats) {
        throw new TokenTooLargeError('token exceeds a size limit: too many caveats');
      }
      let cavLocation: string | undefined;
      if (t === FIELD_LOCATION) {
        cavLocation = readLocation();
        t = readUvarint();
      }
      if (t !== FIELD_IDENTIFIER) malformed('expected caveat identifier');
      const cs = readFieldBody(limits.maxConditionBytes, 'caveat too long');
      const cid = bytes.subarray(cs, pos);
      t = readUvarint();
      let vid: Uint8Array | undefined;
      if (t === FIELD_VID) {
        const vs = readFieldBody(MAX_FIELD, null);
        vid = bytes.subarray(vs, pos);
        t = readUvarint();
      }
      if (t !== FIELD_EOS) malformed('expected end of caveat');
      if (vid === undefined && cavLocation !== undefined) {
        malformed('first-party caveat with a location');
      }
      caveats.push(makeCaveat(cid, vid, cavLocation));
    }
    if (readUvarint() !== FIELD_SIGNATURE) malformed('expected signature');
    if (readUvarint() !== 32) malformed('signature is not 32 bytes');
    if (buf.length - pos !== 32) malformed('signature length');
    const signature = bytes.subarray(pos, pos + 32);
    // Another library's spelling is not cached: encode and attenuate then write ours.
    if (sawEmptyLocation) return new MacaroonV2(location, identifier, caveats, signature);
    return new MacaroonV2(location, identifier, caveats, signature, text, bytes);
  } finally {
    buf = EMPTY;
  }
}

const EMPTY = new Uint8Array(0);

function uvarintSize(n: number): number {
  let s = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    s++;
  }
  return s;
}

function fieldSize(len: number): number {
  return 1 + uvarintSize(len) + len;
}

function writeUvarint(out: Uint8Array, o: number, n: number): number {
  while (n >= 0x80) {
    out[o++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[o++] = n;
  return o;
}

function writeField(out: Uint8Array, o: number, type: number, data: Uint8Array): number {
  out[o++] = type;
  o = writeUvarint(out, o, data.length);
  out.set(data, o);
  return o + data.length;
}

/** A location to write, or `undefined`: an empty location is written as none. */
function locationBytes(location: string | undefined): Uint8Array | undefined {
  return location === undefined || location === '' ? undefined : utf8Encode(location);
}

/**
 * Serialises a macaroon to the V2 binary form (never with an empty LOCATION field).
 * @example
 * ```ts
 * const bytes = serializeBinary(m); // bytes[0] === 2
 * ```
 */
export function serializeBinary(m: MacaroonV2): Uint8Array {
  const cached = MacaroonV2.cachedBinary(m);
  if (cached !== undefined) return cached;
  const loc = locationBytes(m.location);
  const cavLocs: (Uint8Array | undefined)[] = [];
  let size = 1 + fieldSize(m.identifier.length) + 1 + 1 + fieldSize(32);
  if (loc !== undefined) size += fieldSize(loc.length);
  for (const c of m.caveats) {
    const cl = locationBytes(c.location);
    cavLocs.push(cl);
    size += fieldSize(c.id.length) + 1;
    if (cl !== undefined) size += fieldSize(cl.length);
    if (c.vid !== undefined) size += fieldSize(c.vid.length);
  }
  const out = new Uint8Array(size);
  out[0] = 2;
  let o = 1;
  if (loc !== undefined) o = writeField(out, o, FIELD_LOCATION, loc);
  o = writeField(out, o, FIELD_IDENTIFIER, m.identifier);
  out[o++] = FIELD_EOS;
  for (let i = 0; i < m.caveats.length; i++) {
    const c = m.caveats[i]!;
    const cl = cavLocs[i];
    if (cl !== undefined) o = writeField(out, o, FIELD_LOCATION, cl);
    o = writeField(out, o, FIELD_IDENTIFIER, c.id);
    if (c.vid !== undefined) o = writeField(out, o, FIELD_VID, c.vid);
    out[o++] = FIELD_EOS;
  }
  out[o++] = FIELD_EOS;
  o = writeField(out, o, FIELD_SIGNATURE, signatureOf(m));
  return out;
}

/**
 * The binary form of `parent` with first-party caveats appended and a new signature,
 * spliced from the parent's cached binary form (which always ends `EOS 0x06 0x20 sig`).
 * @example
 * ```ts
 * const child = appendedBinary(parentBinary, [cid], newSig);
 * ```
 */
export function appendedBinary(
  parent: Uint8Array,
  cids: readonly Uint8Array[],
  sig: Uint8Array,
): Uint8Array {
  const head = parent.length - 35;
  let size = head + 35;
  for (const cid of cids) size += fieldSize(cid.length) + 1;
  const out = new Uint8Array(size);
  out.set(parent.subarray(0, head), 0);
  let o = head;
  for (const cid of cids) {
    o = writeField(out, o, FIELD_IDENTIFIER, cid);
    out[o++] = FIELD_EOS;
  }
  out[o++] = FIELD_EOS;
  out[o++] = FIELD_SIGNATURE;
  out[o++] = 32;
  out.set(sig, o);
  return out;
}
