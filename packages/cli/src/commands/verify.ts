/** `chit verify <token> --key <hex>`: verify locally and print the capability. */
import { verify } from '@chit/token';
import {
  list,
  parse,
  parseCount,
  parseHexKey,
  parsePair,
  required,
  str,
  tokenArg,
} from '../args.js';
import { type Command, printJson } from '../command.js';
import { EXIT, UsageError } from '../io.js';

const FIELDS = new Set(['tenant', 'resource', 'action', 'audience', 'principal', 'session']);

/** `--ctx k=v` pairs to a request context; other keys are attributes. */
function context(pairs: readonly string[]) {
  const ctx: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  for (const pair of pairs) {
    const [k, v] = parsePair(pair, '--ctx');
    const target = FIELDS.has(k) ? ctx : attributes;
    if (Object.hasOwn(target, k)) throw new UsageError(`--ctx ${k} given twice`);
    target[k] = v;
  }
  return Object.keys(attributes).length > 0 ? { ...ctx, attributes } : ctx;
}

/**
 * The verify command.
 * @example chit verify "$TOKEN" --key $(cat key.hex) --ctx tenant=42 --ctx action=read
 */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify a token with a key against a request context',
  help: `Usage: chit verify <token|-> --key <hex> [--kid <kid>] [--ctx key=value]... [--discharge <token>]... [--now <unix s>] [--json]

Verifies the signature chain with the master key, then every caveat against the
request context. Prints the verified capability as JSON and exits 0, or prints the
error code on stderr and exits 1. Usage budgets (uses <= N) are reported in the
capability, not counted: counting needs a store.

Options:
  --key <hex>          master key
  --kid <kid>          accept only this key id (default: any kid maps to --key)
  --ctx <k=v>          request context: tenant, resource, action, audience, principal,
                       session; any other key is a request attribute (repeat)
  --discharge <token>  a discharge bound to the token (repeat)
  --now <unix s>       verify as of this time (default: now)
  --json               errors as JSON on stderr
  -h, --help           show this help`,
  async run(args, io) {
    const p = parse(args, {
      key: { type: 'string' },
      kid: { type: 'string' },
      ctx: { type: 'string', multiple: true },
      discharge: { type: 'string', multiple: true },
      now: { type: 'string' },
    });
    const key = parseHexKey(required(p, 'key'), '--key');
    const kid = str(p, 'kid');
    const ctx = context(list(p, 'ctx'));
    const now = str(p, 'now');
    const nowMs = now === undefined ? io.clock() : parseCount(now, '--now') * 1000;
    const token = await tokenArg(p, io);
    const capability = verify(token, {
      keys: (k) => (kid === undefined || k === kid ? key : undefined),
      context: ctx,
      discharges: list(p, 'discharge'),
      clock: () => nowMs,
    });
    printJson(io, capability);
    return EXIT.OK;
  },
};
