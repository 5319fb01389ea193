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

import { readdirSync, statSync, existsSync } from 'node:fs';
import { hostname, availableParallelism } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Column, Db, Queryable } from './db.js';
import { dropCellsKey, ensureCellKeys, restoreCellsKey } from './migrations.js';
import { copyLines, withId } from './copy.js';
import { leanCopy, prepareReport, type BodyInfo, type PreparedReport } from './model.js';
import { compareVersions, parserVersion } from './version.js';
import { originalName, type WorkerInit, type WorkerResult } from './worker.js';
import type { Report } from '../types.js';

// ---------------------------------------------------------------- paths

export interface FileEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Extensions taken from folders and globs (explicit file arguments are always taken). */
export const REPORT_EXTENSIONS = new Set(['', '.txt', '.text', '.htm', '.html', '.shtml', '.xhtml', '.pdf', '.docx', '.doc', '.wps']);

function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const isGlob = (s: string) => /[*?[]/.test(s);

/**
 * The files under the given arguments: files as they are, folders recursively (hidden entries and
 * gongkai data directories skipped; report extensions only), globs (`*`, `?`, `[…]`, `**`).
 * `missing` lists the arguments that name nothing readable.
 */
export function collectPaths(args: string[]): { files: FileEntry[]; missing: string[] } {
  const files: FileEntry[] = [];
  const seen = new Set<string>();
  const missing: string[] = [];
  const add = (rel: string, size: number, mtimeMs: number) => {
    const p = resolve(rel);
    if (!seen.has(p)) {
      seen.add(p);
      files.push({ path: p, size, mtimeMs: Math.round(mtimeMs) });
    }
  };
  const walk = (dir: string, match?: (p: string) => boolean) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    if (names.includes('gongkai.json') && names.includes('pg')) return; // a corpus data directory
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, match);
      else if (st.isFile() && (match ? match(p) : REPORT_EXTENSIONS.has(extname(name).toLowerCase()))) add(p, st.size, st.mtimeMs);
    }
  };
  for (const a of args) {
    if (isGlob(a) && !existsSync(a)) {
      const norm = a.split(sep).join('/');
      const parts = norm.split('/');
      const first = parts.findIndex(isGlob);
      const base = parts.slice(0, first).join('/') || (norm.startsWith('/') ? '/' : '.');
      const re = globRegex(parts.slice(first).join('/'));
      const before = files.length;
      walk(base, (p) => re.test(relative(base, p).split(sep).join('/')));
      if (files.length === before) missing.push(a);
      continue;
    }
    let st;
    try {
      st = statSync(a);
    } catch {
      missing.push(a);
      continue;
    }
    if (st.isDirectory()) {
      try {
        readdirSync(a);
      } catch {
        missing.push(a);
        continue;
      }
      walk(a);
    } else if (st.isFile()) add(a, st.size, st.mtimeMs);
    else missing.push(a);
  }
  return { files, missing };
}

/** Stats paths given one by one (stdin lists, queue claims); unreadable ones come back as null. */
export function statEntry(path: string): FileEntry | null {
  try {
    const st = statSync(path);
    return st.isFile() ? { path, size: st.size, mtimeMs: Math.round(st.mtimeMs) } : null;
  } catch {
    return null;
  }
}

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

// ---------------------------------------------------------------- writing

type Item =
  | { kind: 'report'; entry: FileEntry; report: PreparedReport; original: string | null; bytes?: Uint8Array }
  /** bytes already stored: only the name is recorded */
  | { kind: 'path'; entry: FileEntry; sha256: string; duplicate: boolean }
  | { kind: 'failed'; entry: FileEntry; sha256: string | null; message: string; earlier?: boolean }
  /** unchanged since it was stored (queue mode: only the queue row is closed) */
  | { kind: 'skip'; entry: FileEntry };

/** How long the writer waits for a batch to fill while the workers are still parsing. */
const FILL_MS = 250;
/** Fewest new files for which a PGlite ingest leaves the cells key out until the end. */
const DEFER_KEY_MIN = 2000;
/** Reports written by one run into PGlite (and a tenth of those stored before) past which it ends with ANALYZE. */
const ANALYZE_MIN = 1000;

export type Outcome = 'stored' | 'replaced' | 'skipped' | 'duplicate' | 'failed';

const REPORT_COLS: Column[] = [
  ['id', 'int'], ['body_id', 'int'], ['year', 'smallint'], ['template', 'text'], ['published', 'date'], ['sha256', 'text'], ['size', 'bigint'],
  ['format', 'text'], ['encoding', 'text'], ['path', 'text'], ['original', 'text'], ['parser_version', 'text'], ['cell_count', 'int'],
  ['errors', 'int'], ['warnings', 'int'], ['signature', 'text'], ['report', 'json'],
];
const CELL_COLS: Column[] = [['report_id', 'int'], ['cell', 'smallint'], ['value', 'numeric'], ['status', '"char"'], ['candidates', 'numeric[]'], ['span_start', 'int'], ['span_end', 'int'], ['page', 'smallint']];
const FINDING_COLS: Column[] = [['report_id', 'int'], ['rule', 'text'], ['severity', 'text'], ['message', 'text'], ['cells', 'text[]'], ['span_start', 'int'], ['span_end', 'int']];
const FACT_COLS: Column[] = [['report_id', 'int'], ['kind', 'text'], ['value', 'numeric'], ['unit', 'text'], ['cell', 'text'], ['span_start', 'int'], ['span_end', 'int'], ['text', 'text']];

