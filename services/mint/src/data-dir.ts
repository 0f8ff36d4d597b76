/**
 * The embedded mode's data directory: the master key file and the admin token file,
 * created on first start with mode 0600 and written atomically (temp file, fsync, rename).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { isBearerSecret } from '@chit/protocol/headers';
import { z } from 'zod';

/**
 * Paths of the secrets kept in a data directory.
 * @example const { keysFile, adminTokenFile } = dataDirPaths('./.chit');
 */
export interface DataDirPaths {
  readonly dir: string;
  readonly keysFile: string;
  readonly adminTokenFile: string;
}

/**
 * The paths used inside `dir`.
 * @example dataDirPaths('./.chit').keysFile // '.chit/keys.json'
 */
export function dataDirPaths(dir: string): DataDirPaths {
  return { dir, keysFile: join(dir, 'keys.json'), adminTokenFile: join(dir, 'admin-token') };
}

/**
 * The persisted key ring (hex keys; retired kids are kept so a kid is never reused).
 * @example const file = keyFileSchema.parse(JSON.parse(await readFile(paths.keysFile, 'utf8')));
 */
export const keyFileSchema = z.strictObject({
  version: z.literal(1),
  active: z.string(),
  keys: z.array(
    z.strictObject({
      kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
      key: z.string().regex(/^[0-9a-f]{64,}$/),
      createdAt: z.number().int(),
      retiredAt: z.number().int().optional(),
    }),
  ),
});

/**
 * Contents of `keys.json`.
 * @example const file: KeyFile = { version: 1, active: 'k1', keys: [{ kid: 'k1', key: hex, createdAt: 0 }] };
 */
export type KeyFile = z.infer<typeof keyFileSchema>;

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` to `path` atomically with mode 0600: temp file, fsync, rename, fsync dir.
 * @example await writeSecretFile('.chit/admin-token', 'secret\n')
 */
export async function writeSecretFile(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await fsyncDir(join(path, '..'));
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Reads the key file, or creates it with one fresh 32-byte key (kid `k1`).
 * @example const { file, created } = await loadOrCreateKeyFile(paths, Date.now)
 */
export async function loadOrCreateKeyFile(
  paths: DataDirPaths,
  now: () => number,
  random: (n: number) => Uint8Array = randomBytes,
): Promise<{ file: KeyFile; created: boolean }> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const text = await readIfExists(paths.keysFile);
  if (text !== undefined) {
    const parsed = keyFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${paths.keysFile} is not a valid Chit key file`);
    return { file: parsed.data, created: false };
  }
  const file: KeyFile = {
    version: 1,
    active: 'k1',
    keys: [
      {
        kid: 'k1',
        key: Buffer.from(random(32)).toString('hex'),
        createdAt: Math.floor(now() / 1000),
      },
    ],
  };
  await writeSecretFile(paths.keysFile, `${JSON.stringify(file, null, 2)}\n`);
  return { file, created: true };
}

/**
 * Reads the admin token file, or creates it with 32 random bytes (base64url).
 * @example const { token, created } = await loadOrCreateAdminToken(paths)
 */
export async function loadOrCreateAdminToken(
  paths: DataDirPaths,
  random: (n: number) => Uint8Array = randomBytes,
): Promise<{ token: string; created: boolean }> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const text = await readIfExists(paths.adminTokenFile);
  if (text !== undefined) {
    const token = text.trim();
    if (!isBearerSecret(token)) {
      throw new Error(
        `${paths.adminTokenFile} must hold at least 32 visible ASCII characters (no space or control)`,
      );
    }
    return { token, created: false };
  }
  const token = Buffer.from(random(32)).toString('base64url');
  await writeSecretFile(paths.adminTokenFile, `${token}\n`);
  return { token, created: true };
}
