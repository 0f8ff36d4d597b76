import { ChitError } from '@chit/token';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordingTool, runtimeOn, SPEC, suiteMintHarness } from './helpers.js';

const h = suiteMintHarness();

describe('model-chosen arguments (fast-check, seeded)', () => {
  it('the handler runs exactly for valid arguments within the session; every other call has its code', async () => {
    const { tool, runs } = recordingTool();
    const session = await runtimeOn(h).startSession(SPEC);
    const tenant = fc.oneof(
      fc.constantFrom('42', '43', '042', '4 2', '42/..', '', '*', '42\n', '\u0034\u0032\u200b'),
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.string(),
      fc.anything(),
    );
    const args = fc.oneof(
      fc.record({ tenant }),
      fc.record({ tenant, extra: fc.anything() }),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(args, async (a) => {
        const before = runs.length;
        let code = 'allowed';
        try {
          await tool(session, a);
        } catch (e) {
          if (!(e instanceof ChitError)) throw e;
          code = e.code;
        }
        const valid =
          a !== null &&
          typeof a === 'object' &&
          !Array.isArray(a) &&
          Object.keys(a).length === 1 &&
          typeof (a as { tenant?: unknown }).tenant === 'string' &&
          /^[0-9]{1,12}$/.test((a as { tenant: string }).tenant);
        if (!valid) expect(code).toBe('ERR_BAD_REQUEST');
        else if ((a as { tenant: string }).tenant === '42') expect(code).toBe('allowed');
        else expect(code).toBe('ERR_CAVEAT_UNSATISFIED');
        expect(runs.length - before).toBe(code === 'allowed' ? 1 : 0);
      }),
      { seed: 20261127, numRuns: 80 },
    );
  }, 60_000);
});
