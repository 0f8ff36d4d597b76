import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChitStore,
  createEmbeddedStore,
  type FeedStatus,
  type MirrorSync,
  type RevocationEntry,
  RevocationMirror,
  syncMirror,
} from '../src/index.js';

const NOW = 1_800_000_000;
let nowMs = NOW * 1000;
const clock = () => nowMs;
const entry = (value: string, kind: RevocationEntry['kind'] = 'session'): RevocationEntry => ({
  kind,
  value,
  revokedAt: NOW,
  expiresAt: NOW + 600,
});
const cap = (session: string) => ({
  tokenId: 'tok',
  issuedAt: NOW - 10,
  session,
  fingerprints: [],
});
const revokedCode = (m: RevocationMirror, session: string): string | undefined => {
  try {
    m.check(cap(session), nowMs / 1000);
    return undefined;
  } catch (e) {
    return (e as { code: string }).code;
  }
};

/**
 * The real embedded store, with the feed's status and delivery under the test's control
 * (the real Redis feed outage is exercised in packages/redis/test/faults.test.ts).
 */
async function controllableStore() {
  const inner = await createEmbeddedStore({ clock });
  let setStatus: (s: FeedStatus) => void = () => {};
  let delivering = true;
  let failSubscribes = 0;
  let listGate: Promise<void> | undefined;
  let lists = 0;
  const store: ChitStore = {
    ...inner,
    async subscribeRevocations(onEntry, onStatus) {
      if (failSubscribes-- > 0) throw new Error('feed unavailable');
      setStatus = onStatus;
      return inner.subscribeRevocations((e) => delivering && onEntry(e), onStatus);
    },
    async listRevocations(now) {
      if (listGate) await listGate;
      const out = await inner.listRevocations(now);
      lists++;
      return out;
    },
  };
  return {
    store,
    inner,
    down() {
      delivering = false;
      setStatus('down');
    },
    up() {
      delivering = true;
      setStatus('up');
    },
    failNextSubscribes(n: number) {
      failSubscribes = n;
    },
    gateLists(): () => void {
      let open: () => void = () => {};
      listGate = new Promise((r) => {
        open = r;
      });
      return () => {
        listGate = undefined;
        open();
      };
    },
    /** Completed listRevocations calls. */
    lists: () => lists,
  };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(cond()).toBe(true);
};

let sync: MirrorSync | undefined;
afterEach(async () => {
  await sync?.close();
  sync = undefined;
  nowMs = NOW * 1000;
});

describe('syncMirror', () => {
  it('loads existing revocations, then applies the feed', async () => {
    const c = await controllableStore();
    await c.inner.revoke(entry('old'));
    const mirror = new RevocationMirror();
    sync = syncMirror(c.store, mirror, clock);
    await sync.ready;
    expect(revokedCode(mirror, 'old')).toBe('ERR_TOKEN_REVOKED');
    await c.store.revoke(entry('new'));
    expect(revokedCode(mirror, 'new')).toBe('ERR_TOKEN_REVOKED');
    expect(revokedCode(mirror, 'other')).toBeUndefined();
  });

  it('fails closed after the bound while down, and resyncs lost entries when the feed returns', async () => {
    const c = await controllableStore();
    const mirror = new RevocationMirror({ stalenessMs: 2000 });
    sync = syncMirror(c.store, mirror, clock);
    await sync.ready;
    c.down();
    await c.store.revoke(entry('lost')); // published while the feed is down: never delivered
    nowMs += 2001;
    expect(revokedCode(mirror, 'lost')).toBe('ERR_REVOCATION_UNAVAILABLE');
    c.up();
    await until(() => mirror.available(nowMs));
    expect(revokedCode(mirror, 'lost')).toBe('ERR_TOKEN_REVOKED');
  });

  it('does not call a resync current if the feed dropped again while it ran', async () => {
    const c = await controllableStore();
    const mirror = new RevocationMirror({ stalenessMs: 2000 });
    sync = syncMirror(c.store, mirror, clock, { retryMs: 5 });
    await sync.ready;
    c.down();
    const open = c.gateLists();
    c.up(); // resync starts and waits on the gate
    c.down(); // ...and the feed drops again meanwhile
    open();
    await until(() => c.lists() >= 2);
    nowMs += 2001;
    expect(mirror.available(nowMs)).toBe(false);
    c.up();
    await until(() => mirror.available(nowMs));
  });

  it('retries a failed subscribe until ready', async () => {
    const c = await controllableStore();
    c.failNextSubscribes(2);
    const errors: unknown[] = [];
    const mirror = new RevocationMirror();
    sync = syncMirror(c.store, mirror, clock, { retryMs: 5, onError: (e) => errors.push(e) });
    expect(mirror.loaded).toBe(false);
    await sync.ready;
    expect(errors).toHaveLength(2);
    expect(mirror.available(nowMs)).toBe(true);
  });

  it('stops applying the feed once closed', async () => {
    const c = await controllableStore();
    const mirror = new RevocationMirror();
    sync = syncMirror(c.store, mirror, clock);
    await sync.ready;
    await sync.close();
    await c.store.revoke(entry('after'));
    expect(revokedCode(mirror, 'after')).toBeUndefined();
  });
});
