/**
 * The mutation fuzzer: seeded fast-check mutations of genuine tokens (byte flips, sets,
 * insertions, deletions, truncations, splices of two tokens, text-level edits) through
 * decode + verify. An acceptance counts as a forgery unless the mutant decodes to exactly
 * a genuine token (same identifier, caveats and signature: another spelling of one).
 */
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  ChitError,
  caveat,
  createMacaroon,
  encode,
  encodeBinary,
  type Macaroon,
  parseToken,
  verify,
} from '@chit/token';
import fc from 'fast-check';
import { keys, mintMacaroon, NOW_S, readerCaveats } from './fixtures.js';

/**
 * What a fuzz run found.
 * @example
 * ```ts
 * const { forgeries, uncaught }: FuzzReport = runFuzz({ seed: 1, cases: 1000 });
 * ```
 */
export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  /** Mutants accepted that are the original token in another spelling. */
  readonly acceptedEquivalent: number;
  /** Mutants accepted that differ from every genuine token: must be 0. */
  readonly forgeries: number;
  /** Exceptions that are not a ChitError: must be 0. */
  readonly uncaught: number;
  /** Rejections by code. */
  readonly codes: Readonly<Record<string, number>>;
  /** The first few offending mutants (base64url of the bytes), for reproduction. */
  readonly examples: readonly string[];
}

interface Seed {
  readonly token: Macaroon;
  readonly bytes: Uint8Array;
  readonly discharges: readonly string[];
}

const enc = new TextEncoder();

function seeds(): Seed[] {
  const caveatKey = enc.encode('fuzz-third-party-key');
  const plain = mintMacaroon({ caveats: readerCaveats() });
  const attenuated = addFirstPartyCaveat(plain, caveat.resource('orders/7'));
  const withSession = mintMacaroon({
    session: 's-1',
    caveats: [...readerCaveats(), caveat.uses(5)],
  });
  const tp = addThirdPartyCaveat(mintMacaroon({ caveats: readerCaveats() }), {
    caveatKey,
    caveatId: 'approval-7',
    location: 'https://approvals.example',
    nonce: new Uint8Array(24).fill(3),
  });
  const discharge = encode(
    bindDischarge(tp, createMacaroon({ rootKey: caveatKey, identifier: 'approval-7' })),
  );
  const bare = mintMacaroon();
  return [plain, attenuated, withSession, bare, tp].map((token) => ({
    token,
    bytes: encodeBinary(token),
    discharges: token === tp ? [discharge] : [],
  }));
}

type Op =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; value: number }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; from: number; other: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    from: fc.nat(),
    other: fc.nat(),
  }),
);

function apply(bytes: Uint8Array, op: Op, all: readonly Seed[]): Uint8Array {
  const n = bytes.length;
  const at = n === 0 ? 0 : op.at % (n + 1);
  switch (op.kind) {
    case 'flip':
    case 'set': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      const i = op.at % n;
      out[i] = op.kind === 'flip' ? out[i]! ^ (1 << op.bit) : op.value;
      return out;
    }
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), op.value, ...bytes.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + op.count)]);
    case 'truncate':
      return bytes.subarray(0, at);
    case 'splice': {
      const other = all[op.other % all.length]!.bytes;
      return Uint8Array.from([...bytes.subarray(0, at), ...other.subarray(op.from % other.length)]);
    }
  }
}

function sameToken(a: Macaroon, b: Macaroon): boolean {
  const eq = (x?: Uint8Array, y?: Uint8Array) =>
    x === y || (x !== undefined && y !== undefined && Buffer.compare(x, y) === 0);
  return (
    eq(a.identifier, b.identifier) &&
    eq(a.signature, b.signature) &&
    a.caveats.length === b.caveats.length &&
    a.caveats.every((c, i) => eq(c.id, b.caveats[i]!.id) && eq(c.vid, b.caveats[i]!.vid))
  );
}

const CONTEXT = { tenant: '42', resource: 'orders/7', action: 'read' } as const;
const CLOCK = () => NOW_S * 1000;

/**
 * Runs `cases` seeded mutants through decode + verify.
 * @example
 * ```ts
 * const r = runFuzz({ seed: 7, cases: 100_000 }); r.forgeries // 0
 * ```
 */
export function runFuzz(opts: {
  seed: number;
  cases: number;
  mutateDischarge?: boolean;
}): FuzzReport {
  const all = seeds();
  // A mutant may splice into another genuine token whole: that is not a forgery.
  const genuine: Macaroon[] = all.flatMap((s) => [
    s.token,
    ...s.discharges.map((d) => parseToken(d)),
  ]);
  const codes: Record<string, number> = {};
  const examples: string[] = [];
  let acceptedEquivalent = 0;
  let forgeries = 0;
  let uncaught = 0;
  const arb = fc.tuple(
    fc.nat(all.length - 1),
    fc.array(opArb, { minLength: 1, maxLength: 3 }),
    fc.boolean(),
  );
  let done = 0;
  const batch = 10_000;
  while (done < opts.cases) {
    const n = Math.min(batch, opts.cases - done);
    const drawn = fc.sample(arb, { seed: opts.seed + done, numRuns: n });
    for (const [which, ops, onDischarge] of drawn) {
      const s = all[which]!;
      const target =
        onDischarge && s.discharges.length > 0 ? parseToken(s.discharges[0]!) : s.token;
      let bytes = encodeBinary(target);
      for (const op of ops) bytes = apply(bytes, op, all);
      const text = Buffer.from(bytes).toString('base64url');
      const primary = target === s.token ? text : encode(s.token);
      const discharges = target === s.token ? s.discharges : [text];
      try {
        verify(primary, { keys, discharges, context: CONTEXT, clock: CLOCK });
        const mutant = parseToken(text);
        if (genuine.some((g) => sameToken(mutant, g))) acceptedEquivalent++;
        else {
          forgeries++;
          if (examples.length < 5) examples.push(text);
        }
      } catch (e) {
        if (e instanceof ChitError) codes[e.code] = (codes[e.code] ?? 0) + 1;
        else {
          uncaught++;
          if (examples.length < 5) examples.push(text);
        }
      }
    }
    done += n;
  }
  return { seed: opts.seed, cases: done, acceptedEquivalent, forgeries, uncaught, codes, examples };
}
