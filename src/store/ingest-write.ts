// Ingest, the writing: a batch of parsed reports written whole in one transaction (COPY text).

import type { Column, Db, Queryable } from './db.js';
import { ensureCellKeys } from './migrations.js';
import { copyLines, withId } from './copy.js';
import { leanCopy, type BodyInfo, type PreparedReport } from './model.js';
import { compareVersions } from './version.js';
import { FileEntry } from './ingest-paths.js';

// ---------------------------------------------------------------- writing

export type Item =
  | { kind: 'report'; entry: FileEntry; report: PreparedReport; original: string | null; bytes?: Uint8Array }
  /** bytes already stored: only the name is recorded */
  | { kind: 'path'; entry: FileEntry; sha256: string; duplicate: boolean }
  | { kind: 'failed'; entry: FileEntry; sha256: string | null; message: string; earlier?: boolean }
  /** unchanged since it was stored (queue mode: only the queue row is closed) */
  | { kind: 'skip'; entry: FileEntry };

/** How long the writer waits for a batch to fill while the workers are still parsing. */
export const FILL_MS = 250;
/** Fewest new files for which a PGlite ingest leaves the cells key out until the end. */
export const DEFER_KEY_MIN = 2000;
/** Reports written by one run into PGlite (and a tenth of those stored before) past which it ends with ANALYZE. */
export const ANALYZE_MIN = 1000;

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

export interface WriteContext {
  db: Db;
  version: string;
  queue: boolean;
  bodyCache: Map<string, number>;
}

/** Writes a batch of items in the given transaction; returns each item's outcome and the bodies it resolved. */
export async function writeBatch(q: Queryable, items: Item[], ctx: WriteContext): Promise<{ outcomes: Outcome[]; bodies: Map<string, number> }> {
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
