/**
 * The master keys of the mint: which kids verify, which one mints. Rotation adds a kid and
 * makes it active while older kids keep verifying; retirement removes a kid from the
 * resolver, so its tokens fail with `ERR_KEY_UNKNOWN`.
 */
import { ChitError } from '@chit/token';
import type { RootKey } from './config.js';
import type { KeyFile } from './data-dir.js';

/**
 * Public view of one kid (never the key).
 * @example ring.list(); // [{ kid: 'k1', active: true, createdAt: 1767225600 }]
 */
export interface KidInfo {
  readonly kid: string;
  readonly active: boolean;
  readonly createdAt?: number;
  readonly retiredAt?: number;
}

/**
 * Where rotations are persisted; absent when the keys come from `CHIT_ROOT_KEYS`.
 * @example const writer: KeyFileWriter = (f) => writeSecretFile(paths.keysFile, JSON.stringify(f));
 */
export type KeyFileWriter = (file: KeyFile) => Promise<void>;

/**
 * The live key ring.
 * @example
 * ```ts
 * const ring = KeyRing.fromRootKeys([{ kid: 'k1', key }], 'k1');
 * ring.resolve('k1'); // key
 * ```
 */
export class KeyRing {
  #file: KeyFile;
  #keys = new Map<string, Uint8Array>();
  readonly #writer: KeyFileWriter | undefined;

  private constructor(file: KeyFile, writer: KeyFileWriter | undefined) {
    this.#file = file;
    this.#writer = writer;
    this.#index();
  }

  /**
   * A ring over keys from the environment: rotation happens by redeploying (see docs/mint.md).
   * @example KeyRing.fromRootKeys(config.rootKeys, config.activeKid)
   */
  static fromRootKeys(keys: readonly RootKey[], activeKid: string): KeyRing {
    const file: KeyFile = {
      version: 1,
      active: activeKid,
      keys: keys.map((k) => ({
        kid: k.kid,
        key: Buffer.from(k.key).toString('hex'),
        createdAt: 0,
      })),
    };
    return new KeyRing(file, undefined);
  }

  /**
   * A ring backed by the data directory's key file; rotations are written through `writer`.
   * @example KeyRing.fromKeyFile(file, (f) => writeSecretFile(paths.keysFile, JSON.stringify(f)))
   */
  static fromKeyFile(file: KeyFile, writer: KeyFileWriter): KeyRing {
    return new KeyRing(file, writer);
  }

  #index(): void {
    const keys = new Map<string, Uint8Array>();
    for (const k of this.#file.keys) {
      if (k.retiredAt === undefined) keys.set(k.kid, Uint8Array.from(Buffer.from(k.key, 'hex')));
    }
    if (!keys.has(this.#file.active)) throw new RangeError('active kid is not a live key');
    this.#keys = keys;
  }

  /** The key resolver handed to `verify`: `undefined` for unknown or retired kids. */
  readonly resolve = (kid: string): Uint8Array | undefined => this.#keys.get(kid);

  /** The kid that mints. */
  get activeKid(): string {
    return this.#file.active;
  }

  /** The active master key. */
  get activeKey(): Uint8Array {
    return this.#keys.get(this.#file.active)!;
  }

  /** Whether rotation through the API is possible (keys not pinned by the environment). */
  get rotatable(): boolean {
    return this.#writer !== undefined;
  }

  /** Every kid, live and retired, without key material. */
  list(): KidInfo[] {
    return this.#file.keys.map((k) => ({
      kid: k.kid,
      active: k.kid === this.#file.active,
      createdAt: k.createdAt,
      ...(k.retiredAt === undefined ? {} : { retiredAt: k.retiredAt }),
    }));
  }

  /**
   * Adds a fresh kid (`k<n>`) and makes it active, persisted before it mints anything.
   * @example const { kid, previous } = await ring.rotate(randomBytes(32), nowSeconds)
   */
  async rotate(key: Uint8Array, nowSeconds: number): Promise<{ kid: string; previous: string }> {
    if (!this.#writer) {
      throw new ChitError(
        'ERR_CONFLICT',
        'keys are pinned by CHIT_ROOT_KEYS: rotate by redeploying with a new kid (docs/mint.md)',
      );
    }
    if (key.length < 32) throw new RangeError('key must be at least 32 bytes');
    let n = this.#file.keys.length + 1;
    while (this.#file.keys.some((k) => k.kid === `k${n}`)) n++;
    const kid = `k${n}`;
    const previous = this.#file.active;
    const next: KeyFile = {
      ...this.#file,
      active: kid,
      keys: [
        ...this.#file.keys,
        { kid, key: Buffer.from(key).toString('hex'), createdAt: nowSeconds },
      ],
    };
    await this.#writer(next);
    this.#file = next;
    this.#index();
    return { kid, previous };
  }

  /**
   * Retires a kid: its tokens are rejected with `ERR_KEY_UNKNOWN` from now on.
   * @example await ring.retire('k1', nowSeconds)
   */
  async retire(kid: string, nowSeconds: number): Promise<void> {
    if (!this.#writer) {
      throw new ChitError(
        'ERR_CONFLICT',
        'keys are pinned by CHIT_ROOT_KEYS: retire by redeploying without the kid (docs/mint.md)',
      );
    }
    const entry = this.#file.keys.find((k) => k.kid === kid && k.retiredAt === undefined);
    if (!entry) throw new ChitError('ERR_NOT_FOUND', 'no live key with this kid');
    if (kid === this.#file.active) {
      throw new ChitError('ERR_CONFLICT', 'the active kid cannot be retired: rotate first');
    }
    const next: KeyFile = {
      ...this.#file,
      keys: this.#file.keys.map((k) => (k.kid === kid ? { ...k, retiredAt: nowSeconds } : k)),
    };
    await this.#writer(next);
    this.#file = next;
    this.#index();
  }
}
