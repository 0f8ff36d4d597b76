/**
 * A standalone protected service for the fault and load runs: `buildVerifierApp` on
 * `PORT`, with a Redis store when `REDIS_URL` is set (else embedded, in memory), the
 * suite's fixed keys, and a graceful shutdown on SIGTERM (audit flushed before exit).
 */
import { createRedisStore } from '@chit/redis';
import { type ChitStore, createEmbeddedStore } from '@chit/store';
import { keys } from './fixtures.js';
import { buildVerifierApp } from './verifier-app.js';

async function main(): Promise<void> {
  const clock = Date.now;
  const store: ChitStore = process.env.REDIS_URL
    ? await createRedisStore({ url: process.env.REDIS_URL, clock })
    : await createEmbeddedStore({ clock });
  const { app } = await buildVerifierApp({ chit: { keys, store, clock } });
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    app
      .close()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
}

main().catch((e: unknown) => {
  process.stderr.write(
    `verifier: failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
});
