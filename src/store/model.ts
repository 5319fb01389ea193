// What the store keeps of a report, as plain rows: the template's cell paths (numbered in the
// database by `cell_keys`), cell status codes, the reporting body (normalised name, level, region),
// and a report turned into the rows of `cells`, `findings` and `facts`. Pure functions: the ingest
// worker threads call `prepareReport`, the main thread only writes what they send.

import { createHash } from 'node:crypto';
import { copyField, copyLines } from './copy.js';
import { columnsOf, TEMPLATES, type TableKey } from '../template/index.js';
import type { CellStatus, Report, TemplateVersion } from '../types.js';

export const TABLES: TableKey[] = ['active', 'requests', 'review_litigation'];

/** Every cell path `table.row.col` of the templates, in template order (2021 first, then what only 2019 has). */
export function cellPaths(versions: TemplateVersion[] = ['2021', '2019']): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of versions) {
    for (const tk of TABLES) {
      const t = TEMPLATES[v].tables[tk];
      for (const row of t.rows) {
        if (row.group) continue;
        for (const c of columnsOf(t, row)) {
          const p = `${tk}.${row.key}.${c.key}`;
          if (!seen.has(p)) {
            seen.add(p);
            out.push(p);
          }
        }
      }
    }
  }
  return out;
}

/** Status in one byte (`cells.status` is "char"); `cells_v` spells them out again. */
export const STATUS_CODE: Record<CellStatus, string> = { read: 'r', blank: 'b', inferred: 'i', ambiguous: 'a', missing: 'm' };
export const STATUS_NAME: Record<string, CellStatus> = { r: 'read', b: 'blank', i: 'inferred', a: 'ambiguous', m: 'missing' };
/** Codes of the statuses whose value is decided (read, blank, inferred). */
export const DECIDED_CODES = ['r', 'b', 'i'];
export const DECIDED_SQL = `('r', 'b', 'i')`;

// ---------------------------------------------------------------- bodies

/** Normalised body name: NFKC, no spaces or punctuation, full-width brackets unified. The unique key of `bodies`. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\s\u00a0\u3000]+/g, '')
    .replace(/[“”"'‘’·•・.,，、。:：;；]/g, '')
    .replace(/[（【〔［]/g, '(')
    .replace(/[）】〕］]/g, ')');
}

const DIVISION_SUFFIX = /^(.+?(?:特别行政区|自治区|自治州|自治县|地区|林区|新区|省|市|盟|区|县|旗|镇|乡|苏木|街道))/;
const NOT_A_PLACE = /[局委办厅院所部会队站心处室科馆社团]|城乡$|^城市$/;

/**
 * A region name split into its divisions: 广东省广州市番禺区 → [广东省, 广州市, 番禺区]. A name
 * that is not a region (a department) stops the split: 青山市住房和城乡建设局 → [青山市].
 */
export function regionParts(name: string): string[] {
  const out: string[] = [];
  let rest = normaliseName(name);
  for (;;) {
    const m = DIVISION_SUFFIX.exec(rest);
    if (!m || m[1].length < 3 || m[1].length > 12 || NOT_A_PLACE.test(m[1])) break;
    out.push(m[1]);
    rest = rest.slice(m[1].length);
  }
  return out;
}

/** Level from the name's suffix (the parser's `meta.level` is preferred when it has one). */
export function levelOfName(name: string): string | null {
  const n = normaliseName(name);
  if (/街道(办事处)?$/.test(n)) return '街道';
  if (/(乡|镇|苏木)(人民政府|政府)?$/.test(n)) return '乡镇';
  const gov = /(人民政府|政府)(办公室|办公厅)?$/.exec(n);
  if (gov) {
    const place = n.slice(0, gov.index);
    if (/(省|自治区)$/.test(place)) return '省';
    if (/(区|县|旗|自治县)$/.test(place)) return '县';
    if (/(市|自治州|盟|地区)$/.test(place)) return '市';
    return null;
  }
  if (/(局|委员会|委|厅|办公室|办|署|院|中心|部|处|所|站|队|馆)$/.test(n)) return '部门';
  return null;
}

export interface BodyInfo {
  name: string;
  norm_name: string;
  level: string | null;
  /** Full region (广东省广州市番禺区): the parser's, else the divisions spelled at the start of the name. */
  region: string | null;
  /** The region's divisions, outermost first; the last one is the body's own place. */
  region_parts: string[];
  division_code: string | null;
}

export function bodyOf(meta: Report['meta']): BodyInfo | null {
  const name = meta.agency?.trim();
  if (!name) return null;
  const fromName = regionParts(name);
  const parsed = meta.region ? regionParts(meta.region) : [];
  // the parser's region when it explains the name; else what the name spells
  const parts = parsed.length && parsed.join('') === normaliseName(meta.region ?? '') ? parsed : fromName;
  return {
    name,
    norm_name: normaliseName(name),
    level: meta.level ?? levelOfName(name),
    region: parts.length ? parts.join('') : null,
    region_parts: parts,
    division_code: meta.division_code ?? null,
  };
}

