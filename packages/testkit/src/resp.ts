/**
 * A minimal one-shot RESP client (no dependency): sends one command, returns its reply
 * as text. Enough for PING, INFO, CONFIG and CLUSTER commands in the testkit.
 */
import { connect } from 'node:net';

/**
 * Sends one command to 127.0.0.1:`port` and resolves with the reply text (simple string,
 * integer or bulk string; `null` for a null bulk). Rejects on an error reply or timeout.
 *
 * @example
 * ```ts
 * await redisCommand(port, ['PING']); // 'PONG'
 * ```
 */
export function redisCommand(
  port: number,
  args: readonly string[],
  timeoutMs = 1000,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    const done = (err: Error | null, value?: string | null) => {
      socket.destroy();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value ?? null);
    };
    const timer = setTimeout(
      () => done(new Error(`redis ${args[0]} timed out on port ${port}`)),
      timeoutMs,
    );
    socket.on('error', (e) => done(e));
    socket.on('connect', () => {
      let out = `*${args.length}\r\n`;
      for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
      socket.write(out);
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      const head = buf.subarray(1, eol).toString();
      switch (buf[0]) {
        case 0x2b: // +
        case 0x3a: // :
          return done(null, head);
        case 0x2d: // -
          return done(new Error(`redis ${args[0]}: ${head}`));
        case 0x24: {
          // $
          const len = Number(head);
          if (len < 0) return done(null, null);
          if (buf.length >= eol + 2 + len + 2) {
            return done(null, buf.subarray(eol + 2, eol + 2 + len).toString());
          }
          return;
        }
        default:
          return done(null, buf.toString());
      }
    });
  });
}
