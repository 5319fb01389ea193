// Bulk ingest: paths → read, hashed and parsed in worker threads (one per core) → written by the
// main thread, each report whole inside one transaction (reports that arrive together share one:
// `batch`, default 200). Killing the process at any moment leaves no half report; running again
// skips what is stored (unchanged path, or the same bytes with this parser version) and finishes
// the rest. The same bytes under two names are one report (sha256 unique; the names go to
// report_paths). A newer parser version re-parses and replaces the report in place, keeping the
// replaced JSON in report_versions. Files that fail are recorded in ingest_errors, never abort.
//
// `ingestQueue` is the multi-process path: paths in ingest_queue, claimed in batches with
// SELECT … FOR UPDATE SKIP LOCKED; each report is committed together with its queue row.
// The parts: ingest-paths.ts (which files), ingest-pool.ts (parsing in worker threads),
// ingest-write.ts (one batch, one transaction); here the run, the queue and single reports.

import { hostname, availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Db } from './db.js';
import { dropCellsKey, ensureCellKeys, restoreCellsKey } from './migrations.js';
import { prepareReport, type PreparedReport } from './model.js';
import { compareVersions, parserVersion } from './version.js';
import { originalName, type WorkerResult } from './worker.js';
import type { Report } from '../types.js';
import { FileEntry, statEntry } from './ingest-paths.js';
import { DEFAULT_INGEST_TIMEOUT_MS, ParsePool } from './ingest-pool.js';
import { Item, FILL_MS, DEFER_KEY_MIN, ANALYZE_MIN, Outcome, WriteContext, writeBatch } from './ingest-write.js';
export { FileEntry, REPORT_EXTENSIONS, collectPaths, statEntry } from './ingest-paths.js';
export { DEFAULT_INGEST_TIMEOUT_MS, ParsePool } from './ingest-pool.js';
export { Outcome } from './ingest-write.js';

// ---------------------------------------------------------------- one run

export interface IngestProgress {
  done: number;
  total: number;
  stored: number;
  failed: number;
  seconds: number;
}

export interface IngestSummary {
  total: number;
  /** new reports */
  stored: number;
  /** reports parsed again by a newer parser version (the old JSON kept in report_versions) */
  replaced: number;
  /** already stored (unchanged path, or the same bytes with this parser version) */
  skipped: number;
  /** the same bytes as another file of this run: one report, both names recorded */
  duplicates: number;
  /** files that could not be read or parsed, this run or (unchanged since) an earlier one */
  failed: { path: string; message: string; earlier?: boolean }[];
  seconds: number;
}

export interface IngestOptions {
  /** Worker threads (default: one per core). */
  workers?: number;
  parserVersion?: string;
  /** Most reports written in one transaction (default 200; 1 = a transaction per report). */
  batch?: number;
  /** Parse files that failed before although unchanged. */
  retryFailed?: boolean;
  /** A file taking longer than this to parse fails (default 60 s: the PDF decoder's own limit; a real report takes about a second). */
  timeoutMs?: number;
  maxBytes?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Fewest new files for which an ingest into PGlite leaves the cells key out until its end (default 2000). */
  deferKeyMin?: number;
  /** A bulk load into PGlite builds the cells key at the end (`start`, then `done` with its seconds). */
  onIndex?: (phase: 'start' | 'done', seconds?: number) => void;
}

const errCode = (err: unknown) => (err as { code?: string })?.code;

/**
 * One parser thread per core, on PGlite too although its database runs on the main thread: the
 * workers send their rows as COPY text, so writing a report takes the main thread about a quarter
 * of the time parsing it takes a worker (1.5 ms against 5.5 ms of CPU, measured on 2 cores) — one
 * core left to the database would sit mostly idle.
 */
export function defaultWorkers(_db?: Pick<Db, 'kind'>): number {
  return Math.max(1, availableParallelism());
}

