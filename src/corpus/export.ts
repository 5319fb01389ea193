// Exports of the stored corpus (CSV, JSON Lines, XLSX; wide or long; filtered) and the
// per-cell aggregate of a region for a year with the template's rules re-checked on the sums.

import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { columnsOf, TEMPLATES, type TableKey } from '../template/index.js';
import type { TemplateVersion } from '../types.js';
import type { Db } from './db.js';

export interface ExportFilter {
  body?: string;
  region?: string;
  level?: string;
  year?: number;
  template?: string;
  hasErrors?: boolean;
}

export interface ReportRow {
  id: number;
  body: string | null;
  region: string | null;
  level: string | null;
  division_code: string | null;
  year: number | null;
  template: string;
  published: string | null;
  path: string;
  sha256: string;
  errors: number;
  warnings: number;
}

/** Current (non-superseded) reports matching the filter. Text filters match a part of the name. */
export async function selectReports(db: Db, f: ExportFilter): Promise<ReportRow[]> {
  const where: string[] = ['r.superseded_by is null'];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (f.body) add('b.name like ?', `%${f.body}%`);
  if (f.region) add('b.region like ?', `%${f.region}%`);
  if (f.level) add('b.level = ?', f.level);
  if (f.year !== undefined) add('r.year = ?', f.year);
  if (f.template) add('r.template = ?', f.template);
  if (f.hasErrors) where.push(`exists (select 1 from findings e where e.report_id = r.id and e.severity = 'error')`);
  const rows = await db.query<ReportRow>(
    `select r.id, b.name as body, b.region, b.level, b.division_code, r.year, r.template, to_char(r.published, 'YYYY-MM-DD') as published,
            r.path, r.sha256,
            (select count(*) from findings e where e.report_id = r.id and e.severity = 'error')::int as errors,
            (select count(*) from findings e where e.report_id = r.id and e.severity = 'warning')::int as warnings
     from reports r left join bodies b on b.id = r.body_id
     where ${where.join(' and ')} order by b.name, r.year, r.id`, params,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

const TABLES: TableKey[] = ['active', 'requests', 'review_litigation'];

/** Every cell path `table.row.col` of the template versions, in template order (2021 first, then what only 2019 has). */
export function cellPaths(versions: TemplateVersion[] = ['2021', '2019']): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of versions) {
    for (const tk of TABLES) {
      const t = TEMPLATES[v].tables[tk];
      for (const row of t.rows.filter((r) => !r.group)) {
        for (const c of columnsOf(t, row)) {
          const p = `${tk}.${row.key}.${c.key}`;
          if (!seen.has(p)) { seen.add(p); out.push(p); }
        }
      }
    }
  }
  return out;
}

interface CellRow { report_id: number; tbl: string; row_key: string; col_key: string; value: string | null; status: string }

const decided = (c: CellRow) => c.value !== null && (c.status === 'read' || c.status === 'blank' || c.status === 'inferred');

