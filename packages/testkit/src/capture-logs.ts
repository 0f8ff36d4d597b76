/**
 * An in-memory log destination (pino accepts any object with `write`), so tests can
 * assert what was logged and scan every line for secrets.
 */

/** What {@link captureLogs} returns. */
export interface CapturedLogs {
  /** Pass as the pino destination: `pino(opts, logs.stream)` or fastify `logger: { stream }`. */
  readonly stream: { write(chunk: string): void };
  /** Every line written so far. */
  readonly lines: readonly string[];
  /** Every line parsed as JSON (non-JSON lines are skipped). */
  records(): Record<string, unknown>[];
  /** All text written. */
  text(): string;
  /** Throws if any of `secrets` appears anywhere in the captured text. */
  assertNoSecrets(secrets: readonly string[]): void;
}

/**
 * Captures log output in memory.
 *
 * @example
 * ```ts
 * const logs = captureLogs();
 * const app = fastify({ logger: { level: 'info', stream: logs.stream } });
 * // ... exercise the app ...
 * logs.assertNoSecrets([token, rootKeyHex]);
 * ```
 */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  let partial = '';
  const text = () => lines.join('\n') + (partial ? `\n${partial}` : '');
  return {
    stream: {
      write(chunk: string) {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const p of parts) if (p !== '') lines.push(p);
      },
    },
    lines,
    records() {
      const out: Record<string, unknown>[] = [];
      for (const l of lines) {
        try {
          out.push(JSON.parse(l));
        } catch {
          // not a JSON line
        }
      }
      return out;
    },
    text,
    assertNoSecrets(secrets) {
      const all = text();
      for (const s of secrets) {
        if (s.length > 0 && all.includes(s)) {
          // Name the position, never the secret.
          throw new Error(`a secret appears in the logs at offset ${all.indexOf(s)}`);
        }
      }
    },
  };
}
