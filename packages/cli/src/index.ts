/**
 * @chit/cli: the `chit` command line as a library (for embedding and tests).
 * @example
 * ```ts
 * import { run } from '@chit/cli'
 * const code = await run(['inspect', token], io)
 * ```
 */
export type { Command } from './command.js';
export { type CliIo, EXIT, UsageError } from './io.js';
export { COMMANDS, mainHelp, run } from './run.js';
