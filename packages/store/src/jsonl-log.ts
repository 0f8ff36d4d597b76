/**
 * An append-only JSON-lines file with group commit: every append resolves only after the
 * line has been written and fsync'd. A torn last line (a crash mid-write) is cut off on
 * open; corruption anywhere else is an error.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { type FileHandle, open, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

interface Pending {
  readonly line: string;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** Reads every complete record of a JSONL file, cutting a torn last line. Missing file: []. */
export async function readJsonl(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) await truncate(path, Buffer.byteLength(text.slice(0, end)));
  const records: unknown[] = [];
  const lines = text.slice(0, end).split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      throw new Error(`${path}: line ${i + 1} is corrupt (not JSON)`);
    }
  }
  return records;
}

/** Replaces a JSONL file atomically (write temp, fsync, rename, fsync dir). */
export async function rewriteJsonl(path: string, records: readonly unknown[]): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, records.map((r) => `${JSON.stringify(r)}\n`).join(''), { flush: true });
  await rename(tmp, path);
  fsyncDir(dirname(path));
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The append side of a JSONL file. */
export class JsonlAppender {
  readonly #file: FileHandle;
  #queue: Pending[] = [];
  #flushing = false;
  #closed = false;

  private constructor(file: FileHandle) {
    this.#file = file;
  }

  /** Opens (creating if needed, then fsyncing its directory) for appending. */
  static async open(path: string): Promise<JsonlAppender> {
    const file = await open(path, 'a', 0o600);
    fsyncDir(dirname(path));
    return new JsonlAppender(file);
  }

  /** Appends one record; resolves once it is on disk. */
  append(record: unknown): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('log is closed'));
    return this.#enqueue(`${JSON.stringify(record)}\n`);
  }

  /** Appends several records, in order, as one write; resolves once all are on disk. */
  appendMany(records: readonly unknown[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('log is closed'));
    let lines = '';
    for (const r of records) lines += `${JSON.stringify(r)}\n`;
    return this.#enqueue(lines);
  }

  #enqueue(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ line, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      // Group commit: everything queued while the previous fsync ran shares one write+fsync.
      const batch = this.#queue;
      this.#queue = [];
      try {
        await this.#file.write(batch.map((p) => p.line).join(''));
        await this.#file.datasync();
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.#flushing = false;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#flushing || this.#queue.length > 0) {
      await new Promise((r) => setImmediate(r));
    }
    await this.#file.close();
  }
}
