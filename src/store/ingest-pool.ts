// Ingest, the worker pool: files read, hashed and parsed in worker threads, one per core.

import { Worker } from 'node:worker_threads';
import type { WorkerInit, WorkerResult } from './worker.js';

/** A file taking longer than this to parse fails (was 300 s; a real report parses in about a second). */
export const DEFAULT_INGEST_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------- worker pool

interface Pending {
  path: string;
  resolve: (r: WorkerResult) => void;
  since: number;
}

interface Slot {
  worker: Worker;
  inflight: Pending[];
  dead: boolean;
}

/** Worker threads running worker.ts; each keeps `depth` files queued so it never waits for the main thread. */
export class ParsePool {
  private slots: Slot[] = [];
  private waiting: Pending[] = [];
  private timer: NodeJS.Timeout;
  private nextId = 1;

  constructor(readonly size: number, private init: WorkerInit, readonly depth = 4, private timeoutMs = DEFAULT_INGEST_TIMEOUT_MS) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
    this.timer = setInterval(() => this.watch(), Math.min(5000, Math.max(50, timeoutMs / 4)));
    this.timer.unref();
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: this.init });
    const slot: Slot = { worker, inflight: [], dead: false };
    worker.on('message', (r: WorkerResult) => {
      const head = slot.inflight.shift();
      if (slot.inflight[0]) slot.inflight[0].since = Date.now();
      head?.resolve(r);
      this.dispatch();
    });
    const fail = (why: string) => {
      if (slot.dead) return;
      this.retire(slot, `解析线程${why} / parser thread ${why === '崩溃' ? 'crashed' : 'exited'}`);
    };
    worker.on('error', () => fail('崩溃'));
    worker.on('exit', () => fail('退出'));
    return slot;
  }

  /** Ends a worker: its current file fails, the files queued behind it go to the others. */
  private retire(slot: Slot, message: string) {
    slot.dead = true;
    const [head, ...rest] = slot.inflight;
    slot.inflight = [];
    this.waiting.unshift(...rest);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots[i] = this.spawn();
    void slot.worker.terminate();
    head?.resolve({ id: 0, path: head.path, kind: 'failed', sha256: null, message });
    this.dispatch();
  }

  private watch() {
    const now = Date.now();
    for (const s of this.slots) {
      const head = s.inflight[0];
      if (head && !s.dead && now - head.since > this.timeoutMs) this.retire(s, `解析超时（${Math.round(this.timeoutMs / 1000)} 秒） / parse timed out`);
    }
  }

  private dispatch() {
    while (this.waiting.length) {
      let best: Slot | null = null;
      for (const s of this.slots) if (!s.dead && s.inflight.length < this.depth && (!best || s.inflight.length < best.inflight.length)) best = s;
      if (!best) return;
      const p = this.waiting.shift()!;
      if (!best.inflight.length) p.since = Date.now();
      best.inflight.push(p);
      best.worker.postMessage({ id: this.nextId++, path: p.path });
    }
  }

  parse(path: string): Promise<WorkerResult> {
    return new Promise((resolve) => {
      this.waiting.push({ path, resolve, since: Date.now() });
      this.dispatch();
    });
  }

  async close() {
    clearInterval(this.timer);
    const all = this.slots;
    this.slots = [];
    for (const s of all) s.dead = true;
    await Promise.all(all.map((s) => s.worker.terminate()));
  }
}
