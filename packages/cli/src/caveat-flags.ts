/**
 * The caveat flags shared by `chit mint` and `chit attenuate`, mapped to the SDK's
 * typed narrowing options (and to raw conditions for claims).
 */
import type { NarrowOptions } from '@chit/sdk';
import { caveat } from '@chit/token';
import {
  list,
  type OptionSpecs,
  type Parsed,
  parseCount,
  parseDuration,
  parsePair,
  str,
} from './args.js';

/**
 * The flags.
 * @example parse(args, { ...CAVEAT_FLAGS, key: { type: 'string' } })
 */
export const CAVEAT_FLAGS: OptionSpecs = {
  tenant: { type: 'string', multiple: true },
  resource: { type: 'string', multiple: true },
  action: { type: 'string', multiple: true },
  audience: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  principal: { type: 'string' },
  role: { type: 'string' },
  session: { type: 'string' },
  uses: { type: 'string' },
  attr: { type: 'string', multiple: true },
  caveat: { type: 'string', multiple: true },
};

/**
 * Help lines for the flags.
 * @example const help = `Options:\n${CAVEAT_FLAGS_HELP}`
 */
export const CAVEAT_FLAGS_HELP = `  --tenant <t>         allowed tenant (repeat for a set)
  --resource <p>       allowed resource pattern, e.g. orders/* or orders/** (repeat)
  --action <a>         allowed action (repeat for a set)
  --audience <svc>     service that may accept the token (repeat for a set)
  --ttl <duration>     lifetime: 90s, 15m, 1h, 7d
  --principal <id>     principal claim
  --role <r>           role claim
  --session <id>       session
  --uses <n>           usage budget (uses <= n)
  --attr <k=v>         attribute narrowing (repeat; same key twice makes a set)
  --caveat <cond>      raw condition in canonical text, e.g. 'customer_id = 7' (repeat)`;

/**
 * `--attr k=v` flags to an attribute record (same key repeated: a set).
 * @example attributes(parse(['--attr', 'k=a', '--attr', 'k=b'], CAVEAT_FLAGS)) // { k: ['a', 'b'] }
 */
export function attributes(p: Parsed): Record<string, string[]> | undefined {
  const pairs = list(p, 'attr');
  if (pairs.length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const pair of pairs) {
    const [k, v] = parsePair(pair, '--attr');
    const values = out[k] ?? [];
    values.push(v);
    out[k] = values;
  }
  return out;
}

/**
 * The flags as SDK narrowing options (claims and session become raw conditions).
 * @example narrow(token, narrowOptions(p), { clock: io.clock })
 */
export function narrowOptions(p: Parsed): NarrowOptions {
  const conditions: string[] = [];
  const principal = str(p, 'principal');
  if (principal !== undefined) conditions.push(caveat.principal(principal));
  const role = str(p, 'role');
  if (role !== undefined) conditions.push(caveat.role(role));
  const session = str(p, 'session');
  if (session !== undefined) conditions.push(caveat.session(session));
  conditions.push(...list(p, 'caveat'));
  const ttl = str(p, 'ttl');
  const uses = str(p, 'uses');
  const attrs = attributes(p);
  const tenants = list(p, 'tenant');
  const resources = list(p, 'resource');
  const actions = list(p, 'action');
  const audiences = list(p, 'audience');
  return {
    ...(tenants.length > 0 && { tenant: tenants }),
    ...(resources.length > 0 && { resources }),
    ...(actions.length > 0 && { actions }),
    ...(audiences.length > 0 && { audience: audiences }),
    ...(ttl !== undefined && { ttl: parseDuration(ttl, '--ttl') }),
    ...(uses !== undefined && { budget: { uses: parseCount(uses, '--uses') } }),
    ...(attrs !== undefined && { attributes: attrs }),
    ...(conditions.length > 0 && { conditions }),
  };
}
