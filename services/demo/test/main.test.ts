/** `node services/demo/dist/main.js` (what `pnpm demo` runs), as a child process. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('pnpm demo', () => {
  it('runs with no setup, prints the five decisions and the audit trail, exits 0', async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run pnpm build first (pnpm test does)`);
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/\(1\) list orders of tenant 42: ALLOW/);
    expect(out).toMatch(/\(2\) narrow to customer 7 .*: ALLOW/);
    expect(out).toMatch(/\(3\) read orders of tenant 43: DENY ERR_CAVEAT_UNSATISFIED/);
    expect(out).toMatch(/\(4\) refund 150 on order 17 \(needs a human\): ALLOW/);
    expect(out).toMatch(/\(5\) list orders after the session was revoked: DENY ERR_TOKEN_REVOKED/);
    expect(out).toMatch(/audit trail of session s-[0-9a-f]{16}/);
    expect(out).toMatch(/agent +verify\.deny +deny +tool=list_orders +ERR_TOKEN_REVOKED/);
    expect(out).toContain('demo: every decision was the expected one');
    // Nothing that looks like a token (base64url V2 macaroons start with "Ag").
    expect(out).not.toMatch(/\bAg[A-Za-z0-9_-]{60,}/);
  }, 60_000);
});