async function cellsOf(db: Db, ids: number[]): Promise<Map<number, Map<string, CellRow>>> {
  const rows = await db.query<CellRow>(
    'select report_id, tbl, row_key, col_key, value, status from cells where report_id = any($1::int[])', [ids]);
  const out = new Map<number, Map<string, CellRow>>();
  for (const c of rows) {
    const id = Number(c.report_id);
    let m = out.get(id);
    if (!m) out.set(id, (m = new Map()));
    m.set(`${c.tbl}.${c.row_key}.${c.col_key}`, c);
  }
  return out;
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const META_COLS = ['report_id', 'body', 'region', 'level', 'division_code', 'year', 'template', 'published', 'path', 'sha256', 'errors', 'warnings'] as const;
const metaOf = (r: ReportRow) => ({
  report_id: r.id, body: r.body, region: r.region, level: r.level, division_code: r.division_code, year: r.year,
  template: r.template, published: r.published, path: r.path, sha256: r.sha256, errors: r.errors, warnings: r.warnings,
});

export type ExportFormat = 'csv' | 'jsonl' | 'xlsx';

/**
 * CSV or JSON Lines, written chunk by chunk (500 reports at a time). Wide: one row per report,
 * one column per cell path (undecided cells empty / null). Long: one row per cell, with its status.
 */
export async function exportText(db: Db, f: ExportFilter, format: 'csv' | 'jsonl', long: boolean, write: (s: string) => void | Promise<void>): Promise<number> {
  const reports = await selectReports(db, f);
  const paths = cellPaths();
  const longCols = [...META_COLS, 'table', 'row', 'column', 'value', 'status'];
  if (format === 'csv') await write((long ? longCols : [...META_COLS, ...paths]).join(',') + '\n');
  for (let i = 0; i < reports.length; i += 500) {
    const chunk = reports.slice(i, i + 500);
    const cells = await cellsOf(db, chunk.map((r) => r.id));
    const lines: string[] = [];
    for (const r of chunk) {
      const m = cells.get(r.id) ?? new Map<string, CellRow>();
      if (long) {
        for (const p of paths) {
          const c = m.get(p);
          if (!c) continue;
          const row = { ...metaOf(r), table: c.tbl, row: c.row_key, column: c.col_key, value: c.value === null ? null : Number(c.value), status: c.status };
          lines.push(format === 'jsonl' ? JSON.stringify(row) : longCols.map((h) => csvCell((row as Record<string, unknown>)[h])).join(','));
        }
      } else {
        const values = paths.map((p) => { const c = m.get(p); return c && decided(c) ? Number(c.value) : null; });
        if (format === 'jsonl') {
          const cellsObj: Record<string, number | null> = {};
          paths.forEach((p, k) => { if (m.has(p)) cellsObj[p] = values[k]; });
          lines.push(JSON.stringify({ ...metaOf(r), cells: cellsObj }));
        } else lines.push([...META_COLS.map((h) => csvCell(metaOf(r)[h])), ...values.map(csvCell)].join(','));
      }
    }
    if (lines.length) await write(lines.join('\n') + '\n');
  }
  return reports.length;
}

/** The template's layout of one report as rows of cells: headings, column labels, row labels, values. */
export function layoutRows(version: TemplateVersion, value: (path: string) => number | string | null, present: (table: TableKey) => boolean): (string | number | null)[][] {
  const out: (string | number | null)[][] = [];
  const t = TEMPLATES[version];
  for (const tk of TABLES) {
    const table = t.tables[tk];
    out.push([`${table.headingNumber}、${table.heading}`]);
    if (!present(tk)) {
      out.push(['（报告中没有此表 / table absent）']);
      out.push([]);
      continue;
    }
    let header = '';
    for (const row of table.rows) {
      const cols = columnsOf(table, row);
      const h = [table.labelHeader ?? '', ...cols.map((c) => c.label)];
      if (h.join('|') !== header && !row.group) {
        header = h.join('|');
        out.push(h);
      }
      const label = `${row.numbering ?? ''}${row.label}`;
      if (row.group) out.push([label]);
      else out.push([label, ...cols.map((c) => value(`${tk}.${row.key}.${c.key}`))]);
    }
    out.push([]);
  }
  return out;
}

function sheetName(r: ReportRow, used: Set<string>): string {
  let base = `${r.id} ${r.body ?? ''} ${r.year ?? ''}`.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31);
  while (used.has(base)) base = `${base.slice(0, 28)}~${used.size}`;
  used.add(base);
  return base;
}

