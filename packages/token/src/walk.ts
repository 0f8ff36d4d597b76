/**
 * The chain walk shared by Chit verification and generic macaroon verification: checks
 * the primary's signature, then each discharge (bound to the primary), iteratively, each
 * discharge used exactly once and every one used. Internal.
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { bytesEqual } from './bytes.js';
import {
  bindWords,
  chainFirstParty,
  chainStart,
  chainThirdParty,
  fingerprintWords,
} from './chain.js';
import { DischargeInvalidError, DischargeMissingError, SignatureInvalidError } from './errors.js';
import { type DerivedKey, derivedKeyFromBytes } from './keys.js';
import { type MacaroonV2, signatureOf } from './macaroon.js';
import { wordsEqualBytes } from './sha256.js';
import type { Caveat } from './types.js';

/**
 * What a successful walk found (all of it covered by verified signatures).
 * @example walkChain(m, deriveKey(rootKey), [], true).fingerprints
 */
export interface WalkResult {
  /** First-party caveat ids, primary first, then discharges in the order they were reached. */
  readonly conditions: Uint8Array[];
  /** Fingerprint of the chain position right after each condition (only with fingerprints on). */
  readonly conditionFingerprints: string[];
  /** Primary chain fingerprints: after the identifier, then after each caveat. */
  readonly fingerprints: string[];
  /** Third-party caveats of the primary. */
  readonly thirdParty: Caveat[];
  /** Index in `conditions` where each discharge's conditions begin, in walk order. */
  readonly dischargeStarts: number[];
}

interface Pending {
  readonly caveat: Caveat;
  /** Running signature before this caveat (the VID's secretbox key). */
  readonly sigBefore: Uint8Array;
}

const SIG = new Int32Array(8);
const BOUND = new Int32Array(8);

function copySig(): Uint8Array {
  const out = new Uint8Array(32);
  for (let j = 0; j < 8; j++) {
    const v = SIG[j]!;
    out[4 * j] = v >>> 24;
    out[4 * j + 1] = (v >>> 16) & 255;
    out[4 * j + 2] = (v >>> 8) & 255;
    out[4 * j + 3] = v & 255;
  }
  return out;
}

/** Recovers the discharge root key from a VID; any failure is a signature failure. */
function openVid(vid: Uint8Array | undefined, sigBefore: Uint8Array): DerivedKey {
  if (vid === undefined || vid.length !== 72) throw new SignatureInvalidError();
  let dk: Uint8Array;
  try {
    dk = xsalsa20poly1305(sigBefore, vid.slice(0, 24)).decrypt(vid.subarray(24));
  } catch {
    throw new SignatureInvalidError();
  }
  return derivedKeyFromBytes(dk);
}

/**
 * Walks and verifies a primary macaroon and its discharges.
 * Throws SignatureInvalidError (any MAC failure), DischargeMissingError,
 * DischargeInvalidError (duplicate, reused/cyclic or unused discharges).
 * @example
 * ```ts
 * const r = walkChain(m, deriveKey(rootKey), discharges, true);
 * ```
 */
export function walkChain(
  primary: MacaroonV2,
  rootKey: DerivedKey,
  discharges: readonly MacaroonV2[],
  withFingerprints: boolean,
): WalkResult {
  const conditions: Uint8Array[] = [];
  const conditionFingerprints: string[] = [];
  const fingerprints: string[] = [];
  const thirdParty: Caveat[] = [];
  const dischargeStarts: number[] = [];
  let pending: Pending[] | undefined;

  chainStart(rootKey, primary.identifier, SIG);
  if (withFingerprints) fingerprints.push(fingerprintWords(SIG));
  const caveats = primary.caveats;
  for (let i = 0; i < caveats.length; i++) {
    const c = caveats[i]!;
    if (c.vid === undefined) {
      chainFirstParty(SIG, c.id);
      conditions.push(c.id);
      if (withFingerprints) {
        const fp = fingerprintWords(SIG);
        fingerprints.push(fp);
        conditionFingerprints.push(fp);
      }
    } else {
      if (pending === undefined) pending = [];
      pending.push({ caveat: c, sigBefore: copySig() });
      thirdParty.push(c);
      chainThirdParty(SIG, c.vid, c.id);
      if (withFingerprints) fingerprints.push(fingerprintWords(SIG));
    }
  }
  const primarySig = signatureOf(primary);
  if (!wordsEqualBytes(SIG, 0, primarySig, 0)) throw new SignatureInvalidError();

  if (discharges.length === 0 && pending === undefined) {
    return { conditions, conditionFingerprints, fingerprints, thirdParty, dischargeStarts };
  }
  for (let i = 0; i < discharges.length; i++) {
    for (let j = 0; j < i; j++) {
      if (bytesEqual(discharges[i]!.identifier, discharges[j]!.identifier)) {
        throw new DischargeInvalidError('discharges are invalid: duplicate discharge');
      }
    }
  }
  const used = new Array<boolean>(discharges.length).fill(false);
  const queue = pending ?? [];
  // Iterative breadth-first walk; the queue only grows by caveats of unused discharges,
  // so it is bounded by the total number of caveats supplied.
  for (let q = 0; q < queue.length; q++) {
    const { caveat, sigBefore } = queue[q]!;
    const dk = openVid(caveat.vid, sigBefore);
    let index = -1;
    for (let j = 0; j < discharges.length; j++) {
      if (bytesEqual(discharges[j]!.identifier, caveat.id)) {
        index = j;
        break;
      }
    }
    if (index < 0) throw new DischargeMissingError();
    if (used[index])
      throw new DischargeInvalidError('discharges are invalid: discharge reused (cycle)');
    used[index] = true;
    const d = discharges[index]!;
    dischargeStarts.push(conditions.length);
    chainStart(dk, d.identifier, SIG);
    for (const c of d.caveats) {
      if (c.vid === undefined) {
        chainFirstParty(SIG, c.id);
        conditions.push(c.id);
        if (withFingerprints) conditionFingerprints.push(fingerprintWords(SIG));
      } else {
        queue.push({ caveat: c, sigBefore: copySig() });
        chainThirdParty(SIG, c.vid, c.id);
      }
    }
    bindWords(primarySig, SIG, BOUND);
    if (!wordsEqualBytes(BOUND, 0, signatureOf(d), 0)) throw new SignatureInvalidError();
  }
  for (let j = 0; j < used.length; j++) {
    if (!used[j]) throw new DischargeInvalidError('discharges are invalid: unused discharge');
  }
  return { conditions, conditionFingerprints, fingerprints, thirdParty, dischargeStarts };
}
