import { credentialsFor } from '@chit/protocol';
import { describe, expect, it } from 'vitest';
import { ApprovalConfigError, loadApprovalConfig } from '../src/index.js';

const KEY = 'ab'.repeat(32);
const TOKEN = 't'.repeat(40);

describe('loadApprovalConfig', () => {
  it('reads the environment with defaults', () => {
    const c = loadApprovalConfig({ CHIT_APPROVAL_KEY: KEY, CHIT_APPROVER_TOKEN: TOKEN });
    expect(c.approvalKey).toHaveLength(32);
    expect(c).toMatchObject({ host: '127.0.0.1', port: 7400, location: 'http://127.0.0.1:7400' });
  });

  it('accepts an approver token of exactly 32 visible ASCII characters', () => {
    const token = `${'A'.repeat(28)}+/!=`;
    const c = loadApprovalConfig({ CHIT_APPROVAL_KEY: KEY, CHIT_APPROVER_TOKEN: token });
    expect(c.approverToken).toBe(token);
    expect(credentialsFor(`Bearer ${token}`, 'Bearer')).toBe(token);
    expect(() =>
      loadApprovalConfig({ CHIT_APPROVAL_KEY: KEY, CHIT_APPROVER_TOKEN: token.slice(1) }),
    ).toThrow(ApprovalConfigError);
  });

  it('names the bad variable, never its value', () => {
    const cases: [Record<string, string>, string][] = [
      [{ CHIT_APPROVER_TOKEN: TOKEN }, 'CHIT_APPROVAL_KEY'],
      [{ CHIT_APPROVAL_KEY: 'AB'.repeat(32), CHIT_APPROVER_TOKEN: TOKEN }, 'CHIT_APPROVAL_KEY'],
      [{ CHIT_APPROVAL_KEY: KEY, CHIT_APPROVER_TOKEN: 'short-secret' }, 'CHIT_APPROVER_TOKEN'],
      // Never accepted by the strict Authorization parser: a startup error, not a dead secret.
      [
        { CHIT_APPROVAL_KEY: KEY, CHIT_APPROVER_TOKEN: `short-secret ${'t'.repeat(40)}` },
        'CHIT_APPROVER_TOKEN',
      ],
      [
        { CHIT_APPROVAL_KEY: KEY, CHIT_APPROVER_TOKEN: `short-secret${'é'.repeat(40)}` },
        'CHIT_APPROVER_TOKEN',
      ],
      [
        { CHIT_APPROVAL_KEY: KEY, CHIT_APPROVER_TOKEN: TOKEN, CHIT_APPROVAL_PORT: '70000' },
        'CHIT_APPROVAL_PORT',
      ],
      [
        { CHIT_APPROVAL_KEY: KEY, CHIT_APPROVER_TOKEN: TOKEN, CHIT_APPROVAL_URL: 'not a url' },
        'CHIT_APPROVAL_URL',
      ],
    ];
    for (const [env, variable] of cases) {
      let err: unknown;
      try {
        loadApprovalConfig(env);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApprovalConfigError);
      expect((err as ApprovalConfigError).variable).toBe(variable);
      expect((err as Error).message).not.toContain('short-secret');
    }
  });
});