class Run {
  readonly summary: IngestSummary = { total: 0, stored: 0, replaced: 0, skipped: 0, duplicates: 0, failed: [], seconds: 0 };
  private pending: Item[] = [];
  private committing: Promise<void> | null = null;
  private fatal: unknown = null;
  private drainWaiters: (() => void)[] = [];
  private bodyCache = new Map<string, number>();
  private seenSha = new Set<string>();
  private started = Date.now();
  private done = 0;
  private pool: ParsePool | null = null;
  readonly maxBatch: number;
  private fastSkip = new Map<string, string>();
  /** Every entry of the current `process` call has been handed to `push` (or skipped). */
  private inputDone = true;
  private stored = 0;
  private older = 0;
  private keyDropped = false;
  private wake: (() => void) | null = null;
  private failedBefore = new Map<string, { key: string; message: string }>();

  constructor(private db: Db, readonly version: string, private opts: IngestOptions, private queue: boolean) {
    this.maxBatch = Math.max(1, opts.batch ?? 200);
  }

  /** What the database already has: unchanged paths stored with this version, unchanged paths that failed. */
  async load(): Promise<string[]> {
    const key = (size: unknown, mtime: unknown) => `${Number(size)}:${Number(mtime)}`;
    for (const r of await this.db.query<{ path: string; size: string; mtime_ms: string; parser_version: string }>(
      'select p.path, p.size, p.mtime_ms, r.parser_version from report_paths p join reports r on r.id = p.report_id')) {
      if (compareVersions(r.parser_version, this.version) >= 0) this.fastSkip.set(r.path, key(r.size, r.mtime_ms));
    }
    if (!this.opts.retryFailed) {
      for (const r of await this.db.query<{ path: string; size: string; mtime_ms: string; message: string }>(
        'select path, size, mtime_ms, message from ingest_errors where parser_version = $1', [this.version])) {
        this.failedBefore.set(r.path, { key: key(r.size, r.mtime_ms), message: r.message });
      }
    }
    const known: string[] = [];
    const all = await this.db.query<{ sha256: string; parser_version: string }>('select sha256, parser_version from reports');
    for (const r of all) {
      if (compareVersions(r.parser_version, this.version) >= 0) known.push(r.sha256);
    }
    this.stored = all.length;
    this.older = all.length - known.length;
    return known;
  }

  /**
   * Whether to leave the cells key out while writing `todo` new files (see `dropCellsKey`): PGlite
   * only; enough new files to pay for building the key over the whole table again (at least
   * DEFER_KEY_MIN and as many as are stored already); and no report of an older parser version
   * stored, since replacing one deletes its cells by report id, which wants the key.
   */
  private deferKey(todo: number): boolean {
    return this.db.kind === 'pglite' && !this.queue && this.older === 0 && todo >= Math.max(this.opts.deferKeyMin ?? DEFER_KEY_MIN, this.stored);
  }

  /**
   * Builds the cells key again when this run left it out, and after a large load into PGlite
   * gathers the planner's statistics: PGlite runs no autovacuum, and a planner that has never seen
   * the tables' sizes may pick a sequential scan of `cells` for a query of one body.
   */
  async finish(ok: boolean): Promise<void> {
    if (this.keyDropped) {
      this.keyDropped = false;
      const t = Date.now();
      this.opts.onIndex?.('start');
      await restoreCellsKey(this.db, this.db);
      this.opts.onIndex?.('done', (Date.now() - t) / 1000);
    }
    const written = this.summary.stored + this.summary.replaced;
    if (ok && this.db.kind === 'pglite' && written >= ANALYZE_MIN && written >= this.stored / 10) await this.db.query('analyze');
  }

  startPool(known: string[], files: number) {
    const size = Math.max(1, Math.min(this.opts.workers ?? defaultWorkers(this.db), Math.max(1, files)));
    this.pool = new ParsePool(size, { known, filesDir: this.db.filesDir, maxBytes: this.opts.maxBytes, cellIds: this.db.copyText ? [...this.db.cellIds] : null }, 32, this.opts.timeoutMs ?? DEFAULT_INGEST_TIMEOUT_MS);
  }

