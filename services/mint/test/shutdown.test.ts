import type { ChitStore } from '@chit/store';
import { createEmbeddedStore } from '@chit/store';
import { afterAll, expect, it } from 'vitest';
import { installShutdown } from '../src/shutdown.js';
import {
  assertNoSecretsInLogs,
  MINT_BODY,
  rememberSecret,
  startTestMint,
  tempDir,
  testClock,
} from './harness.js';

afterAll(assertNoSecretsInLogs);

it('on the signal, finishes the in-flight request on a real socket before closing the store, then exits 0', async () => {
  const clock = testClock();
  const inner = await createEmbeddedStore({ dir: await tempDir(), clock: clock.fn });
  const order: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let entered: () => void = () => {};
  const inAppend = new Promise<void>((r) => {
    entered = r;
  });
  // The embedded store, with the mint's audit append held open until released.
  const store: ChitStore = {
    revoke: (e) => inner.revoke(e),
    listRevocations: (n) => inner.listRevocations(n),
    subscribeRevocations: (a, b) => inner.subscribeRevocations(a, b),
    consumeBudgets: (f, b) => inner.consumeBudgets(f, b),
    queryAudit: (q) => inner.queryAudit(q),
    ping: () => inner.ping(),
    async appendAudit(event) {
      if (event.type === 'mint') {
        entered();
        await gate;
      }
      await inner.appendAudit(event);
      order.push('append');
    },
    async appendAudits(events) {
      for (const event of events) await this.appendAudit(event);
    },
    async close() {
      order.push('close');
      await inner.close();
    },
  };
  const m = await startTestMint({ clock, deps: { store } });
  const url = await m.app.listen({ port: 0, host: '127.0.0.1' });
  const exits: number[] = [];
  let exited: () => void = () => {};
  const done = new Promise<void>((r) => {
    exited = r;
  });
  const remove = installShutdown(m.app, {
    signals: ['SIGUSR2'],
    exit: (code) => {
      exits.push(code);
      exited();
    },
  });
  const inflight = fetch(`${url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${m.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(MINT_BODY),
  });
  await inAppend;
  process.emit('SIGUSR2', 'SIGUSR2');
  expect(exits).toEqual([]);
  release();
  const res = await inflight;
  expect(res.status).toBe(201);
  rememberSecret(((await res.json()) as { token: string }).token);
  await done;
  remove();
  expect(exits).toEqual([0]);
  expect(order).toEqual(['append', 'close']);
});
