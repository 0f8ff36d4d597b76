/**
 * The mint service's configuration: read from the environment once at start, validated
 * with zod, frozen. A bad value fails with a {@link ConfigError} naming the variable
 * (never echoing its value: several of these are secrets).
 */
import { bearerSecretSchema } from '@chit/protocol';
import { z } from 'zod';

const KID = /^[A-Za-z0-9._-]{1,64}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * One configured master key.
 * @example const k: RootKey = { kid: 'k1', key: new Uint8Array(32) };
 */
export interface RootKey {
  readonly kid: string;
  readonly key: Uint8Array;
}

/**
 * A scoped mint client: may mint only for its tenants and up to its maximum ttl.
 * @example const c: MintClient = { secretHash: hashClientSecret('s3cret'), tenants: ['42'], maxTtl: 600 };
 */
export interface MintClient {
  /** SHA-256 of the client secret, lowercase hex. */
  readonly secretHash: string;
  readonly tenants: readonly string[];
  /** Maximum ttl in seconds this client may request. */
  readonly maxTtl: number;
}

/**
 * The validated configuration.
 * @example const config: MintConfig = loadConfig(process.env); config.port; // 7300
 */
export interface MintConfig {
  readonly port: number;
  readonly host: string;
  /** Admin bearer token; `undefined` means "use (or create) the one in the data dir". */
  readonly adminToken: string | undefined;
  /** Master keys from `CHIT_ROOT_KEYS`; `undefined` means "use (or create) the data dir key file". */
  readonly rootKeys: readonly RootKey[] | undefined;
  readonly activeKid: string | undefined;
  readonly redisUrl: string | undefined;
  /** `REDIS_URL` names Redis Cluster seed nodes (comma-separated). */
  readonly redisCluster: boolean;
  readonly dataDir: string;
  readonly mintClients: Readonly<Record<string, MintClient>>;
  /** Longest ttl any token may have (seconds); bounds session/principal revocation lifetime. */
  readonly maxTtl: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly bodyLimit: number;
  /** Mint requests per minute per client (or IP). */
  readonly mintRateLimit: number;
  /** Failed admin/client authentications per minute per IP before 429. */
  readonly authFailureLimit: number;
  /** Holder revocations (presenting a token) per minute per client address before 429. */
  readonly holderRevocationRateLimit: number;
  /** Holder revocations per minute per token family (token id) before 429. */
  readonly holderRevocationFamilyRateLimit: number;
  /**
   * Holder revocations a token family may hold; the next one revokes the whole family
   * (a `token` entry) instead of adding another fingerprint entry. 0: every holder
   * revocation revokes the family.
   */
  readonly holderRevocationsPerFamily: number;
  /** Service name recorded in audit events. */
  readonly serviceName: string;
  readonly trustProxy: boolean;
}

/**
 * A configuration variable has an unusable value.
 * @example
 * ```ts
 * try { loadConfig(process.env) } catch (e) { if (e instanceof ConfigError) console.error(e.message) }
 * ```
 */
export class ConfigError extends Error {
  /** The environment variable at fault. */
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

const intIn = (min: number, max: number, dflt: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? dflt);

const mintClientSchema = z.strictObject({
  secretHash: z.string().regex(/^[0-9a-f]{64}$/, 'secretHash must be 64 lowercase hex (SHA-256)'),
  tenants: z.array(z.string().min(1).max(128)).min(1),
  maxTtl: z.number().int().min(1),
});

const envSchema = z.object({
  PORT: intIn(0, 65535, 7300),
  HOST: z.string().min(1).default('127.0.0.1'),
  CHIT_ADMIN_TOKEN: bearerSecretSchema.optional(),
  CHIT_ROOT_KEYS: z.string().min(1).optional(),
  CHIT_ACTIVE_KID: z.string().regex(KID, 'must be 1-64 chars of [A-Za-z0-9._-]').optional(),
  REDIS_URL: z
    .string()
    .regex(
      /^rediss?:\/\/[^\s,]+(?:,rediss?:\/\/[^\s,]+)*$/,
      'must be a redis:// or rediss:// URL (a comma-separated list of seed nodes with REDIS_CLUSTER=true)',
    )
    .optional(),
  REDIS_CLUSTER: z.enum(['true', 'false']).default('false'),
  CHIT_DATA_DIR: z.string().min(1).default('./.chit'),
  CHIT_MINT_CLIENTS: z.string().min(1).optional(),
  CHIT_MAX_TTL: intIn(1, 366 * 86400, 86400),
  CHIT_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  CHIT_BODY_LIMIT: intIn(1024, 1 << 24, 65536),
  CHIT_MINT_RATE_LIMIT: intIn(1, 1e9, 1200),
  CHIT_AUTH_FAILURE_LIMIT: intIn(1, 1e9, 10),
  CHIT_HOLDER_REVOCATION_RATE_LIMIT: intIn(1, 1e9, 60),
  CHIT_HOLDER_REVOCATION_FAMILY_RATE_LIMIT: intIn(1, 1e9, 10),
  CHIT_HOLDER_REVOCATIONS_PER_FAMILY: intIn(0, 1_000_000, 32),
  CHIT_SERVICE_NAME: z.string().min(1).max(128).default('chit-mint'),
  CHIT_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
});

/** Parses `kid:hex,kid:hex` (keys of at least 32 bytes, unique kids). */
function parseRootKeys(text: string): RootKey[] {
  const keys: RootKey[] = [];
  for (const part of text.split(',')) {
    const colon = part.indexOf(':');
    const kid = part.slice(0, colon);
    const hex = part.slice(colon + 1);
    if (colon < 1 || !KID.test(kid)) {
      throw new ConfigError(
        'CHIT_ROOT_KEYS',
        'expected kid:hex,kid:hex with kids of [A-Za-z0-9._-]',
      );
    }
    if (!HEX.test(hex) || hex.length < 64) {
      throw new ConfigError(
        'CHIT_ROOT_KEYS',
        `key of kid "${kid}" must be at least 32 bytes of hex`,
      );
    }
    if (keys.some((k) => k.kid === kid)) {
      throw new ConfigError('CHIT_ROOT_KEYS', `kid "${kid}" appears twice`);
    }
    keys.push({ kid, key: Uint8Array.from(Buffer.from(hex, 'hex')) });
  }
  return keys;
}

function parseMintClients(text: string, maxTtl: number): Record<string, MintClient> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError('CHIT_MINT_CLIENTS', 'is not valid JSON');
  }
  const parsed = z
    .record(z.string().regex(KID, 'client ids are 1-64 chars of [A-Za-z0-9._-]'), mintClientSchema)
    .safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError('CHIT_MINT_CLIENTS', `${issue?.path.join('.') ?? ''} ${issue?.message}`);
  }
  const clients: Record<string, MintClient> = Object.create(null);
  for (const [id, c] of Object.entries(parsed.data)) {
    clients[id] = Object.freeze({ ...c, maxTtl: Math.min(c.maxTtl, maxTtl) });
  }
  return clients;
}

