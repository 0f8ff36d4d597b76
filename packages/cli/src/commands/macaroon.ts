/**
 * `chit macaroon mint|verify`: plain standard macaroons (V2) with exactly the given root
 * key and the standard derivation, for interoperability with other macaroon libraries.
 */
import {
  addFirstPartyCaveat,
  createMacaroon,
  encode,
  utf8Encode,
  verifyMacaroon,
} from '@chit/token';
import {
  list,
  noPositionals,
  type Parsed,
  parse,
  parseHexKey,
  required,
  str,
  tokenArg,
} from '../args.js';
import type { Command } from '../command.js';
import { type CliIo, EXIT, UsageError } from '../io.js';

const KEY_FLAGS = {
  'root-key': { type: 'string' },
  'root-key-text': { type: 'string' },
} as const;

function rootKey(p: Parsed): Uint8Array {
  const hex = str(p, 'root-key');
  const text = str(p, 'root-key-text');
  if ((hex === undefined) === (text === undefined)) {
    throw new UsageError('give exactly one of --root-key <hex> and --root-key-text <utf8>');
  }
  if (hex !== undefined) return parseHexKey(hex, '--root-key', 1);
  if (text === '') throw new UsageError('--root-key-text must not be empty');
  return utf8Encode(text!);
}

const MINT_HELP = `Usage: chit macaroon mint (--root-key <hex> | --root-key-text <utf8>) --id <text> [--location <loc>] [--caveat <condition>]...

Prints a plain macaroon V2 (base64url, no padding) made with exactly that root key and
the standard derivation HMAC-SHA256("macaroons-key-generator", key): libmacaroons,
go-macaroon, js-macaroon and pymacaroons verify it with the same key. Caveats are
appended as given (any text: no Chit grammar check).

Options:
  --root-key <hex>        root key as hex
  --root-key-text <utf8>  root key as text
  --id <text>             identifier
  --location <loc>        location hint (not signed)
  --caveat <condition>    first-party caveat (repeat, in order)
  -h, --help              show this help`;

const VERIFY_HELP = `Usage: chit macaroon verify <token|-> (--root-key <hex> | --root-key-text <utf8>) [--satisfy <condition>]... [--discharge <token>]...

Exits 0 when the chain (and every discharge, bound to it) verifies with the root key and
every first-party caveat is exactly one of the --satisfy conditions; otherwise prints the
error code on stderr and exits 1.

Options:
  --root-key <hex>        root key as hex
  --root-key-text <utf8>  root key as text
  --satisfy <condition>   a condition that holds (exact text match; repeat)
  --discharge <token>     a bound discharge macaroon (repeat)
  --json                  print {"valid": true}; errors as JSON on stderr
  -h, --help              show this help`;

async function mintPlain(args: readonly string[], io: CliIo): Promise<number> {
  const p = parse(args, {
    ...KEY_FLAGS,
    id: { type: 'string' },
    location: { type: 'string' },
    caveat: { type: 'string', multiple: true },
  });
  noPositionals(p);
  const key = rootKey(p);
  const location = str(p, 'location');
  let m = createMacaroon({
    rootKey: key,
    identifier: required(p, 'id'),
    ...(location !== undefined && { location }),
  });
  for (const c of list(p, 'caveat')) m = addFirstPartyCaveat(m, c);
  const token = encode(m);
  if (p.values.json === true) io.stdout(`${JSON.stringify({ token })}\n`);
  else io.stdout(`${token}\n`);
  return EXIT.OK;
}

async function verifyPlain(args: readonly string[], io: CliIo): Promise<number> {
  const p = parse(args, {
    ...KEY_FLAGS,
    satisfy: { type: 'string', multiple: true },
    discharge: { type: 'string', multiple: true },
  });
  const key = rootKey(p);
  const satisfied = new Set(list(p, 'satisfy'));
  const token = await tokenArg(p, io);
  verifyMacaroon(token, {
    rootKey: key,
    discharges: list(p, 'discharge'),
    satisfies: (c) => satisfied.has(c),
  });
  if (p.values.json === true) io.stdout(`${JSON.stringify({ valid: true })}\n`);
  else io.stdout('valid\n');
  return EXIT.OK;
}

/**
 * The macaroon command group.
 * @example chit macaroon mint --root-key-text 'secret' --id keyid --caveat 'account = 3735928559'
 */
export const macaroonCommand: Command = {
  name: 'macaroon',
  summary: 'mint or verify a plain standard macaroon with an exact root key',
  help: `Usage: chit macaroon <mint|verify> [options]

  mint    make a plain V2 macaroon with exactly the given root key
  verify  verify a plain macaroon chain with its root key and exact conditions

Run 'chit macaroon mint --help' or 'chit macaroon verify --help' for options.`,
  async run(args, io) {
    const [sub, ...rest] = args;
    const wantsHelp = rest.includes('--help') || rest.includes('-h');
    if (sub === 'mint') {
      if (wantsHelp) return help(io, MINT_HELP);
      return mintPlain(rest, io);
    }
    if (sub === 'verify') {
      if (wantsHelp) return help(io, VERIFY_HELP);
      return verifyPlain(rest, io);
    }
    if (sub === undefined || sub === '--help' || sub === '-h') {
      if (sub === undefined) throw new UsageError('a subcommand is required: mint or verify');
      return help(io, macaroonCommand.help);
    }
    throw new UsageError('unknown subcommand (expected mint or verify)');
  },
};

function help(io: CliIo, text: string): number {
  io.stdout(`${text}\n`);
  return EXIT.OK;
}
