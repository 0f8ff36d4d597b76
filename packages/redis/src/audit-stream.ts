/**
 * The audit stream: XADD with approximate MAXLEN trimming (retention), XRANGE queries
 * filtered in process with a bounded scan per page, and a consumer-group exporter.
 */
import {
  AUDIT_PAGE_DEFAULT,
  AuditCursorInvalidError,
  type AuditEvent,
  type AuditPage,
  type AuditQuery,
  matchesAuditQuery,
} from '@chit/store';
import { StoreUnavailableError } from '@chit/token';
import type { Cluster, Redis } from 'ioredis';
import { connectClient } from './connection.js';
import { mapUnavailable } from './errors.js';
import { keyLayout } from './keys.js';
import type { ScriptCommands } from './scripts.js';

/** Stream entries read per XRANGE round trip. */
const BATCH = 500;
/** Most stream entries one page scans before returning (with a `next` cursor). */
export const AUDIT_SCAN_PER_PAGE = 10_000;

const CURSOR = /^\d{1,20}-\d{1,20}$/;

/**
 * Appends an event, trimming the stream to about `maxLen` entries.
 *
 * @example
 * ```ts
 * await appendAuditEvent(client, 'chit:audit', event, 1_000_000);
 * ```
 */
export async function appendAuditEvent(
  client: Redis | Cluster,
  key: string,
  event: AuditEvent,
  maxLen: number,
): Promise<void> {
  await client.xadd(key, 'MAXLEN', '~', maxLen, '*', 'd', JSON.stringify(event));
}

/** Most events one append script carries (a script blocks Redis while it runs). */
export const AUDIT_APPEND_CHUNK = 500;

/**
 * Appends events in order with the append script: one round trip per
 * {@link AUDIT_APPEND_CHUNK} events (chunks are sent back to back on the one connection,
 * so their order holds), trimming the stream to about `maxLen` entries.
 *
 * @example
 * ```ts
 * await appendAuditEvents(scripted, 'chit:audit', [a, b, c], 1_000_000);
 * ```
 */
export async function appendAuditEvents(
  client: (Redis | Cluster) & Pick<ScriptCommands, 'chitAppendAudits'>,
  key: string,
  events: readonly AuditEvent[],
  maxLen: number,
): Promise<void> {
  const writes: Promise<number>[] = [];
  for (let start = 0; start < events.length; start += AUDIT_APPEND_CHUNK) {
    const end = Math.min(events.length, start + AUDIT_APPEND_CHUNK);
    const json: string[] = new Array(end - start);
    for (let i = start; i < end; i++) json[i - start] = JSON.stringify(events[i]);
    writes.push(client.chitAppendAudits(key, maxLen, ...json));
  }
  await Promise.all(writes);
}

