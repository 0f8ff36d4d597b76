/**
 * Verifier corpus, part: characters in signed conditions, binary structure, chain tampering and keys.
 */
import { createMacaroon, encode } from '@chit/token';
import {
  FOREIGN_KEY,
  mintMacaroon,
  mintToken,
  RETIRED_KEY,
  readerCaveats,
  toText,
  V2,
  varint,
} from '../src/index.js';
import type { HostileCase } from './corpus-fixtures.js';
import {
  auth,
  bytes,
  CM,
  cav,
  caveatFields,
  enc,
  flip,
  id,
  M,
  raw,
  S,
  sig,
  signed,
} from './corpus-fixtures.js';

export const FORMAT_CASES: readonly HostileCase[] = [
  // characters inside validly signed conditions
  {
    name: 'invalid UTF-8 in a condition',
    headers: auth(encode(signed([Uint8Array.of(0x74, 0x65, 0xff, 0xfe)]))),
    status: 403,
    code: CM,
  },
  {
    name: 'NUL in a condition',
    headers: auth(encode(signed(['tenant = 42\u0000']))),
    status: 403,
    code: CM,
  },
  {
    name: 'CR/LF in a condition',
    headers: auth(encode(signed(['tenant = 42\r\nrole = admin']))),
    status: 403,
    code: CM,
  },
  {
    name: 'ESC control character in a condition',
    headers: auth(encode(signed(['principal = user\u001b1']))),
    status: 403,
    code: CM,
  },
  {
    name: 'confusable key (Cyrillic e in tenant)',
    headers: auth(encode(signed(['t\u0435nant = 42']))),
    status: 403,
    code: 'ERR_CAVEAT_UNKNOWN',
  },
  {
    name: 'confusable value (fullwidth digits)',
    headers: auth(encode(signed(['tenant = \uff14\uff12']))),
    status: 403,
    code: CM,
  },
  {
    name: 'non-NFC value (e + combining acute)',
    headers: auth(encode(signed(['principal = e\u0301']))),
    status: 403,
    code: CM,
  },
  // binary structure
  {
    name: 'unknown version byte',
    headers: auth(toText(Uint8Array.from([3, ...bytes.slice(1)]))),
    status: 401,
    code: M,
  },
  {
    name: 'fields out of order (signature before caveats)',
    headers: auth(
      raw({ caveats: [], trailer: [{ type: V2.SIGNATURE, data: sig }, ...caveatFields.flat()] }),
    ),
    status: 401,
    code: M,
  },
  {
    name: 'identifier field duplicated',
    headers: auth(
      raw({
        header: [
          { type: V2.IDENTIFIER, data: id },
          { type: V2.IDENTIFIER, data: id },
        ],
      }),
    ),
    status: 401,
    code: M,
  },
  {
    name: 'caveat with two identifiers',
    headers: auth(raw({ caveats: [[...cav('tenant = 42'), ...cav('tenant = 42')]] })),
    status: 401,
    code: M,
  },
  {
    name: 'location after identifier',
    headers: auth(
      raw({
        header: [
          { type: V2.IDENTIFIER, data: id },
          { type: V2.LOCATION, data: enc.encode('x') },
        ],
      }),
    ),
    status: 401,
    code: M,
  },
  {
    name: 'varint length overflow',
    headers: auth(
      toText(Uint8Array.from([2, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])),
    ),
    status: 401,
    code: M,
  },
  {
    name: 'length past the end',
    headers: auth(toText(Uint8Array.from([2, 2, ...varint(4000), 1, 2, 3]))),
    status: 401,
    code: M,
  },
  {
    name: '31-byte signature',
    headers: auth(raw({ trailer: [{ type: V2.SIGNATURE, data: sig.slice(0, 31) }] })),
    status: 401,
    code: M,
  },
  {
    name: '33-byte signature',
    headers: auth(raw({ trailer: [{ type: V2.SIGNATURE, data: Uint8Array.from([...sig, 0]) }] })),
    status: 401,
    code: M,
  },
  {
    name: 'trailing garbage after signature',
    headers: auth(toText(Uint8Array.from([...bytes, 0]))),
    status: 401,
    code: M,
  },
  // chain tampering
  {
    name: 'bit flip in the signature',
    headers: auth(flip(bytes, bytes.length - 1)),
    status: 401,
    code: S,
  },
  {
    name: 'bit flip in a caveat',
    headers: auth(raw({ caveats: [cav('tenant = 43'), ...caveatFields.slice(1)] })),
    status: 401,
    code: S,
  },
  {
    name: 'caveat stripped',
    headers: auth(raw({ caveats: caveatFields.slice(1) })),
    status: 401,
    code: S,
  },
  {
    name: 'caveats reordered',
    headers: auth(raw({ caveats: [...caveatFields].reverse() })),
    status: 401,
    code: S,
  },
  {
    name: 'caveat duplicated without re-chaining',
    headers: auth(raw({ caveats: [...caveatFields, caveatFields[0]!] })),
    status: 401,
    code: S,
  },
  {
    name: 'caveats spliced from another token',
    headers: auth(raw({ header: [{ type: V2.IDENTIFIER, data: mintMacaroon().identifier }] })),
    status: 401,
    code: S,
  },
  // keys
  {
    name: 'unknown kid',
    headers: auth(mintToken({ kid: 'k9', key: FOREIGN_KEY, caveats: readerCaveats() }).token),
    status: 401,
    code: 'ERR_KEY_UNKNOWN',
  },
  {
    name: 'retired kid',
    headers: auth(mintToken({ kid: 'k0', key: RETIRED_KEY, caveats: readerCaveats() }).token),
    status: 401,
    code: 'ERR_KEY_UNKNOWN',
  },
  {
    name: 'known kid, different root key',
    headers: auth(mintToken({ key: FOREIGN_KEY, caveats: readerCaveats() }).token),
    status: 401,
    code: S,
  },
  {
    name: 'plain macaroon, not a Chit identifier',
    headers: auth(encode(createMacaroon({ rootKey: FOREIGN_KEY, identifier: 'keyid' }))),
    status: 401,
    code: M,
  },
];
