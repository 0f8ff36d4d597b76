/**
 * Deterministic fixtures of the hardening suite: master keys, a settable clock, and
 * token minting with predictable token ids (so a failing case reproduces byte for byte).
 */
import { caveat, decodeIdentifier, encode, type MacaroonV2, mint } from '@chit/token';

/**
 * The active master key (kid `k1`). Test material only.
 * @example
 * ```ts
 * mint({ key: KEY, kid: 'k1', tokenId, issuedAt: NOW_S, caveats: [] })
 * ```
 */
export const KEY = new Uint8Array(32).map((_, i) => (i * 13 + 5) & 255);
/**
 * A key that signed tokens once but has been retired (kid `k0`): the resolver forgets it.
 * @example
 * ```ts
 * mintToken({ kid: 'k0', key: RETIRED_KEY }) // refused with ERR_KEY_UNKNOWN
 * ```
 */
export const RETIRED_KEY = new Uint8Array(32).map((_, i) => (i * 3 + 1) & 255);
/**
 * A key nobody trusts, used to forge tokens under a known kid.
 * @example
 * ```ts
 * mintToken({ key: FOREIGN_KEY }) // kid k1, wrong key: ERR_SIGNATURE_INVALID
 * ```
 */
export const FOREIGN_KEY = new Uint8Array(32).map((_, i) => (i * 29 + 11) & 255);

/**
 * The verifier's key resolver: only `k1` is known (`k0` is retired, anything else unknown).
 * @example
 * ```ts
 * keys('k1') // KEY
 * keys('k0') // undefined
 * ```
 */
export function keys(kid: string): Uint8Array | undefined {
  return kid === 'k1' ? KEY : undefined;
}

/**
 * The fixed "now" of the suite: 2027-01-15T08:00:00Z, in Unix seconds.
 * @example
 * ```ts
 * settableClock().set((NOW_S + 300) * 1000) // five minutes later
 * ```
 */
export const NOW_S = 1_800_000_000;

/**
 * A settable clock in Unix milliseconds.
 * @example
 * ```ts
 * const clock: SettableClock = settableClock(); clock.step(1000);
 * ```
 */
export interface SettableClock {
  (): number;
  /** Sets the time (Unix ms). */
  set(ms: number): void;
  /** Moves the time by `ms` (negative steps back). */
  step(ms: number): void;
}

/**
 * A clock that only moves when told to.
 * @example
 * ```ts
 * const clock = settableClock(); clock.step(-300_000); // 5 minutes back
 * ```
 */
export function settableClock(startMs = NOW_S * 1000): SettableClock {
  let now = startMs;
  const clock = (() => now) as SettableClock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.step = (ms) => {
    now += ms;
  };
  return clock;
}

let serial = 0;

/**
 * The next deterministic 16-byte token id (`00..01`, `00..02`, ...).
 * @example
 * ```ts
 * nextTokenId()[15] // 1 (then 2, 3, ...)
 * ```
 */
export function nextTokenId(): Uint8Array {
  serial++;
  const id = new Uint8Array(16);
  new DataView(id.buffer).setUint32(12, serial);
  return id;
}

/**
 * Options of {@link mintMacaroon}.
 * @example
 * ```ts
 * const opts: MintFixtureOptions = { caveats: readerCaveats(), session: 's-1' };
 * ```
 */
export interface MintFixtureOptions {
  readonly caveats?: readonly string[];
  readonly key?: Uint8Array;
  readonly kid?: string;
  readonly session?: string;
  readonly issuedAt?: number;
}

/**
 * Mints a Chit macaroon (default: kid `k1`, issued a minute before {@link NOW_S}).
 * @example
 * ```ts
 * const m = mintMacaroon({ caveats: readerCaveats() });
 * ```
 */
export function mintMacaroon(opts: MintFixtureOptions = {}): MacaroonV2 {
  return mint({
    key: opts.key ?? KEY,
    kid: opts.kid ?? 'k1',
    tokenId: nextTokenId(),
    issuedAt: opts.issuedAt ?? NOW_S - 60,
    session: opts.session,
    caveats: opts.caveats ?? [],
  });
}

/**
 * Mints a token and returns its text and token id.
 * @example
 * ```ts
 * const { token, tokenId } = mintToken({ caveats: readerCaveats() });
 * ```
 */
export function mintToken(opts: MintFixtureOptions = {}): { token: string; tokenId: string } {
  const m = mintMacaroon(opts);
  const id = decodeIdentifier(m.identifier);
  if (id === null) throw new Error('minted a token without a Chit identifier');
  return { token: encode(m), tokenId: id.tokenId };
}

/**
 * The caveats of a tenant-42 reader of orders, principal `user-1`, valid for an hour.
 * @example
 * ```ts
 * readerCaveats() // ['tenant = 42', 'resource = orders/*', ...]
 * ```
 */
export function readerCaveats(expires = NOW_S + 3600): string[] {
  return [
    caveat.tenant('42'),
    caveat.resource('orders/*'),
    caveat.action('read'),
    caveat.expires(expires),
    caveat.principal('user-1'),
  ];
}

/**
 * `Authorization: Chit <token>` as inject headers, with the tenant header.
 * @example
 * ```ts
 * app.inject({ url: '/orders/7', headers: authHeaders(token) })
 * ```
 */
export function authHeaders(token: string, tenant = '42'): Record<string, string> {
  return { authorization: `Chit ${token}`, 'x-tenant': tenant };
}
