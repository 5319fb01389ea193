// The web server parses uploads in a pool of worker threads (parse-thread.ts), each upload with
// a hard deadline: past it the thread is terminated and replaced, and the upload answers with a
// timeout. The thread answering requests only reads bodies and writes JSON, so one hostile
// upload (a title and 40,000 spaces, 50,000 nested PDF operators) never stalls another request,
// and a parser crash costs one thread, not the server.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParseOptions } from '../parse.js';
import { InputError, type Report } from '../types.js';
import { HttpError } from './errors.js';
import type { ParseAnswer, ParseJob } from './parse-thread.js';

export interface ParsePoolOptions {
  /** Threads (default: cores, at most 4). */
  size?: number;
  /** Longest one upload may take, in ms (default 30 s). */
  timeoutMs?: number;
  /** Uploads waiting for a thread beyond which new ones are refused with 503 (default 64). */
  maxWaiting?: number;
}

export const DEFAULT_PARSE_TIMEOUT_MS = 30_000;

interface Job {
  job: ParseJob;
  resolve: (r: Report) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  job: (Job & { timer: NodeJS.Timeout }) | null;
}

const secondsText = (ms: number) => `${+(ms / 1000).toFixed(1)}`;

export class UploadParsePool {
  readonly size: number;
  readonly timeoutMs: number;
  private readonly maxWaiting: number;
  private slots: Slot[] = [];
  private waiting: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: ParsePoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? Math.min(4, availableParallelism()));
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
    this.maxWaiting = opts.maxWaiting ?? 64;
  }

  /** Parses in a pool thread; InputError as the parser gives it, HttpError 503 when the queue is full. */
  parse(bytes: Uint8Array, options: ParseOptions): Promise<Report> {
    if (this.closed) return Promise.reject(new HttpError(503, 'closing', '服务正在关闭 / the server is shutting down'));
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new HttpError(503, 'busy', '服务繁忙，请稍后再试 / the server is busy, try again later'));
    }
    return new Promise((resolve, reject) => {
      // the pool thread's own limits end just before the hard deadline, so a slow PDF gets its own message
      const limits = { ...(options.limits ?? {}), timeoutMs: Math.min(options.limits?.timeoutMs ?? Infinity, Math.max(100, this.timeoutMs - 1000)) };
      const copy = new Uint8Array(bytes);
      this.waiting.push({ job: { id: this.nextId++, bytes: copy, options: { ...options, limits } }, resolve, reject });
      this.dispatch();
    });
  }

  /** Threads busy and uploads waiting, for /api/health. */
  stats(): { threads: number; busy: number; waiting: number } {
    return { threads: this.size, busy: this.slots.filter((s) => s.job).length, waiting: this.waiting.length };
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./parse-thread.js', import.meta.url));
    worker.unref();
    const slot: Slot = { worker, job: null };
    worker.on('message', (a: ParseAnswer) => {
      const job = slot.job;
      if (!job || job.job.id !== a.id) return;
      this.release(slot);
      if (a.ok) job.resolve(a.report);
      else job.reject(a.input ? new InputError(a.message, a.code) : new Error(a.message));
    });
    const lost = () => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = null;
      if (job) {
        clearTimeout(job.timer);
        job.reject(new InputError('解析时出错，无法读取此文件 / the parser failed on this file', 'parser_crashed'));
      }
      this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.slots.push(slot);
    return slot;
  }

  private release(slot: Slot) {
    if (slot.job) clearTimeout(slot.job.timer);
    slot.job = null;
    slot.worker.unref();
    this.dispatch();
  }

  private dispatch() {
    while (this.waiting.length && !this.closed) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.waiting.shift()!;
      const target = slot;
      const timer = setTimeout(() => {
        if (target.job?.job.id !== job.job.id) return;
        // the parser is stuck in synchronous work: only ending its thread stops it
        const i = this.slots.indexOf(target);
        if (i >= 0) this.slots.splice(i, 1);
        target.job = null;
        void target.worker.terminate();
        job.reject(new InputError(`解析超时（超过 ${secondsText(this.timeoutMs)} 秒），文件可能已损坏或过于复杂 / parsing timed out (${secondsText(this.timeoutMs)} s): the file may be broken or too complex`, 'timeout'));
        this.dispatch();
      }, this.timeoutMs);
      target.job = { ...job, timer };
      target.worker.ref();
      target.worker.postMessage(job.job, [job.job.bytes.buffer as ArrayBuffer]);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    for (const w of this.waiting.splice(0)) w.reject(new HttpError(503, 'closing', '服务正在关闭 / the server is shutting down'));
    for (const s of slots) {
      if (s.job) {
        clearTimeout(s.job.timer);
        s.job.reject(new HttpError(503, 'closing', '服务正在关闭 / the server is shutting down'));
        s.job = null;
      }
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

let shared: UploadParsePool | null = null;

/** The process's pool (threads start on the first upload and never keep the process alive). */
export function defaultParsePool(): UploadParsePool {
  return (shared ??= new UploadParsePool());
}
