// The fuzz harness: fixed-seed hostile inputs (inputs.ts) parsed in child processes (child.ts),
// each input with a deadline — past it the child is killed and the input counted as a hang.
// Counted as failures: a crash (an exception or rejection nobody handled, or the child dying),
// an internal error (anything but a clear InputError escaping the library), a hang. Reported: the
// outcomes, the slowest input, the peak memory of a child.

import { fork, type ChildProcess } from 'node:child_process';
import { fuzzInput } from './inputs.js';
import type { ChildAnswer, ChildTask } from './child.js';

export interface FuzzOptions {
  seed?: number;
  /** Inputs (numbered 0 … n−1, or `from` … from+n−1). */
  n?: number;
  from?: number;
  /** Child processes at once (default 2). */
  parallel?: number;
  /** Longest an input may take before it is a hang, in ms (default 5000). */
  deadlineMs?: number;
  /** The library's own time limit per document (limits.timeoutMs; default 2000). */
  budgetMs?: number;
  onProgress?: (done: number, n: number, sofar: FuzzSummary) => void;
}

export interface FuzzSummary {
  seed: number;
  n: number;
  outcomes: Record<string, number>;
  refusals: Record<string, number>;
  crashes: { name: string; message: string }[];
  internal: { name: string; message: string }[];
  hangs: { name: string }[];
  slowest: { name: string; ms: number } | null;
  peakRssMb: number;
  seconds: number;
}

const CHILD = new URL('./child.js', import.meta.url);

export async function runFuzz(opts: FuzzOptions = {}): Promise<FuzzSummary> {
  const seed = opts.seed ?? 1;
  const n = opts.n ?? 2000;
  const from = opts.from ?? 0;
  const parallel = Math.max(1, opts.parallel ?? 2);
  const deadlineMs = opts.deadlineMs ?? 5000;
  const budgetMs = opts.budgetMs ?? 2000;
  const started = Date.now();
  const s: FuzzSummary = { seed, n, outcomes: {}, refusals: {}, crashes: [], internal: [], hangs: [], slowest: null, peakRssMb: 0, seconds: 0 };
  const nameOf = (i: number) => (i < 0 ? '(between inputs)' : fuzzInput(seed, i).name);
  let next = from;
  let done = 0;
  const end = from + n;

  const lane = async () => {
    let child: ChildProcess | null = null;
    let waiting: ((a: ChildAnswer | 'died') => void) | null = null;
    /** The child the current wait is for: a killed child's late events are not this input's. */
    let owner: ChildProcess | null = null;
    const start = () => {
      const c = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
      c.on('message', (a: ChildAnswer) => {
        if (a.outcome === 'crash') {
          s.crashes.push({ name: nameOf(a.i), message: a.message });
          if (a.i !== current) return; // after its answer: counted, nothing waits for it
        }
        if (owner !== c) return;
        const w = waiting;
        waiting = null;
        w?.(a);
      });
      c.on('exit', () => {
        if (child === c) child = null;
        if (owner !== c) return;
        const w = waiting;
        waiting = null;
        w?.('died');
      });
      return c;
    };
    let current = -1;
    while (next < end) {
      current = next++;
      child ??= start();
      const c: ChildProcess = child;
      owner = c;
      const answer = await new Promise<ChildAnswer | 'died' | 'hang'>((resolve) => {
        const timer = setTimeout(() => { waiting = null; resolve('hang'); }, deadlineMs);
        waiting = (a) => { clearTimeout(timer); resolve(a); };
        c.send({ seed, i: current, budgetMs } satisfies ChildTask);
      });
      if (answer === 'hang' || answer === 'died') {
        if (answer === 'hang') s.hangs.push({ name: nameOf(current) });
        else s.crashes.push({ name: nameOf(current), message: 'the child process died' });
        s.outcomes[answer] = (s.outcomes[answer] ?? 0) + 1;
        if (child === c) child = null;
        c.kill('SIGKILL');
      } else {
        s.outcomes[answer.outcome] = (s.outcomes[answer.outcome] ?? 0) + 1;
        if (answer.outcome === 'refused') s.refusals[answer.code ?? '?'] = (s.refusals[answer.code ?? '?'] ?? 0) + 1;
        if (answer.outcome === 'internal') s.internal.push({ name: nameOf(current), message: answer.message ?? '' });
        if (!s.slowest || answer.ms > s.slowest.ms) s.slowest = { name: nameOf(current), ms: Math.round(answer.ms) };
        s.peakRssMb = Math.max(s.peakRssMb, Math.round(answer.rss / 1048576));
      }
      done++;
      s.seconds = Math.round((Date.now() - started) / 100) / 10;
      opts.onProgress?.(done, n, s);
    }
    if (child) {
      const c: ChildProcess = child;
      await new Promise<void>((r) => { c.once('exit', () => r()); c.kill(); });
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  s.seconds = Math.round((Date.now() - started) / 100) / 10;
  return s;
}

/** The summary as the lines `npm run fuzz` prints. */
export function formatSummary(s: FuzzSummary): string {
  const lines = [
    `fuzz: seed ${s.seed}, ${s.n} inputs in ${s.seconds} s`,
    `outcomes: ${Object.entries(s.outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `refusals: ${Object.entries(s.refusals).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `crashes: ${s.crashes.length}${s.crashes.slice(0, 10).map((c) => `\n  ${c.name}: ${c.message}`).join('')}`,
    `internal errors: ${s.internal.length}${s.internal.slice(0, 10).map((c) => `\n  ${c.name}: ${c.message}`).join('')}`,
    `hangs (over the deadline): ${s.hangs.length}${s.hangs.slice(0, 10).map((c) => `\n  ${c.name}`).join('')}`,
    `slowest input: ${s.slowest ? `${s.slowest.name} (${s.slowest.ms} ms)` : '-'}`,
    `peak memory of a child: ${s.peakRssMb} MB RSS`,
  ];
  return lines.join('\n');
}
