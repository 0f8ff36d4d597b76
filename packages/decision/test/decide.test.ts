/**
 * decide(): the one decision, with real ports (the in-process revocation mirror and the
 * embedded store in memory), time injected. Every denial asserts its exact code.
 */
import { createEmbeddedStore, RevocationMirror } from '@chit/store';
import {
  attenuate,
  caveat,
  encode,
  LEEWAY_SECONDS,
  mint,
  stateLifetime,
  utf8Encode,
  type VerifiedCapability,
  verifyChain,
} from '@chit/token';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CachedRevocationMirror,
  type Decision,
  type DecisionPorts,
  decide,
  eventFromDecision,
} from '../src/index.js';

const KEY = utf8Encode('decision test master key 0123456');
const keys = (kid: string) => (kid === 'k1' ? KEY : undefined);
const NOW = 1_767_225_600;
const CONTEXT = { tenant: '42', action: 'read' };
let counter = 0;

function token(extra: string[] = [], ttl = 3600): string {
  const tokenId = new Uint8Array(16);
  tokenId[15] = ++counter;
  return encode(
    mint({
      key: KEY,
      kid: 'k1',
      tokenId,
      issuedAt: NOW,
      caveats: [caveat.tenant('42'), caveat.expires(NOW + ttl), caveat.principal('u1'), ...extra],
    }),
  );
}

async function setup() {
  let nowMs = NOW * 1000;
  const clock = () => nowMs;
  const store = await createEmbeddedStore({ clock });
  const mirror = new CachedRevocationMirror();
  mirror.load([]);
  const ports: DecisionPorts = {
    verify: (t, discharges) => verifyChain(t, { keys, discharges }),
    revocations: mirror,
    budgets: store,
    clock,
  };
  const at = (seconds: number) => {
    nowMs = seconds * 1000;
  };
  const run = (t: string, context: object = CONTEXT) =>
    Promise.resolve(decide({ token: t, discharges: [], context }, ports));
  return { store, mirror, ports, at, run };
}

function codeOf(d: Decision): string {
  return d.allowed ? 'ALLOWED' : d.code;
}

describe('decide', () => {
  it('allows synchronously when there is nothing to count', async () => {
    const { ports } = await setup();
    const d = decide({ token: token(), discharges: [], context: CONTEXT }, ports);
    expect(d).not.toBeInstanceOf(Promise);
    expect(codeOf(d as Decision)).toBe('ALLOWED');
  });

  it('denies with exact codes at every step, naming the token only once its chain verified', async () => {
    const { run, mirror, at } = await setup();
    const bad = await run('not a token');
    expect(codeOf(bad)).toBe('ERR_TOKEN_MALFORMED');
    expect(bad.capability).toBeUndefined();
    const forged = token().slice(0, -4) + 'AAAA';
    expect(codeOf(await run(forged))).toBe('ERR_SIGNATURE_INVALID');
    const t = token();
    expect(codeOf(await run(t, { tenant: '43', action: 'read' }))).toBe('ERR_CAVEAT_UNSATISFIED');
    const cap = verifyChain(t, { keys });
    mirror.apply({ kind: 'token', value: cap.tokenId, revokedAt: NOW, expiresAt: NOW + 7200 });
    const revoked = await run(t);
    expect(codeOf(revoked)).toBe('ERR_TOKEN_REVOKED');
    expect(revoked.capability?.tokenId).toBe(cap.tokenId);
    at(NOW + 3600 + LEEWAY_SECONDS - 1);
    expect(codeOf(await run(token()))).toBe('ALLOWED'); // within the leeway
    at(NOW + 3600 + LEEWAY_SECONDS);
    expect(codeOf(await run(token()))).toBe('ERR_TOKEN_EXPIRED');
  });

  it('fails closed when the revocation state is unknown or the budget store is missing or broken', async () => {
    const { ports } = await setup();
    const unloaded = { ...ports, revocations: new RevocationMirror() };
    expect(
      codeOf(await decide({ token: token(), discharges: [], context: CONTEXT }, unloaded)),
    ).toBe('ERR_REVOCATION_UNAVAILABLE');
    const counted = token([caveat.uses(2)]);
    const none = { ...ports, budgets: undefined };
    expect(codeOf(await decide({ token: counted, discharges: [], context: CONTEXT }, none))).toBe(
      'ERR_BUDGET_UNAVAILABLE',
    );
    const broken = {
      ...ports,
      budgets: {
        consumeBudgets: () => {
          throw new Error('boom: secret detail');
        },
      },
    };
    const d = await decide({ token: counted, discharges: [], context: CONTEXT }, broken);
    expect(codeOf(d)).toBe('ERR_BUDGET_UNAVAILABLE');
    expect(d.allowed ? '' : d.error.message).not.toContain('secret');
    expect(d.allowed ? undefined : d.unexpected).toBe('Error');
  });
});