/**
 * Parses and validates the environment once.
 * @throws {ConfigError} naming the first bad variable.
 * @example
 * ```ts
 * const config = loadConfig({ PORT: '8080', REDIS_URL: 'redis://127.0.0.1:6379' });
 * config.port; // 8080
 * ```
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): MintConfig {
  // Empty strings count as unset, as shells and compose files commonly produce them.
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') clean[k] = v;
  const parsed = envSchema.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'invalid');
  }
  const e = parsed.data;
  const rootKeys = e.CHIT_ROOT_KEYS === undefined ? undefined : parseRootKeys(e.CHIT_ROOT_KEYS);
  let activeKid = e.CHIT_ACTIVE_KID;
  if (rootKeys) {
    if (activeKid === undefined) {
      if (rootKeys.length > 1) {
        throw new ConfigError('CHIT_ACTIVE_KID', 'required when CHIT_ROOT_KEYS lists several kids');
      }
      activeKid = rootKeys[0]?.kid;
    } else if (!rootKeys.some((k) => k.kid === activeKid)) {
      throw new ConfigError('CHIT_ACTIVE_KID', 'must be one of the kids of CHIT_ROOT_KEYS');
    }
  } else if (activeKid !== undefined) {
    throw new ConfigError('CHIT_ACTIVE_KID', 'only meaningful together with CHIT_ROOT_KEYS');
  }
  if (e.REDIS_URL?.includes(',') && e.REDIS_CLUSTER !== 'true') {
    throw new ConfigError('REDIS_URL', 'several URLs need REDIS_CLUSTER=true');
  }
  if (e.REDIS_CLUSTER === 'true' && e.REDIS_URL === undefined) {
    throw new ConfigError('REDIS_CLUSTER', 'needs REDIS_URL (the seed nodes)');
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    adminToken: e.CHIT_ADMIN_TOKEN,
    rootKeys: rootKeys && Object.freeze(rootKeys),
    activeKid,
    redisUrl: e.REDIS_URL,
    redisCluster: e.REDIS_CLUSTER === 'true',
    dataDir: e.CHIT_DATA_DIR,
    mintClients: Object.freeze(
      e.CHIT_MINT_CLIENTS === undefined
        ? {}
        : parseMintClients(e.CHIT_MINT_CLIENTS, e.CHIT_MAX_TTL),
    ),
    maxTtl: e.CHIT_MAX_TTL,
    logLevel: e.CHIT_LOG_LEVEL,
    bodyLimit: e.CHIT_BODY_LIMIT,
    mintRateLimit: e.CHIT_MINT_RATE_LIMIT,
    authFailureLimit: e.CHIT_AUTH_FAILURE_LIMIT,
    holderRevocationRateLimit: e.CHIT_HOLDER_REVOCATION_RATE_LIMIT,
    holderRevocationFamilyRateLimit: e.CHIT_HOLDER_REVOCATION_FAMILY_RATE_LIMIT,
    holderRevocationsPerFamily: e.CHIT_HOLDER_REVOCATIONS_PER_FAMILY,
    serviceName: e.CHIT_SERVICE_NAME,
    trustProxy: e.CHIT_TRUST_PROXY === 'true',
  });
}
