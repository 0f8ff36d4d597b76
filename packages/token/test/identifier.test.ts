/** The Chit identifier layout (docs/protocol.md). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIdentifier, encodeIdentifier, fromHex, toHex, utf8Encode } from '../src/index.js';

const SEED = 777;
const tokenId = fromHex('00112233445566778899aabbccddeeff')!;

describe('Chit identifier', () => {
  it('has the documented layout', () => {
    const id = encodeIdentifier({ kid: 'k1', tokenId, issuedAt: 1767225600 });
    // 0xC2 | kidLen | "k1" | tokenId | uvarint(1767225600) | uvarint(sealed)
    expect(toHex(id)).toBe(`c2026b31${toHex(tokenId)}80f2d6ca0600`);
    expect(id.length).toBe(26);
    const withSession = encodeIdentifier({ kid: 'k1', tokenId, issuedAt: 0, session: 's-1' });
    expect(toHex(withSession)).toBe(`c2026b31${toHex(tokenId)}000003732d31`);
    const sealed = encodeIdentifier({ kid: 'k1', tokenId, issuedAt: 0, sealed: 200 });
    expect(toHex(sealed)).toBe(`c2026b31${toHex(tokenId)}00c801`);
  });
  it('still decodes version 1 (0xC1, no sealed count) as sealed 0', () => {
    expect(decodeIdentifier(fromHex(`c1026b31${toHex(tokenId)}0003732d31`)!)).toEqual({
      version: 1,
      kid: 'k1',
      tokenId: toHex(tokenId),
      issuedAt: 0,
      sealed: 0,
      session: 's-1',
    });
  });
  it('round-trips every valid input', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 2 ** 40 - 1 }),
        fc.option(fc.stringMatching(/^[a-z0-9:@ -]{1,80}$/), { nil: undefined }),
        fc.integer({ min: 0, max: 0xffff }),
        (kid, tid, issuedAt, session, sealed) => {
          const bytes = encodeIdentifier({
            kid,
            tokenId: tid,
            issuedAt,
            sealed,
            ...(session !== undefined ? { session } : {}),
          });
          const d = decodeIdentifier(bytes);
          expect(d).toEqual({
            version: 2,
            kid,
            tokenId: toHex(tid),
            issuedAt,
            sealed,
            ...(session !== undefined ? { session } : {}),
          });
          expect(Object.isFrozen(d)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
  it('returns null for plain identifiers and any non-canonical or truncated layout', () => {
    const good = encodeIdentifier({ kid: 'k1', tokenId, issuedAt: 1767225600, session: 'abc' });
    expect(decodeIdentifier(good)).not.toBeNull();
    const bad: Uint8Array[] = [
      utf8Encode('keyid'),
      new Uint8Array(0),
      good.subarray(0, good.length - 1), // truncated session
      new Uint8Array([...good, 0]), // trailing byte
      new Uint8Array([0xc3, ...good.subarray(1)]), // unknown version
      fromHex(`c2026b31${toHex(tokenId)}008000`)!, // non-minimal sealed varint
      fromHex(`c2026b31${toHex(tokenId)}00808004`)!, // sealed above 0xffff
      fromHex(`c2026b31${toHex(tokenId)}00`)!, // no sealed count
      new Uint8Array([0xc1, 0, ...good.subarray(2)]), // empty kid
      new Uint8Array([0xc1, 2, 0x6b, 0x21, ...good.subarray(4)]), // kid with '!'
      fromHex(`c1026b31${toHex(tokenId)}8000`)!, // non-minimal varint
      fromHex(`c1026b31${toHex(tokenId)}ffffffffffff01`)!, // issuedAt too large
      fromHex(`c1026b31${toHex(tokenId)}0000`)!, // empty session
      fromHex(`c1026b31${toHex(tokenId)}000161`)!.subarray(0, 22), // truncated after length
      fromHex(`c1026b31${toHex(tokenId)}000107`)!, // control character session
      fromHex(`c1026b31${toHex(tokenId)}0001ff`)!, // invalid UTF-8 session
      fromHex(`c1026b31${toHex(tokenId)}`)!, // no issuedAt
    ];
    for (const b of bad) expect(decodeIdentifier(b)).toBeNull();
    expect(() => decodeIdentifier('x' as unknown as Uint8Array)).toThrow(TypeError);
  });
  it('rejects bad input with TypeError/RangeError naming the field', () => {
    const ok = { kid: 'k1', tokenId, issuedAt: 1 };
    expect(() => encodeIdentifier({ ...ok, kid: '' })).toThrow(/identifier\.kid/);
    expect(() => encodeIdentifier({ ...ok, kid: 'a'.repeat(65) })).toThrow(RangeError);
    expect(() => encodeIdentifier({ ...ok, kid: 'k 1' })).toThrow(RangeError);
    expect(() => encodeIdentifier({ ...ok, kid: 5 as unknown as string })).toThrow(TypeError);
    expect(() => encodeIdentifier({ ...ok, tokenId: new Uint8Array(15) })).toThrow(/tokenId/);
    expect(() => encodeIdentifier({ ...ok, tokenId: 'x' as unknown as Uint8Array })).toThrow(
      TypeError,
    );
    expect(() => encodeIdentifier({ ...ok, issuedAt: -1 })).toThrow(RangeError);
    expect(() => encodeIdentifier({ ...ok, sealed: -1 })).toThrow(/identifier\.sealed/);
    expect(() => encodeIdentifier({ ...ok, sealed: 0x10000 })).toThrow(RangeError);
    expect(() => encodeIdentifier({ ...ok, sealed: '1' as unknown as number })).toThrow(TypeError);
    expect(() => encodeIdentifier({ ...ok, issuedAt: 1.5 })).toThrow(/issuedAt/);
    expect(() => encodeIdentifier({ ...ok, issuedAt: 2 ** 40 })).toThrow(RangeError);
    expect(() => encodeIdentifier({ ...ok, session: '' })).toThrow(/session/);
    expect(() => encodeIdentifier({ ...ok, session: 'a\nb' })).toThrow(RangeError);
    expect(() => encodeIdentifier({ ...ok, session: 'x'.repeat(256) })).toThrow(RangeError);
    expect(() => encodeIdentifier({ ...ok, session: '\uD800' })).toThrow(RangeError);
    expect(() => encodeIdentifier(null as unknown as typeof ok)).toThrow(TypeError);
  });
});
