// Bulk ingest: paths → parsed in worker threads (one per core) → each report stored in ONE
// transaction (report, cells, findings, facts). Killing the process leaves no half report;
// running again skips what is stored (same bytes, same parser version) and supersedes reports
// parsed by another parser version. `ingestQueue` is the multi-process path over ingest_queue.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Report } from '../types.js';
import type { Db, Query } from './db.js';

/** The parser version stored with each report: GONGKAI_PARSER_VERSION, else the package version. */
export function parserVersion(): string {
  if (process.env.GONGKAI_PARSER_VERSION) return process.env.GONGKAI_PARSER_VERSION;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'dev';
  }
}

// ---------------------------------------------------------------- paths

function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/' || pattern[i + 1] === sep) i++;
    } else if (ch === '*') re += '[^/\\\\]*';
    else if (ch === '?') re += '[^/\\\\]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files under the given paths: files as they are, folders recursively (hidden files skipped), globs (`*`, `?`, `**`). */
export function collectPaths(args: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (p: string, explicit: boolean, filter?: RegExp) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      if (explicit) missing.push(p);
      return;
    }
    if (st.isDirectory()) {
      for (const f of readdirSync(p).sort()) if (!f.startsWith('.')) walk(join(p, f), false, filter);
    } else if (st.isFile() && (!filter || filter.test(p))) files.push(p);
  };
  for (const a of args) {
    if (/[*?]/.test(a)) {
      const pattern = a.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
      const parts = pattern.split('/');
      const firstGlob = parts.findIndex((s) => /[*?]/.test(s));
      const base = parts.slice(0, firstGlob).join('/') || (pattern.startsWith('/') ? '/' : '.');
      const before = files.length;
      walk(base, false, globRegex(pattern));
      if (files.length === before) missing.push(a);
    } else walk(a, true);
  }
  return { files: [...new Set(files)], missing };
}

// ---------------------------------------------------------------- storing

export type StoreOutcome = 'stored' | 'skipped' | 'superseded';

