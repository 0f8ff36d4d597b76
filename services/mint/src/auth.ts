/**
 * Who is calling: the admin (`Authorization: Bearer <CHIT_ADMIN_TOKEN>`) or a scoped mint
 * client (`Authorization: Basic base64(id:secret)`, configured in `CHIT_MINT_CLIENTS`).
 * Secrets are compared as SHA-256 digests with `timingSafeEqual`, so neither their content
 * nor their length leaks through timing. The header is read by @chit/protocol's one
 * `Authorization` parser (`credentialsFor`): scheme spelled exactly, one space.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { credentialsFor, decodeBasic } from '@chit/protocol';
import type { MintClient } from './config.js';

/**
 * An authenticated caller.
 * @example if (request.caller?.kind === 'client') request.caller.client.tenants;
 */
export type Caller =
  | { readonly kind: 'admin' }
  | { readonly kind: 'client'; readonly id: string; readonly client: MintClient };

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * SHA-256 hex of a client secret, the form stored in `CHIT_MINT_CLIENTS`.
 * @example hashClientSecret('s3cret') // '…64 hex…'
 */
export function hashClientSecret(secret: string): string {
  return sha256(secret).toString('hex');
}

/**
 * Checks credentials from the `Authorization` header.
 * @example
 * ```ts
 * const auth = new Authenticator(adminToken, config.mintClients);
 * auth.authenticate(request.headers.authorization); // Caller | null
 * ```
 */
export class Authenticator {
  readonly #admin: Buffer;
  readonly #clients: Map<string, { client: MintClient; digest: Buffer }>;

  constructor(adminToken: string, clients: Readonly<Record<string, MintClient>>) {
    this.#admin = sha256(adminToken);
    this.#clients = new Map(
      Object.entries(clients).map(([id, client]) => [
        id,
        { client, digest: Buffer.from(client.secretHash, 'hex') },
      ]),
    );
  }

  /** The caller, or `null` when the header is absent, malformed or does not authenticate. */
  authenticate(header: string | undefined): Caller | null {
    const bearer = credentialsFor(header, 'Bearer');
    if (bearer !== undefined) {
      return timingSafeEqual(sha256(bearer), this.#admin) ? { kind: 'admin' } : null;
    }
    const basic = decodeBasic(credentialsFor(header, 'Basic') ?? '');
    if (basic === undefined || basic.user === '') return null;
    const entry = this.#clients.get(basic.user);
    // Compare against a dummy digest for unknown ids so both paths cost the same.
    const ok = timingSafeEqual(sha256(basic.password), entry?.digest ?? this.#admin);
    return ok && entry ? { kind: 'client', id: basic.user, client: entry.client } : null;
  }
}
