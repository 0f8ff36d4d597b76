/**
 * Prometheus metrics of one mint instance, on a registry of its own (so several apps in
 * one process, as in tests, do not collide).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The metrics the mint records.
 * @example metrics.verifications.inc({ decision: 'deny', code: 'ERR_TOKEN_REVOKED' });
 */
export interface MintMetrics {
  readonly registry: Registry;
  readonly mints: Counter<'kid'>;
  readonly verifications: Counter<'decision' | 'code'>;
  readonly revocations: Counter<'kind'>;
  readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  readonly revocationSetSize: Gauge;
}

/**
 * Creates the registry and metrics; `revocationSetSize` is read on scrape.
 * @example const metrics = createMetrics(() => mirror.size, { defaults: true })
 */
export function createMetrics(
  revocationSetSize: () => number,
  options: { defaults?: boolean } = {},
): MintMetrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry, prefix: 'chit_mint_' });
  return {
    registry,
    mints: new Counter({
      name: 'chit_mint_tokens_minted_total',
      help: 'Tokens minted, by kid.',
      labelNames: ['kid'],
      registers: [registry],
    }),
    verifications: new Counter({
      name: 'chit_mint_verifications_total',
      help: 'Verifications, by decision (allow|deny) and error code.',
      labelNames: ['decision', 'code'],
      registers: [registry],
    }),
    revocations: new Counter({
      name: 'chit_mint_revocations_total',
      help: 'Revocations recorded, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'chit_mint_http_request_duration_seconds',
      help: 'HTTP request latency, by route, method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    revocationSetSize: new Gauge({
      name: 'chit_mint_revocation_set_size',
      help: 'Unexpired revocation entries in the local mirror.',
      registers: [registry],
      collect() {
        this.set(revocationSetSize());
      },
    }),
  };
}