/** Body ids for the batch's bodies (inserted when new). */
async function resolveBodies(q: Queryable, bodies: BodyInfo[], cache: Map<string, number>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const need = new Map<string, BodyInfo>();
  for (const b of bodies) {
    const id = cache.get(b.norm_name);
    if (id !== undefined) out.set(b.norm_name, id);
    else need.set(b.norm_name, b);
  }
  if (!need.size) return out;
  const list = [...need.values()];
  const inserted = await q.query<{ id: number; norm_name: string }>(
    `insert into bodies (name, norm_name, level, region, region_parts, division_code)
     select u.name, u.norm_name, u.level, u.region, u.parts::text[], u.code
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as u(name, norm_name, level, region, parts, code)
     on conflict (norm_name) do nothing returning id, norm_name`,
    [list.map((b) => b.name), list.map((b) => b.norm_name), list.map((b) => b.level), list.map((b) => b.region),
      list.map((b) => `{${b.region_parts.map((p) => `"${p.replace(/["\\]/g, '\\$&')}"`).join(',')}}`), list.map((b) => b.division_code)],
  );
  for (const r of inserted) out.set(r.norm_name, Number(r.id));
  const rest = list.filter((b) => !out.has(b.norm_name)).map((b) => b.norm_name);
  if (rest.length) {
    for (const r of await q.query<{ id: number; norm_name: string }>('select id, norm_name from bodies where norm_name = any($1::text[])', [rest])) out.set(r.norm_name, Number(r.id));
  }
  return out;
}

interface WriteContext {
  db: Db;
  version: string;
  queue: boolean;
  bodyCache: Map<string, number>;
}