  async stopPool() {
    await this.pool?.close();
    this.pool = null;
  }

  private progress() {
    this.opts.onProgress?.({ done: this.done, total: this.summary.total, stored: this.summary.stored, failed: this.summary.failed.length, seconds: (Date.now() - this.started) / 1000 });
  }

  private count(item: Item, outcome: Outcome) {
    this.done++;
    const s = this.summary;
    if (outcome === 'stored') s.stored++;
    else if (outcome === 'replaced') s.replaced++;
    else if (outcome === 'skipped') s.skipped++;
    else if (outcome === 'duplicate') s.duplicates++;
    else if (item.kind === 'failed') s.failed.push({ path: item.entry.path, message: item.message, ...(item.earlier ? { earlier: true } : {}) });
  }

  private push(item: Item) {
    this.pending.push(item);
    if (this.pending.length >= this.maxBatch) this.wake?.();
    if (!this.committing) this.committing = this.commitLoop();
  }

  /**
   * Waits a little for a full batch while the workers are still sending: every transaction costs
   * a dozen statements and a commit whatever its size, so a few large ones go much faster than
   * many small ones. Returns at once when the input has all been handed over.
   */
  private async fill(): Promise<void> {
    if (this.pending.length >= this.maxBatch || this.inputDone) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, FILL_MS);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
    this.wake = null;
  }

  private async commitLoop(): Promise<void> {
    try {
      while (this.pending.length && !this.fatal) {
        // let the results that arrived while the last batch was written in (the database runs on this thread)
        await new Promise<void>((r) => setImmediate(r));
        await this.fill();
        const batch = this.pending.splice(0, this.maxBatch);
        await this.commit(batch);
        this.progress();
        const w = this.drainWaiters;
        this.drainWaiters = [];
        for (const f of w) f();
      }
    } catch (err) {
      this.fatal = err;
    } finally {
      this.committing = null;
      const w = this.drainWaiters;
      this.drainWaiters = [];
      for (const f of w) f();
    }
  }

  private async commit(batch: Item[], retried = false): Promise<void> {
    const ctx: WriteContext = { db: this.db, version: this.version, queue: this.queue, bodyCache: this.bodyCache };
    try {
      const { outcomes, bodies } = await this.db.transaction((q) => writeBatch(q, batch, ctx));
      for (const [k, v] of bodies) this.bodyCache.set(k, v);
      batch.forEach((it, i) => this.count(it, outcomes[i]));
    } catch (err) {
      // cell keys numbered inside the rolled-back transaction are gone: reload them
      this.db.cellIds.clear();
      await ensureCellKeys(this.db, this.db, []);
      if (batch.length > 1) {
        for (const it of batch) await this.commit([it]);
        return;
      }
      const it = batch[0];
      // another process stored the same bytes at the same moment: once more, it is then 'skipped'
      if (errCode(err) === '23505' && !retried) return this.commit(batch, true);
      if (it.kind === 'failed') throw err;
      const message = `无法写入数据库 / cannot store: ${(err as Error).message}`;
      await this.commit([{ kind: 'failed', entry: it.entry, sha256: it.kind === 'report' ? it.report.sha256 : it.kind === 'path' ? it.sha256 : null, message }]);
    }
  }

  private async drained(): Promise<void> {
    if (!this.committing) return;
    await new Promise<void>((r) => this.drainWaiters.push(r));
  }

  /** Waits until everything handed over is written. */
  async flush(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.fatal) throw this.fatal;
  }

  private toItem(r: WorkerResult, entry: FileEntry): Item {
    if (r.kind === 'known') return { kind: 'path', entry, sha256: r.sha256, duplicate: false };
    if (r.kind === 'failed') return { kind: 'failed', entry, sha256: r.sha256, message: r.message };
    if (this.seenSha.has(r.report.sha256)) return { kind: 'path', entry, sha256: r.report.sha256, duplicate: true };
    this.seenSha.add(r.report.sha256);
    return { kind: 'report', entry, report: r.report, original: r.original, bytes: r.bytes };
  }

  /** Parses and writes the entries (the pool must be started). */
  async process(entries: (FileEntry | { path: string; missing: true })[]): Promise<void> {
    this.summary.total += entries.length;
    const todo: FileEntry[] = [];
    for (const e of entries) {
      if ('missing' in e) {
        this.push({ kind: 'failed', entry: { path: e.path, size: 0, mtimeMs: 0 }, sha256: null, message: '无法读取：文件不存在或无权限 / cannot read: no such file or no permission' });
        continue;
      }
      const key = `${e.size}:${e.mtimeMs}`;
      const before = this.failedBefore.get(e.path);
      if (this.fastSkip.get(e.path) === key) {
        if (this.queue) this.push({ kind: 'skip', entry: e });
        else {
          this.summary.skipped++;
          this.done++;
        }
      } else if (before && before.key === key) {
        if (this.queue) this.push({ kind: 'failed', entry: e, sha256: null, message: before.message, earlier: true });
        else {
          this.summary.failed.push({ path: e.path, message: before.message, earlier: true });
          this.done++;
        }
      } else todo.push(e);
    }
    this.progress();
    if (!this.keyDropped && this.deferKey(todo.length)) {
      await dropCellsKey(this.db, this.db);
      this.keyDropped = true;
    }
    const pool = this.pool!;
    const maxPending = this.maxBatch * 4;
    let next = 0;
    const feeder = async () => {
      while (next < todo.length && !this.fatal) {
        while (this.pending.length >= maxPending && !this.fatal) await this.drained();
        // the other feeders woke up too and may have taken the last entries meanwhile
        if (this.fatal || next >= todo.length) return;
        const entry = todo[next++];
        const r = await pool.parse(entry.path);
        this.push(this.toItem(r, entry));
      }
    };
    this.inputDone = false;
    try {
      await Promise.all(Array.from({ length: pool.size * pool.depth }, feeder));
    } finally {
      this.inputDone = true;
      this.wake?.();
    }
    await this.flush();
    this.summary.seconds = (Date.now() - this.started) / 1000;
  }
}

