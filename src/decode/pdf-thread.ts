// The PDF thread: runs decodePdf for src/decode/pdf-worker.ts, one document at a time.
//
// pdf.js can block its thread for minutes (50,000 nested q/Q operators) and throw from promises
// nothing awaits (a corrupt /Length, a bad number); here both stay inside this thread. The owner
// terminates the thread past the deadline; an error pdf.js raises in the background while a
// document is read fails that document, and one raised after it was answered is ignored (the
// answer is already sent and the next document gets a fresh loading task).

import { parentPort } from 'node:worker_threads';
import { decodePdf, type PdfDecodeOptions } from './pdf.js';
import { InputError } from '../types.js';
import type { DecodeLimits } from './types.js';

export interface PdfTask {
  id: number;
  bytes: Uint8Array;
  limits: DecodeLimits;
  options: PdfDecodeOptions;
}

export type PdfAnswer =
  | { id: number; ok: true; decoded: import('./types.js').DecodedDocument }
  | { id: number; ok: false; code: string; message: string; input: boolean };

if (parentPort) {
  const port = parentPort;
  let current: { id: number; answered: boolean } | null = null;
  const answer = (a: PdfAnswer) => {
    if (!current || current.id !== a.id || current.answered) return;
    current.answered = true;
    port.postMessage(a);
  };
  const background = (err: unknown) => {
    if (!current || current.answered) return; // after the answer: nothing depends on it
    const message = (err as { message?: string })?.message ?? String(err);
    answer({ id: current.id, ok: false, code: 'pdf_broken', input: true, message: `无法读取该 PDF：文件已损坏或格式不正确（${message.slice(0, 120)}） / cannot read the PDF: the file is broken (${message.slice(0, 120)})` });
  };
  process.on('unhandledRejection', background);
  process.on('uncaughtException', background);
  port.on('message', async (task: PdfTask) => {
    current = { id: task.id, answered: false };
    try {
      const decoded = await decodePdf(task.bytes, task.limits, task.options);
      answer({ id: task.id, ok: true, decoded });
    } catch (err) {
      if (err instanceof InputError) answer({ id: task.id, ok: false, code: err.code ?? 'pdf_broken', message: err.message, input: true });
      else answer({ id: task.id, ok: false, code: 'internal', message: (err as Error)?.message ?? String(err), input: false });
    }
  });
}
