// Every local command through a real child process: output, stderr and exit codes.
import {
  addThirdPartyCaveat,
  bindDischarge,
  caveat,
  createMacaroon,
  encode,
  parseToken,
  toHex,
} from '@chit/token';
import { beforeAll, describe, expect, it } from 'vitest';
import { chit, ensureBuilt } from './cli-process.js';

const KEY = 'ab'.repeat(32);
const OTHER_KEY = 'cd'.repeat(32);

beforeAll(() => {
  ensureBuilt();
}, 180_000);

function mintOk(args: string[]): string {
  const r = chit(['mint', '--key', KEY, ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.trim();
}

describe('chit (top level)', () => {
  it('prints help with every command and exits 0', () => {
    const r = chit(['--help']);
    expect(r.code).toBe(0);
    for (const c of [
      'keygen',
      'mint',
      'attenuate',
      'inspect',
      'verify',
      'revoke',
      'audit',
      'macaroon',
    ]) {
      expect(r.stdout).toContain(`  ${c}`);
    }
  });

  it.each([
    'keygen',
    'mint',
    'attenuate',
    'inspect',
    'verify',
    'revoke',
    'audit',
    'macaroon',
  ])('chit %s --help exits 0 with usage', (c) => {
    const r = chit([c, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: chit ${c}`));
  });

  it('has --help on the macaroon subcommands', () => {
    expect(chit(['macaroon', 'mint', '--help']).stdout).toMatch(/^Usage: chit macaroon mint/);
    expect(chit(['macaroon', 'verify', '-h']).stdout).toMatch(/^Usage: chit macaroon verify/);
  });

  it('exits 2 on usage errors, code first on stderr', () => {
    const none = chit([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: chit <command>');
    for (const args of [
      ['nope'],
      ['keygen', '--bogus'],
      ['keygen', 'extra'],
      ['mint'],
      ['mint', '--key', 'xyz'],
      ['mint', '--key', 'abcd'],
      ['mint', '--key', KEY, '--ttl', '1 hour'],
      ['mint', '--key', KEY, '--uses', '-1'],
      ['mint', '--key', KEY, '--tenant', 'has space'],
      ['attenuate'],
      ['verify', 'x'],
      ['macaroon'],
      ['macaroon', 'sign'],
      ['macaroon', 'mint', '--id', 'x'],
      ['macaroon', 'mint', '--id', 'x', '--root-key', 'aa', '--root-key-text', 'k'],
    ]) {
      const r = chit(args);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toMatch(/^ERR_USAGE: /);
      expect(r.stdout).toBe('');
    }
  });
});

describe('chit keygen', () => {
  it('prints 32 random bytes as hex, different every time', () => {
    const a = chit(['keygen']);
    const b = chit(['keygen', '--json']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const { key } = JSON.parse(b.stdout) as { key: string };
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(a.stdout.trim());
  });
});

describe('chit mint / inspect / attenuate / verify', () => {
  it('mints, inspects, attenuates from stdin and verifies', () => {
    const t = mintOk([
      '--kid',
      'dev',
      '--tenant',
      '42',
      '--resource',
      'orders/**',
      '--action',
      'read',
      '--action',
      'write',
      '--ttl',
      '2h',
      '--principal',
      'user-1',
      '--session',
      's-1',
      '--uses',
      '10',
      '--attr',
      'region=eu',
      '--attr',
      'region=us',
    ]);
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);

    const human = chit(['inspect', t]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^UNVERIFIED/);
    expect(human.stdout).toContain('kid:         dev');
    expect(human.stdout).toContain('session:     s-1');
    expect(human.stdout).toMatch(/expires: +\d{4}-\d\d-\d\dT[\d:.]+Z \(\d+\), in 1h 59m|in 2h/);
    expect(human.stdout).toContain('  3. action in [read,write]');
    expect(human.stdout).toContain('region in [eu,us]');

    const view = JSON.parse(chit(['inspect', '-', '--json'], { input: `${t}\n` }).stdout);
    expect(view).toMatchObject({
      verified: false,
      kid: 'dev',
      session: 's-1',
      principal: 'user-1',
    });
    expect(view.remainingSeconds).toBeGreaterThan(7000);

    const a = chit(['attenuate', '-', '--action', 'read', '--attr', 'region=eu', '--ttl', '5m'], {
      input: t,
    });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const narrowed = a.stdout.trim();

    const ok = chit([
      'verify',
      narrowed,
      '--key',
      KEY,
      '--kid',
      'dev',
      '--ctx',
      'tenant=42',
      '--ctx',
      'resource=orders/7',
      '--ctx',
      'action=read',
      '--ctx',
      'region=eu',
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const cap = JSON.parse(ok.stdout);
    expect(cap).toMatchObject({
      kid: 'dev',
      actions: ['read'],
      principal: 'user-1',
      session: 's-1',
    });
    expect(cap.budgets[0].limit).toBe(10);
    expect(ok.stdout).not.toContain(narrowed);
  });

  it('denies with the exact code and exit 1', () => {
    const t = mintOk(['--tenant', '42', '--action', 'read', '--ttl', '1h']);
    const iat = JSON.parse(chit(['inspect', t, '--json']).stdout).issuedAt as number;
    const cases: [string[], string][] = [
      [['--key', KEY, '--ctx', 'tenant=42', '--ctx', 'action=write'], 'ERR_CAVEAT_UNSATISFIED'],
      [['--key', OTHER_KEY, '--ctx', 'tenant=42', '--ctx', 'action=read'], 'ERR_SIGNATURE_INVALID'],
      [['--key', KEY, '--kid', 'other', '--ctx', 'action=read'], 'ERR_KEY_UNKNOWN'],
      [
        ['--key', KEY, '--ctx', 'tenant=42', '--ctx', 'action=read', '--now', String(iat + 7200)],
        'ERR_TOKEN_EXPIRED',
      ],
    ];
    for (const [args, code] of cases) {
      const r = chit(['verify', t, ...args]);
      expect([code, r.code]).toEqual([code, 1]);
      expect(r.stderr).toMatch(new RegExp(`^${code}: `));
      expect(r.stdout).toBe('');
    }
    const json = chit(['verify', t, '--key', KEY, '--ctx', 'action=write', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr).error.code).toBe('ERR_CAVEAT_UNSATISFIED');
    // Tampering with one character of the token is a bad signature or a malformed token.
    const i = t.length - 10;
    const flipped = `${t.slice(0, i)}${t[i] === 'A' ? 'B' : 'A'}${t.slice(i + 1)}`;
    const tam = chit([
      'verify',
      flipped,
      '--key',
      KEY,
      '--ctx',
      'tenant=42',
      '--ctx',
      'action=read',
    ]);
    expect(tam.code).toBe(1);
    expect(tam.stderr).toMatch(/^ERR_(SIGNATURE_INVALID|TOKEN_MALFORMED): /);
  });

  it('refuses an attenuation that would not narrow, and bad tokens', () => {
    const t = mintOk(['--action', 'read', '--ttl', '10m']);
    for (const args of [
      ['--action', 'write'],
      ['--ttl', '1h'],
    ]) {
      const r = chit(['attenuate', t, ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^ERR_NOT_NARROWER: /);
    }
    expect(chit(['attenuate', t]).code).toBe(2);
    const bad = chit(['inspect', 'not!a!token']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^ERR_TOKEN_MALFORMED: /);
    expect(chit(['inspect', '-'], { input: '' }).code).toBe(2);
    const unknown = chit(['mint', '--key', KEY, '--caveat', 'colour < red']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^ERR_CAVEAT_UNKNOWN: /);
    expect(unknown.stderr).not.toContain('colour');
  });

  it('prints mint --json with the token id and caveats; never echoes the key', () => {
    const r = chit(['mint', '--key', KEY, '--action', 'read', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.tokenId).toMatch(/^[0-9a-f]{32}$/);
    expect(out.kid).toBe('k1');
    expect(out.caveats).toEqual(['action = read', `expires = ${out.expiresAt}`]);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    const bad = chit(['mint', '--key', `${KEY}zz`]);
    expect(bad.stderr).not.toContain(KEY);
  });
});

describe('chit macaroon', () => {
  it('verifies third-party caveats with bound discharges given by --discharge', () => {
    const rootKey = new Uint8Array(32).fill(7);
    let m = createMacaroon({ rootKey, identifier: 'id-1', location: 'svc' });
    m = addThirdPartyCaveat(m, {
      location: 'https://auth.example',
      caveatKey: new Uint8Array(32).fill(3),
      caveatId: 'user-is-alice',
      nonce: new Uint8Array(24).fill(5),
    });
    const d = createMacaroon({
      rootKey: new Uint8Array(32).fill(3),
      identifier: 'user-is-alice',
      location: 'https://auth.example',
    });
    const bound = encode(bindDischarge(m, d));
    const token = encode(m);
    const hex = toHex(rootKey);
    expect(chit(['macaroon', 'verify', token, '--root-key', hex, '--discharge', bound]).code).toBe(
      0,
    );
    const missing = chit(['macaroon', 'verify', token, '--root-key', hex]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ERR_DISCHARGE_MISSING: /);
    const unbound = chit([
      'macaroon',
      'verify',
      token,
      '--root-key',
      hex,
      '--discharge',
      encode(d),
    ]);
    expect(unbound.code).toBe(1);
    expect(unbound.stderr).toMatch(/^ERR_(SIGNATURE_INVALID|DISCHARGE_INVALID): /);
    const view = JSON.parse(chit(['inspect', token, '--json']).stdout);
    expect(view.thirdParty).toEqual([{ location: 'https://auth.example', id: 'user-is-alice' }]);
    const human = chit(['inspect', token]).stdout;
    expect(human).toContain('user-is-alice (discharge from https://auth.example)');
    const sig = toHex(parseToken(token).signature);
    expect(human + JSON.stringify(view)).not.toContain(sig);
  });

  it('verifies a Chit-minted token as a plain macaroon with its satisfied conditions', () => {
    const t = mintOk(['--action', 'read', '--ttl', '1h']);
    const conds = JSON.parse(chit(['inspect', t, '--json']).stdout).caveats as string[];
    const args = ['macaroon', 'verify', t, '--root-key', KEY];
    const all = conds.flatMap((c) => ['--satisfy', c]);
    expect(chit([...args, ...all]).code).toBe(0);
    const r = chit([...args, '--satisfy', caveat.action('read')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERR_CAVEAT_UNSATISFIED: /);
  });
});
