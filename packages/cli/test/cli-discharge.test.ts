// `chit verify --discharge`: a Chit token with a third-party caveat, verified with and
// without its bound discharge, through the real binary.
import {
  addThirdPartyCaveat,
  bindDischarge,
  createMacaroon,
  encode,
  parseToken,
} from '@chit/token';
import { beforeAll, describe, expect, it } from 'vitest';
import { chit, ensureBuilt } from './cli-process.js';

const KEY = '5a'.repeat(32);
const CAVEAT_KEY = new Uint8Array(32).fill(11);

beforeAll(() => {
  ensureBuilt();
}, 180_000);

describe('chit verify with discharges', () => {
  it('allows with the bound discharge, denies without it or with an unbound one', () => {
    const base = chit(['mint', '--key', KEY, '--action', 'read']).stdout.trim();
    const primary = addThirdPartyCaveat(parseToken(base), {
      location: 'https://approve.example',
      caveatKey: CAVEAT_KEY,
      caveatId: 'approval-1',
      nonce: new Uint8Array(24).fill(2),
    });
    const discharge = createMacaroon({ rootKey: CAVEAT_KEY, identifier: 'approval-1' });
    const token = encode(primary);
    const args = ['verify', token, '--key', KEY, '--ctx', 'action=read'];

    const ok = chit([...args, '--discharge', encode(bindDischarge(primary, discharge))]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).thirdParty).toEqual([
      { location: 'https://approve.example', id: 'approval-1' },
    ]);

    const missing = chit(args);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ERR_DISCHARGE_MISSING: /);

    const unbound = chit([...args, '--discharge', encode(discharge)]);
    expect(unbound.code).toBe(1);
    expect(unbound.stderr).toMatch(/^ERR_(SIGNATURE_INVALID|DISCHARGE_INVALID): /);
  });
});