describe('hole 1: a holder cannot reset a budget by appending a shorter expiry', () => {
  it('a one-use token is used once, however the holder shortens it and waits', async () => {
    const { run, at } = await setup();
    const original = token([caveat.uses(1)]);
    const short = encode(attenuate(original, [caveat.expires(NOW + 10)]));
    expect(codeOf(await run(short))).toBe('ALLOWED');
    expect(codeOf(await run(original))).toBe('ERR_BUDGET_EXHAUSTED');
    // Wait out the holder's expiry and the leeway: the counter must still be there.
    for (const t of [NOW + 10 + LEEWAY_SECONDS + 1, NOW + 1800, NOW + 3600 + LEEWAY_SECONDS - 1]) {
      at(t);
      expect(codeOf(await run(original))).toBe('ERR_BUDGET_EXHAUSTED');
      const again = encode(attenuate(original, [caveat.expires(t + 5)]));
      expect(codeOf(await run(again))).toBe('ERR_BUDGET_EXHAUSTED');
    }
    at(NOW + 3600 + LEEWAY_SECONDS);
    expect(codeOf(await run(original))).toBe('ERR_TOKEN_EXPIRED');
  });

  it('property: uses granted never exceed the limit, whatever expiries holders append (seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(
          fc.record({
            shorten: fc.integer({ min: 1, max: 3600 }),
            wait: fc.integer({ min: 0, max: 900 }),
          }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        async (limit, attempts) => {
          const { run, at } = await setup();
          const original = token([caveat.uses(limit)]);
          let now = NOW;
          let granted = 0;
          for (const a of attempts) {
            now += a.wait;
            at(now);
            const presented = encode(attenuate(original, [caveat.expires(now + a.shorten)]));
            if ((await run(presented)).allowed) granted++;
          }
          expect(granted).toBeLessThanOrEqual(limit);
        },
      ),
      { seed: 1111, numRuns: 60 },
    );
  });
});

describe('hole 2: state about a token outlives every moment a verifier accepts it', () => {
  it('an entry kept until stateLifetime(chainExpiresAt) covers every accepted second of the token and its descendants', async () => {
    const { mirror, run, at } = await setup();
    const parent = token([], 600);
    const child = encode(attenuate(parent, [caveat.expires(NOW + 60)]));
    const cap: VerifiedCapability = verifyChain(parent, { keys });
    const until = stateLifetime(cap.chainExpiresAt);
    expect(until).toBe(NOW + 600 + LEEWAY_SECONDS);
    mirror.apply({
      kind: 'fingerprint',
      value: cap.fingerprints[cap.fingerprints.length - 1]!,
      revokedAt: NOW,
      expiresAt: until!,
    });
    for (let t = NOW; t <= NOW + 700; t += 7) {
      at(t);
      for (const presented of [parent, child]) {
        expect(['ERR_TOKEN_REVOKED', 'ERR_TOKEN_EXPIRED']).toContain(codeOf(await run(presented)));
      }
    }
  });
});

describe('eventFromDecision', () => {
  it('records the caller-supplied tenant and trace only for an allowed request', async () => {
    const { run } = await setup();
    const facts = { service: 'svc', route: '/r', requestId: 'q1', traceId: 'a'.repeat(32) };
    const allowed = eventFromDecision(await run(token(), { tenant: '42', action: 'read' }), facts);
    expect(allowed).toMatchObject({ type: 'verify.allow', decision: 'allow', tenant: '42' });
    expect(allowed.traceId).toBe('a'.repeat(32));
    expect(allowed.principal).toBe('u1');
    const wide = token();
    const denied = eventFromDecision(await run(wide, { tenant: '99', action: 'read' }), facts);
    expect(denied).toMatchObject({
      type: 'verify.deny',
      code: 'ERR_CAVEAT_UNSATISFIED',
      tenant: '42',
    });
    expect(denied.traceId).toBeUndefined();
    const forged = eventFromDecision(await run('garbage', { tenant: '7' }), facts);
    expect(forged.tenant).toBeUndefined();
    expect(forged.tokenId).toBeUndefined();
  });

  it("never files a decision under a holder's appended claims", async () => {
    const { run } = await setup();
    const t = encode(attenuate(token(), [caveat.session('victim-session'), caveat.role('admin')]));
    const event = eventFromDecision(await run(t), { service: 'svc' });
    expect(event.decision).toBe('deny');
    expect(event.session).toBeUndefined();
    expect(event.principal).toBe('u1');
  });
});
