/** `chit keygen`: a new random 32-byte key as hex. */
import { toHex } from '@chit/token';
import { noPositionals, parse } from '../args.js';
import { type Command, printJson } from '../command.js';
import { EXIT } from '../io.js';

/**
 * The keygen command.
 * @example chit keygen > key.hex
 */
export const keygen: Command = {
  name: 'keygen',
  summary: 'print a new random 32-byte key as hex',
  help: `Usage: chit keygen [--json]

Prints a new random 32-byte master key as 64 hex characters (from the system CSPRNG).
Keep it secret: whoever holds it can mint any token for its kid.

Options:
  --json      print {"key": "<hex>"}
  -h, --help  show this help`,
  async run(args, io) {
    const p = parse(args, {});
    noPositionals(p);
    const key = toHex(io.random(32));
    if (p.values.json === true) printJson(io, { key }, true);
    else io.stdout(`${key}\n`);
    return EXIT.OK;
  },
};
