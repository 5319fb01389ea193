// The PDF thread: runs decodePdf for src/decode/pdf-worker.ts, one document at a time.
//
// pdf.js can block its thread for minutes (50,000 nested q/Q operators) and throw from promises
// nothing awaits (a corrupt /Length, a bad number); here both stay inside this thread. The owner
// terminates the thread past the deadline; an error pdf.js raises in the background while a
// document is read fails that document, and one raised after it was answered is ignored (the
// answer is already sent and the next document gets a fresh loading task).

import { parentPort } from 'node:worker_threads';
import { decodePdf, type PdfDecodeOptions } from './pdf.js';
import { serveTasks } from '../thread-tasks.js';
import type { DecodeLimits, DecodedDocument } from './types.js';

export interface PdfTask {
  id: number;
  bytes: Uint8Array;
  limits: DecodeLimits;
  options: PdfDecodeOptions;
}

export type PdfAnswer =
  | { id: number; ok: true; decoded: DecodedDocument }
  | { id: number; ok: false; code: string; message: string; input: boolean };

if (parentPort) {
  serveTasks<PdfTask, { decoded: DecodedDocument }>(parentPort, async (task) => ({ decoded: await decodePdf(task.bytes, task.limits, task.options) }), {
    code: 'pdf_broken',
    message: (detail) => `无法读取该 PDF：文件已损坏或格式不正确（${detail}） / cannot read the PDF: the file is broken (${detail})`,
  });
}
