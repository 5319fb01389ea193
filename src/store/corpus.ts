// Questions over the stored corpus: checks across a body's reports (spec §6.3 and more), and
// exports (CSV / JSON Lines, wide or long) with filters.

import { TEMPLATES } from '../template/index.js';
import type { Finding } from '../types.js';
import type { Db } from './db.js';

export interface CorpusFinding extends Finding {
  body: string;
  years: number[];
}

const REQUEST_COLS = TEMPLATES['2021'].tables.requests.columns.map((c) => c.key);

/** Checks that need several reports of the same body. */
export async function checkCorpus(db: Db): Promise<CorpusFinding[]> {
  const out: CorpusFinding[] = [];
  const reports = await db.query<{ id: number; body: string; year: number; sha256: string }>(
    `select r.id, b.name as body, r.year, r.sha256 from reports r join bodies b on b.id = r.body_id
     where r.superseded_by is null and r.year is not null order by b.name, r.year`,
  );
  const cells = await db.query<{ report_id: number; row_key: string; col_key: string; value: string | null; status: string }>(
    `select report_id, row_key, col_key, value, status from cells
     where tbl = 'requests' and row_key in ('carried_over', 'carried_forward', 'new_received')`,
  );
  const val = new Map<string, number>();
  for (const c of cells) if (c.value !== null && c.status !== 'ambiguous' && c.status !== 'missing') val.set(`${c.report_id}.${c.row_key}.${c.col_key}`, Number(c.value));
  const byBody = new Map<string, typeof reports>();
  for (const r of reports) byBody.set(r.body, [...(byBody.get(r.body) ?? []), r]);
  for (const [body, list] of byBody) {
    const byYear = new Map(list.map((r) => [r.year, r]));
    for (const r of list) {
      const prev = byYear.get(r.year - 1);
      if (prev) {
        const bad = REQUEST_COLS.filter((c) => {
          const now = val.get(`${r.id}.carried_over.${c}`), before = val.get(`${prev.id}.carried_forward.${c}`);
          return now !== undefined && before !== undefined && now !== before;
        });
        if (bad.length) {
          out.push({
            rule: 'requests.carry_continuity', severity: 'warning', body, years: [r.year - 1, r.year], cells: bad.map((c) => `requests.carried_over.${c}`),
            message: `${body}：${r.year}年“上年结转”与${r.year - 1}年“结转下年度继续办理”不一致（${bad.map((c) => `${c} ${val.get(`${r.id}.carried_over.${c}`)} ≠ ${val.get(`${prev.id}.carried_forward.${c}`)}`).join('，')}） / carried over ≠ last year's carried forward`,
          });
        }
        const a = val.get(`${prev.id}.new_received.total`), b = val.get(`${r.id}.new_received.total`);
        if (a !== undefined && b !== undefined && ((a >= 5 && b >= a * 10) || (b >= 5 && a >= b * 10) || (a >= 50 && b === 0))) {
          out.push({ rule: 'corpus.implausible_jump', severity: 'warning', body, years: [r.year - 1, r.year], cells: ['requests.new_received.total'],
            message: `${body}：新收申请从${r.year - 1}年的 ${a} 件变为${r.year}年的 ${b} 件，变化异常 / implausible jump in applications received` });
        }
      }
    }
    const years = list.map((r) => r.year);
    for (let y = Math.min(...years) + 1; y < Math.max(...years); y++) {
      if (!byYear.has(y)) out.push({ rule: 'corpus.year_missing', severity: 'info', body, years: [y], cells: [], message: `${body}：缺少${y}年的报告 / no report for ${y}` });
    }
  }
  // The same cells filed twice under different bytes (a report uploaded twice, renamed or re-saved).
  const dup = await db.query<{ a: number; b: number; pa: string; pb: string; body: string | null; year: number | null }>(
    `with sig as (
       select r.id, r.path, r.year, r.body_id, md5(string_agg(c.tbl || '.' || c.row_key || '.' || c.col_key || '=' || coalesce(c.value::text, '?'), ',' order by c.tbl, c.row_key, c.col_key)) as s
       from reports r join cells c on c.report_id = r.id where r.superseded_by is null
       group by r.id having bool_or(c.value <> 0))
     select x.id as a, y.id as b, x.path as pa, y.path as pb, b.name as body, x.year from sig x join sig y on x.s = y.s and x.id < y.id
       and x.year is not distinct from y.year
     left join bodies b on b.id = x.body_id`,
  );
  for (const d of dup) {
    out.push({ rule: 'corpus.duplicate_report', severity: 'warning', body: d.body ?? '', years: d.year ? [d.year] : [], cells: [],
      message: `同一份报告存了两次：${d.pa} 与 ${d.pb} 的表格完全相同 / the same tables filed twice` });
  }
  return out;
}

export interface ExportFilter {
  body?: string;
  region?: string;
  level?: string;
  year?: number;
  template?: string;
  hasErrors?: boolean;
}

