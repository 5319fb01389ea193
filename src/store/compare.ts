// Two reports compared cell by cell (the web app's 对比 page), and many pairs at once: every body
// of a region, its report of year N against its report of N−1 (批量对比). A cell is `same`,
// `changed` (with the difference), `undecided` (one side or both cannot say: ambiguous, missing,
// table absent — never counted as a change), or `only_a` / `only_b` (the other report's template
// has no such cell: 2019 against 2021). Each side's own overall problems come first.

import { columnsOf, isTemplateVersion, TEMPLATES } from '../template/index.js';
import type { Finding, Severity, TemplateVersion } from '../types.js';
import type { Db } from './db.js';
import { cellsOf, isDecided, type ReportFilter, type StoredCell } from './export.js';
import { cellPaths } from './model.js';
import { reportById, yearReports, type ReportItem, type StoredReport } from './queries.js';

export interface CellSide {
  value: number | null;
  status: string;
  candidates: number[] | null;
}

export type DiffKind = 'same' | 'changed' | 'undecided' | 'only_a' | 'only_b';

export interface CellDiff {
  cell: string;
  /** table › row › column labels, from the template data. */
  label: string;
  kind: DiffKind;
  a: CellSide | null;
  b: CellSide | null;
  /** b − a when both are decided. */
  delta: number | null;
  /** The side(s) that cannot say (undecided cells). */
  undecided_in: ('a' | 'b')[];
}

export interface DiffSummary {
  cells: number;
  same: number;
  changed: number;
  undecided: number;
  only_a: number;
  only_b: number;
  /** Σ|b − a| over the decided count cells that are not totals (money cells left out: another unit). */
  abs_change: number;
  /** The non-total count cell that changed most. */
  largest: { cell: string; label: string; delta: number } | null;
}

const isVersion = (t: string): t is TemplateVersion => isTemplateVersion(t);

interface CellInfo {
  label: string;
  /** A total (row or column) or a money cell: left out of abs_change. */
  excluded: boolean;
}

/** Labels and kinds of every cell path of a version, from the template data. */
function cellInfo(version: TemplateVersion): Map<string, CellInfo> {
  const out = new Map<string, CellInfo>();
  for (const table of Object.values(TEMPLATES[version].tables)) {
    for (const row of table.rows) {
      if (row.group) continue;
      const rowText = `${table.singleLine && row.parent ? `${row.parent}·` : ''}${row.numbering ?? ''}${row.label}`.replace(/\(区分处理.*\)$/, '');
      for (const c of columnsOf(table, row)) {
        out.set(`${table.key}.${row.key}.${c.key}`, {
          label: `表${table.headingNumber} › ${rowText} › ${c.label}`,
          excluded: !!(c.isTotal || row.isTotal || c.money),
        });
      }
    }
  }
  return out;
}

const INFO: Record<TemplateVersion, Map<string, CellInfo>> = { '2019': cellInfo('2019'), '2021': cellInfo('2021') };

const side = (c: StoredCell | undefined): CellSide => (c ? { value: c.value, status: c.status, candidates: c.candidates } : { value: null, status: 'absent', candidates: null });

/** The cells of two reports compared in template order. */
export function diffCells(ta: string, tb: string, a: Map<string, StoredCell>, b: Map<string, StoredCell>): { cells: CellDiff[]; summary: DiffSummary } {
  const versions = [...new Set([ta, tb].filter(isVersion))];
  const inA = isVersion(ta) ? INFO[ta] : new Map<string, CellInfo>();
  const inB = isVersion(tb) ? INFO[tb] : new Map<string, CellInfo>();
  const cells: CellDiff[] = [];
  const summary: DiffSummary = { cells: 0, same: 0, changed: 0, undecided: 0, only_a: 0, only_b: 0, abs_change: 0, largest: null };
  for (const path of versions.length ? cellPaths(versions) : []) {
    const info = inA.get(path) ?? inB.get(path)!;
    const ca = a.get(path), cb = b.get(path);
    let kind: DiffKind;
    let delta: number | null = null;
    const undecidedIn: ('a' | 'b')[] = [];
    if (!inB.has(path)) kind = 'only_a';
    else if (!inA.has(path)) kind = 'only_b';
    else {
      if (!isDecided(ca)) undecidedIn.push('a');
      if (!isDecided(cb)) undecidedIn.push('b');
      if (undecidedIn.length) kind = 'undecided';
      else {
        delta = Math.round((cb!.value! - ca!.value!) * 1e6) / 1e6;
        kind = delta === 0 ? 'same' : 'changed';
      }
    }
    summary.cells++;
    summary[kind]++;
    if (delta && !info.excluded) {
      summary.abs_change = Math.round((summary.abs_change + Math.abs(delta)) * 1e6) / 1e6;
      if (!summary.largest || Math.abs(delta) > Math.abs(summary.largest.delta)) summary.largest = { cell: path, label: info.label, delta };
    }
    cells.push({
      cell: path, label: info.label, kind,
      a: kind === 'only_b' ? null : side(ca), b: kind === 'only_a' ? null : side(cb),
      delta, undecided_in: undecidedIn,
    });
  }
  return { cells, summary };
}

