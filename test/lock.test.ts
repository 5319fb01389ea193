// The data directory lock (src/store/lock.ts): taken atomically, also when the process that held
// it was killed. The race the old read-check-delete-create lost is run for real: several processes,
// released at the same instant by a barrier, open a directory whose lock names a dead process.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockBusyError, takeLock } from '../src/store/lock.js';

const LOCK_MODULE = new URL('../src/store/lock.js', import.meta.url).href;

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

// Each opener waits for the \`go\` file, tries the lock, prints \`took\` or \`busy\`, and holds what it
// took until its stdin closes. Seeing the dead holder, it pauses 30 ms, so that every opener has
// seen it before any acts: the window the old read-check-delete-create lost in.
const OPENER = `
const { takeLock } = await import(process.argv[1]);
const { existsSync } = await import('node:fs');
const [lock, go] = [process.argv[2], process.argv[3]];
process.stdout.write('ready\\n');
while (!existsSync(go)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
let line;
const pause = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
try { takeLock(lock, { onStale: pause }); line = 'took'; } catch (e) { line = e.name === 'LockBusyError' ? 'busy' : 'error ' + e.message; }
process.stdout.write(line + '\\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

async function race(dir: string, openers: number): Promise<string[]> {
  const lock = join(dir, 'lock');
  const go = join(dir, 'go');
  rmSync(go, { force: true });
  const children = Array.from({ length: openers }, () =>
    spawn(process.execPath, ['--input-type=module', '-e', OPENER, LOCK_MODULE, lock, go], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = children.map((c) => {
    let out = '';
    c.stdout.setEncoding('utf8');
    const ready = new Promise<void>((r) => c.stdout.on('data', (d: string) => { out += d; if (out.includes('ready\n')) r(); }));
    const answer = new Promise<string>((r) => c.stdout.on('data', () => { const m = out.split('\n')[1]; if (m) r(m); }));
    return { ready, answer };
  });
  await Promise.all(lines.map((l) => l.ready));
  writeFileSync(go, ''); // every opener is spinning on this file: they start together
  const answers = await Promise.all(lines.map((l) => l.answer));
  const holders = readFileSync(lock, 'utf8').trim();
  assert.ok(children.some((c) => String(c.pid) === holders), `the lock names one of the openers (${holders})`);
  await Promise.all(children.map((c) => new Promise((r) => { c.on('exit', r); c.stdin.end(); })));
  return answers;
}

describe('data directory lock', () => {
  test('six openers released together on a lock left by a killed process: exactly one takes it, every round', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-lock-'));
    try {
      for (let round = 0; round < 5; round++) {
        writeFileSync(join(dir, 'lock'), String(deadPid()));
        const answers = await race(dir, 6);
        assert.equal(answers.filter((a) => a === 'took').length, 1, `round ${round}: ${answers.join(', ')}`);
        assert.equal(answers.filter((a) => a === 'busy').length, 5, `round ${round}: ${answers.join(', ')}`);
      }
      // no temporary or marker files are left behind
      assert.deepEqual(readdirSync(dir).filter((f) => f !== 'go' && f !== 'lock'), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a free directory raced by six openers: one takes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-lock-'));
    try {
      const answers = await race(dir, 6);
      assert.equal(answers.filter((a) => a === 'took').length, 1, answers.join(', '));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a claimer killed in the middle of a takeover (its marker left, naming a dead pid) does not block the next opener', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-lock-'));
    try {
      const lock = join(dir, 'lock');
      const dead = deadPid();
      writeFileSync(lock, String(dead));
      writeFileSync(`${lock}.takeover-${dead}`, String(deadPid()));
      const release = takeLock(lock);
      assert.equal(readFileSync(lock, 'utf8'), String(process.pid));
      assert.throws(() => takeLock(lock), (e: unknown) => e instanceof LockBusyError && e.holder === process.pid);
      release();
      assert.equal(existsSync(lock), false);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a lock held by a live process is not taken; an empty or garbled lock file (killed before writing) is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongkai-lock-'));
    try {
      const lock = join(dir, 'lock');
      writeFileSync(lock, String(process.ppid));
      assert.throws(() => takeLock(lock), (e: unknown) => e instanceof LockBusyError && e.holder === process.ppid);
      for (const junk of ['', 'not a pid']) {
        writeFileSync(lock, junk);
        takeLock(lock)();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
