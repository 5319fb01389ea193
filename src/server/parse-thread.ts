// A thread of the web server's parse pool (parse-pool.ts): parses one upload at a time.
// Everything that can run long or crash (regexes over hostile text, pdf.js) runs here, never on
// the thread that answers requests.

import { parentPort } from 'node:worker_threads';
import { parseDocument, type ParseOptions } from '../parse.js';
import type { Report } from '../types.js';
import { serveTasks } from '../thread-tasks.js';

export interface ParseJob {
  id: number;
  bytes: Uint8Array;
  options: ParseOptions;
}

export type ParseAnswer =
  | { id: number; ok: true; report: Report }
  | { id: number; ok: false; input: boolean; code: string; message: string };

if (parentPort) {
  serveTasks<ParseJob, { report: Report }>(parentPort, async (job) => ({ report: await parseDocument(job.bytes, job.options) }), {
    code: 'pdf_broken',
    message: (detail) => `无法读取该文件：文件已损坏（${detail}） / cannot read the file: it is broken (${detail})`,
  });
}
