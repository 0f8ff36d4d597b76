import { caveat, encode, mint, verifyChain } from '@chit/token';
import { describe, expect, it } from 'vitest';
import { capabilitySchema, capabilityView, verifyResponseSchema } from '../src/index.js';

const KEY = new Uint8Array(32).map((_, i) => i + 1);
const NOW = 1_800_000_000;

function verified() {
  const token = encode(
    mint({
      key: KEY,
      kid: 'k1',
      tokenId: new Uint8Array(16).fill(1),
      issuedAt: NOW,
      session: 's-1',
      caveats: [
        caveat.tenant('42'),
        caveat.resource(['orders/*', 'customers/7']),
        caveat.action(['read']),
        caveat.expires(NOW + 60),
        caveat.principal('user-1'),
        caveat.uses(3),
        caveat.attribute('region', ['eu', 'us']),
      ],
    }),
  );
  return verifyChain(token, { keys: (kid) => (kid === 'k1' ? KEY : undefined) });
}

describe('capabilityView', () => {
  it('is what capabilitySchema accepts, unchanged: the mint and its clients share one shape', () => {
    const view = capabilityView(verified());
    expect(capabilitySchema.parse(view)).toEqual(view);
    expect(verifyResponseSchema.parse({ allowed: true, capability: view }).capability).toEqual(
      view,
    );
    expect(view).toMatchObject({
      kid: 'k1',
      session: 's-1',
      principal: 'user-1',
      tenants: ['42'],
      actions: ['read'],
      expiresAt: NOW + 60,
      budgets: [{ limit: 3 }],
      attributes: { region: ['eu', 'us'] },
    });
  });

  it('leaks no fingerprint and no budget key', () => {
    const cap = verified();
    const text = JSON.stringify(capabilityView(cap));
    for (const fp of cap.fingerprints) expect(text).not.toContain(fp);
    for (const b of cap.budgets) expect(text).not.toContain(b.key);
    expect(Object.keys(capabilityView(cap))).not.toContain('fingerprints');
  });

  it('copies arrays: mutating the view never touches the capability', () => {
    const cap = verified();
    const view = capabilityView(cap);
    view.tenants?.push('43');
    view.resources[0]?.push('x');
    expect(cap.tenants).toEqual(['42']);
    expect(capabilityView(cap).resources).toEqual(capabilityView(verified()).resources);
  });

  it.each([
    ['a missing tokenId', { tokenId: undefined }],
    ['tenants as a string', { tenants: '42' }],
    ['a budget without limit', { budgets: [{}] }],
  ])('capabilitySchema rejects %s', (_what, patch) => {
    const view = { ...capabilityView(verified()), ...patch };
    expect(capabilitySchema.safeParse(view).success).toBe(false);
  });
});
