// Queries behind the web app's corpus pages: a page of matching reports, one stored report (and
// its original bytes), bodies, a body's years and key cells over time, totals by region and year,
// and the reports that stand for a body's year (for comparisons). Labels and the rows that make up
// each chart come from TEMPLATES, never spelled here.

import { readFile } from 'node:fs/promises';
import { basename, resolve, sep } from 'node:path';
import { isTemplateVersion, TEMPLATES, type TableDef } from '../template/index.js';
import type { Report, TemplateVersion } from '../types.js';
import type { Db } from './db.js';
import { cellsOf, filterSql, isDecided, type ReportFilter, type ReportRow, type StoredCell } from './export.js';
import { DECIDED_SQL } from './model.js';

export interface Page {
  limit: number;
  offset: number;
}

/** A report as listed: its body, year, template and problem counts; the file by its name only. */
export type ReportItem = Pick<ReportRow, 'id' | 'body' | 'body_id' | 'region' | 'level' | 'division_code' | 'year' | 'template' | 'published' | 'format' | 'cell_count' | 'errors' | 'warnings'> & {
  /** The file's name (never the server's path). */
  file: string;
  /** Cells the source does not decide (ambiguous or missing). */
  undecided: number;
};

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const ITEM_SELECT = `
  select r.id, b.name as body, r.body_id, b.region, b.level, b.division_code, r.year::int as year, r.template,
         to_char(r.published, 'YYYY-MM-DD') as published, r.path, r.format, r.cell_count, r.errors, r.warnings,
         (select count(*) from cells c where c.report_id = r.id and c.status not in ${DECIDED_SQL})::int as undecided
  from reports r left join bodies b on b.id = r.body_id`;

type ItemRow = Omit<ReportItem, 'file'> & { path: string };

const toItem = (r: ItemRow): ReportItem => ({
  id: num(r.id), body: r.body, body_id: numOrNull(r.body_id), region: r.region, level: r.level, division_code: r.division_code,
  year: numOrNull(r.year), template: r.template, published: r.published, file: basename(r.path.replace(/\\/g, '/')), format: r.format,
  cell_count: num(r.cell_count), undecided: num(r.undecided), errors: num(r.errors), warnings: num(r.warnings),
});

/** One page of the reports matching the filter (by body name, then newest year first) and how many match. */
export async function searchReports(db: Db, f: ReportFilter, page: Page): Promise<{ total: number; items: ReportItem[] }> {
  const params: unknown[] = [];
  const where = filterSql(f, params);
  const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from reports r left join bodies b on b.id = r.body_id ${where}`, params);
  const rows = await db.query<ItemRow>(
    `${ITEM_SELECT} ${where} order by b.name nulls last, r.year desc nulls last, r.id limit ${Math.floor(page.limit)} offset ${Math.floor(page.offset)}`, params);
  return { total: num(n), items: rows.map(toItem) };
}

export interface StoredReport extends ReportItem {
  sha256: string;
  parser_version: string;
  /** Where the original bytes are: a name inside the files folder, 'db' (the originals table) or null. */
  original: string | null;
  report: Report;
}

export async function reportById(db: Db, id: number): Promise<StoredReport | null> {
  const rows = await db.query<ItemRow & { sha256: string; parser_version: string; original: string | null; report: Report | string }>(
    `${ITEM_SELECT.replace('r.warnings,', 'r.warnings, r.sha256, r.parser_version, r.original, r.report,')} where r.id = $1`, [id]);
  if (!rows.length) return null;
  const r = rows[0];
  return { ...toItem(r), sha256: r.sha256, parser_version: r.parser_version, original: r.original, report: typeof r.report === 'string' ? JSON.parse(r.report) : r.report };
}

/** The original bytes of a stored report, or null when they were not kept (or are gone). */
export async function originalBytes(db: Db, r: Pick<StoredReport, 'original' | 'sha256'>): Promise<Uint8Array | null> {
  if (!r.original) return null;
  if (r.original === 'db') {
    const rows = await db.query<{ bytes: Uint8Array }>('select bytes from originals where sha256 = $1', [r.sha256]);
    return rows.length ? new Uint8Array(rows[0].bytes) : null;
  }
  if (!db.filesDir) return null;
  const root = resolve(db.filesDir);
  const path = resolve(root, r.original);
  if (!path.startsWith(root + sep)) return null; // only ever inside the files folder
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- corpus facts

export interface CorpusFacets {
  reports: number;
  bodies: number;
  years: { year: number; reports: number }[];
  templates: { template: string; reports: number }[];
  levels: { level: string; bodies: number }[];
  latest_year: number | null;
}

/** What the search form offers: years, templates and levels present, with counts. */
export async function corpusFacets(db: Db): Promise<CorpusFacets> {
  const [counts] = await db.query<{ reports: number; bodies: number }>('select (select count(*) from reports)::int as reports, (select count(*) from bodies)::int as bodies');
  const years = await db.query<{ year: number; reports: number }>('select year::int as year, count(*)::int as reports from reports where year is not null group by year order by year');
  const templates = await db.query<{ template: string; reports: number }>('select template, count(*)::int as reports from reports group by template order by template');
  const levels = await db.query<{ level: string; bodies: number }>('select level, count(*)::int as bodies from bodies where level is not null group by level order by level');
  const ys = years.map((y) => ({ year: num(y.year), reports: num(y.reports) }));
  return {
    reports: num(counts.reports), bodies: num(counts.bodies), years: ys,
    templates: templates.map((t) => ({ template: t.template, reports: num(t.reports) })),
    levels: levels.map((l) => ({ level: l.level, bodies: num(l.bodies) })),
    latest_year: ys.length ? ys[ys.length - 1].year : null,
  };
}

// ---------------------------------------------------------------- bodies

export interface BodyItem {
  id: number;
  name: string;
  level: string | null;
  region: string | null;
  division_code: string | null;
  reports: number;
  first_year: number | null;
  last_year: number | null;
  with_errors: number;
}

export type BodyFilter = Pick<ReportFilter, 'body' | 'region' | 'parent' | 'level'>;

const toBody = (b: BodyItem): BodyItem => ({
  ...b, id: num(b.id), reports: num(b.reports), first_year: numOrNull(b.first_year), last_year: numOrNull(b.last_year), with_errors: num(b.with_errors),
});

/** Bodies whose name, region or level match, with their report counts and years. */
export async function searchBodies(db: Db, f: BodyFilter, page: Page): Promise<{ total: number; items: BodyItem[] }> {
  const params: unknown[] = [];
  // only the body clauses of the report filter: they name `b.` columns alone
  const where = filterSql({ body: f.body, region: f.region, parent: f.parent, level: f.level }, params);
  const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from bodies b ${where}`, params);
  const rows = await db.query<BodyItem>(
    `select b.id, b.name, b.level, b.region, b.division_code, count(r.id)::int as reports, min(r.year)::int as first_year, max(r.year)::int as last_year,
            count(r.id) filter (where r.errors > 0)::int as with_errors
     from bodies b left join reports r on r.body_id = b.id ${where}
     group by b.id order by b.name limit ${Math.floor(page.limit)} offset ${Math.floor(page.offset)}`, params);
  return { total: num(n), items: rows.map(toBody) };
}

