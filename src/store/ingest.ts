// Bulk ingest: paths → parsed in worker threads (one per core) → each report stored in one
// transaction. Killing the process leaves no half report; running again skips what is stored
// (same bytes and parser version) and supersedes reports parsed by an older parser version.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Report } from '../types.js';
import type { Db } from './db.js';

export const PARSER_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'dev';
  }
})();

/** Files under the given paths: files as they are, folders recursively, `*` globs in the last part. */
export function collectPaths(args: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      return;
    }
    if (st.isDirectory()) for (const f of readdirSync(p).sort()) walk(join(p, f));
    else if (st.isFile()) files.push(p);
  };
  for (const a of args) {
    if (/[*?]/.test(basename(a))) {
      const re = new RegExp(`^${basename(a).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      let names: string[] = [];
      try {
        names = readdirSync(dirname(a)).filter((n) => re.test(n)).sort();
      } catch {
        missing.push(a);
      }
      for (const n of names) walk(join(dirname(a), n));
    } else walk(a);
  }
  return { files: [...new Set(files)], missing };
}

export interface IngestSummary {
  total: number;
  stored: number;
  skipped: number;
  superseded: number;
  failed: { path: string; message: string }[];
}

type Q = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Stores one parsed report in one transaction. Returns what happened. */
export async function storeReport(db: Db, report: Report, path: string): Promise<'stored' | 'skipped' | 'superseded'> {
  return db.transaction(async (q) => {
    const same = await q<{ id: number }>('select id from reports where sha256 = $1 and parser_version = $2', [report.source.sha256, PARSER_VERSION]);
    if (same.length) return 'skipped';
    const older = await q<{ id: number }>('select id from reports where sha256 = $1 and superseded_by is null', [report.source.sha256]);
    const bodyId = await bodyOf(q, report);
    const errors = report.findings.filter((f) => f.severity === 'error').length;
    const warnings = report.findings.filter((f) => f.severity === 'warning').length;
    const { text: _text, ...stored } = report;
    void _text;
    const [{ id }] = await q<{ id: number }>(
      `insert into reports (body_id, year, template, published, sha256, path, format, parser_version, errors, warnings, report)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) returning id`,
      [bodyId, report.meta.year, report.meta.template, report.meta.published, report.source.sha256, path, report.source.format, PARSER_VERSION, errors, warnings, JSON.stringify(stored)],
    );
    await insertCells(q, id, report);
    await insertRows(q, 'findings', ['report_id', 'rule', 'severity', 'message', 'cells'], report.findings.map((f) => [id, f.rule, f.severity, f.message, f.cells]));
    await insertRows(q, 'facts', ['report_id', 'kind', 'value', 'unit', 'cell'], report.narrative.facts.map((f) => [id, f.kind, f.value, f.unit, f.cell ?? null]));
    if (older.length) {
      await q('update reports set superseded_by = $1 where id = any($2::int[])', [id, older.map((o) => o.id)]);
      return 'superseded';
    }
    return 'stored';
  });
}

async function bodyOf(q: Q, report: Report): Promise<number | null> {
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

async function insertCells(q: Q, reportId: number, report: Report) {
  const rows: unknown[][] = [];
  for (const [tbl, table] of Object.entries(report.tables)) {
    for (const [row, cols] of Object.entries(table ?? {})) {
      for (const [col, c] of Object.entries(cols)) rows.push([reportId, tbl, row, col, c.value, c.status, c.span?.[0] ?? null, c.span?.[1] ?? null, c.page ?? null]);
    }
  }
  await insertRows(q, 'cells', ['report_id', 'tbl', 'row_key', 'col_key', 'value', 'status', 'span_start', 'span_end', 'page'], rows);
}

/** Multi-row INSERT in chunks (one round trip per few hundred rows). */
async function insertRows(q: Q, table: string, cols: string[], rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const params: unknown[] = [];
    const values = chunk.map((r) => `(${r.map((v) => { params.push(v); return `$${params.length}`; }).join(',')})`);
    await q(`insert into ${table} (${cols.join(',')}) values ${values.join(',')}`, params);
  }
}

export interface IngestOptions {
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Parses the files in worker threads and stores each result as it arrives. */
export async function ingest(db: Db, files: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const summary: IngestSummary = { total: files.length, stored: 0, skipped: 0, superseded: 0, failed: [] };
  if (!files.length) return summary;
  // Files already stored with this parser version are not parsed again.
  const known = new Set((await db.query<{ sha256: string }>('select sha256 from reports where parser_version = $1', [PARSER_VERSION])).map((r) => r.sha256));
  const todo: string[] = [];
  let done = 0;
  for (const f of files) {
    try {
      const sha = createHash('sha256').update(readFileSync(f)).digest('hex');
      if (known.has(sha)) { summary.skipped++; done++; continue; }
      todo.push(f);
    } catch (err) {
      summary.failed.push({ path: f, message: `无法读取 / cannot read: ${(err as Error).message}` });
      done++;
    }
  }
  opts.onProgress?.(done, files.length);
  const n = Math.max(1, Math.min(opts.workers ?? availableParallelism(), todo.length));
  let next = 0;
  let writes = Promise.resolve();
  const record = (path: string, msg: { report?: Report; error?: string }) => {
    writes = writes.then(async () => {
      if (msg.report) {
        const r = await storeReport(db, msg.report, path);
        if (r === 'stored') summary.stored++;
        else if (r === 'skipped') summary.skipped++;
        else { summary.stored++; summary.superseded++; }
      } else {
        summary.failed.push({ path, message: msg.error ?? 'unknown error' });
        await db.query('insert into ingest_errors (path, message) values ($1, $2)', [path, msg.error ?? '']);
      }
      done++;
      opts.onProgress?.(done, files.length);
    });
  };
  await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    const feed = () => {
      if (next >= todo.length) {
        void worker.terminate().then(() => resolve());
        return;
      }
      const path = todo[next++];
      worker.once('message', (msg: { report?: Report; error?: string }) => {
        record(path, msg);
        feed();
      });
      worker.postMessage({ path });
    };
    worker.once('error', reject);
    feed();
  })));
  await writes;
  return summary;
}