// ---------------------------------------------------------------- a report as rows

/** One row of `cells` without its report id: [cell path, value, status code, candidates, span start, span end, page]. */
export type CellRow = [string, number | null, string, number[] | null, number | null, number | null, number | null];
/** One row of `findings` without its report id: [rule, severity, message, cells, span start, span end]. */
export type FindingRow = [string, string, string, string[], number | null, number | null];
/** One row of `facts` without its report id: [kind, value, unit, cell, span start, span end, text]. */
export type FactRow = [string, number, string, string | null, number | null, number | null, string | null];

export interface PreparedReport {
  sha256: string;
  path: string;
  format: string;
  encoding: string;
  body: BodyInfo | null;
  year: number | null;
  template: string;
  published: string | null;
  /** The report JSON (without its text), as stored in `reports.report`. */
  json: string;
  cells: CellRow[];
  findings: FindingRow[];
  facts: FactRow[];
  /** Rows of `cells` this report has (`reports.cell_count`). */
  cellCount: number;
  /**
   * The rows already in COPY text form (see `leanCopy`); when set, `json`, `cells`, `findings` and
   * `facts` are left empty — the ingest workers send this instead, so that the writing thread
   * only joins text.
   */
  copy?: ReportCopy;
  errors: number;
  warnings: number;
  /** md5 of the decided cells; null when fewer than 3 are non-zero (too little to call two reports the same). */
  signature: string | null;
}

const validDate = (s: string | null | undefined) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? s : null);

export function prepareReport(report: Report, path: string): PreparedReport {
  const { text: _text, ...stored } = report;
  void _text;
  const cells: CellRow[] = [];
  for (const tk of TABLES) {
    const table = report.tables[tk];
    if (!table) continue;
    for (const [row, cols] of Object.entries(table)) {
      for (const [col, c] of Object.entries(cols)) {
        cells.push([`${tk}.${row}.${col}`, c.value, STATUS_CODE[c.status] ?? 'm', c.candidates?.length ? c.candidates : null, c.span?.[0] ?? null, c.span?.[1] ?? null, c.page ?? null]);
      }
    }
  }
  const decided = cells.filter((c) => c[1] !== null && DECIDED_CODES.includes(c[2])).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const signature = decided.filter((c) => c[1] !== 0).length >= 3
    ? createHash('md5').update(decided.map((c) => `${c[0]}=${c[1]}`).join(',')).digest('hex')
    : null;
  const year = report.meta.year !== null && report.meta.year >= 1900 && report.meta.year <= 2999 ? report.meta.year : null;
  return {
    sha256: report.source.sha256,
    path,
    format: report.source.format,
    encoding: report.source.encoding,
    body: bodyOf(report.meta),
    year,
    template: report.meta.template,
    published: validDate(report.meta.published),
    json: JSON.stringify(stored),
    cells,
    cellCount: cells.length,
    findings: report.findings.map((f) => [f.rule, f.severity, f.message, f.cells ?? [], f.span?.[0] ?? null, f.span?.[1] ?? null]),
    facts: report.narrative.facts.map((f) => [f.kind, f.value, f.unit, f.cell ?? null, f.span?.[0] ?? null, f.span?.[1] ?? null, f.text ?? null]),
    errors: report.findings.filter((f) => f.severity === 'error').length,
    warnings: report.findings.filter((f) => f.severity === 'warning').length,
    signature,
  };
}

/**
 * A report's rows as COPY text, each line without its leading report id (`withId` adds it):
 * `cells` with the cell path already numbered by `cell_keys`, `findings`, `facts`, and the
 * escaped JSON for `reports.report`.
 */
export interface ReportCopy {
  cells: string;
  findings: string;
  facts: string;
  json: string;
}

/**
 * The report with its rows in COPY text form and the row arrays emptied (what a worker sends to
 * the writing thread). Null when a cell path has no number yet: the rows then go as they are and
 * the writer numbers the new paths first.
 */
export function leanCopy(p: PreparedReport, cellIds: ReadonlyMap<string, number>): PreparedReport | null {
  const cellRows: unknown[][] = [];
  for (const c of p.cells) {
    const id = cellIds.get(c[0]);
    if (id === undefined) return null;
    cellRows.push([id, c[1], c[2], c[3], c[4], c[5], c[6]]);
  }
  const copy: ReportCopy = { cells: copyLines(cellRows), findings: copyLines(p.findings), facts: copyLines(p.facts), json: copyField(p.json) };
  return { ...p, json: '', cells: [], findings: [], facts: [], copy };
}

/** Number of cells a report has: what `cells` holds for it. */
export function cellCount(report: Pick<Report, 'tables'>): number {
  let n = 0;
  for (const table of Object.values(report.tables)) for (const cols of Object.values(table ?? {})) n += Object.keys(cols).length;
  return n;
}
