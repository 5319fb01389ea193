// A fuzzer child process: makes input (seed, i) itself and parses it with the library, answering
// with the outcome. An exception or rejection nobody handled is reported as a crash of the input
// being parsed (or, after its answer, of the last one) — in the web server it would have ended
// the process.

import { parseDocument } from '../../src/parse.js';
import { InputError } from '../../src/types.js';
import { fuzzInput } from './inputs.js';

export interface ChildTask { seed: number; i: number; budgetMs: number }
export type ChildAnswer =
  | { i: number; outcome: 'report' | 'refused' | 'internal'; code?: string; message?: string; ms: number; rss: number; size: number }
  | { i: number; outcome: 'crash'; message: string; ms: number; rss: number; size: number };

const send = (a: ChildAnswer) => process.send?.(a);
let current = -1;
const crash = (err: unknown) => {
  const message = `${(err as Error)?.name ?? 'Error'}: ${((err as Error)?.message ?? String(err)).split('\n')[0].slice(0, 200)}`;
  send({ i: current, outcome: 'crash', message, ms: 0, rss: process.memoryUsage().rss, size: 0 });
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
// the harness gone (killed, interrupted): so is this child, whatever thread it still has running
process.on('disconnect', () => process.exit(0));

process.on('message', async (task: ChildTask) => {
  current = task.i;
  const input = fuzzInput(task.seed, task.i);
  const t = performance.now();
  let answer: ChildAnswer;
  try {
    // the library's own limits, smaller than the defaults so that a bomb costs little: the limit
    // is what is tested, not how fast 200 MB of zeros inflate on a loaded machine
    const report = await parseDocument(input.bytes, { path: input.name, limits: { timeoutMs: task.budgetMs, maxUnzippedBytes: 16 * 1024 * 1024 } });
    // a report must be whole JSON (what the CLI prints)
    JSON.stringify(report);
    answer = { i: task.i, outcome: 'report', ms: 0, rss: 0, size: input.bytes.length };
  } catch (err) {
    answer = err instanceof InputError
      ? { i: task.i, outcome: 'refused', code: err.code, ms: 0, rss: 0, size: input.bytes.length }
      : { i: task.i, outcome: 'internal', message: `${(err as Error)?.name}: ${(err as Error)?.message}`.slice(0, 200), ms: 0, rss: 0, size: input.bytes.length };
  }
  answer.ms = performance.now() - t;
  answer.rss = process.memoryUsage().rss;
  send(answer);
});