/** Stores one parsed report in one transaction. `also` runs inside the same transaction. */
export async function storeReport(db: Db, report: Report, path: string, version = parserVersion(), also?: (q: Query) => Promise<void>): Promise<StoreOutcome> {
  try {
    return await db.transaction(async (q) => {
      const current = await q<{ id: number; parser_version: string }>(
        'select id, parser_version from reports where sha256 = $1 and superseded_by is null for update', [report.source.sha256]);
      if (current.some((c) => c.parser_version === version)) {
        if (also) await also(q);
        return 'skipped';
      }
      const same = await q('select 1 from reports where sha256 = $1 and parser_version = $2', [report.source.sha256, version]);
      if (same.length) {
        // this parser version already stored these bytes once and was superseded since: not re-stored
        if (also) await also(q);
        return 'skipped';
      }
      const bodyId = await bodyOf(q, report);
      const [{ id }] = await q<{ id: number }>("select nextval(pg_get_serial_sequence('reports', 'id'))::int as id");
      if (current.length) await q('update reports set superseded_by = $1 where id = any($2::int[])', [id, current.map((c) => c.id)]);
      const { text: _text, ...stored } = report;
      void _text;
      await q(
        `insert into reports (id, body_id, year, template, published, sha256, path, format, parser_version, report)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
        [id, bodyId, report.meta.year, report.meta.template, validDate(report.meta.published), report.source.sha256, path, report.source.format, version, JSON.stringify(stored)],
      );
      await insertRows(q, 'cells', ['report_id', 'tbl', 'row_key', 'col_key', 'value', 'status', 'span_start', 'span_end', 'page'], cellRows(id, report));
      await insertRows(q, 'findings', ['report_id', 'rule', 'severity', 'message', 'cells'], report.findings.map((f) => [id, f.rule, f.severity, f.message, f.cells]));
      await insertRows(q, 'facts', ['report_id', 'kind', 'value', 'unit', 'cell'], report.narrative.facts.map((f) => [id, f.kind, f.value, f.unit, f.cell ?? null]));
      await q('delete from ingest_errors where path = $1', [path]);
      if (also) await also(q);
      return current.length ? 'superseded' : 'stored';
    });
  } catch (err) {
    // another process stored the same bytes at the same time: theirs stands
    if ((err as { code?: string }).code === '23505') return 'skipped';
    throw err;
  }
}

function validDate(s: string | null): string | null {
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? s : null;
}

/** Number of cells a report has (what `cells` must hold for it). */
export function cellCount(report: Pick<Report, 'tables'>): number {
  let n = 0;
  for (const table of Object.values(report.tables)) for (const cols of Object.values(table ?? {})) n += Object.keys(cols).length;
  return n;
}

function cellRows(reportId: number, report: Report): unknown[][] {
  const rows: unknown[][] = [];
  for (const [tbl, table] of Object.entries(report.tables)) {
    for (const [row, cols] of Object.entries(table ?? {})) {
      for (const [col, c] of Object.entries(cols)) rows.push([reportId, tbl, row, col, c.value, c.status, c.span?.[0] ?? null, c.span?.[1] ?? null, c.page ?? null]);
    }
  }
  return rows;
}

async function bodyOf(q: Query, report: Report): Promise<number | null> {
  const name = report.meta.agency;
  if (!name) return null;
  const rows = await q<{ id: number }>(
    `insert into bodies (name, level, region, division_code) values ($1,$2,$3,$4)
     on conflict (name) do update set level = coalesce(bodies.level, excluded.level), region = coalesce(bodies.region, excluded.region),
       division_code = coalesce(bodies.division_code, excluded.division_code)
     returning id`,
    [name, report.meta.level ?? null, report.meta.region ?? null, report.meta.division_code ?? null],
  );
  return rows[0].id;
}

/** Multi-row INSERT in chunks (one round trip per few hundred rows). */
async function insertRows(q: Query, table: string, cols: string[], rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 250) {
    const chunk = rows.slice(i, i + 250);
    const params: unknown[] = [];
    const values = chunk.map((r) => `(${r.map((v) => { params.push(v); return `$${params.length}`; }).join(',')})`);
    await q(`insert into ${table} (${cols.join(',')}) values ${values.join(',')}`, params);
  }
}

async function recordError(db: Db, path: string, sha256: string | null, message: string, also?: (q: Query) => Promise<void>) {
  await db.transaction(async (q) => {
    await q('delete from ingest_errors where path = $1', [path]);
    await q('insert into ingest_errors (path, sha256, message) values ($1, $2, $3)', [path, sha256, message]);
    if (also) await also(q);
  });
}

// ---------------------------------------------------------------- parsing in worker threads

type Parsed = { path: string; report?: Report; error?: string; sha256?: string | null };

/** A fixed set of worker threads; `parse(path)` runs on whichever is free. */
export class ParsePool {
  private idle: Worker[] = [];
  private waiting: ((w: Worker) => void)[] = [];
  private all = new Set<Worker>();

  constructor(readonly size: number = availableParallelism()) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./worker.js', import.meta.url));
    w.unref();
    this.all.add(w);
    return w;
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    return w ? Promise.resolve(w) : new Promise((r) => this.waiting.push(r));
  }

  private release(w: Worker) {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  async parse(path: string): Promise<Parsed> {
    const w = await this.acquire();
    return new Promise<Parsed>((resolve) => {
      const done = (msg: Parsed, replace: boolean) => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (replace) {
          this.all.delete(w);
          void w.terminate();
          this.release(this.spawn());
        } else this.release(w);
        resolve(msg);
      };
      const onMessage = (msg: Parsed) => done(msg, false);
      const onError = (err: Error) => done({ path, error: `解析线程出错 / parser thread failed: ${err.message}` }, true);
      const onExit = (code: number) => done({ path, error: `解析线程退出 / parser thread exited (${code})` }, true);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ path });
    });
  }

  async close() {
    await Promise.all([...this.all].map((w) => w.terminate()));
    this.all.clear();
  }
}

// ---------------------------------------------------------------- ingest

export interface IngestSummary {
  total: number;
  stored: number;
  skipped: number;
  superseded: number;
  failed: { path: string; message: string }[];
}

export interface IngestOptions {
  workers?: number;
  parserVersion?: string;
  onProgress?: (done: number, total: number) => void;
}

const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Parses the files in worker threads and stores each result, one transaction per report, as it arrives. */
export async function ingest(db: Db, files: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const version = opts.parserVersion ?? parserVersion();
  const summary: IngestSummary = { total: files.length, stored: 0, skipped: 0, superseded: 0, failed: [] };
  if (!files.length) return summary;
  // Bytes already stored with this parser version are not parsed again.
  const known = new Set((await db.query<{ sha256: string }>('select sha256 from reports where parser_version = $1', [version])).map((r) => r.sha256));
  let done = 0;
  const todo: string[] = [];
  for (const f of files) {
    try {
      const sha = sha256Of(f);
      if (known.has(sha)) {
        summary.skipped++;
        done++;
      } else {
        known.add(sha); // the same bytes twice in this run (two names): parsed once
        todo.push(f);
      }
    } catch (err) {
      const message = `无法读取 / cannot read: ${(err as Error).message}`;
      summary.failed.push({ path: f, message });
      await recordError(db, f, null, message);
      done++;
    }
  }
  opts.onProgress?.(done, files.length);
  const step = async (msg: Parsed) => {
    await settle(db, msg, version, summary);
    done++;
    opts.onProgress?.(done, files.length);
  };
  await runLanes(todo, opts.workers, step);
  return summary;
}

async function settle(db: Db, msg: Parsed, version: string, summary: IngestSummary, also?: (ok: boolean) => (q: Query) => Promise<void>) {
  if (msg.report) {
    const r = await storeReport(db, msg.report, msg.path, version, also?.(true));
    if (r === 'skipped') summary.skipped++;
    else {
      summary.stored++;
      if (r === 'superseded') summary.superseded++;
    }
  } else {
    const message = msg.error ?? 'unknown error';
    summary.failed.push({ path: msg.path, message });
    await recordError(db, msg.path, msg.sha256 ?? null, message, also?.(false));
  }
}

/** One lane per worker: while the worker parses the next file, the main thread stores the last one. */
async function runLanes(paths: string[], workers: number | undefined, step: (msg: Parsed) => Promise<void>) {
  if (!paths.length) return;
  const pool = new ParsePool(Math.max(1, Math.min(workers ?? availableParallelism(), paths.length)));
  let next = 0;
  try {
    await Promise.all(Array.from({ length: pool.size }, async () => {
      if (next >= paths.length) return;
      let pending = pool.parse(paths[next++]);
      while (pending) {
        const msg = await pending;
        pending = next < paths.length ? pool.parse(paths[next++]) : (undefined as unknown as Promise<Parsed>);
        await step(msg);
      }
    }));
  } finally {
    await pool.close();
  }
}

// ---------------------------------------------------------------- multi-process queue

/** Adds paths to ingest_queue (already queued paths are left as they are). */
export async function enqueue(db: Db, paths: string[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < paths.length; i += 500) {
    const chunk = paths.slice(i, i + 500);
    const rows = await db.query('insert into ingest_queue (path) select unnest($1::text[]) on conflict (path) do nothing returning path', [chunk]);
    added += rows.length;
  }
  return added;
}

/**
 * Claims batches of paths with `FOR UPDATE SKIP LOCKED` until the queue is empty, so that any
 * number of processes (on any number of machines) can share one PostgreSQL corpus. A claim older
 * than `staleSeconds` (its process died) is taken over. Each report and its queue row `done`
 * are committed together.
 */
export async function ingestQueue(db: Db, opts: IngestOptions & { batch?: number; staleSeconds?: number } = {}): Promise<IngestSummary> {
  const version = opts.parserVersion ?? parserVersion();
  const summary: IngestSummary = { total: 0, stored: 0, skipped: 0, superseded: 0, failed: [] };
  const batch = opts.batch ?? Math.max(4, (opts.workers ?? availableParallelism()) * 4);
  const stale = opts.staleSeconds ?? 600;
  const finish = (path: string) => (ok: boolean) => async (q: Query) => {
    await q(`update ingest_queue set state = $2 where path = $1`, [path, ok ? 'done' : 'failed']);
  };
  for (;;) {
    const claimed = await db.transaction((q) => q<{ path: string }>(
      `update ingest_queue set state = 'claimed', claimed_at = now() where path in (
         select path from ingest_queue
         where state = 'pending' or (state = 'claimed' and claimed_at < now() - make_interval(secs => $2))
         order by path limit $1 for update skip locked)
       returning path`, [batch, stale]));
    if (!claimed.length) break;
    summary.total += claimed.length;
    await runLanes(claimed.map((c) => c.path), opts.workers, async (msg) => {
      await settle(db, msg, version, summary, finish(msg.path));
      opts.onProgress?.(summary.stored + summary.skipped + summary.failed.length, summary.total);
    });
  }
  return summary;
}
