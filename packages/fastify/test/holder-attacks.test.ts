/**
 * Issue 11 at the plugin: what a holder who appends caveats can make a protected route
 * do. Hole 1: a budget cannot be reset by appending a shorter expiry and waiting. Hole 4:
 * an appended claim is never `request.capability`'s nor the audit event's.
 */
import { auditEventSchema } from '@chit/store';
import { attenuate, caveat, encode, LEEWAY_SECONDS } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { auth, embeddedSuite, expectDenied, mintToken, readerCaveats } from './helpers.js';

const suite = embeddedSuite();
const { clock, track, get } = suite;
const NOW = 1_800_000_000;

function narrowed(token: string, conditions: string[]): string {
  return track({ token: encode(attenuate(token, conditions)) }).token;
}

describe('hole 1: budgets at the plugin', () => {
  it('a one-use token is used once, however the holder shortens it and waits', async () => {
    clock.set(NOW * 1000);
    const t = track(mintToken({ caveats: [...readerCaveats(), caveat.uses(1)] }));
    const short = narrowed(t.token, [caveat.expires(NOW + 10)]);
    expect((await get('/orders/7', auth(short))).statusCode).toBe(200);
    expectDenied(await get('/orders/7', auth(t.token)), 403, 'ERR_BUDGET_EXHAUSTED');
    clock.set((NOW + 10 + LEEWAY_SECONDS + 1) * 1000);
    expectDenied(await get('/orders/7', auth(t.token)), 403, 'ERR_BUDGET_EXHAUSTED');
    const again = narrowed(t.token, [caveat.expires(NOW + 100)]);
    expectDenied(await get('/orders/7', auth(again)), 403, 'ERR_BUDGET_EXHAUSTED');
    clock.set((NOW + 3600 + LEEWAY_SECONDS - 1) * 1000);
    expectDenied(await get('/orders/7', auth(t.token)), 403, 'ERR_BUDGET_EXHAUSTED');
    clock.set(NOW * 1000);
  });
});

describe('hole 4: claims at the plugin', () => {
  for (const [name, appended] of [
    ['role', caveat.role('admin')],
    ['principal', caveat.principal('root')],
    ['session', caveat.session('victim-session')],
    ['trace', caveat.trace('0af7651916cd43dd8448eb211c80319c')],
  ] as const) {
    it(`an appended ${name} claim is denied (403) and never audited as the token's`, async () => {
      clock.set(NOW * 1000);
      const t = track(mintToken({ caveats: readerCaveats() }));
      await suite.app.chit.flushAudit();
      const before = (await suite.store.queryAudit({ tokenId: t.tokenId })).events.length;
      expectDenied(
        await get('/orders/7', auth(narrowed(t.token, [appended]))),
        403,
        'ERR_CAVEAT_UNSATISFIED',
      );
      await suite.app.chit.flushAudit();
      const events = (await suite.store.queryAudit({ tokenId: t.tokenId })).events.slice(before);
      expect(events).toHaveLength(1);
      const e = auditEventSchema.parse(events[0]);
      expect(e).toMatchObject({
        decision: 'deny',
        code: 'ERR_CAVEAT_UNSATISFIED',
        principal: 'user-1',
      });
      expect(e.session).toBeUndefined();
      expect(e.traceId).toBeUndefined();
    });
  }

  it('a sealed claim repeated by a holder is allowed and reported once, as minted', async () => {
    clock.set(NOW * 1000);
    const t = track(mintToken({ caveats: readerCaveats(), session: 's-9' }));
    const same = narrowed(t.token, [caveat.principal('user-1'), caveat.session('s-9')]);
    const res = await get('/orders/7', auth(same));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ principal: 'user-1', tenant: '42' });
  });
});
