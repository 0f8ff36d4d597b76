/**
 * Maps Redis failures (connection lost, command timeout, offline queue disabled) to the
 * core's fail-closed errors. Programmer errors and ChitErrors pass through.
 */
import { ChitError } from '@chit/token';

type UnavailableCtor = new (message?: string) => ChitError;

/**
 * Runs `op`, rethrowing any Redis failure as `Unavailable` (message names the cause only,
 * never keys' values or token material).
 *
 * @example
 * ```ts
 * await mapUnavailable(StoreUnavailableError, () => client.ping());
 * ```
 */
export async function mapUnavailable<T>(
  Unavailable: UnavailableCtor,
  op: () => Promise<T>,
): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof ChitError || e instanceof TypeError || e instanceof RangeError) throw e;
    const err = new Unavailable(
      `${new Unavailable().message} (redis: ${(e as Error)?.message ?? 'error'})`,
    );
    Object.defineProperty(err, 'cause', { value: e, enumerable: false });
    throw err;
  }
}