/** XLSX: a summary sheet (one row per report) and one sheet per report laid out like the template. Streams to `out`. */
export async function exportXlsx(db: Db, f: ExportFilter, out: string | Writable): Promise<number> {
  const reports = await selectReports(db, f);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter(typeof out === 'string' ? { stream: createWriteStream(out), useStyles: true } : { stream: out, useStyles: true });
  const summary = wb.addWorksheet('汇总 summary');
  summary.columns = [...META_COLS.map((k) => ({ header: k, key: k, width: k === 'body' || k === 'path' ? 30 : 12 })), { header: 'sheet', key: 'sheet', width: 30 }];
  const used = new Set<string>(['汇总 summary']);
  const names = reports.map((r) => sheetName(r, used));
  reports.forEach((r, i) => summary.addRow({ ...metaOf(r), sheet: names[i] }).commit());
  summary.commit();
  for (let i = 0; i < reports.length; i += 200) {
    const chunk = reports.slice(i, i + 200);
    const cells = await cellsOf(db, chunk.map((r) => r.id));
    for (const [k, r] of chunk.entries()) {
      const ws = wb.addWorksheet(names[i + k]);
      ws.getColumn(1).width = 48;
      const m = cells.get(r.id) ?? new Map<string, CellRow>();
      ws.addRow([`${r.body ?? '（未识别机关）'} ${r.year ?? ''}年 — 模板 template ${r.template}`]).commit();
      ws.addRow([r.path]).commit();
      const version: TemplateVersion = r.template === '2019' ? '2019' : '2021';
      const value = (p: string) => {
        const c = m.get(p);
        if (!c) return null;
        if (decided(c)) return Number(c.value);
        return c.status === 'ambiguous' ? '?' : null;
      };
      const present = (tk: TableKey) => [...m.keys()].some((p) => p.startsWith(`${tk}.`));
      for (const row of layoutRows(version, value, present)) ws.addRow(row).commit();
      ws.commit();
    }
  }
  await wb.commit();
  return reports.length;
}

// ---------------------------------------------------------------- aggregate

export interface Aggregate {
  template: TemplateVersion;
  reports: number;
  /** path → sum over the reports whose cell is decided */
  sums: Record<string, number>;
  /** path → how many reports left that cell undecided (ambiguous or missing): the sum is a lower bound there */
  undecided: Record<string, number>;
  /** rules of the template that the sums break */
  broken: { rule: string; statement: string; cells: string[]; difference: number }[];
}

/** Per-cell sums over the current reports of a year (and region / body), per template, with the rules re-checked. */
export async function aggregate(db: Db, f: { year: number; region?: string; body?: string; level?: string }): Promise<Aggregate[]> {
  const reports = await selectReports(db, f);
  const out: Aggregate[] = [];
  for (const template of ['2019', '2021'] as const) {
    const ids = reports.filter((r) => r.template === template).map((r) => r.id);
    if (!ids.length) continue;
    const rows = await db.query<{ path: string; sum: string | null; undecided: number }>(
      `select tbl || '.' || row_key || '.' || col_key as path,
              sum(value) filter (where status in ('read', 'blank', 'inferred')) as sum,
              count(*) filter (where status not in ('read', 'blank', 'inferred') or value is null)::int as undecided
       from cells where report_id = any($1::int[]) group by 1`, [ids]);
    const sums: Record<string, number> = {};
    const undecided: Record<string, number> = {};
    for (const r of rows) {
      sums[r.path] = Number(r.sum ?? 0);
      if (r.undecided) undecided[r.path] = Number(r.undecided);
    }
    const broken = TEMPLATES[template].rules
      .filter((rule) => rule.terms.every((t) => t.cell in sums && !(t.cell in undecided)))
      .map((rule) => ({ rule, difference: rule.terms.reduce((s, t) => s + t.coef * sums[t.cell], 0) }))
      .filter((x) => Math.abs(x.difference) > 1e-6)
      .map(({ rule, difference }) => ({ rule: rule.id, statement: rule.statement, cells: rule.terms.map((t) => t.cell), difference }));
    out.push({ template, reports: ids.length, sums, undecided, broken });
  }
  return out;
}

/** Aggregate as text: the template's tables with the sums (undecided counts in brackets), then the broken rules. */
export function renderAggregate(a: Aggregate): string {
  const lines: string[] = [`模板 template ${a.template}：${a.reports} 份报告 / reports`];
  const value = (p: string) => (p in a.sums ? (a.undecided[p] ? `${a.sums[p]}(+${a.undecided[p]}?)` : a.sums[p]) : null);
  const present = (tk: TableKey) => Object.keys(a.sums).some((p) => p.startsWith(`${tk}.`));
  for (const row of layoutRows(a.template, value, present)) lines.push(row.map((c) => (c === null ? '' : String(c))).join('\t'));
  if (!a.broken.length) lines.push('合计数的勾稽关系全部成立 / every rule holds on the sums');
  for (const b of a.broken) lines.push(`勾稽关系不成立 rule broken: ${b.rule} — ${b.statement}（差 difference ${b.difference}）`);
  return lines.join('\n');
}