/** Reports matching the filter (current versions only). */
export async function selectReports(db: Db, f: ExportFilter): Promise<{ id: number; body: string | null; region: string | null; level: string | null; year: number | null; template: string; path: string; errors: number }[]> {
  const where: string[] = ['r.superseded_by is null'];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
  if (f.body) add('b.name like ?', `%${f.body}%`);
  if (f.region) add('b.region like ?', `%${f.region}%`);
  if (f.level) add('b.level = ?', f.level);
  if (f.year !== undefined) add('r.year = ?', f.year);
  if (f.template) add('r.template = ?', f.template);
  if (f.hasErrors) where.push('r.errors > 0');
  return db.query(
    `select r.id, b.name as body, b.region, b.level, r.year, r.template, r.path, r.errors from reports r left join bodies b on b.id = r.body_id
     where ${where.join(' and ')} order by b.name, r.year, r.id`, params,
  );
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV or JSON Lines; wide = one row per report, one column per cell; long = one row per cell. */
export async function exportCorpus(db: Db, f: ExportFilter, format: 'csv' | 'jsonl', long: boolean): Promise<string> {
  const reports = await selectReports(db, f);
  if (!reports.length) return format === 'csv' ? '' : '';
  const ids = reports.map((r) => r.id);
  const cells = await db.query<{ report_id: number; tbl: string; row_key: string; col_key: string; value: string | null; status: string }>(
    'select report_id, tbl, row_key, col_key, value, status from cells where report_id = any($1::int[]) order by report_id, tbl, row_key, col_key', [ids],
  );
  const meta = (r: (typeof reports)[number]) => ({ report_id: r.id, body: r.body, region: r.region, level: r.level, year: r.year, template: r.template, path: r.path, errors: r.errors });
  if (long) {
    const byId = new Map(reports.map((r) => [r.id, r]));
    const rows = cells.map((c) => ({ ...meta(byId.get(c.report_id)!), table: c.tbl, row: c.row_key, column: c.col_key, value: c.value === null ? null : Number(c.value), status: c.status }));
    if (format === 'jsonl') return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const head = Object.keys(rows[0] ?? meta(reports[0]));
    return [head.join(','), ...rows.map((r) => head.map((h) => csvCell((r as Record<string, unknown>)[h])).join(','))].join('\n') + '\n';
  }
  const paths = [...new Set(cells.map((c) => `${c.tbl}.${c.row_key}.${c.col_key}`))].sort();
  const byReport = new Map<number, Record<string, number | null>>();
  for (const c of cells) {
    const m = byReport.get(c.report_id) ?? {};
    m[`${c.tbl}.${c.row_key}.${c.col_key}`] = c.status === 'ambiguous' || c.status === 'missing' || c.value === null ? null : Number(c.value);
    byReport.set(c.report_id, m);
  }
  const rows = reports.map((r) => ({ ...meta(r), ...Object.fromEntries(paths.map((p) => [p, byReport.get(r.id)?.[p] ?? null])) }));
  if (format === 'jsonl') return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const head = Object.keys(rows[0]);
  return [head.join(','), ...rows.map((r) => head.map((h) => csvCell((r as Record<string, unknown>)[h])).join(','))].join('\n') + '\n';
}

export interface Aggregate {
  template: string;
  reports: number;
  /** path → sum over the reports whose cell is decided */
  sums: Record<string, number>;
  /** path → how many reports left that cell undecided (ambiguous or missing): the sum is a lower bound there */
  undecided: Record<string, number>;
  /** rules of the template that the sums break */
  broken: { rule: string; statement: string; cells: string[] }[];
}

/** The sum of every cell over the reports of a region (or a body name part) for a year, per template, rules re-checked. */
export async function aggregate(db: Db, f: { year: number; region?: string; body?: string }): Promise<Aggregate[]> {
  const reports = await selectReports(db, { year: f.year, region: f.region, body: f.body });
  const out: Aggregate[] = [];
  for (const template of ['2019', '2021'] as const) {
    const ids = reports.filter((r) => r.template === template).map((r) => r.id);
    if (!ids.length) continue;
    const rows = await db.query<{ path: string; sum: string | null; undecided: number }>(
      `select tbl || '.' || row_key || '.' || col_key as path,
              sum(value) filter (where status in ('read', 'blank', 'inferred')) as sum,
              count(*) filter (where status not in ('read', 'blank', 'inferred'))::int as undecided
       from cells where report_id = any($1::int[]) group by 1`, [ids],
    );
    const sums: Record<string, number> = {};
    const undecided: Record<string, number> = {};
    for (const r of rows) {
      sums[r.path] = Number(r.sum ?? 0);
      if (r.undecided) undecided[r.path] = r.undecided;
    }
    const broken = TEMPLATES[template].rules
      .filter((rule) => rule.terms.every((t) => t.cell in sums && !(t.cell in undecided)))
      .filter((rule) => Math.abs(rule.terms.reduce((s, t) => s + t.coef * sums[t.cell], 0)) > 1e-6)
      .map((rule) => ({ rule: rule.id, statement: rule.statement, cells: rule.terms.map((t) => t.cell) }));
    out.push({ template, reports: ids.length, sums, undecided, broken });
  }
  return out;
}