export async function bodyById(db: Db, id: number): Promise<BodyItem | null> {
  const rows = await db.query<BodyItem>(
    `select b.id, b.name, b.level, b.region, b.division_code, count(r.id)::int as reports, min(r.year)::int as first_year, max(r.year)::int as last_year,
            count(r.id) filter (where r.errors > 0)::int as with_errors
     from bodies b left join reports r on r.body_id = b.id where b.id = $1 group by b.id`, [id]);
  return rows.length ? toBody(rows[0]) : null;
}

/** Other bodies with the same division code and level: often the same body under another name. */
export async function sameCodeBodies(db: Db, body: BodyItem): Promise<{ id: number; name: string }[]> {
  if (!body.division_code) return [];
  const rows = await db.query<{ id: number; name: string }>(
    'select id, name from bodies where division_code = $1 and level is not distinct from $2 and id <> $3 order by name limit 20', [body.division_code, body.level, body.id]);
  return rows.map((r) => ({ id: num(r.id), name: r.name }));
}

/** The corpus's latest report year. */
export async function latestYear(db: Db): Promise<number | null> {
  const [{ y }] = await db.query<{ y: number | null }>('select max(year)::int as y from reports');
  return numOrNull(y);
}

// ---------------------------------------------------------------- the report that stands for a body's year

/** Order that picks a body's report for a year when it has several: fewest errors, most cells, latest (as checkCorpus does). */
const STANDS_FOR = 'r.errors, r.cell_count desc, r.published desc nulls last, r.id desc';

export interface YearReport {
  id: number;
  body_id: number;
  body: string;
  region: string | null;
  year: number;
  template: string;
  errors: number;
  warnings: number;
}

/** For the bodies matching the filter, the report that stands for each of the given years. */
export async function yearReports(db: Db, f: ReportFilter, years: number[]): Promise<YearReport[]> {
  const params: unknown[] = [];
  const where = filterSql({ ...f, year: undefined }, params);
  params.push(years);
  const clause = `r.body_id is not null and r.year = any($${params.length}::int[])`;
  const rows = await db.query<YearReport>(
    `select distinct on (r.body_id, r.year) r.id, r.body_id, b.name as body, b.region, r.year::int as year, r.template, r.errors, r.warnings
     from reports r join bodies b on b.id = r.body_id ${where ? `${where} and ${clause}` : `where ${clause}`}
     order by r.body_id, r.year, ${STANDS_FOR}`, params);
  return rows.map((r) => ({ ...r, id: num(r.id), body_id: num(r.body_id), year: num(r.year), errors: num(r.errors), warnings: num(r.warnings) }));
}

