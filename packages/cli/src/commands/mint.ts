/**
 * `chit mint`: a token minted locally with a master key (development and scripts), or
 * by a running mint service with `--server`.
 */
import { createMintClient, type MintRequest } from '@chit/sdk';
import { caveat, encode, mint, toHex } from '@chit/token';
import {
  list,
  noPositionals,
  type Parsed,
  parse,
  parseCount,
  parseDuration,
  parseHexKey,
  required,
  str,
} from '../args.js';
import { attributes, CAVEAT_FLAGS, CAVEAT_FLAGS_HELP } from '../caveat-flags.js';
import { type Command, printJson } from '../command.js';
import { type CliIo, EXIT, UsageError } from '../io.js';
import { adminToken, clientOptions } from './server-options.js';

const DEFAULT_TTL = 3600;

function localConditions(p: Parsed, nowS: number): string[] {
  const out: string[] = [];
  const tenants = list(p, 'tenant');
  if (tenants.length > 0) out.push(caveat.tenant(tenants));
  const resources = list(p, 'resource');
  if (resources.length > 0) out.push(caveat.resource(resources));
  const actions = list(p, 'action');
  if (actions.length > 0) out.push(caveat.action(actions));
  const audiences = list(p, 'audience');
  if (audiences.length > 0) out.push(caveat.audience(audiences));
  const ttl = str(p, 'ttl');
  out.push(caveat.expires(nowS + (ttl === undefined ? DEFAULT_TTL : parseDuration(ttl, '--ttl'))));
  const principal = str(p, 'principal');
  if (principal !== undefined) out.push(caveat.principal(principal));
  const role = str(p, 'role');
  if (role !== undefined) out.push(caveat.role(role));
  const uses = str(p, 'uses');
  if (uses !== undefined) out.push(caveat.uses(parseCount(uses, '--uses')));
  for (const [name, values] of Object.entries(attributes(p) ?? {})) {
    out.push(caveat.attribute(name, values));
  }
  out.push(...list(p, 'caveat'));
  return out;
}

async function mintLocal(p: Parsed, io: CliIo): Promise<number> {
  const key = parseHexKey(required(p, 'key'), '--key');
  const kid = str(p, 'kid') ?? 'k1';
  const nowS = Math.floor(io.clock() / 1000);
  const caveats = localConditions(p, nowS);
  const session = str(p, 'session');
  const tokenId = io.random(16);
  const m = mint({
    key,
    kid,
    tokenId,
    issuedAt: nowS,
    caveats,
    ...(session !== undefined && { session }),
  });
  const token = encode(m);
  if (p.values.json === true) {
    const expires = caveats.find((c) => c.startsWith('expires = '))!;
    printJson(io, {
      token,
      tokenId: toHex(tokenId),
      kid,
      expiresAt: Number(expires.slice('expires = '.length)),
      caveats,
    });
  } else {
    io.stdout(`${token}\n`);
  }
  return EXIT.OK;
}

async function mintRemote(p: Parsed, io: CliIo, server: string): Promise<number> {
  if (str(p, 'key') !== undefined || str(p, 'kid') !== undefined) {
    throw new UsageError('--key and --kid are for local minting; the server uses its own keys');
  }
  if (list(p, 'caveat').length > 0) throw new UsageError('--caveat is not available with --server');
  if (list(p, 'audience').length > 1) throw new UsageError('--server takes one --audience');
  const tenants = list(p, 'tenant');
  if (tenants.length !== 1) throw new UsageError('--server needs exactly one --tenant');
  const resources = list(p, 'resource');
  const actions = list(p, 'action');
  if (resources.length === 0 || actions.length === 0) {
    throw new UsageError('--server needs at least one --resource and one --action');
  }
  const ttl = str(p, 'ttl');
  const uses = str(p, 'uses');
  const role = str(p, 'role');
  const session = str(p, 'session');
  const audience = list(p, 'audience')[0];
  const attrs = attributes(p);
  const req: MintRequest = {
    principal: { id: required(p, 'principal'), ...(role !== undefined && { role }) },
    tenant: tenants[0]!,
    resources,
    actions,
    ttl: ttl === undefined ? DEFAULT_TTL : parseDuration(ttl, '--ttl'),
    ...(session !== undefined && { session }),
    ...(audience !== undefined && { audience }),
    ...(uses !== undefined && { budget: { uses: parseCount(uses, '--uses') } }),
    ...(attrs !== undefined && { attributes: attrs }),
  };
  const client = createMintClient(clientOptions(server, adminToken(io), io));
  const res = await client.mint(req);
  if (p.values.json === true) printJson(io, res);
  else io.stdout(`${res.token}\n`);
  return EXIT.OK;
}

/**
 * The mint command.
 * @example chit mint --key $(cat key.hex) --tenant 42 --action read --ttl 15m
 */
export const mintCommand: Command = {
  name: 'mint',
  summary: 'mint a token locally with a key, or with --server through a mint service',
  help: `Usage: chit mint --key <hex> [--kid <kid>] [caveat flags] [--json]
       chit mint --server <url> --principal <id> --tenant <t> --resource <p>... --action <a>... [--ttl 1h] [--json]

Locally: mints a token with the master key given as hex (at least 16 bytes), a random
token id and the current time. The token always expires (default --ttl 1h).
With --server: asks a running mint service (admin token from CHIT_ADMIN_TOKEN).

Options:
  --key <hex>          master key (local minting)
  --kid <kid>          key id recorded in the token (default k1)
  --server <url>       mint service base URL (e.g. http://127.0.0.1:7300)
${CAVEAT_FLAGS_HELP}
  --json               print {token, tokenId, kid, expiresAt, caveats}
  -h, --help           show this help`,
  async run(args, io) {
    const p = parse(args, {
      ...CAVEAT_FLAGS,
      key: { type: 'string' },
      kid: { type: 'string' },
      server: { type: 'string' },
    });
    noPositionals(p);
    const server = str(p, 'server');
    return server === undefined ? mintLocal(p, io) : mintRemote(p, io, server);
  },
};