function decode(fields: string[] | null | undefined): AuditEvent | undefined {
  if (!fields) return undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'd') {
      try {
        return JSON.parse(fields[i + 1]!) as AuditEvent;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Answers an audit query from the stream, oldest first. The cursor is the stream id of the
 * last entry returned or scanned; a page scans at most {@link AUDIT_SCAN_PER_PAGE} entries.
 *
 * @example
 * ```ts
 * const page = await queryAuditStream(client, 'chit:audit', { tokenId, limit: 50 });
 * ```
 */
export async function queryAuditStream(
  client: Redis | Cluster,
  key: string,
  query: AuditQuery,
): Promise<AuditPage> {
  if (query.cursor !== undefined && !CURSOR.test(query.cursor)) throw new AuditCursorInvalidError();
  const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
  const events: AuditEvent[] = [];
  let start = query.cursor !== undefined ? `(${query.cursor}` : '-';
  let lastReturned = '';
  let scanned = 0;
  for (;;) {
    const batch = await client.xrange(key, start, '+', 'COUNT', BATCH);
    let lastId = '';
    for (const [id, fields] of batch) {
      lastId = id;
      scanned++;
      const event = decode(fields);
      if (event === undefined || !matchesAuditQuery(event, query)) continue;
      if (events.length === limit) return { events, next: lastReturned };
      events.push(event);
      lastReturned = id;
    }
    if (batch.length < BATCH) return { events, next: null };
    if (scanned >= AUDIT_SCAN_PER_PAGE) return { events, next: lastId };
    start = `(${lastId}`;
  }
}

/** Options of {@link createAuditExporter}. */
export interface AuditExporterOptions {
  /** A client to use (not closed by the exporter); else `url` is connected. */
  readonly redis?: Redis | Cluster;
  readonly url?: string;
  readonly prefix?: string;
  /** Consumer group name (created at the start of the stream if missing). */
  readonly group: string;
  /** This consumer's name within the group. */
  readonly consumer: string;
  readonly commandTimeoutMs?: number;
}

/** One exported event and its stream id (to acknowledge). */
export interface ExportedEvent {
  readonly id: string;
  readonly event: AuditEvent;
}

/** Reads the audit stream through a consumer group: read, export, then ack. */
export interface AuditExporter {
  /**
   * Up to `count` events: first this consumer's unacknowledged ones (after a crash),
   * then new ones. Never blocks; empty when there is nothing to export.
   */
  read(count?: number): Promise<ExportedEvent[]>;
  /** Acknowledges exported events; returns how many were pending. */
  ack(ids: readonly string[]): Promise<number>;
  /** Closes the client if the exporter created it. */
  close(): Promise<void>;
}

/**
 * Creates an audit exporter (XREADGROUP/XACK). Several consumers of one group share the
 * work; an event is delivered to one of them until acknowledged.
 *
 * @example
 * ```ts
 * const exporter = await createAuditExporter({ url, group: 'siem', consumer: hostname() });
 * const batch = await exporter.read(100);
 * await ship(batch.map((b) => b.event));
 * await exporter.ack(batch.map((b) => b.id));
 * ```
 */
export async function createAuditExporter(opts: AuditExporterOptions): Promise<AuditExporter> {
  if (!opts.group || !opts.consumer) throw new TypeError('group and consumer are required');
  const key = keyLayout(opts.prefix ?? 'chit').audit;
  const own = opts.redis === undefined;
  let client: Redis | Cluster;
  if (opts.redis !== undefined) client = opts.redis;
  else if (opts.url !== undefined) {
    client = await connectClient(opts.url, { commandTimeoutMs: opts.commandTimeoutMs ?? 500 });
  } else throw new TypeError('redis or url is required');
  await mapUnavailable(StoreUnavailableError, async () => {
    try {
      await client.xgroup('CREATE', key, opts.group, '0', 'MKSTREAM');
    } catch (e) {
      if (!/BUSYGROUP/.test((e as Error).message)) throw e;
    }
  });
  let pendingPhase = true;
  type Reply = [string, [string, string[] | null][]][] | null;

  return {
    async read(count = 100) {
      return mapUnavailable(StoreUnavailableError, async () => {
        for (;;) {
          const from = pendingPhase ? '0' : '>';
          const reply = (await client.xreadgroup(
            'GROUP', opts.group, opts.consumer, 'COUNT', count, 'STREAMS', key, from,
          )) as Reply; // biome-ignore format: argument pairs
          const entries = reply?.[0]?.[1] ?? [];
          const out: ExportedEvent[] = [];
          const trimmed: string[] = [];
          for (const [id, fields] of entries) {
            const event = decode(fields);
            if (event === undefined) trimmed.push(id);
            else out.push({ id, event });
          }
          // Pending entries already trimmed by MAXLEN come back without fields: ack them.
          if (trimmed.length > 0) await client.xack(key, opts.group, ...trimmed);
          if (pendingPhase && entries.length === 0) {
            pendingPhase = false;
            continue;
          }
          if (out.length === 0 && trimmed.length > 0) continue;
          return out;
        }
      });
    },
    async ack(ids) {
      if (ids.length === 0) return 0;
      return mapUnavailable(StoreUnavailableError, () => client.xack(key, opts.group, ...ids));
    },
    async close() {
      if (own) client.disconnect();
    },
  };
}
