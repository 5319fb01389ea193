// The last line of defence of a long-running process (the web server, the CLI): an exception or
// a rejected promise nobody handled — pdf.js rejects promises in the background on corrupt files —
// is logged in one line and the process goes on, instead of dying mid-service. Every known source
// is handled where it arises (src/decode/pdf-worker.ts); this only catches what was missed.

export type GuardLog = (line: string) => void;

let installed = false;

/** Installs the handlers once per process; returns the count of errors caught so far. */
export function installProcessGuard(log: GuardLog = (l) => process.stderr.write(l + '\n')): () => number {
  let caught = 0;
  if (installed) return () => caught;
  installed = true;
  const report = (kind: string) => (err: unknown) => {
    caught++;
    const name = (err as { name?: string })?.name ?? 'Error';
    const message = ((err as { message?: string })?.message ?? String(err)).split('\n')[0].slice(0, 200);
    log(`gongkai: 未处理的${kind}已记录，进程继续运行 / unhandled ${kind === '异常' ? 'exception' : 'rejection'} logged, still running: ${name}: ${message}`);
  };
  process.on('uncaughtException', report('异常'));
  process.on('unhandledRejection', report('拒绝'));
  return () => caught;
}
