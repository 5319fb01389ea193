// Rows of a template table inside its section: each row label found in order, and the text
// between a row's label and the next row's numbering is where that row's numbers are.

import type { RowDef, TableDef } from '../template/index.js';
import { columnsOf } from '../template/index.js';
import type { Span } from '../types.js';
import { findApprox, findExact, labelKey, numberingStart, project, type Projection } from './labels.js';
import { valueItems, type ValueItem } from './tokens.js';

export interface LocatedRow {
  row: RowDef;
  /** Where the label was found (numbering included), or null when the row is not in the source. */
  label: Span | null;
  /** Text span holding the row's values. */
  values: Span | null;
  items: ValueItem[];
  /** Edit distance of the label match (0 = exact). */
  distance: number;
}

/** A row in the source that is not in the template (小计, local additions): kept, never mapped. */
export interface ExtraRow {
  label: string;
  span: Span;
  items: ValueItem[];
  /** Key of the template row it follows. */
  after: string;
}

export interface LocatedTable {
  table: TableDef;
  region: Span;
  rows: LocatedRow[];
  extra: ExtraRow[];
  /** Share of the template's data rows whose label was found. */
  coverage: number;
  /** Number tokens anywhere in the region. */
  numberCount: number;
}

interface Match { pStart: number; pEnd: number; distance: number }

const BOUNDARY_BEFORE = /[\n|\t 0-9)）、.]/;

/** Row labels in order: exact matches first (greedy, preferring a cell start), then approximate ones inside the gaps. */
function matchLabels(text: string, proj: Projection, rows: readonly RowDef[]): (Match | null)[] {
  const keysOf = (r: RowDef) => [r.label, ...(r.variants ?? [])].map(labelKey).filter(Boolean).sort((a, b) => b.length - a.length);
  const found: (Match | null)[] = rows.map(() => null);
  let p = 0;
  // Where group headings stand: a short data label (其他) inside one ((六)其他处理) is not the row.
  const groupText: [number, number][] = [];
  for (const r of rows) {
    if (!r.group) continue;
    for (const key of keysOf(r)) for (let i = proj.chars.indexOf(key); i >= 0; i = proj.chars.indexOf(key, i + 1)) groupText.push([i, i + key.length]);
  }
  const insideGroup = (m: Match) => groupText.some(([a, b]) => m.pStart >= a && m.pEnd <= b && b - a > m.pEnd - m.pStart);
  // Data rows first: group headings (三、本年度办理结果, (三)不予公开 …) carry no numbers and
  // may be printed anywhere — vertically, one character per line, after their rows — so they
  // must not push the search for data rows forward. They are looked for afterwards, in gaps.
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].group) continue;
    const keys = keysOf(rows[i]);
    let from = p;
    let first: Match | null = null;
    let chosen: Match | null = null;
    let unnumbered: Match | null = null;
    // A short label (总计, 其他, 规章) without its numbering may be a header word: look a little
    // further for the same label with its numbering ((七)总计) before taking it.
    const short = rows[i].numbering !== undefined && Math.max(...keys.map((k) => k.length)) <= 3;
    while (from < proj.chars.length) {
      const m = findExact(proj.chars, keys, from, proj.chars.length);
      if (!m) break;
      if (unnumbered && m.pStart - unnumbered.pStart > 60) break;
      if (insideGroup(m)) { from = m.pStart + 1; continue; }
      first ??= m;
      const tStart = proj.pos[m.pStart];
      const numStart = numberingStart(text, tStart, rows[i].numbering, 0);
      const prevCh = text[numStart - 1];
      const prevMatchEnd = found.slice(0, i).some((f) => f && f.pEnd === m.pStart);
      if (numStart < tStart) { chosen = m; break; }
      if (prevCh === undefined || BOUNDARY_BEFORE.test(prevCh) || prevMatchEnd) {
        if (!short) { chosen = m; break; }
        unnumbered ??= m;
      }
      from = m.pStart + 1;
    }
    chosen ??= unnumbered ?? first;
    if (chosen) {
      found[i] = chosen;
      p = chosen.pEnd;
    }
  }
  // Group headings: exact, inside the gap between the data rows around them.
  for (let i = 0; i < rows.length; i++) {
    if (!rows[i].group) continue;
    let lo = 0;
    for (let k = i - 1; k >= 0; k--) if (found[k]) { lo = found[k]!.pEnd; break; }
    let hi = proj.chars.length;
    for (let k = i + 1; k < rows.length; k++) if (found[k] && !rows[k].group) { hi = found[k]!.pStart; break; }
    const m = findExact(proj.chars, keysOf(rows[i]), lo, hi);
    if (m) found[i] = m;
  }
  // Approximate matches for the data rows still missing, inside the gap their neighbours leave.
  for (let i = 0; i < rows.length; i++) {
    if (found[i] || rows[i].group) continue;
    let lo = 0;
    for (let k = i - 1; k >= 0; k--) if (found[k]) { lo = found[k]!.pEnd; break; }
    let hi = proj.chars.length;
    for (let k = i + 1; k < rows.length; k++) if (found[k]) { hi = found[k]!.pStart; break; }
    let best: Match | null = null;
    for (const key of keysOf(rows[i])) {
      const m = findApprox(proj.chars, key, lo, hi);
      if (m && (!best || m.distance < best.distance)) best = m;
    }
    if (best) found[i] = best;
  }
  return found;
}

