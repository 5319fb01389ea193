// Ingest worker thread: reads a file, hashes it, and — unless those bytes are already stored with
// this parser version — parses it (parseDocument, from dist) and turns the report into rows
// (prepareReport), keeping the original in the content-addressed folder. The main thread only
// writes what it gets back.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { parseDocument } from '../parse.js';
import { InputError } from '../types.js';
import { leanCopy, prepareReport, type PreparedReport } from './model.js';

export interface WorkerInit {
  /** sha256 of the reports stored with this parser version (or a newer one): not parsed again. */
  known: string[];
  /** Folder for originals; null: send the bytes back for the `originals` table. */
  filesDir: string | null;
  maxBytes?: number;
  /**
   * Cell path → `cell_keys.id` when the store takes COPY text (PGlite): the report's rows are then
   * sent encoded (`leanCopy`), which takes that work off the writing thread. Null: rows as arrays.
   */
  cellIds?: [string, number][] | null;
}

export interface WorkerTask {
  id: number;
  path: string;
}

export type WorkerResult =
  | { id: number; path: string; kind: 'known'; sha256: string }
  | { id: number; path: string; kind: 'parsed'; report: PreparedReport; original: string | null; bytes?: Uint8Array }
  | { id: number; path: string; kind: 'failed'; sha256: string | null; message: string };

/** Where an original goes inside the files folder: ab/abcdef….ext */
export function originalName(sha256: string, path: string): string {
  const ext = extname(path).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 8);
  return join(sha256.slice(0, 2), sha256 + ext);
}

function keepOriginal(filesDir: string, sha256: string, path: string, bytes: Uint8Array): string {
  const name = originalName(sha256, path);
  const target = join(filesDir, name);
  if (!existsSync(target)) {
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, target); // atomic: a killed run leaves a whole file or none
  }
  return name;
}

if (parentPort) {
  // pdf.js rejects promises in the background on some corrupt files after the document was
  // answered: that must not end the thread (its queued files would fail with it).
  process.on('unhandledRejection', () => undefined);
  const init = workerData as WorkerInit;
  const known = new Set(init.known);
  const cellIds = init.cellIds ? new Map(init.cellIds) : null;
  const port = parentPort;
  // one task at a time, in order (the main thread keeps a few queued here)
  let chain = Promise.resolve();
  port.on('message', (task: WorkerTask) => {
    chain = chain.then(() => handle(task)).catch(() => undefined);
  });

  async function handle({ id, path }: WorkerTask): Promise<void> {
    let sha256: string | null = null;
    try {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (err) {
        throw new InputError(`无法读取 / cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      sha256 = createHash('sha256').update(bytes).digest('hex');
      if (known.has(sha256)) {
        port.postMessage({ id, path, kind: 'known', sha256 } satisfies WorkerResult);
        return;
      }
      const report = await parseDocument(bytes, { path, ...(init.maxBytes ? { maxBytes: init.maxBytes } : {}) });
      const full = prepareReport(report, path);
      const prepared = (cellIds && leanCopy(full, cellIds)) || full;
      if (init.filesDir) {
        const original = keepOriginal(init.filesDir, sha256, path, bytes);
        port.postMessage({ id, path, kind: 'parsed', report: prepared, original } satisfies WorkerResult);
      } else {
        const copy = new Uint8Array(bytes);
        port.postMessage({ id, path, kind: 'parsed', report: prepared, original: 'db', bytes: copy } satisfies WorkerResult, [copy.buffer]);
      }
    } catch (err) {
      const message = err instanceof InputError ? err.message : `内部错误 / internal error: ${(err as Error)?.message ?? String(err)}`;
      port.postMessage({ id, path, kind: 'failed', sha256, message } satisfies WorkerResult);
    }
  }
}
