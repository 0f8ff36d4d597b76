// `chit macaroon mint` output checked by someone else's code: the published libmacaroons
// README signatures, and js-macaroon (the `macaroon` npm package, JSON import).
import { createRequire } from 'node:module';
import { decode, parseToken } from '@chit/token';
import { beforeAll, describe, expect, it } from 'vitest';
import { chit, ensureBuilt } from './cli-process.js';

const require = createRequire(import.meta.url);
const jsMacaroon = require('macaroon') as {
  importMacaroon(obj: unknown): {
    verify(rootKey: Uint8Array, check: (c: string) => string | null, discharges?: unknown[]): void;
    signature: Uint8Array;
  };
};

// libmacaroons README (rescrv/libmacaroons): key, identifier, location and the signature
// after each caveat as published there.
const README = {
  key: 'this is our super secret key; only we should know it',
  id: 'we used our secret key',
  location: 'http://mybank/',
  steps: [
    { caveat: null, signature: 'e3d9e02908526c4c0039ae15114115d97fdd68bf2ba379b342aaf0f617d0552f' },
    {
      caveat: 'account = 3735928559',
      signature: '1efe4763f290dbce0c1d08477367e11f4eee456a64933cf662d79772dbb82128',
    },
    {
      caveat: 'time < 2020-01-01T00:00',
      signature: 'b5f06c8c8ef92f6c82c6ff282cd1f8bd1849301d09a2db634ba182536a611c49',
    },
    {
      caveat: 'email = alice@example.org',
      signature: 'ddf553e46083e55b8d71ab822be3d8fcf21d6bf19c40d617bb9fb438934474b6',
    },
  ],
};

beforeAll(() => {
  ensureBuilt();
}, 180_000);

function signatureHex(token: string): string {
  return Buffer.from(parseToken(token).signature).toString('hex');
}

/** V2J JSON of a token (what js-macaroon's JSON import takes). */
function toV2J(token: string): unknown {
  const d = decode(token);
  return {
    v: 2,
    ...(d.location !== undefined && { l: d.location }),
    i: Buffer.from(d.identifier).toString('utf8'),
    c: d.unsafeCaveats.map((c) => ({ i: c.text })),
    s64: Buffer.from(parseToken(token).signature).toString('base64url'),
  };
}

describe('chit macaroon mint interoperates', () => {
  it('reproduces the libmacaroons README signatures, caveat by caveat', () => {
    const caveats: string[] = [];
    for (const step of README.steps) {
      if (step.caveat !== null) caveats.push('--caveat', step.caveat);
      const r = chit([
        'macaroon',
        'mint',
        '--root-key-text',
        README.key,
        '--id',
        README.id,
        '--location',
        README.location,
        ...caveats,
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const token = r.stdout.trim();
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(signatureHex(token)).toBe(step.signature);
    }
  });

  it('mints with a hex root key exactly as with the same key as text', () => {
    const hex = Buffer.from(README.key).toString('hex');
    const a = chit(['macaroon', 'mint', '--root-key', hex, '--id', README.id]).stdout;
    const b = chit(['macaroon', 'mint', '--root-key-text', README.key, '--id', README.id]).stdout;
    expect(a).toBe(b);
  });

  it('is verified by js-macaroon (JSON import), and rejected there with the wrong key', () => {
    const key = Buffer.from(
      '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
      'hex',
    );
    const conditions = [
      'account = 3735928559',
      'time < 2030-01-01T00:00',
      'op = read',
      'x = 1',
      'y = 2',
      'z = 3',
    ];
    const r = chit([
      'macaroon',
      'mint',
      '--root-key',
      key.toString('hex'),
      '--id',
      'interop-1',
      '--location',
      'https://chit.example',
      ...conditions.flatMap((c) => ['--caveat', c]),
    ]);
    expect(r.code).toBe(0);
    const m = jsMacaroon.importMacaroon(toV2J(r.stdout.trim()));
    const seen: string[] = [];
    m.verify(new Uint8Array(key), (c) => {
      seen.push(c);
      return conditions.includes(c) ? null : 'unexpected caveat';
    });
    expect(seen).toEqual(conditions);
    expect(() => m.verify(new Uint8Array(32), () => null)).toThrow();
    expect(() => m.verify(new Uint8Array(key), (c) => (c === 'op = read' ? 'no' : null))).toThrow();
    // And chit verifies what it minted, only with every condition satisfied.
    const args = ['macaroon', 'verify', r.stdout.trim(), '--root-key', key.toString('hex')];
    expect(chit([...args, ...conditions.flatMap((c) => ['--satisfy', c])]).code).toBe(0);
    const partial = chit([...args, '--satisfy', conditions[0]!]);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/^ERR_CAVEAT_UNSATISFIED: /);
    const wrong = chit([...args.slice(0, 3), '--root-key-text', 'wrong key', '--satisfy', 'x = 1']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('ERR_SIGNATURE_INVALID: signature is invalid\n');
  });
});
