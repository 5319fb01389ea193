// Ingest worker: parses one file per message and posts the report (or the error) back.
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { parseDocument } from '../parse.js';
import { InputError } from '../types.js';

parentPort?.on('message', async ({ path }: { path: string }) => {
  try {
    const report = await parseDocument(readFileSync(path), { path });
    parentPort!.postMessage({ report });
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof InputError ? err.message : `内部错误 / internal error: ${(err as Error).message}` });
  }
});
