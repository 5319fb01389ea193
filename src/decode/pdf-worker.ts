// PDF decoding in a thread of its own with a hard deadline (src/decode/pdf-thread.ts).
//
// pdf.js runs synchronously for as long as a page takes: a timer on the same thread never fires
// while it works, and a promise it rejects in the background ends the process. So the main
// thread hands each PDF to one long-lived thread, waits at most the time limit (plus a grace
// second for the thread's own, gentler timeout to answer), and past it terminates the thread:
// the caller gets a timeout InputError, the next PDF a fresh thread. The thread does not keep
// the process alive while idle.

import { Worker } from 'node:worker_threads';
import { InputError } from '../types.js';
import type { DecodedDocument, DecodeLimits } from './types.js';
import type { PdfDecodeOptions } from './pdf.js';
import type { PdfAnswer, PdfTask } from './pdf-thread.js';

/** Time the thread's own timeout gets to answer before the thread is terminated. */
const GRACE_MS = 1000;

interface Waiting {
  task: PdfTask;
  resolve: (d: DecodedDocument) => void;
  reject: (e: Error) => void;
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} 毫秒` : `${+(ms / 1000).toFixed(1)} 秒`);

export const pdfTimeoutError = (ms: number) =>
  new InputError(`PDF 解析超时（超过 ${seconds(ms)}） / PDF decoding timed out (${ms} ms)`, 'timeout');

class PdfThread {
  private worker: Worker | null = null;
  private queue: Waiting[] = [];
  private busy: (Waiting & { timer: NodeJS.Timeout }) | null = null;
  private nextId = 1;

  decode(bytes: Uint8Array, limits: DecodeLimits, options: PdfDecodeOptions): Promise<DecodedDocument> {
    return new Promise((resolve, reject) => {
      // a copy, transferred: the caller keeps its bytes
      const copy = new Uint8Array(bytes);
      this.queue.push({ task: { id: this.nextId++, bytes: copy, limits, options }, resolve, reject });
      this.next();
    });
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./pdf-thread.js', import.meta.url));
    worker.on('message', (a: PdfAnswer) => {
      const job = this.busy;
      if (!job || job.task.id !== a.id) return;
      this.finish();
      if (a.ok) job.resolve(a.decoded);
      else job.reject(a.input ? new InputError(a.message, a.code) : new Error(a.message));
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const job = this.busy;
      if (job) {
        this.finish();
        job.reject(new InputError(`无法读取该 PDF：解析线程${why} / cannot read the PDF: the decoding thread ${why === '崩溃' ? 'crashed' : 'stopped'}`, 'pdf_broken'));
      }
    };
    worker.on('error', () => lost('崩溃'));
    worker.on('exit', () => lost('退出'));
    return worker;
  }

  private finish() {
    if (this.busy) clearTimeout(this.busy.timer);
    this.busy = null;
    this.worker?.unref();
    queueMicrotask(() => this.next());
  }

  private next() {
    if (this.busy || !this.queue.length) return;
    const job = this.queue.shift()!;
    const worker = (this.worker ??= this.spawn());
    worker.ref();
    const limit = job.task.limits.timeoutMs;
    const timer = setTimeout(() => {
      if (this.busy !== active) return;
      // pdf.js is stuck in synchronous work: only ending the thread stops it
      this.worker = null;
      this.finish();
      void worker.terminate();
      job.reject(pdfTimeoutError(limit));
    }, limit + GRACE_MS);
    const active = { ...job, timer };
    this.busy = active;
    worker.postMessage(job.task, [job.task.bytes.buffer as ArrayBuffer]);
  }

  async close() {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

let thread: PdfThread | null = null;

/** decodePdf in the PDF thread, ended at its deadline: never blocks or crashes the calling thread. */
export function decodePdfIsolated(bytes: Uint8Array, limits: DecodeLimits, options: PdfDecodeOptions = {}): Promise<DecodedDocument> {
  return (thread ??= new PdfThread()).decode(bytes, limits, options);
}

/** Ends the PDF thread (tests; it never keeps the process alive anyway). */
export async function closePdfThread(): Promise<void> {
  const t = thread;
  thread = null;
  await t?.close();
}