/** Ingests the files: parsed in worker threads, written as they come (see the top of this file). */
export async function ingest(db: Db, files: (FileEntry | string)[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const started = Date.now();
  const run = new Run(db, opts.parserVersion ?? parserVersion(), opts, false);
  const entries = files.map((f) => (typeof f === 'string' ? statEntry(f) ?? { path: f, missing: true as const } : f));
  const known = await run.load();
  run.startPool(known, entries.length);
  let ok = false;
  try {
    await run.process(entries);
    ok = true;
  } finally {
    await run.stopPool();
    // after a failure its error is the one to report; the next open builds the key anyway
    await run.finish(ok).catch((err) => {
      if (ok) throw err;
    });
  }
  run.summary.seconds = (Date.now() - started) / 1000;
  return run.summary;
}

// ---------------------------------------------------------------- several processes: the queue

/** Adds paths to ingest_queue (paths already there keep their state). Returns how many were new. */
export async function enqueue(db: Db, paths: string[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < paths.length; i += 2000) {
    const rows = await db.query('insert into ingest_queue (path) select unnest($1::text[]) on conflict (path) do nothing returning path', [paths.slice(i, i + 2000)]);
    added += rows.length;
  }
  return added;
}

export interface QueueOptions extends IngestOptions {
  /** Paths claimed at a time (default 8 per worker thread). */
  claim?: number;
  /** A claim older than this (its process died) is taken over (default 600 s). */
  staleSeconds?: number;
}

/** Claims up to `n` open paths: pending ones, or claims gone stale. */
export async function claimPaths(db: Db, n: number, staleSeconds: number, by: string): Promise<string[]> {
  return db.transaction(async (q) => {
    const rows = await q.query<{ path: string }>(
      `select path from ingest_queue
       where state = 'pending' or (state = 'claimed' and claimed_at < now() - make_interval(secs => $2::int))
       order by path limit $1 for update skip locked`, [n, staleSeconds]);
    if (!rows.length) return [];
    const paths = rows.map((r) => r.path);
    await q.query(`update ingest_queue set state = 'claimed', claimed_by = $2, claimed_at = now(), attempts = attempts + 1 where path = any($1::text[])`, [paths, by]);
    return paths;
  });
}

/**
 * Works through ingest_queue until nothing is left to claim. Any number of processes, on any number
 * of machines that see the same paths, can run this against one PostgreSQL server.
 */
export async function ingestQueue(db: Db, opts: QueueOptions = {}): Promise<IngestSummary> {
  const run = new Run(db, opts.parserVersion ?? parserVersion(), opts, true);
  const known = await run.load();
  const workers = Math.max(1, opts.workers ?? defaultWorkers(db));
  const claim = opts.claim ?? workers * 8;
  const by = `${hostname()}:${process.pid}`;
  run.startPool(known, workers);
  try {
    for (;;) {
      const paths = await claimPaths(db, claim, opts.staleSeconds ?? 600, by);
      if (!paths.length) break;
      await run.process(paths.map((p) => statEntry(p) ?? { path: p, missing: true as const }));
    }
  } finally {
    await run.stopPool();
  }
  return run.summary;
}

// ---------------------------------------------------------------- one report, directly

/** Stores one parsed report (its own transaction). For tests and library use; `ingest` is the bulk path. */
export async function storeReport(db: Db, report: Report, opts: { path?: string; parserVersion?: string; size?: number; mtimeMs?: number } = {}): Promise<Outcome> {
  const path = opts.path ?? report.source.path ?? `report-${report.source.sha256.slice(0, 12)}`;
  const prepared = prepareReport(report, path);
  const entry: FileEntry = { path, size: opts.size ?? 0, mtimeMs: opts.mtimeMs ?? 0 };
  const ctx: WriteContext = { db, version: opts.parserVersion ?? parserVersion(), queue: false, bodyCache: new Map() };
  const { outcomes } = await db.transaction((q) => writeBatch(q, [{ kind: 'report', entry, report: prepared, original: null }], ctx));
  return outcomes[0];
}

/**
 * Stores parsed reports in batched transactions (`batch` reports each, default 200), without
 * worker threads: for reports parsed elsewhere, and to measure the write path alone.
 */
export async function storeReports(db: Db, reports: { report: Report; path?: string }[], opts: { parserVersion?: string; batch?: number } = {}): Promise<Record<Outcome, number>> {
  return storePrepared(db, reports.map(({ report, path }) => {
    const p = path ?? report.source.path ?? `report-${report.source.sha256.slice(0, 12)}`;
    return { report: prepareReport(report, p), entry: { path: p, size: 0, mtimeMs: 0 } };
  }), opts);
}

/** Stores reports already turned into rows (`prepareReport`, possibly `leanCopy`), as `storeReports` does. */
export async function storePrepared(db: Db, reports: { report: PreparedReport; entry: FileEntry }[], opts: { parserVersion?: string; batch?: number } = {}): Promise<Record<Outcome, number>> {
  const ctx: WriteContext = { db, version: opts.parserVersion ?? parserVersion(), queue: false, bodyCache: new Map() };
  const counts: Record<Outcome, number> = { stored: 0, replaced: 0, skipped: 0, duplicate: 0, failed: 0 };
  const batch = Math.max(1, opts.batch ?? 200);
  for (let i = 0; i < reports.length; i += batch) {
    const items: Item[] = reports.slice(i, i + batch).map(({ report, entry }) => ({ kind: 'report', entry, report, original: null }));
    const { outcomes, bodies } = await db.transaction((q) => writeBatch(q, items, ctx));
    for (const [k, v] of bodies) ctx.bodyCache.set(k, v);
    for (const o of outcomes) counts[o]++;
  }
  return counts;
}

export { originalName };

/** Absolute location of a stored report's original file, when it is kept in a folder. */
export function originalPath(db: Db, original: string | null): string | null {
  return original && original !== 'db' && db.filesDir ? resolve(db.filesDir, original) : null;
}