/** Writes a batch of items in the given transaction; returns each item's outcome and the bodies it resolved. */
async function writeBatch(q: Queryable, items: Item[], ctx: WriteContext): Promise<{ outcomes: Outcome[]; bodies: Map<string, number> }> {
  const { db, version } = ctx;
  const outcomes: Outcome[] = items.map((it) => (it.kind === 'failed' ? 'failed' : it.kind === 'path' ? (it.duplicate ? 'duplicate' : 'skipped') : it.kind === 'skip' ? 'skipped' : 'stored'));
  const reports = items.map((it, i) => ({ it, i })).filter((x): x is { it: Extract<Item, { kind: 'report' }>; i: number } => x.it.kind === 'report');
  const names: { path: string; sha256: string; size: number; mtime: number }[] = [];
  let bodies = new Map<string, number>();

  if (reports.length) {
    const existing = new Map<string, { id: number; parser_version: string }>();
    for (const r of await q.query<{ id: number; sha256: string; parser_version: string }>(
      'select id, sha256, parser_version from reports where sha256 = any($1::text[]) for update', [reports.map((r) => r.it.report.sha256)])) {
      existing.set(r.sha256, { id: Number(r.id), parser_version: r.parser_version });
    }
    const toWrite: { it: Extract<Item, { kind: 'report' }>; i: number; id?: number }[] = [];
    const replaced: number[] = [];
    const inBatch = new Set<string>();
    for (const r of reports) {
      const sha = r.it.report.sha256;
      const ex = existing.get(sha);
      if (inBatch.has(sha) || (ex && compareVersions(ex.parser_version, version) >= 0)) {
        outcomes[r.i] = inBatch.has(sha) ? 'duplicate' : 'skipped';
      } else {
        inBatch.add(sha);
        if (ex) {
          replaced.push(ex.id);
          outcomes[r.i] = 'replaced';
          toWrite.push({ ...r, id: ex.id });
        } else toWrite.push(r);
      }
      names.push({ path: r.it.entry.path, sha256: sha, size: r.it.entry.size, mtime: r.it.entry.mtimeMs });
    }
    if (replaced.length) {
      await q.query(
        `insert into report_versions (report_id, parser_version, replaced_by_version, cell_count, errors, warnings, report)
         select id, parser_version, $2, cell_count, errors, warnings, report from reports where id = any($1::int[])`, [replaced, version]);
      for (const t of ['cells', 'findings', 'facts']) await q.query(`delete from ${t} where report_id = any($1::int[])`, [replaced]);
      await q.query('delete from reports where id = any($1::int[])', [replaced]);
    }
    if (toWrite.length) {
      const fresh = toWrite.filter((t) => t.id === undefined);
      if (fresh.length) {
        const ids = await q.query<{ id: number }>(`select nextval('reports_id_seq')::int as id from generate_series(1, $1::int)`, [fresh.length]);
        fresh.forEach((t, k) => (t.id = Number(ids[k].id)));
      }
      const unknown = new Set<string>();
      for (const t of toWrite) for (const c of t.it.report.cells) if (!db.cellIds.has(c[0])) unknown.add(c[0]);
      if (unknown.size) await ensureCellKeys(db, q, [...unknown]);
      bodies = await resolveBodies(q, toWrite.map((t) => t.it.report.body).filter((b): b is BodyInfo => !!b), ctx.bodyCache);
      const reportRows: unknown[][] = [];
      for (const t of toWrite) {
        const p = t.it.report;
        reportRows.push([t.id!, p.body ? bodies.get(p.body.norm_name) ?? null : null, p.year, p.template, p.published, p.sha256, t.it.entry.size,
          p.format, p.encoding, t.it.entry.path, t.it.original, version, p.cellCount, p.errors, p.warnings, p.signature]);
        if (t.it.bytes) await q.query('insert into originals (sha256, bytes) values ($1, $2) on conflict (sha256) do nothing', [p.sha256, t.it.bytes]);
      }
      if (q.copyText) {
        // PGlite: one COPY per table for the whole batch, from text the workers mostly encoded already
        const reportText: string[] = [];
        const cellText: string[] = [];
        const findingText: string[] = [];
        const factText: string[] = [];
        toWrite.forEach((t, k) => {
          const id = t.id!;
          const c = t.it.report.copy ?? leanCopy(t.it.report, db.cellIds)!.copy!;
          reportText.push(`${copyLines([reportRows[k]])}\t${c.json}`);
          if (c.cells) cellText.push(withId(id, c.cells));
          if (c.findings) findingText.push(withId(id, c.findings));
          if (c.facts) factText.push(withId(id, c.facts));
        });
        await q.copyText('reports', REPORT_COLS, reportText.join('\n'));
        await q.copyText('cells', CELL_COLS, cellText.join('\n'));
        await q.copyText('findings', FINDING_COLS, findingText.join('\n'));
        await q.copyText('facts', FACT_COLS, factText.join('\n'));
      } else {
        const cellRows: unknown[][] = [];
        const findingRows: unknown[][] = [];
        const factRows: unknown[][] = [];
        for (const t of toWrite) {
          const p = t.it.report;
          if (p.copy) throw new Error('rows in COPY form need PGlite');
          const id = t.id!;
          for (const c of p.cells) cellRows.push([id, db.cellIds.get(c[0]), c[1], c[2], c[3], c[4], c[5], c[6]]);
          for (const f of p.findings) findingRows.push([id, ...f]);
          for (const f of p.facts) factRows.push([id, ...f]);
        }
        await q.insertRows('reports', REPORT_COLS, reportRows.map((r, k) => [...r, toWrite[k].it.report.json]));
        await q.insertRows('cells', CELL_COLS, cellRows);
        await q.insertRows('findings', FINDING_COLS, findingRows);
        await q.insertRows('facts', FACT_COLS, factRows);
      }
    }
  }

  for (const it of items) if (it.kind === 'path') names.push({ path: it.entry.path, sha256: it.sha256, size: it.entry.size, mtime: it.entry.mtimeMs });
  if (names.length) {
    const byPath = new Map(names.map((n) => [n.path, n]));
    const list = [...byPath.values()];
    await q.query(
      `insert into report_paths (path, report_id, size, mtime_ms)
       select u.path, r.id, u.size, u.mtime from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) as u(path, sha, size, mtime)
       join reports r on r.sha256 = u.sha
       on conflict (path) do update set report_id = excluded.report_id, size = excluded.size, mtime_ms = excluded.mtime_ms, seen_at = now()`,
      [list.map((n) => n.path), list.map((n) => n.sha256), list.map((n) => n.size), list.map((n) => n.mtime)]);
    await q.query('delete from ingest_errors where path = any($1::text[])', [list.map((n) => n.path)]);
  }
  const failed = new Map<string, Extract<Item, { kind: 'failed' }>>();
  for (const it of items) if (it.kind === 'failed') failed.set(it.entry.path, it);
  if (failed.size) {
    const list = [...failed.values()];
    await q.query(
      `insert into ingest_errors (path, sha256, size, mtime_ms, parser_version, message)
       select * from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])
       on conflict (path) do update set sha256 = excluded.sha256, size = excluded.size, mtime_ms = excluded.mtime_ms,
         parser_version = excluded.parser_version, message = excluded.message, at = now()`,
      [list.map((f) => f.entry.path), list.map((f) => f.sha256), list.map((f) => f.entry.size), list.map((f) => f.entry.mtimeMs), list.map(() => version), list.map((f) => f.message)]);
  }
  if (ctx.queue) {
    await q.query(
      `update ingest_queue set state = u.state, message = u.message
       from unnest($1::text[], $2::text[], $3::text[]) as u(path, state, message) where ingest_queue.path = u.path`,
      [items.map((it) => it.entry.path), items.map((it) => (it.kind === 'failed' ? 'failed' : 'done')), items.map((it) => (it.kind === 'failed' ? it.message : null))]);
  }
  return { outcomes, bodies };
}

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

/** A file taking longer than this to parse fails (was 300 s; a real report parses in about a second). */
export const DEFAULT_INGEST_TIMEOUT_MS = 60_000;

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