/** Locate the rows of a (non single-line) table in text[region]. */
export function locateRows(text: string, region: Span, table: TableDef): LocatedTable {
  const proj = project(text, region[0], region[1]);
  const matches = matchLabels(text, proj, table.rows);
  const starts = matches.map((m, i) => (m ? numberingStart(text, proj.pos[m.pStart], table.rows[i].numbering, region[0]) : -1));
  const extra: ExtraRow[] = [];
  const headerKeys = headerWords(table);
  const rows: LocatedRow[] = table.rows.map((row, i) => {
    const m = matches[i];
    if (!m) return { row, label: null, values: null, items: [], distance: Infinity };
    const labelStart = proj.pos[m.pStart];
    const labelEnd = proj.pos[m.pEnd - 1] + 1;
    let end = region[1];
    for (let k = i + 1; k < table.rows.length; k++) {
      if (starts[k] >= 0 && starts[k] >= labelEnd) { end = starts[k]; break; }
    }
    // The label itself carries no digits, so a label wrapped around its numbers (PDF) loses none:
    // the values are read from the label's first character on.
    const cols = columnsOf(table, row);
    const opts = { allowDecimal: cols.some((c) => c.money), allowNegative: cols.some((c) => c.signed) };
    const found = foreignRows(text, labelEnd, Math.max(labelEnd, end)).filter((f) => !isHeaderWord(f.label, headerKeys) && !isRowLabel(f.label, table));
    for (const f of found) extra.push({ ...f, items: valueItems(text, f.span[0], f.span[1], opts), after: row.key });
    const values: Span = [labelStart, found.length ? found[0].span[0] : Math.max(labelStart, end)];
    const items = valueItems(text, values[0], values[1], opts);
    return { row, label: [starts[i], labelEnd], values, items, distance: m.distance };
  });
  const dataRows = rows.filter((r) => !r.row.group);
  const coverage = dataRows.filter((r) => r.label).length / Math.max(1, dataRows.length);
  const numberCount = valueItems(text, region[0], region[1]).filter((it) => it.kind === 'num').length;
  return { table, region, rows, extra, coverage, numberCount };
}

/** Header and caption words of a table (column labels, parent headers, captions): never rows. */
function headerWords(table: TableDef): string[] {
  const words = new Set<string>([table.labelHeader, table.note, ...(table.groupHeaders ?? [])].filter((w): w is string => !!w).map(labelKey));
  for (const row of table.rows) {
    for (const c of columnsOf(table, row)) {
      words.add(labelKey(c.label));
      if (c.parent) words.add(labelKey(c.parent));
    }
    if (row.caption) words.add(labelKey(row.caption));
  }
  return [...words].filter(Boolean);
}

/** Text that is one of the table's own row labels is never an extra row (it is a label found elsewhere). */
function isRowLabel(label: string, table: TableDef): boolean {
  const k = labelKey(label);
  return table.rows.some((r) => [r.label, ...(r.variants ?? [])].some((l) => {
    const key = labelKey(l);
    return key.length > 0 && (k === key || (key.length >= 2 && k.endsWith(key) && k.length - key.length <= 1));
  }));
}

