// One process at a time per data directory (PGlite is single-process): a lock file holding the
// owner's pid, taken atomically — also when the process that held it was killed.
//
//   take      write our pid to a fresh file, then link(2) it to `lock`: created whole, or EEXIST.
//   stale     `lock` names a dead pid P. Only a process that first claims `lock.takeover-P` (by
//             the same exclusive link) may replace it; it checks `lock` still names P and renames
//             its own file over it. Two openers that both saw P dead cannot both win: the claim
//             is exclusive, and nothing else changes a lock that names a dead pid. A claimer
//             killed mid-way leaves a marker naming a dead pid: it is taken over the same way.
//   release   the owner removes `lock` (and only when it still names the owner).
//
// (The check "is P dead, then delete and create" this replaces let two openers both take the
// lock, and two writers corrupted the store.)

import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export class LockBusyError extends Error {
  constructor(readonly holder: number | null, message: string) {
    super(message);
    this.name = 'LockBusyError';
  }
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleepMs = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The content of a lock file: the pid string, or null when there is no such file. */
function readHolder(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A file beside `path` holding our pid, complete before anyone can see it under `path`. */
function ownFile(path: string, pid: number): string {
  const tmp = `${path}.${pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, String(pid));
  } finally {
    closeSync(fd);
  }
  return tmp;
}

const markerName = (content: string) => (/^\d{1,10}$/.test(content) ? content : `x${Buffer.from(content.slice(0, 16)).toString('hex')}`);

/**
 * Makes `path` ours: true when taken (or taken over from a dead holder), false when a live
 * process holds it (`holder` set), after `attempts` tries at a moment of change.
 */
function claim(path: string, pid: number, depth: number, holder: { pid: number | null }, onStale?: () => void): boolean {
  if (depth > 8) return false; // eight claimers killed mid-takeover in a row: give up, say busy
  for (let attempt = 0; attempt < 50; attempt++) {
    const tmp = ownFile(path, pid);
    let kept = false;
    try {
      try {
        linkSync(tmp, path);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const content = readHolder(path);
      if (content === null) continue; // released meanwhile: try again
      const other = Number(content);
      if (other === pid) {
        holder.pid = pid;
        return false;
      }
      if (pidAlive(other)) {
        holder.pid = other;
        // a live claimer of a takeover marker finishes in moments: wait for it; a live lock owner does not
        if (depth === 0) return false;
        sleepMs(5);
        continue;
      }
      // a dead holder: only the one who claims the takeover marker for this content replaces it
      onStale?.();
      const marker = `${path}.takeover-${markerName(content)}`;
      if (!claim(marker, pid, depth + 1, { pid: null })) {
        sleepMs(5);
        continue;
      }
      try {
        if (readHolder(path) === content) {
          renameSync(tmp, path);
          kept = true;
          return true;
        }
      } finally {
        try {
          unlinkSync(marker);
        } catch {
          /* gone */
        }
      }
    } finally {
      if (!kept) {
        try {
          unlinkSync(tmp);
        } catch {
          /* gone */
        }
      }
    }
  }
  return false;
}

/**
 * Takes the lock file at `path` for this process; returns its release. Throws LockBusyError when a
 * live process holds it (`holder` its pid, or this process's own pid when already open here).
 */
export interface LockOptions {
  /** Called when the lock is seen to name a dead process (tests: hold every opener there at once). */
  onStale?: () => void;
}

export function takeLock(path: string, opts: LockOptions = {}, pid = process.pid): () => void {
  const holder = { pid: null as number | null };
  if (!claim(path, pid, 0, holder, opts.onStale)) throw new LockBusyError(holder.pid, `lock ${path} is held by ${holder.pid ?? 'another process'}`);
  const release = () => {
    try {
      if (readHolder(path) === String(pid)) unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  process.once('exit', release);
  return () => {
    process.off('exit', release);
    release();
  };
}
