/**
 * The command table and dispatcher of `chit`. Pure apart from the injected {@link CliIo}.
 */
import type { Command } from './command.js';
import { attenuateCommand } from './commands/attenuate.js';
import { inspectCommand } from './commands/inspect.js';
import { keygen } from './commands/keygen.js';
import { macaroonCommand } from './commands/macaroon.js';
import { mintCommand } from './commands/mint.js';
import { auditCommand, revokeCommand } from './commands/revoke-audit.js';
import { verifyCommand } from './commands/verify.js';
import { type CliIo, EXIT, reportError, UsageError } from './io.js';

/**
 * Every command, in help order.
 * @example COMMANDS.map((c) => c.name) // ['keygen', 'mint', ...]
 */
export const COMMANDS: readonly Command[] = [
  keygen,
  mintCommand,
  attenuateCommand,
  inspectCommand,
  verifyCommand,
  revokeCommand,
  auditCommand,
  macaroonCommand,
];

/**
 * The top-level help text.
 * @example io.stdout(mainHelp())
 */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: chit <command> [options]

Chit capability tokens from the command line.

Commands:
${lines.join('\n')}

Every command takes --help. --json prints machine-readable output.
Exit codes: 0 allowed / done, 1 denied / failed (error code on stderr), 2 usage error.
A token argument of '-' is read from stdin.
`;
}

/**
 * Runs `chit` with `argv` (the arguments after the program name); resolves to the exit
 * code. Never throws for a user's mistake.
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2), io)
 * ```
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp());
    return EXIT.OK;
  }
  if (name === undefined) {
    io.stderr(mainHelp());
    return EXIT.USAGE;
  }
  const json = rest.includes('--json');
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (command === undefined) throw new UsageError(`unknown command '${name.slice(0, 40)}'`);
    if (command !== macaroonCommand && (rest.includes('--help') || rest.includes('-h'))) {
      io.stdout(`${command.help}\n`);
      return EXIT.OK;
    }
    return await command.run(rest, io);
  } catch (e) {
    return reportError(io, e, json, command?.name ?? '');
  }
}
