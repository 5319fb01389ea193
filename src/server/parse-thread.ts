// A thread of the web server's parse pool (parse-pool.ts): parses one upload at a time.
// Everything that can run long or crash (regexes over hostile text, pdf.js) runs here, never on
// the thread that answers requests.

import { parentPort } from 'node:worker_threads';
import { parseDocument, type ParseOptions } from '../parse.js';
import { InputError, type Report } from '../types.js';

export interface ParseJob {
  id: number;
  bytes: Uint8Array;
  options: ParseOptions;
}

export type ParseAnswer =
  | { id: number; ok: true; report: Report }
  | { id: number; ok: false; input: boolean; code: string; message: string };

if (parentPort) {
  const port = parentPort;
  let current: { id: number; answered: boolean } | null = null;
  const answer = (a: ParseAnswer) => {
    if (!current || current.id !== a.id || current.answered) return;
    current.answered = true;
    port.postMessage(a);
  };
  // pdf.js rejects promises in the background on some corrupt files: that fails the upload being
  // read; after its answer it changes nothing.
  const background = (err: unknown) => {
    if (!current || current.answered) return;
    const message = ((err as { message?: string })?.message ?? String(err)).slice(0, 120);
    answer({ id: current.id, ok: false, input: true, code: 'pdf_broken', message: `无法读取该文件：文件已损坏（${message}） / cannot read the file: it is broken (${message})` });
  };
  process.on('unhandledRejection', background);
  process.on('uncaughtException', background);
  port.on('message', async (job: ParseJob) => {
    current = { id: job.id, answered: false };
    try {
      const report = await parseDocument(job.bytes, job.options);
      answer({ id: job.id, ok: true, report });
    } catch (err) {
      if (err instanceof InputError) answer({ id: job.id, ok: false, input: true, code: err.code, message: err.message });
      else answer({ id: job.id, ok: false, input: false, code: 'internal', message: (err as Error)?.message ?? String(err) });
    }
  });
}