// ---------------------------------------------------------------- a body's page

export interface Series {
  key: string;
  label: string;
  /** One value per year of the page (null: no report, or the cells are undecided). */
  values: (number | null)[];
  /** Per year: the report has the cells but some of them are undecided. */
  undecided: boolean[];
}

export interface Chart {
  key: 'applicants' | 'outcomes' | 'review';
  title: string;
  /** The cells the chart is drawn from, for the note under it. */
  cells: string;
  series: Series[];
}

export interface BodyYear {
  year: number;
  /** The body's reports of that year (usually one); empty: no report in the corpus. */
  reports: { id: number; template: string; errors: number; warnings: number; published: string | null; file: string }[];
  /** The report the charts use for that year. */
  chosen: number | null;
}

const CURRENT: TemplateVersion = '2021';
const totalCol = (t: TableDef) => t.columns.find((c) => c.isTotal)?.key ?? 'total';
const rowLabel = (t: TableDef, key: string) => {
  const r = t.rows.find((x) => x.key === key);
  return r ? `${r.numbering ?? ''}${r.label}` : key;
};

/** Sum of decided cells; null when any is undecided or absent. */
function sumCells(cells: Map<string, StoredCell> | undefined, paths: string[]): { value: number | null; undecided: boolean } {
  if (!cells || !paths.length) return { value: null, undecided: false };
  let s = 0;
  let present = false;
  for (const p of paths) {
    const c = cells.get(p);
    if (!c) return { value: null, undecided: present };
    present = true;
    if (!isDecided(c)) return { value: null, undecided: true };
    s += c.value;
  }
  return { value: Math.round(s * 1e6) / 1e6, undecided: false };
}

/** The leaf rows under a row of table 三 (itself when it is a data row). */
function leavesOf(t: TableDef, key: string): string[] {
  const row = t.rows.find((r) => r.key === key);
  if (!row) return [];
  if (!row.group) return [key];
  return t.rows.filter((r) => r.parent === key).flatMap((r) => leavesOf(t, r.key));
}

/**
 * The three charts of a body's page. Applicants: table 三's first row (new applications) per
 * applicant column. Outcomes: the totals of the results group's parts ((一)…(六), a group summed
 * over its rows), matched across template versions by their numbering. Review and litigation:
 * each group's total.
 */
export function bodyCharts(years: number[], chosen: Map<number, { template: string; cells: Map<string, StoredCell> | undefined }>): Chart[] {
  const cur = TEMPLATES[CURRENT].tables;
  const req = cur.requests;
  const tot = totalCol(req);
  const series = (key: string, label: string, pathsFor: (v: TemplateVersion) => string[]): Series => {
    const values: (number | null)[] = [];
    const undecided: boolean[] = [];
    for (const y of years) {
      const c = chosen.get(y);
      const v: TemplateVersion | null = c && isTemplateVersion(c.template) ? c.template : null;
      const s = v ? sumCells(c!.cells, pathsFor(v)) : { value: null, undecided: false };
      values.push(s.value);
      undecided.push(s.undecided);
    }
    return { key, label, values, undecided };
  };

  const firstRow = req.rows.find((r) => !r.group)!;
  const applicants: Chart = {
    key: 'applicants', title: `${rowLabel(req, firstRow.key)}（按申请人）`, cells: `requests.${firstRow.key}.*`,
    series: req.columns.map((c) => series(c.key, c.label, () => [`requests.${firstRow.key}.${c.key}`])),
  };

  const resultsGroup = req.rows.find((r) => r.group && !r.parent);
  const parts = req.rows.filter((r) => resultsGroup && r.parent === resultsGroup.key && !r.isTotal);
  const outcomes: Chart = {
    key: 'outcomes', title: `${rowLabel(req, resultsGroup?.key ?? '')}（${req.columns.find((c) => c.isTotal)?.label ?? tot}列）`, cells: `requests.*.${tot}`,
    series: parts.map((p) => series(p.key, `${p.numbering ?? ''}${p.label}`.replace(/\(区分处理.*\)$/, ''), (v) => {
      const t = TEMPLATES[v].tables.requests;
      const same = t.rows.find((r) => r.parent === resultsGroup!.key && r.numbering === p.numbering) ?? t.rows.find((r) => r.key === p.key);
      return same ? leavesOf(t, same.key).map((k) => `requests.${k}.${tot}`) : [];
    })),
  };

  const rl = cur.review_litigation;
  const rlTot = totalCol(rl);
  const review: Chart = {
    key: 'review', title: `${rl.heading}（${rl.columns.find((c) => c.isTotal)?.label ?? rlTot}）`, cells: `review_litigation.*.${rlTot}`,
    series: rl.rows.filter((r) => !r.group).map((g) => series(g.key, g.parent ? `${g.parent}·${g.label}` : g.label, () => [`review_litigation.${g.key}.${rlTot}`])),
  };
  return [applicants, outcomes, review];
}