export interface Problems {
  errors: number;
  warnings: number;
  infos: number;
  /** Cells the source does not decide. */
  undecided: number;
  /** The most serious findings (errors, then warnings), at most `TOP`. */
  top: Pick<Finding, 'rule' | 'severity' | 'message' | 'cells'>[];
}

const TOP = 5;
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function problemsOf(r: Pick<StoredReport, 'report' | 'undecided'>): Problems {
  const findings = Array.isArray(r.report.findings) ? r.report.findings : [];
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const top = findings.filter((f) => f.severity !== 'info')
    .map((f, i) => ({ f, i })).sort((x, y) => RANK[x.f.severity] - RANK[y.f.severity] || x.i - y.i).slice(0, TOP)
    .map(({ f }) => ({ rule: f.rule, severity: f.severity, message: f.message, cells: f.cells ?? [] }));
  return { errors: count('error'), warnings: count('warning'), infos: count('info'), undecided: r.undecided, top };
}

export interface Comparison {
  a: ReportItem & { problems: Problems };
  b: ReportItem & { problems: Problems };
  summary: DiffSummary;
  cells: CellDiff[];
}

/** Two stored reports compared; null when either id is unknown (which one: `missing`). */
export async function compareReports(db: Db, aId: number, bId: number): Promise<{ comparison: Comparison | null; missing: number[] }> {
  const [ra, rb] = await Promise.all([reportById(db, aId), reportById(db, bId)]);
  const missing = [...(ra ? [] : [aId]), ...(rb ? [] : [bId])];
  if (!ra || !rb) return { comparison: null, missing };
  const cells = await cellsOf(db, [ra.id, rb.id]);
  const { cells: diffs, summary } = diffCells(ra.template, rb.template, cells.get(ra.id) ?? new Map(), cells.get(rb.id) ?? new Map());
  const strip = ({ report: _r, sha256: _s, parser_version: _p, original: _o, ...item }: StoredReport) => item;
  return {
    comparison: { a: { ...strip(ra), problems: problemsOf(ra) }, b: { ...strip(rb), problems: problemsOf(rb) }, summary, cells: diffs },
    missing: [],
  };
}

export interface PairSummary {
  body_id: number;
  body: string;
  region: string | null;
  a: { id: number; year: number; template: string; errors: number; warnings: number };
  b: { id: number; year: number; template: string; errors: number; warnings: number };
  summary: DiffSummary;
}

/**
 * Every body matching the filter with a report in both `year − 1` and `year`: the summary of the
 * differences, largest change first. Bodies with only one of the two years are counted.
 */
export async function comparePairs(db: Db, f: ReportFilter, year: number): Promise<{ year: number; previous: number; pairs: PairSummary[]; only_previous: number; only_current: number }> {
  const reps = await yearReports(db, f, [year - 1, year]);
  const byBody = new Map<number, { prev?: (typeof reps)[number]; cur?: (typeof reps)[number] }>();
  for (const r of reps) {
    const e = byBody.get(r.body_id) ?? {};
    if (r.year === year) e.cur = r;
    else e.prev = r;
    byBody.set(r.body_id, e);
  }
  const both = [...byBody.values()].filter((e): e is { prev: (typeof reps)[number]; cur: (typeof reps)[number] } => !!e.prev && !!e.cur);
  const pairs: PairSummary[] = [];
  for (let i = 0; i < both.length; i += 250) {
    const chunk = both.slice(i, i + 250);
    const cells = await cellsOf(db, chunk.flatMap((e) => [e.prev.id, e.cur.id]));
    for (const { prev, cur } of chunk) {
      const { summary } = diffCells(prev.template, cur.template, cells.get(prev.id) ?? new Map(), cells.get(cur.id) ?? new Map());
      const brief = (r: typeof prev) => ({ id: r.id, year: r.year, template: r.template, errors: r.errors, warnings: r.warnings });
      pairs.push({ body_id: cur.body_id, body: cur.body, region: cur.region, a: brief(prev), b: brief(cur), summary });
    }
  }
  pairs.sort((x, y) => y.summary.abs_change - x.summary.abs_change || y.summary.changed - x.summary.changed || x.body.localeCompare(y.body, 'zh'));
  const entries = [...byBody.values()];
  return {
    year, previous: year - 1, pairs,
    only_previous: entries.filter((e) => e.prev && !e.cur).length,
    only_current: entries.filter((e) => e.cur && !e.prev).length,
  };
}
