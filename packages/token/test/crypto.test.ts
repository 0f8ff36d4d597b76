/** The lean SHA-256 / HMAC against @noble/hashes, and the byte helpers. */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64Decode,
  base64UrlEncode,
  bytesEqual,
  constantTimeEqual,
  fromHex,
  isWellFormedText,
  toHex,
  utf8Decode,
  utf8Encode,
} from '../src/bytes.js';
import { fingerprintWords } from '../src/chain.js';
import { bytesToWords, hmacSha256, hmacWords, sha256, wordsToBytes } from '../src/sha256.js';

const SEED = 20261127;
const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });

describe('SHA-256 / HMAC-SHA256 agree with @noble/hashes', () => {
  it('sha256 over messages of every length 0..300 (all padding cases, multi-block)', () => {
    for (let n = 0; n <= 300; n++) {
      const m = new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
      expect(toHex(sha256(m))).toBe(toHex(nobleSha256(m)));
    }
  });
  it('hmacSha256 for random keys (incl. > 64 bytes) and messages (incl. > 1 block)', () => {
    fc.assert(
      fc.property(bytes(150), bytes(300), (key, msg) => {
        expect(toHex(hmacSha256(key, msg))).toBe(toHex(hmac(nobleSha256, key, msg)));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
  it('hmacWords (the chain step, 32-byte keys) agrees, including aliasing key and output', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), bytes(200), (key, msg) => {
        const w = new Int32Array(8);
        bytesToWords(key, 0, w, 0);
        hmacWords(w, 0, msg, 0, msg.length, w, 0);
        const out = new Uint8Array(32);
        wordsToBytes(w, 0, out, 0);
        expect(toHex(out)).toBe(toHex(hmac(nobleSha256, key, msg)));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
  it('fingerprint = first 16 bytes of SHA-256("chit/fingerprint/v1\\0" || sig), hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (sig) => {
        const w = new Int32Array(8);
        bytesToWords(sig, 0, w, 0);
        const prefix = utf8Encode('chit/fingerprint/v1\0');
        const full = new Uint8Array(prefix.length + 32);
        full.set(prefix);
        full.set(sig, prefix.length);
        expect(fingerprintWords(w)).toBe(toHex(nobleSha256(full).subarray(0, 16)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('base64', () => {
  it('round-trips and matches Buffer for both alphabets, padded and not', () => {
    fc.assert(
      fc.property(bytes(200), (b) => {
        const url = base64UrlEncode(b);
        expect(url).toBe(Buffer.from(b).toString('base64url'));
        const std = Buffer.from(b).toString('base64');
        expect(toHex(base64Decode(url)!)).toBe(toHex(b));
        expect(toHex(base64Decode(std)!)).toBe(toHex(b));
        expect(toHex(base64Decode(std.replace(/=+$/, ''))!)).toBe(toHex(b));
        expect(
          toHex(
            base64Decode(
              Buffer.from(b).toString('base64url') + '='.repeat((4 - (url.length % 4)) % 4),
            )!,
          ),
        ).toBe(toHex(b));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
  it('encodes long inputs (chunked) correctly', () => {
    const b = new Uint8Array(50_000).map((_, i) => i & 255);
    expect(base64UrlEncode(b)).toBe(Buffer.from(b).toString('base64url'));
  });
  it.each([
    ['A', 'impossible length'],
    ['AB=', 'bad padding length'],
    ['AAAA=', 'padding where none is due'],
    ['AA=A', 'padding inside'],
    ['A===', 'too much padding'],
    ['AB', 'non-canonical trailing bits (2 chars)'],
    ['AAB', 'non-canonical trailing bits (3 chars)'],
    ['AB==', 'non-canonical trailing bits, padded'],
    ['AA A', 'space'],
    ['AAA\n', 'newline'],
    ['AA.A', 'dot'],
    ['AA!A', 'bang'],
    ['A-+A', 'mixed alphabets'],
    ['_/AA', 'mixed alphabets (2)'],
    ['AAÀA', 'non-ASCII'],
    ['AA\u0000A', 'NUL'],
  ])('rejects %j (%s)', (input) => {
    expect(base64Decode(input)).toBeNull();
  });
});

describe('utf8, hex, equality', () => {
  it('strict UTF-8 rejects overlong, surrogates, truncation; accepts valid text', () => {
    expect(utf8Decode(new Uint8Array([0xc0, 0x80]))).toBeNull();
    expect(utf8Decode(new Uint8Array([0xed, 0xa0, 0x80]))).toBeNull();
    expect(utf8Decode(new Uint8Array([0xe2, 0x82]))).toBeNull();
    expect(utf8Decode(new Uint8Array([0xff]))).toBeNull();
    expect(utf8Decode(utf8Encode('héllo ✓ 𝄞'))).toBe('héllo ✓ 𝄞');
    expect(utf8Decode(utf8Encode('\uFEFFbom'))).toBe('\uFEFFbom');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => {
        expect(utf8Decode(utf8Encode(s))).toBe(s);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
  it('isWellFormedText spots lone surrogates', () => {
    expect(isWellFormedText('a𝄞b')).toBe(true);
    expect(isWellFormedText('a\uD800b')).toBe(false);
    expect(isWellFormedText('\uDC00')).toBe(false);
  });
  it('hex round-trips and rejects bad input', () => {
    expect(toHex(fromHex('00ffA0')!)).toBe('00ffa0');
    expect(fromHex('0')).toBeNull();
    expect(fromHex('0g')).toBeNull();
    expect(fromHex(' 0')).toBeNull();
  });
  it('constantTimeEqual checks the length first and compares every byte', () => {
    expect(constantTimeEqual(new Uint8Array(32), new Uint8Array(31))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(32), new Uint8Array(32))).toBe(true);
    const a = new Uint8Array(32);
    for (let i = 0; i < 32; i++) {
      const b = new Uint8Array(32);
      b[i] = 1;
      expect(constantTimeEqual(a, b)).toBe(false);
      expect(bytesEqual(a, b)).toBe(false);
    }
  });
});
