/** `chit attenuate <token>`: narrow a token offline (no key needed). */
import { narrow } from '@chit/sdk';
import { parse, tokenArg } from '../args.js';
import { CAVEAT_FLAGS, CAVEAT_FLAGS_HELP, narrowOptions } from '../caveat-flags.js';
import { type Command, printJson } from '../command.js';
import { EXIT, UsageError } from '../io.js';

/**
 * The attenuate command.
 * @example chit attenuate "$TOKEN" --action read --ttl 5m
 */
export const attenuateCommand: Command = {
  name: 'attenuate',
  summary: 'narrow a token offline by appending caveats (no key needed)',
  help: `Usage: chit attenuate <token|-> [caveat flags] [--json]

Appends caveats and prints the narrowed token. Refuses (ERR_NOT_NARROWER, exit 1) any
flag that would not narrow the token: an action or tenant it does not allow, a ttl that
would end after its expiry, a budget no smaller than its own. '-' reads the token from
stdin.

Options:
${CAVEAT_FLAGS_HELP}
  --json               print {"token": "..."}
  -h, --help           show this help`,
  async run(args, io) {
    const p = parse(args, CAVEAT_FLAGS);
    const token = await tokenArg(p, io);
    const options = narrowOptions(p);
    if (Object.keys(options).length === 0) throw new UsageError('give at least one caveat flag');
    const out = narrow(token, options, { clock: io.clock });
    if (p.values.json === true) printJson(io, { token: out }, true);
    else io.stdout(`${out}\n`);
    return EXIT.OK;
  },
};
