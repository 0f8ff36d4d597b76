/**
 * The agent runtime's side of the approval protocol (docs/approvals.md): seal the caveat,
 * ask the approval service for a discharge, wait (long-polling) until a human decides.
 * Every failure to obtain a discharge is `ERR_DISCHARGE_MISSING`: no discharge, no call.
 */
import type { FetchLike } from '@chit/sdk';
import { type Clock, DischargeMissingError } from '@chit/token';
import { z } from 'zod';
import {
  type ApprovalRequest,
  type SealedApprovalCaveat,
  sealApprovalCaveat,
} from './approval-caveat.js';

/** Options of {@link createApprovalClient}. */
export interface ApprovalClientOptions {
  /** The approval service's base URL (also the caveat's location hint). */
  readonly baseUrl: string;
  /** The 32-byte key shared with the approval service. Secret. */
  readonly approvalKey: Uint8Array;
  /** Longest wait for a human, ms (default 120000). */
  readonly timeoutMs?: number;
  /** Long-poll slice per status request, ms (default 10000, at most 25000). */
  readonly pollMs?: number;
  readonly fetch?: FetchLike;
  readonly clock?: Clock;
  readonly random?: (n: number) => Uint8Array;
}

/**
 * The approval API as the agent runtime uses it.
 * @example
 * ```ts
 * const sealed = approvals.seal(request)
 * const discharge = await approvals.requestDischarge(sealed.caveatId)
 * ```
 */
export interface ApprovalClient {
  /** Where discharges come from (the caveat's location). */
  readonly location: string;
  /** Seals an approval request into a caveat id and a fresh caveat key. */
  seal(request: ApprovalRequest): SealedApprovalCaveat;
  /**
   * Registers the approval request and waits for the human. Resolves with the (unbound)
   * discharge; rejects with `DischargeMissingError` when denied, expired, timed out or
   * unreachable. `onPending` gets the approval id once registered.
   */
  requestDischarge(caveatId: string, onPending?: (approvalId: string) => void): Promise<string>;
}

const statusSchema = z.object({
  id: z.string(),
  status: z.enum(['pending', 'approved', 'denied', 'expired']),
  discharge: z.string().optional(),
});

/**
 * Creates an approval client.
 * @example
 * ```ts
 * const approvals = createApprovalClient({ baseUrl: 'http://127.0.0.1:7400', approvalKey })
 * ```
 */
export function createApprovalClient(options: ApprovalClientOptions): ApprovalClient {
  if (options === null || typeof options !== 'object')
    throw new TypeError('options must be an object');
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError('options.baseUrl must be an http(s) URL');
  }
  const location = base.origin;
  const key = options.approvalKey;
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new TypeError('options.approvalKey must be a 32-byte Uint8Array');
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  const pollMs = Math.min(options.pollMs ?? 10_000, 25_000);
  const doFetch: FetchLike = options.fetch ?? ((i, init) => globalThis.fetch(i, init));
  const clock = options.clock ?? Date.now;

  async function call(path: string, init?: RequestInit): Promise<z.infer<typeof statusSchema>> {
    let res: Response;
    try {
      res = await doFetch(new URL(path, location), init);
    } catch {
      throw new DischargeMissingError('approval service is unreachable');
    }
    const body: unknown = await res.json().catch(() => undefined);
    const parsed = statusSchema.safeParse(body);
    if (!res.ok || !parsed.success) {
      throw new DischargeMissingError(`approval service refused the request (${res.status})`);
    }
    return parsed.data;
  }

  return {
    location,
    seal: (request) => sealApprovalCaveat(key, request, options.random),
    async requestDischarge(caveatId, onPending) {
      const deadline = clock() + timeoutMs;
      let state = await call('/v1/approvals', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ caveatId }),
      });
      onPending?.(state.id);
      while (state.status === 'pending') {
        const left = deadline - clock();
        if (left <= 0) throw new DischargeMissingError('approval timed out');
        const wait = Math.max(1, Math.min(pollMs, left));
        state = await call(`/v1/approvals/${encodeURIComponent(state.id)}?wait=${wait}`);
      }
      if (state.status === 'approved' && state.discharge !== undefined) return state.discharge;
      throw new DischargeMissingError(`approval was ${state.status}`);
    },
  };
}
