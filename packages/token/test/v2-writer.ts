/**
 * Test helper: writes V2 binary bytes the way other libraries do, field by field, so tests
 * can present spellings Chit never writes (an empty LOCATION field) with a valid chain.
 */
import type { Macaroon } from '../src/index.js';

/** Where to write LOCATION fields: `undefined` writes none, `''` an empty one. */
export interface Locations {
  readonly header?: string;
  /** Per caveat index; a missing entry writes the caveat's own location, if any. */
  readonly caveats?: readonly (string | undefined)[];
}

function uvarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function field(out: number[], type: number, data: Uint8Array): void {
  out.push(type);
  uvarint(out, data.length);
  for (const b of data) out.push(b);
}

/**
 * The V2 binary form of `m` with LOCATION fields exactly as given in `loc`.
 * @example writeV2(m, { header: '' }) // 02 01 00 02 ... (pymacaroons' default)
 */
export function writeV2(m: Macaroon, loc: Locations): Uint8Array {
  const enc = new TextEncoder();
  const out: number[] = [2];
  if (loc.header !== undefined) field(out, 1, enc.encode(loc.header));
  field(out, 2, m.identifier);
  out.push(0);
  m.caveats.forEach((c, i) => {
    const cl = loc.caveats !== undefined && i < loc.caveats.length ? loc.caveats[i] : c.location;
    if (cl !== undefined) field(out, 1, enc.encode(cl));
    field(out, 2, c.id);
    if (c.vid !== undefined) field(out, 4, c.vid);
    out.push(0);
  });
  out.push(0);
  field(out, 6, m.signature);
  return Uint8Array.from(out);
}

/**
 * What pymacaroons 0.13 writes for `m`: a LOCATION field whenever the location is not
 * None, and a macaroon's location defaults to '' (so the header always has one); a
 * third-party caveat carries the location it was given ('' here when it has none).
 * @example pyStyle(m)[1] === 1 && pyStyle(m)[2] === 0
 */
export function pyStyle(m: Macaroon): Uint8Array {
  return writeV2(m, {
    header: m.location ?? '',
    caveats: m.caveats.map((c) => (c.vid !== undefined ? (c.location ?? '') : undefined)),
  });
}
