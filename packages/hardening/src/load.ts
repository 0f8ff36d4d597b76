/**
 * A closed-loop HTTP load against a real socket: `concurrency` clients, each sending its
 * next request when the previous one is answered, recording every answer.
 */

/**
 * One answered (or failed) request.
 * @example
 * ```ts
 * load.samples.filter((s: Sample) => s.status === 503).length
 * ```
 */
export interface Sample {
  /** Label of the request kind (`valid`, `revoked`...). */
  readonly kind: string;
  /** Start and end, ms since the load began. */
  readonly start: number;
  readonly end: number;
  /** HTTP status, or 0 when the connection failed. */
  readonly status: number;
  readonly code?: string;
  /** The `x-request-id` the service answered with. */
  readonly requestId?: string;
  /** The `x-request-id` this client sent (with `requestIdPrefix`). */
  readonly sentId?: string;
  /** `allowed` of a JSON answer that has one (the mint's `/v1/verify`). */
  readonly allowed?: boolean;
}

/**
 * One kind of request of the mix.
 * @example
 * ```ts
 * const kind: RequestKind = { kind: 'valid', path: '/orders/7', headers: authHeaders(token) };
 * ```
 */
export interface RequestKind {
  readonly kind: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Default GET; a POST sends `body` as JSON. */
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
}

/**
 * A running load.
 * @example
 * ```ts
 * const load: Load = startLoad(url, kinds, 8); await load.stop();
 * ```
 */
export interface Load {
  readonly samples: Sample[];
  /** ms since the load began. */
  now(): number;
  /** Stops the clients and waits for their last answers. */
  stop(): Promise<Sample[]>;
}

/**
 * Starts a closed-loop load; clients take request kinds round-robin.
 * @example
 * ```ts
 * const load = startLoad(url, [{ kind: 'valid', path: '/orders/7', headers }], 8);
 * const samples = await load.stop();
 * ```
 */
export function startLoad(
  baseUrl: string,
  kinds: readonly RequestKind[],
  concurrency: number,
  opts: { stopOnConnectionError?: boolean; requestIdPrefix?: string } = {},
): Load {
  const samples: Sample[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  let stopped = false;
  let counter = 0;
  const client = async () => {
    while (!stopped) {
      const n = counter++;
      const k = kinds[n % kinds.length]!;
      const sentId =
        opts.requestIdPrefix === undefined ? undefined : `${opts.requestIdPrefix}-${n}`;
      const start = now();
      try {
        const res = await fetch(baseUrl + k.path, {
          method: k.method ?? 'GET',
          headers: {
            ...k.headers,
            ...(sentId ? { 'x-request-id': sentId } : {}),
            ...(k.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(k.body === undefined ? {} : { body: JSON.stringify(k.body) }),
        });
        const text = await res.text();
        let code: string | undefined;
        let allowed: boolean | undefined;
        try {
          const json = JSON.parse(text) as { error?: { code?: string }; allowed?: unknown };
          code = json.error?.code;
          if (typeof json.allowed === 'boolean') allowed = json.allowed;
        } catch {
          code = undefined;
        }
        samples.push({
          kind: k.kind,
          start,
          end: now(),
          status: res.status,
          code,
          requestId: res.headers.get('x-request-id') ?? undefined,
          sentId,
          allowed,
        });
      } catch {
        samples.push({ kind: k.kind, start, end: now(), status: 0 });
        if (opts.stopOnConnectionError) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  const clients = Array.from({ length: concurrency }, client);
  return {
    samples,
    now,
    stop: async () => {
      stopped = true;
      await Promise.all(clients);
      return samples;
    },
  };
}
