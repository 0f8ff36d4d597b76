/**
 * Graceful shutdown: on SIGTERM/SIGINT stop accepting, let in-flight requests finish
 * (fastify.close), flush audit and logs and close the store (the app's onClose hooks).
 * A second signal, or a close that takes longer than the grace period, exits at once.
 */
import type { FastifyInstance } from 'fastify';

/**
 * Installs the signal handlers; returns a function that removes them.
 * @example installShutdown(app, { graceMs: 10_000 })
 */
export function installShutdown(
  app: FastifyInstance,
  opts: {
    graceMs?: number;
    exit?: (code: number) => void;
    signals?: readonly NodeJS.Signals[];
  } = {},
): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      exit(1);
      return;
    }
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => exit(1), opts.graceMs ?? 10_000);
    timer.unref();
    app.close().then(
      () => {
        clearTimeout(timer);
        exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
