/**
 * Appending first-party caveats (attenuation's hot path). When the parent's binary form
 * is cached (parsed or already encoded), the child's binary form is written once, the
 * conditions are encoded straight into it, the HMAC chain runs over it, and the caveat
 * ids and signature are views into it: one allocation per attenuation.
 */
import { base64DecodeScratch, base64UrlEncodeRange, utf8Encode } from './bytes.js';
import { chainFirstParty } from './chain.js';
import { MacaroonV2, makeCaveat, signatureOf } from './macaroon.js';
import { bytesToWords, hmacWords, wordsToBytes } from './sha256.js';
import type { Caveat } from './types.js';

const SIG = new Int32Array(8);

/**
 * A growable copy of a (frozen) caveat list. Not `slice()`: a slice of a frozen array
 * keeps the frozen elements kind, and the `push` that follows then takes V8's slow path
 * (~0.4 µs against ~0.05 µs for this loop).
 */
function copyCaveats(caveats: readonly Caveat[]): Caveat[] {
  const out: Caveat[] = [];
  for (let i = 0; i < caveats.length; i++) out.push(caveats[i]!);
  return out;
}

function uvarintSize(n: number): number {
  let s = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    s++;
  }
  return s;
}

/**
 * Appends first-party caveats given as bytes (already validated).
 * @example
 * ```ts
 * appendFirstParty(m, [utf8Encode('a = 1')])
 * ```
 */
export function appendFirstParty(m: MacaroonV2, conditions: readonly Uint8Array[]): MacaroonV2 {
  bytesToWords(signatureOf(m), 0, SIG, 0);
  const caveats = copyCaveats(m.caveats);
  for (const cid of conditions) {
    chainFirstParty(SIG, cid);
    caveats.push(makeCaveat(cid));
  }
  const sig = new Uint8Array(32);
  wordsToBytes(SIG, 0, sig, 0);
  return new MacaroonV2(m.location, m.identifier, caveats, sig);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** The child's binary form is built here (a typed array over 64 bytes costs ~0.4 µs to allocate). */
let childScratch = new Uint8Array(1024);

/**
 * Appends first-party caveats given as (validated) condition text, splicing the parent's
 * binary form (cached, or decoded from its cached canonical text) when there is one.
 *
 * The child's binary form is written into a reused buffer, the chain runs over it in
 * place, and the child keeps only small copies (each caveat id, the signature) and its
 * canonical text, computed here: `encode(child)` is then a cache hit, and a further
 * attenuation of the child decodes that text. The buffer's signature bytes are zeroed
 * before returning.
 * @example
 * ```ts
 * appendConditions(parsed, ['resource = orders/17'])
 * ```
 */
export function appendConditions(m: MacaroonV2, conditions: readonly string[]): MacaroonV2 {
  let parent = MacaroonV2.cachedBinary(m);
  if (parent === undefined) {
    const text = MacaroonV2.cachedText(m);
    if (text !== undefined) parent = base64DecodeScratch(text) ?? undefined;
  }
  if (parent === undefined) return appendFirstParty(m, conditions.map(utf8Encode));
  // The parent ends `EOS 0x06 0x20 sig(32)`: keep everything before that EOS.
  const head = parent.length - 35;
  const encoded: (Uint8Array | null)[] = [];
  let size = head + 35;
  for (const c of conditions) {
    const bytes = isAscii(c) ? null : utf8Encode(c);
    encoded.push(bytes);
    const len = bytes === null ? c.length : bytes.length;
    size += 1 + uvarintSize(len) + len + 1;
  }
  if (childScratch.length < size)
    childScratch = new Uint8Array(Math.max(size, 2 * childScratch.length));
  const out = childScratch;
  out.set(parent.subarray(0, head), 0);
  bytesToWords(signatureOf(m), 0, SIG, 0);
  const caveats = copyCaveats(m.caveats);
  let o = head;
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i]!;
    const bytes = encoded[i]!;
    const len = bytes === null ? c.length : bytes.length;
    out[o++] = 2; // IDENTIFIER
    let n = len;
    while (n >= 0x80) {
      out[o++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    out[o++] = n;
    const start = o;
    if (bytes === null) for (let j = 0; j < len; j++) out[o++] = c.charCodeAt(j);
    else {
      out.set(bytes, o);
      o += len;
    }
    hmacWords(SIG, 0, out, start, len, SIG, 0);
    caveats.push(makeCaveat(out.slice(start, o)));
    out[o++] = 0; // EOS of the caveat
  }
  out[o++] = 0; // EOS of the caveat section
  out[o++] = 6; // SIGNATURE
  out[o++] = 32;
  wordsToBytes(SIG, 0, out, o);
  const text = base64UrlEncodeRange(out, 0, o + 32);
  const sig = out.slice(o, o + 32);
  out.fill(0, o, o + 32);
  return new MacaroonV2(m.location, m.identifier, caveats, sig, text);
}
