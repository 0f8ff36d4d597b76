/** `chit inspect <token>`: the unverified view of any V2 macaroon. */
import { type InspectedToken, inspect } from '@chit/sdk';
import { parse, tokenArg } from '../args.js';
import { type Command, printJson } from '../command.js';
import { EXIT } from '../io.js';

function set(values: readonly string[] | null): string {
  return values === null ? 'any' : values.join(', ');
}

/**
 * The human form: one `label: value` per line, caveats listed in chain order.
 * @example io.stdout(formatInspection(inspect(token)))
 */
export function formatInspection(v: InspectedToken): string {
  const lines = ['UNVERIFIED: decoded without checking the signature'];
  if (v.location !== null) lines.push(`location:    ${v.location}`);
  if (v.chit) {
    lines.push(`token id:    ${v.tokenId}`, `kid:         ${v.kid}`);
    lines.push(`issued at:   ${v.issuedAtIso} (${v.issuedAt})`);
  } else {
    lines.push(`identifier:  ${v.identifier}`);
  }
  if (v.session !== null) lines.push(`session:     ${v.session}`);
  if (v.expiresAt === null) lines.push('expires:     never');
  else lines.push(`expires:     ${v.expiresAtIso} (${v.expiresAt}), ${v.remaining}`);
  if (v.chit) {
    if (v.principal !== null) lines.push(`principal:   ${v.principal}`);
    lines.push(`audience:    ${set(v.audiences)}`);
    lines.push(`tenants:     ${set(v.tenants)}`);
    lines.push(`actions:     ${set(v.actions)}`);
    if (v.via.length > 0) lines.push(`via:         ${v.via.join(' -> ')}`);
  }
  lines.push(`caveats (${v.caveats.length}):`);
  v.caveats.forEach((c, i) => {
    lines.push(`  ${i + 1}. ${c}`);
  });
  if (v.thirdParty.length > 0) {
    lines.push(`third-party caveats (${v.thirdParty.length}):`);
    for (const t of v.thirdParty)
      lines.push(`  - ${t.id} (discharge from ${t.location ?? 'unknown'})`);
  }
  if (v.problem !== null) lines.push(`problem:     ${v.problem} (any verifier would deny)`);
  return `${lines.join('\n')}\n`;
}

/**
 * The inspect command.
 * @example chit inspect "$TOKEN" --json
 */
export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'show what a token says, unverified (never its signature)',
  help: `Usage: chit inspect <token|-> [--json]

Decodes any macaroon V2 token (base64url, base64 or V2J JSON) without verifying it:
location, identifier (Chit identifiers decoded: kid, token id, issue time, session),
caveats, third-party caveats with the location that must discharge them, expiry in
ISO form with the remaining life. Never prints the signature.

Options:
  --json      print the view as JSON ("verified": false)
  -h, --help  show this help`,
  async run(args, io) {
    const p = parse(args, {});
    const token = await tokenArg(p, io);
    const view = inspect(token, { clock: io.clock });
    if (p.values.json === true) printJson(io, view);
    else io.stdout(formatInspection(view));
    return EXIT.OK;
  },
};
