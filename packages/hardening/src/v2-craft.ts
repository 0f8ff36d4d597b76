/**
 * A deliberately permissive macaroon V2 writer, for crafting hostile binary tokens
 * (fields out of order, duplicated, bad lengths, overflowing varints) that the real
 * encoder refuses to produce. Never used to verify anything.
 */

/**
 * One raw field: type byte and payload, written in the given order.
 * @example
 * ```ts
 * const f: RawField = { type: V2.IDENTIFIER, data: new TextEncoder().encode('tenant = 42') };
 * ```
 */
export interface RawField {
  readonly type: number;
  readonly data: Uint8Array;
}

/**
 * LEB128 varint of a non-negative integer.
 * @example
 * ```ts
 * varint(300) // Uint8Array [0xac, 0x02]
 * ```
 */
export function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return Uint8Array.from(out);
}

/**
 * Concatenates byte arrays.
 * @example
 * ```ts
 * concat(Uint8Array.of(1), Uint8Array.of(2)) // Uint8Array [1, 2]
 * ```
 */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A field as written in V2: type, varint length, payload.
 * @example
 * ```ts
 * field({ type: 2, data: Uint8Array.of(7) }) // Uint8Array [2, 1, 7]
 * ```
 */
export function field(f: RawField): Uint8Array {
  return concat(Uint8Array.of(f.type), varint(f.data.length), f.data);
}

/**
 * The V2 field types.
 * @example
 * ```ts
 * field({ type: V2.SIGNATURE, data: signature })
 * ```
 */
export const V2 = { EOS: 0, LOCATION: 1, IDENTIFIER: 2, VID: 4, SIGNATURE: 6 } as const;

/**
 * A raw token: sections of fields, each section closed by an end-of-section byte.
 * @example
 * ```ts
 * const t: RawToken = { header: [{ type: V2.IDENTIFIER, data: id }], caveats: [], trailer: [] };
 * ```
 */
export interface RawToken {
  readonly version?: number;
  /** The header fields (location?, identifier). */
  readonly header: readonly RawField[];
  /** One field list per caveat. */
  readonly caveats: readonly (readonly RawField[])[];
  /** The trailing field(s): normally one 32-byte signature. */
  readonly trailer: readonly RawField[];
}

/**
 * Serialises a raw token exactly as described, without any validation.
 * @example
 * ```ts
 * writeRaw({ header: [{ type: 2, data: id }], caveats: [], trailer: [{ type: 6, data: sig }] })
 * ```
 */
export function writeRaw(t: RawToken): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(t.version ?? 2)];
  for (const f of t.header) parts.push(field(f));
  parts.push(Uint8Array.of(V2.EOS));
  for (const c of t.caveats) {
    for (const f of c) parts.push(field(f));
    parts.push(Uint8Array.of(V2.EOS));
  }
  parts.push(Uint8Array.of(V2.EOS));
  for (const f of t.trailer) parts.push(field(f));
  return concat(...parts);
}

/**
 * The text form (base64url, no padding) of raw bytes.
 * @example
 * ```ts
 * toText(Uint8Array.of(2, 0, 0)) // 'AgAA'
 * ```
 */
export function toText(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
