/**
 * An append-only JSON-lines file with group commit: every append resolves only after the
 * line has been written and fsync'd. A torn last line (a crash mid-write) is cut off on
 * open; corruption anywhere else is an error. `replace` compacts the file in place, in
 * order with the appends around it.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { type FileHandle, open, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

interface Pending {
  /** Lines to append, or (with `replace`) the whole new content of the file. */
  readonly line: string;
  readonly replace?: true;
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
  await replaceFile(path, toLines(records));
}

async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text, { flush: true, mode: 0o600 });
  await rename(tmp, path);
  fsyncDir(dirname(path));
}

function toLines(records: readonly unknown[]): string {
  let lines = '';
  for (const r of records) lines += `${JSON.stringify(r)}\n`;
  return lines;
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
  readonly #path: string;
  #file: FileHandle;
  #queue: Pending[] = [];
  #flushing = false;
  #closed = false;
  /** Set when a replacement renamed the file but could not reopen it: appends would be lost. */
  #broken: unknown;

  private constructor(path: string, file: FileHandle) {
    this.#path = path;
    this.#file = file;
  }

  /** Opens (creating if needed, then fsyncing its directory) for appending. */
  static async open(path: string): Promise<JsonlAppender> {
    const file = await open(path, 'a', 0o600);
    fsyncDir(dirname(path));
    return new JsonlAppender(path, file);
  }

  /** Appends one record; resolves once it is on disk. */
  append(record: unknown): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('log is closed'));
    return this.#enqueue(`${JSON.stringify(record)}\n`);
  }

  /** Appends several records, in order, as one write; resolves once all are on disk. */
  appendMany(records: readonly unknown[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('log is closed'));
    return this.#enqueue(toLines(records));
  }

  /**
   * Replaces the whole file with `records` (serialised now), in order: appends queued
   * before it are written first, appends queued after it land in the new file. Atomic
   * (temp file, fsync, rename, fsync dir); resolves once the new file is durable. Used to
   * compact a log whose records the caller has folded into `records`.
   */
  replace(records: readonly unknown[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('log is closed'));
    return this.#enqueue(toLines(records), true);
  }

  #enqueue(line: string, replace?: true): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push(replace ? { line, replace, resolve, reject } : { line, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      // Group commit: everything queued while the previous fsync ran shares one write+fsync,
      // up to (not across) a replacement.
      let n = this.#queue.findIndex((p) => p.replace === true);
      if (n === -1) n = this.#queue.length;
      else if (n === 0) n = 1;
      const batch = this.#queue.slice(0, n);
      this.#queue = this.#queue.slice(n);
      try {
        if (this.#broken !== undefined) throw this.#broken;
        if (batch[0]!.replace) await this.#replaceWith(batch[0]!.line);
        else {
          await this.#file.write(batch.map((p) => p.line).join(''));
          await this.#file.datasync();
        }
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.#flushing = false;
  }

  async #replaceWith(text: string): Promise<void> {
    await replaceFile(this.#path, text);
    // The old handle now points at the unlinked file: from here on, fail every append
    // rather than write where nobody will read.
    const old = this.#file;
    try {
      this.#file = await open(this.#path, 'a', 0o600);
    } catch (e) {
      this.#broken = e;
      throw e;
    }
    await old.close().catch(() => undefined);
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
