/** The shape of a CLI command. */
import type { CliIo } from './io.js';

/**
 * One `chit <name>` command.
 * @example const hello: Command = { name: 'hello', summary: 'greet', help: 'Usage: chit hello', run: async (_a, io) => (io.stdout('hi\n'), 0) }
 */
export interface Command {
  readonly name: string;
  /** One line for `chit --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/**
 * Writes JSON (one line when `compact`, else indented) and a newline.
 * @example printJson(io, { token }, true)
 */
export function printJson(io: CliIo, value: unknown, compact = false): void {
  io.stdout(`${JSON.stringify(value, null, compact ? undefined : 2)}\n`);
}
