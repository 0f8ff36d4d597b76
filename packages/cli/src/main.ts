/**
 * The `chit` process: wires the real world (argv, stdio, clock, CSPRNG, environment,
 * fetch) into {@link run}. The only module of the CLI that reads the real clock.
 */
import { run } from './run.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    size += b.length;
    // A token is at most a few KiB: refuse to buffer an endless stream.
    if (size > 1 << 20) throw new RangeError('stdin is larger than 1 MiB');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const code = await run(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin,
  clock: () => Date.now(),
  random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  env: process.env,
  fetch: (input, init) => fetch(input, init),
});
process.exitCode = code;
