import { describe, expect, it } from 'vitest';
import { authorize, caveat, resolveCapability } from '../src/caveats/index.js';
import type { ChitError } from '../src/errors.js';

function decide(patterns: string | string[], resource: unknown): string {
  const cap = resolveCapability({
    identifier: { version: 2, sealed: 1, kid: 'k1', tokenId: 'f'.repeat(32), issuedAt: 0 },
    conditions: [caveat.resource(patterns)],
    conditionFingerprints: ['fp1'],
    fingerprints: ['fp0', 'fp1'],
    thirdParty: [],
  });
  try {
    authorize(cap, { resource: resource as string }, 0, 0);
    return 'allow';
  } catch (e) {
    expect((e as ChitError).code).toBe('ERR_CAVEAT_UNSATISFIED');
    return 'deny';
  }
}

const table: [pattern: string | string[], resource: unknown, expected: 'allow' | 'deny'][] = [
  // exact
  ['orders/7', 'orders/7', 'allow'],
  ['orders/7', 'orders/70', 'deny'],
  ['orders/7', 'orders/7/items', 'deny'],
  ['orders/7', 'orders', 'deny'],
  ['orders/7', 'Orders/7', 'deny'],
  ['orders', 'orders', 'allow'],
  // `*`: exactly one segment
  ['orders/*', 'orders/7', 'allow'],
  ['orders/*', 'orders/anything-at.all', 'allow'],
  ['orders/*', 'orders', 'deny'],
  ['orders/*', 'orders/7/items', 'deny'],
  ['orders/*', 'ordersx/7', 'deny'],
  ['orders/*/items', 'orders/7/items', 'allow'],
  ['orders/*/items', 'orders/7/item', 'deny'],
  ['orders/*/items', 'orders/7/8/items', 'deny'],
  ['*', 'orders', 'allow'],
  ['*', 'orders/7', 'deny'],
  ['*/*', 'a/b', 'allow'],
  ['*/b', 'a/b', 'allow'],
  ['*/b', 'a/c', 'deny'],
  // `**`: one or more trailing segments
  ['orders/**', 'orders/7', 'allow'],
  ['orders/**', 'orders/7/items/3', 'allow'],
  ['orders/**', 'orders', 'deny'],
  ['orders/**', 'orders2/7', 'deny'],
  ['orders/**', 'order/7', 'deny'],
  ['*/items/**', 'orders/items/1', 'allow'],
  ['*/items/**', 'orders/items', 'deny'],
  ['**', 'anything', 'allow'],
  ['**', 'a/b/c', 'allow'],
  // lists: any pattern of the list
  [['a/*', 'b/**'], 'b/1/2', 'allow'],
  [['a/*', 'b/**'], 'a/1', 'allow'],
  [['a/*', 'b/**'], 'a/1/2', 'deny'],
  // requested-resource tricks never match
  ['orders/**', 'orders/../admin', 'deny'],
  ['orders/**', 'orders/./7', 'deny'],
  ['orders/**', 'orders/7/..', 'deny'],
  ['orders/**', 'orders/%2e%2e/admin', 'deny'],
  ['orders/**', 'orders/%2E%2E', 'deny'],
  ['orders/*', 'orders/7/', 'deny'],
  ['orders/**', 'orders/7/', 'deny'],
  ['orders/**', '/orders/7', 'deny'],
  ['orders/**', 'orders//7', 'deny'],
  ['orders/*', 'orders/*', 'deny'],
  ['orders/**', 'orders/**', 'deny'],
  ['orders/**', 'orders\\..\\admin', 'deny'],
  ['orders/**', 'orders/7\u0000', 'deny'],
  ['orders/**', 'orders/\u2025', 'deny'],
  ['orders/**', 'orders/ 7', 'deny'],
  ['orders/**', 'orders/7?x=1', 'deny'],
  ['**', '', 'deny'],
  ['**', undefined, 'deny'],
  ['**', 7, 'deny'],
  ['*', '..', 'deny'],
  ['*', '.', 'deny'],
  ['*', '...', 'allow'],
];

describe('resource matching', () => {
  it.each(table)('%j against %j: %s', (pattern, resource, expected) => {
    expect(decide(pattern, resource)).toBe(expected);
  });

  it('requires a match of every resource caveat (attenuation narrows)', () => {
    const cap = resolveCapability({
      identifier: { version: 2, sealed: 2, kid: 'k1', tokenId: 'f'.repeat(32), issuedAt: 0 },
      conditions: ['resource = orders/**', 'resource in [orders/7/*,users/*]'],
      conditionFingerprints: ['fp1', 'fp2'],
      fingerprints: ['fp0', 'fp1', 'fp2'],
      thirdParty: [],
    });
    const at = (resource: string) => {
      try {
        authorize(cap, { resource }, 0, 0);
        return 'allow';
      } catch {
        return 'deny';
      }
    };
    expect(at('orders/7/items')).toBe('allow');
    expect(at('users/1')).toBe('deny');
    expect(at('orders/8/items')).toBe('deny');
  });

  it('denies a long resource against a wide pattern without exponential work', () => {
    const long = Array.from({ length: 2000 }, (_, i) => `s${i}`).join('/');
    expect(decide('**', long)).toBe('allow');
    expect(decide('*/*/*/*/*/*/*/*/*/*/x', long)).toBe('deny');
    expect(decide('**', `${long}/`)).toBe('deny');
  });
});
