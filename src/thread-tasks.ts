// The inside of a worker thread that runs one task at a time for its owner (the PDF thread, the
// web server's parse threads): each task is answered exactly once, an InputError becomes an
// input answer and anything else an internal one, and an error raised in the background while a
// task runs (pdf.js rejects promises nothing awaits on some corrupt files) fails that task; one
// raised after its answer changes nothing.

import type { MessagePort } from 'node:worker_threads';
import { InputError } from './types.js';

export type TaskFailure = { id: number; ok: false; input: boolean; code: string; message: string };

export function serveTasks<T extends { id: number }, P extends object>(
  port: MessagePort,
  run: (task: T) => Promise<P>,
  /** the answer to an error raised in the background while a task runs */
  broken: { code: string; message: (detail: string) => string },
): void {
  let current: { id: number; answered: boolean } | null = null;
  const answer = (a: ({ id: number; ok: true } & P) | TaskFailure) => {
    if (!current || current.id !== a.id || current.answered) return;
    current.answered = true;
    port.postMessage(a);
  };
  const background = (err: unknown) => {
    if (!current || current.answered) return;
    const detail = ((err as { message?: string })?.message ?? String(err)).slice(0, 120);
    answer({ id: current.id, ok: false, input: true, code: broken.code, message: broken.message(detail) });
  };
  process.on('unhandledRejection', background);
  process.on('uncaughtException', background);
  port.on('message', async (task: T) => {
    current = { id: task.id, answered: false };
    try {
      answer({ id: task.id, ok: true, ...(await run(task)) });
    } catch (err) {
      if (err instanceof InputError) answer({ id: task.id, ok: false, input: true, code: err.code, message: err.message });
      else answer({ id: task.id, ok: false, input: false, code: 'internal', message: (err as Error)?.message ?? String(err) });
    }
  });
}