function isHeaderWord(label: string, keys: string[]): boolean {
  const k = labelKey(label);
  return k.length > 0 && keys.some((h) => h.includes(k) || (k.includes(h) && h.length >= 4));
}

/** Words that may follow a number in a cell without being a row of their own. */
const UNIT_WORDS = /^(万元|元|件|个|项|次|条|件次|人次)$/;

/**
 * Rows the template does not have, inside a row's value text: a run of two or more CJK
 * characters after the row's label that is followed by numbers (小计 3 0 0 …). Text without
 * numbers after it (a wrapped label's end, a caption) is not a row.
 */
function foreignRows(text: string, from: number, to: number): { label: string; span: Span }[] {
  const out: { label: string; span: Span }[] = [];
  const re = /[\u3400-\u9fff][\u3400-\u9fff()（）、，,:：“”"]*[\u3400-\u9fff)）]/g;
  re.lastIndex = from;
  const runs: { label: string; start: number; end: number }[] = [];
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    if (m.index + m[0].length > to) break;
    runs.push({ label: m[0], start: m.index, end: m.index + m[0].length });
  }
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k];
    if (UNIT_WORDS.test(r.label) || [...r.label].filter((c) => /[\u3400-\u9fff]/.test(c)).length < 2) continue;
    const stop = k + 1 < runs.length ? runs[k + 1].start : to;
    if (!/[0-9]/.test(text.slice(r.end, stop))) continue;
    out.push({ label: r.label, span: [r.start, to] });
  }
  // each extra row ends where the next begins
  for (let k = 0; k + 1 < out.length; k++) out[k].span = [out[k].span[0], out[k + 1].span[0]];
  return out;
}

/** Words of table 四's three-row header (its columns and groups, from the template). */
function singleLineHeaderWords(table: TableDef): string[] {
  const words = new Set<string>([...(table.groupHeaders ?? []), ...table.rows.map((r) => r.label), ...table.columns.map((c) => c.label)].map(labelKey));
  for (const c of table.columns) for (let i = 0; i + 2 <= labelKey(c.label).length; i += 2) words.add(labelKey(c.label).slice(i, i + 2));
  return [...words].filter(Boolean);
}

/**
 * The single line of numbers of the review/litigation table: from the first number after the
 * header's first word to the first text that is not a header word — a header repeated after a
 * page break inside the numbers is skipped, prose before the table is not read.
 */
export function locateSingleLine(text: string, region: Span, table: TableDef): { values: Span; items: ValueItem[]; headerFound: boolean; headerComplete: boolean } {
  const words = singleLineHeaderWords(table);
  const proj = project(text, region[0], region[1]);
  // every column label of the header is there: the table is text, not a picture with a caption
  const headerComplete = table.columns.every((c) => proj.chars.includes(labelKey(c.label)));
  let headerAt = -1;
  for (const w of words) {
    const i = proj.chars.indexOf(w);
    if (i >= 0 && (headerAt < 0 || i < headerAt)) headerAt = i;
  }
  if (headerAt < 0) return { values: [region[0], region[0]], items: [], headerFound: false, headerComplete };
  let firstDigit = proj.pos[headerAt];
  while (firstDigit < region[1] && !(text[firstDigit] >= '0' && text[firstDigit] <= '9')) firstDigit++;
  // the line of numbers starts right after the header's last word (its empty leading cells count)
  let start = firstDigit;
  while (start > region[0] && !/[\u3400-\u9fff]/.test(text[start - 1])) start--;
  // the numbers end at the first run of text that is not part of the header
  let end = start;
  const run = /[\u3400-\u9fff][\u3400-\u9fff\s]*/g;
  run.lastIndex = firstDigit;
  end = region[1];
  for (let m = run.exec(text); m && m.index < region[1]; m = run.exec(text)) {
    const key = labelKey(m[0]);
    const isHeader = key.length > 0 && words.some((w) => w.includes(key) || key.includes(w));
    if (!isHeader) { end = m.index; break; }
  }
  return { values: [start, end], items: valueItems(text, start, end), headerFound: true, headerComplete };
}
