// Ingest worker thread: receives a path, reads and parses the file, posts back the report (or the error).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { parseDocument } from '../parse.js';
import { InputError } from '../types.js';

parentPort?.on('message', async ({ path }: { path: string }) => {
  let sha256: string | null = null;
  try {
    const bytes = await readFile(path);
    sha256 = createHash('sha256').update(bytes).digest('hex');
    const report = await parseDocument(bytes, { path });
    delete report.text;
    parentPort!.postMessage({ path, report });
  } catch (err) {
    const message = err instanceof InputError ? err.message : `内部错误 / internal error: ${(err as Error)?.message ?? String(err)}`;
    parentPort!.postMessage({ path, sha256, error: message });
  }
});
