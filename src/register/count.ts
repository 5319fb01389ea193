// Tables 三 and 四 of a year's annual report, counted from the register (spec register.md §3, §4).
// Which row counts what comes from the template description: the rows marked `tally` (received in
// the year, open at its start, open at its end), the outcome rows under 三、本年度办理结果 (an
// answer counts in the row whose key is its outcome, or whose `absorbs` lists it), the applicant
// columns (keyed by applicant type) and their total; in table 四 the groups (keyed by case kind),
// the result columns (keyed by result) and the column marked `pending`. No label is typed here.
//
// Each cell keeps the ids it counts, so a figure can be traced back to its applications. The
// carry-over rows are the same predicate seen from two years (open at the end of Y−1 = open at the
// start of Y), so carried_over(Y) = carried_forward(Y−1) by construction, and the result is checked
// with the same rule checks as a parsed report.

import type { Finding, Report, TemplateVersion } from '../types.js';
import { TEMPLATES, dataRowsOf, outcomeRowsOf, versionForYear, type TemplateDef } from '../template/index.js';
import { checkRules } from '../check/rules.js';
import { dayNumber } from './calendar.js';
import { closing, type Application, type Case } from './records.js';

export const TABLES_SCHEMA = 'gongkai/register-tables@1';

export interface RegisterTables {
  schema: typeof TABLES_SCHEMA;
  year: number;
  template: TemplateVersion;
  requests: Record<string, Record<string, number>>;
  review_litigation: Record<string, Record<string, number>>;
}

export interface CountResult {
  tables: RegisterTables;
  /** Cell path (`requests.granted.natural_person`) → the ids it counts (applications or cases). */
  trace: Map<string, string[]>;
  /** The template's rules checked on the counted tables: empty unless something is very wrong. */
  findings: Finding[];
}

export interface CountOptions {
  template?: TemplateVersion;
  /** Keep the ids behind each cell (default true; the benchmark turns it off to measure counting alone). */
  trace?: boolean;
}

/** The template version a year's report uses (2019 template for 2019–2020, else 2021). */
export function templateForYear(year: number): TemplateVersion {
  const v = versionForYear(year);
  return v === 'pre2019' ? '2019' : v;
}

export function countTables(applications: Application[], cases: Case[], year: number, opts: CountOptions = {}): CountResult {
  const version = opts.template ?? templateForYear(year);
  const template = TEMPLATES[version];
  const keepTrace = opts.trace ?? true;
  const start = dayNumber(`${year}-01-01`)!;
  const end = dayNumber(`${year}-12-31`)!;
  const trace = new Map<string, string[]>();
  const requests = countRequests(template, applications, start, end, keepTrace ? trace : null);
  const review = countReview(template, cases, start, end, keepTrace ? trace : null);
  const tables: RegisterTables = { schema: TABLES_SCHEMA, year, template: version, requests, review_litigation: review };
  return { tables, trace, findings: checkRules(template, asReportTables(tables)) };
}

type Grid = Record<string, Record<string, number>>;

function emptyGrid(rows: string[], cols: string[]): Grid {
  const g: Grid = {};
  for (const r of rows) {
    g[r] = {};
    for (const c of cols) g[r][c] = 0;
  }
  return g;
}

function countRequests(template: TemplateDef, apps: Application[], start: number, end: number, trace: Map<string, string[]> | null): Grid {
  const table = template.tables.requests;
  const rows = dataRowsOf(table);
  const cols = table.columns;
  const totalCol = cols.find((c) => c.isTotal)!.key;
  const applicantCols = new Set(cols.filter((c) => !c.isTotal).map((c) => c.key));
  const grid = emptyGrid(rows.map((r) => r.key), cols.map((c) => c.key));
  const outcomeRow = new Map<string, string>();
  for (const r of outcomeRowsOf(table)) for (const o of r.absorbs ?? [r.key]) outcomeRow.set(o, r.key);
  const receivedRow = rows.find((r) => r.tally === 'received')!.key;
  const openStartRow = rows.find((r) => r.tally === 'open_at_start')!.key;
  const openEndRow = rows.find((r) => r.tally === 'open_at_end')!.key;
  const totalRow = rows.find((r) => r.isTotal)!.key;

  const add = (row: string, col: string, id: string) => {
    grid[row][col]++;
    grid[row][totalCol]++;
    if (trace) {
      for (const c of [col, totalCol]) {
        const p = `requests.${row}.${c}`;
        const l = trace.get(p);
        if (l) l.push(id);
        else trace.set(p, [id]);
      }
    }
  };

  for (const a of apps) {
    const col = a.applicant.type;
    if (!applicantCols.has(col)) throw new Error(`applicant type ${col} is not a column of template ${template.version}`);
    const received = dayNumber(a.received)!;
    if (received > end) continue;
    const close = closing(a);
    const closed = close ? dayNumber(close.date)! : Infinity;
    if (received >= start) add(receivedRow, col, a.id);
    else if (closed >= start) add(openStartRow, col, a.id);
    if (closed >= start && closed <= end) {
      const row = outcomeRow.get(close!.outcome);
      if (!row) throw new Error(`outcome ${close!.outcome} has no row in template ${template.version}`);
      add(row, col, a.id);
      add(totalRow, col, a.id);
    } else if (closed > end) add(openEndRow, col, a.id);
  }
  return grid;
}

function countReview(template: TemplateDef, cases: Case[], start: number, end: number, trace: Map<string, string[]> | null): Grid {
  const table = template.tables.review_litigation;
  const rows = dataRowsOf(table);
  const cols = table.columns;
  const totalCol = cols.find((c) => c.isTotal)!.key;
  const pendingCol = cols.find((c) => c.tally === 'pending')!.key;
  const grid = emptyGrid(rows.map((r) => r.key), cols.map((c) => c.key));
  const add = (row: string, col: string, id: string) => {
    grid[row][col]++;
    grid[row][totalCol]++;
    if (trace) {
      for (const c of [col, totalCol]) {
        const p = `review_litigation.${row}.${c}`;
        const l = trace.get(p);
        if (l) l.push(id);
        else trace.set(p, [id]);
      }
    }
  };
  for (const c of cases) {
    if (!grid[c.kind]) throw new Error(`case kind ${c.kind} is not a group of table 四`);
    const filed = dayNumber(c.filed)!;
    if (filed > end) continue;
    const concluded = c.concluded ? dayNumber(c.concluded)! : Infinity;
    // [decision] spec §4: a case concluded in an earlier year is not counted again.
    if (concluded < start) continue;
    if (concluded <= end) add(c.kind, c.result!, c.id);
    else add(c.kind, pendingCol, c.id);
  }
  return grid;
}

/** The counted grids as a parsed report's tables (every cell `read`), for the rule checks. */
export function asReportTables(t: RegisterTables): Report['tables'] {
  const cells = (g: Grid) => Object.fromEntries(Object.entries(g).map(([r, cs]) => [r, Object.fromEntries(Object.entries(cs).map(([c, v]) => [c, { value: v, status: 'read' as const }]))]));
  return { active: null, requests: cells(t.requests), review_litigation: cells(t.review_litigation) };
}