export interface BodyPage {
  body: BodyItem;
  /** Every year from the body's first report to its last or the corpus's latest, whichever is later. */
  years: BodyYear[];
  charts: Chart[];
  same_code: { id: number; name: string }[];
}

export async function bodyPage(db: Db, id: number): Promise<BodyPage | null> {
  const body = await bodyById(db, id);
  if (!body) return null;
  const reports = await db.query<{ id: number; year: number | null; template: string; errors: number; warnings: number; published: string | null; path: string; cell_count: number }>(
    `select r.id, r.year::int as year, r.template, r.errors, r.warnings, to_char(r.published, 'YYYY-MM-DD') as published, r.path, r.cell_count
     from reports r where r.body_id = $1 order by r.year, ${STANDS_FOR}`, [id]);
  const latest = await latestYear(db);
  const known = reports.filter((r) => r.year !== null).map((r) => num(r.year));
  const years: number[] = [];
  if (known.length) {
    const last = Math.max(...known, latest ?? 0);
    for (let y = Math.min(...known); y <= last; y++) years.push(y);
  }
  const byYear: BodyYear[] = years.map((year) => {
    const list = reports.filter((r) => r.year !== null && num(r.year) === year);
    return {
      year,
      reports: list.map((r) => ({ id: num(r.id), template: r.template, errors: num(r.errors), warnings: num(r.warnings), published: r.published, file: basename(r.path.replace(/\\/g, '/')) })),
      chosen: list.length ? num(list[0].id) : null,
    };
  });
  const chosenIds = byYear.map((y) => y.chosen).filter((x): x is number => x !== null);
  const cells = chosenIds.length ? await cellsOf(db, chosenIds) : new Map();
  const chosen = new Map(byYear.filter((y) => y.chosen !== null).map((y) => [y.year, { template: y.reports[0].template, cells: cells.get(y.chosen!) }]));
  return { body, years: byYear, charts: bodyCharts(years, chosen), same_code: await sameCodeBodies(db, body) };
}

// ---------------------------------------------------------------- totals by region and year

export interface DashboardRow {
  /** The region cut at the requested depth (广东省广州市 at depth 2); null: not known. */
  region: string | null;
  year: number | null;
  reports: number;
  bodies: number;
  with_errors: number;
  /** Sum of 本年新收 (table 三 first row, total column) over the reports that decide it. */
  applications: number;
  /** Reports that do not decide it (ambiguous, missing, table absent): the sum is a lower bound. */
  applications_undecided: number;
}

/** Reports, applications received and reports with errors, by region (cut at `depth` divisions) and year. */
export async function dashboard(db: Db, f: Pick<ReportFilter, 'parent' | 'level' | 'region' | 'body'>, depth: number): Promise<{ rows: DashboardRow[]; cell: string }> {
  const req = TEMPLATES[CURRENT].tables.requests;
  const first = req.rows.find((r) => !r.group)!;
  const cell = `requests.${first.key}.${totalCol(req)}`;
  const params: unknown[] = [];
  const where = filterSql(f, params);
  params.push(Math.max(1, Math.floor(depth)));
  const d = `$${params.length}::int`;
  params.push(db.cellIds.get(cell) ?? -1);
  const c = `$${params.length}::smallint`;
  const rows = await db.query<DashboardRow>(
    `select nullif(array_to_string(b.region_parts[1:${d}], ''), '') as region, r.year::int as year,
            count(*)::int as reports, count(distinct r.body_id)::int as bodies, count(*) filter (where r.errors > 0)::int as with_errors,
            coalesce(sum(c.value) filter (where c.status in ${DECIDED_SQL}), 0) as applications,
            count(*) filter (where c.report_id is null or c.status not in ${DECIDED_SQL} or c.value is null)::int as applications_undecided
     from reports r left join bodies b on b.id = r.body_id left join cells c on c.report_id = r.id and c.cell = ${c}
     ${where} group by 1, 2 order by 1 nulls last, 2 nulls last`, params);
  return {
    cell,
    rows: rows.map((r) => ({ ...r, year: numOrNull(r.year), reports: num(r.reports), bodies: num(r.bodies), with_errors: num(r.with_errors), applications: num(r.applications), applications_undecided: num(r.applications_undecided) })),
  };
}

