/**
 * The CLI's edges as inputs: output streams, stdin, clock, randomness, environment and
 * fetch. `main.ts` wires the real ones; everything else is testable without a process.
 */
import { ChitError } from '@chit/token';

/**
 * Exit codes: 0 allow / success, 1 deny / failure with a code, 2 usage error.
 * @example return denied ? EXIT.DENY : EXIT.OK
 */
export const EXIT = Object.freeze({ OK: 0, DENY: 1, USAGE: 2 });

/**
 * What a command may touch.
 * @example const io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), readStdin, clock: Date.now, random: (n) => crypto.getRandomValues(new Uint8Array(n)), env: process.env }
 */
export interface CliIo {
  /** Writes to stdout (the caller adds newlines). */
  readonly stdout: (text: string) => void;
  /** Writes to stderr. */
  readonly stderr: (text: string) => void;
  /** All of stdin as text. */
  readonly readStdin: () => Promise<string>;
  /** Current time in Unix milliseconds. */
  readonly clock: () => number;
  /** `n` cryptographically random bytes. */
  readonly random: (n: number) => Uint8Array;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

/**
 * Bad command-line usage: exit 2 with the message and a hint to `--help`.
 * @example throw new UsageError('--key is required')
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Reports an error on stderr (code first) and returns the exit code.
 * @example catch (e) { return reportError(io, e, json, 'verify') }
 */
export function reportError(io: CliIo, e: unknown, json: boolean, command: string): number {
  if (e instanceof UsageError) {
    if (json)
      io.stderr(`${JSON.stringify({ error: { code: 'ERR_USAGE', message: e.message } })}\n`);
    else io.stderr(`ERR_USAGE: ${e.message}\nRun 'chit ${command} --help' for usage.\n`);
    return EXIT.USAGE;
  }
  if (e instanceof ChitError) {
    if (json) io.stderr(`${JSON.stringify({ error: e.toJSON() })}\n`);
    else io.stderr(`${e.code}: ${e.message}\n`);
    return EXIT.DENY;
  }
  if (e instanceof TypeError || e instanceof RangeError) {
    // Validation of a flag value by the libraries (e.g. a caveat builder): a usage error.
    return reportError(io, new UsageError(e.message), json, command);
  }
  // A bug or an environment failure: still one line, code first, never a stack dump.
  const message = e instanceof Error ? e.message : 'unexpected failure';
  if (json) io.stderr(`${JSON.stringify({ error: { code: 'ERR_INTERNAL', message } })}\n`);
  else io.stderr(`ERR_INTERNAL: ${message}\n`);
  return EXIT.DENY;
}
