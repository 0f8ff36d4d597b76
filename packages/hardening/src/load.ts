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
  opts: { stopOnConnectionError?: boolean } = {},
): Load {
  const samples: Sample[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  let stopped = false;
  let counter = 0;
  const client = async () => {
    while (!stopped) {
      const k = kinds[counter++ % kinds.length]!;
      const start = now();
      try {
        const res = await fetch(baseUrl + k.path, { headers: k.headers });
        const text = await res.text();
        let code: string | undefined;
        if (res.status !== 200) {
          try {
            code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          } catch {
            code = undefined;
          }
        }
        samples.push({
          kind: k.kind,
          start,
          end: now(),
          status: res.status,
          code,
          requestId: res.headers.get('x-request-id') ?? undefined,
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
