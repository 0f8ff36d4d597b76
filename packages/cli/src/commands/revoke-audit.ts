/** `chit revoke` and `chit audit`: the admin side of a running mint service. */
import { type AuditQueryParams, createMintClient, type RevokeRequest } from '@chit/sdk';
import { list, noPositionals, parse, parseCount, str, tokenArg } from '../args.js';
import { type Command, printJson } from '../command.js';
import { EXIT, UsageError } from '../io.js';
import { adminToken, clientOptions, serverUrl } from './server-options.js';

const SERVER_HELP = `  --server <url>       mint service (default: CHIT_SERVER, else http://127.0.0.1:7300)
                       admin token from CHIT_ADMIN_TOKEN`;

/**
 * The revoke command.
 * @example chit revoke --token-id 0f1e2d3c4b5a69788796a5b4c3d2e1f0
 */
export const revokeCommand: Command = {
  name: 'revoke',
  summary: 'revoke tokens on a mint service (by token id, session, principal or the token)',
  help: `Usage: chit revoke (--token-id <id> | --session <id> | --principal <id> --issued-before <unix s> | <token|->) [--server <url>] [--json]

Revokes, durably, on the mint service:
  --token-id <id>          the token family: the token and everything attenuated from it
  --session <id>           every token of a session
  --principal <id> --issued-before <unix s>
                           every token of a principal issued before that time
  <token|->                exactly this token and its descendants (not its parent)
  --discharge <token>      with <token>: a bound discharge it needs (repeat)
${SERVER_HELP}
  --json               print the server's answer as JSON
  -h, --help           show this help`,
  async run(args, io) {
    const p = parse(args, {
      server: { type: 'string' },
      'token-id': { type: 'string' },
      session: { type: 'string' },
      principal: { type: 'string' },
      'issued-before': { type: 'string' },
      discharge: { type: 'string', multiple: true },
    });
    const tokenId = str(p, 'token-id');
    const session = str(p, 'session');
    const principal = str(p, 'principal');
    const before = str(p, 'issued-before');
    const forms = [tokenId, session, principal, p.positionals[0]].filter((x) => x !== undefined);
    if (forms.length !== 1) {
      throw new UsageError('give exactly one of --token-id, --session, --principal, or a token');
    }
    if ((principal === undefined) !== (before === undefined)) {
      throw new UsageError('--principal and --issued-before go together');
    }
    let req: RevokeRequest;
    if (tokenId !== undefined) req = { tokenId };
    else if (session !== undefined) req = { session };
    else if (principal !== undefined) {
      req = { principal, issuedBefore: parseCount(before!, '--issued-before') };
    } else {
      const discharges = list(p, 'discharge');
      req = { token: await tokenArg(p, io), ...(discharges.length > 0 && { discharges }) };
    }
    const client = createMintClient(
      clientOptions(serverUrl(str(p, 'server'), io), adminToken(io), io),
    );
    const res = await client.revoke(req);
    if (p.values.json === true) printJson(io, res);
    else {
      const r = res.revoked;
      io.stdout(`revoked ${r.kind} ${r.value} (entry kept until ${r.expiresAt})\n`);
    }
    return EXIT.OK;
  },
};

const AUDIT_FILTERS = [
  'token-id',
  'session',
  'principal',
  'tenant',
  'trace-id',
  'type',
  'since',
  'until',
  'cursor',
];

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The audit command.
 * @example chit audit --session s-1 --json
 */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'query audit events on a mint service',
  help: `Usage: chit audit [--token-id <id>] [--session <id>] [--principal <id>] [--tenant <t>] [--trace-id <id>] [--type <t>] [--since <t>] [--until <t>] [--cursor <c>] [--limit <n>] [--server <url>] [--json]

Prints audit events, oldest first, one per line (time, type, decision, code, token id,
principal, via hops), then the cursor of the next page if any. Every filter given must
match. --since/--until take Unix seconds or ISO 8601.

Options:
${SERVER_HELP}
  --json               print the page {events, next} as JSON
  -h, --help           show this help`,
  async run(args, io) {
    const specs = Object.fromEntries(AUDIT_FILTERS.map((f) => [f, { type: 'string' as const }]));
    const p = parse(args, { ...specs, limit: { type: 'string' }, server: { type: 'string' } });
    noPositionals(p);
    const query: Record<string, string | number> = {};
    for (const f of AUDIT_FILTERS) {
      const v = str(p, f);
      if (v !== undefined) query[camel(f)] = v;
    }
    const limit = str(p, 'limit');
    if (limit !== undefined) query.limit = parseCount(limit, '--limit');
    const client = createMintClient(
      clientOptions(serverUrl(str(p, 'server'), io), adminToken(io), io),
    );
    const page = await client.audit(query as AuditQueryParams);
    if (p.values.json === true) {
      printJson(io, page);
      return EXIT.OK;
    }
    for (const e of page.events) {
      const f = (k: string) => (e[k] === undefined || e[k] === null ? '-' : String(e[k]));
      const via = Array.isArray(e.via) && e.via.length > 0 ? ` via=${e.via.join('>')}` : '';
      io.stdout(
        `${f('time')} ${f('type')} ${f('decision')} ${f('code')} token=${f('tokenId')} principal=${f('principal')}${via}\n`,
      );
    }
    if (page.next !== null) io.stdout(`next: ${page.next}\n`);
    return EXIT.OK;
  },
};
