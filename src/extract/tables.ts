// Template tables from located sections: rows located, lines solved, cells assembled into the
// contract's shape. Tables the source does not contain are null (never zeros).

import type { Cell, Finding, Report, Span, TableCells, TemplateVersion } from '../types.js';
import { cellPath, columnsOf, evaluate, finding, holds, type EquationId, type RuleId, requestsRowTotal, TABLE_RULES, TEMPLATES, type LinearRule, type TableDef, type TableKey } from '../template/index.js';
import { locateRows, locateSingleLine, type LocatedTable } from '../locate/rows.js';
import { requiredItems, valueItems, type ValueItem } from '../locate/tokens.js';
import { alignByColumns } from '../locate/columns.js';
import { solveTable, type SourceLine } from '../solve/table.js';

export interface ExtractedTables {
  tables: Record<TableKey, TableCells | null>;
  findings: Finding[];
  /** Rows found in the source that the template does not have (kept, never mapped). */
  extraRows: NonNullable<Report['extra_rows']>;
}

/** Minimum share of a table's row labels that must be found for the table to count as present. */
const MIN_COVERAGE = 0.3;

function emptyCells(table: TableDef, status: Cell['status']): TableCells {
  const out: TableCells = {};
  if (table.singleLine) {
    for (const g of table.rows) out[g.key] = Object.fromEntries(table.columns.map((c) => [c.key, { value: null, status }]));
    return out;
  }
  for (const row of table.rows) {
    if (row.group) continue;
    out[row.key] = Object.fromEntries(columnsOf(table, row).map((c) => [c.key, { value: null, status }]));
  }
  return out;
}

function assemble(table: TableDef, solved: Map<string, Cell>): TableCells {
  const out = emptyCells(table, 'missing');
  for (const [path, cell] of solved) {
    const [, row, col] = path.split('.');
    if (out[row]?.[col]) out[row][col] = cell;
  }
  return out;
}

/** One table as extracted: its cells (null when absent), its findings, its extra rows, and whether its numbers were proven column-major. */
interface TableResult {
  cells: TableCells | null;
  findings: Finding[];
  extraRows: NonNullable<Report['extra_rows']>;
  columnMajor: boolean;
}

function extractRowTable(text: string, region: Span, table: TableDef, rules: LinearRule[], evidence?: Map<string, number>, layoutHint?: LayoutHint): TableResult {
  const located: LocatedTable = locateRows(text, region, table);
  if (located.coverage < MIN_COVERAGE || located.numberCount === 0) {
    return { cells: null, findings: [finding('table.absent', { table: table.key }, [], region)], extraRows: [], columnMajor: false };
  }
  alignFixedWidth(text, table, located);
  const findings: Finding[] = [];
  const extraRows: TableResult['extraRows'] = [];
  const lines: SourceLine[] = [];
  // A row with no value at all is an all-blank row — unless another row holds more numbers than
  // it has cells: then the layout is not row by row (a column-major PDF extraction puts every
  // number after the last label) and the empty rows are missing, not zero.
  const extraColumn = table.key === 'requests' ? dropExtraColumn(table, located, rules) : null;
  if (extraColumn) findings.push(extraColumn.finding);
  const overflow = located.rows.some((r) => !r.row.group && r.label && countCells(r.items) > columnsOf(table, r.row).length);
  const rebuilt = overflow ? rebuildColumnMajor(table, located, rules, layoutHint) : new Map<string, ValueItem[]>();
  // A 2021 report that still prints the 2019 single (六) row (other_other): its numbers are the sum of
  // the three 2021 sub-rows. The row is read as a group line of its own, the rules see it in
  // place of its members, and the members are settled afterwards (all 0 where it is 0).
  let groupRow: { key: string; members: string[] } | null = null;
  for (const r of located.rows) {
    if (r.row.group) {
      if (!r.items.some((it) => it.kind === 'num')) continue;
      const children = located.rows.filter((c) => c.row.parent === r.row.key);
      if (!groupRow && children.length && children.every((c) => !c.label && !c.row.group)) {
        groupRow = { key: r.row.key, members: children.map((c) => c.row.key) };
        findings.push(finding('template.other_single_row', {}, children.map((c) => `${table.key}.${c.row.key}`)));
        lines.push({ cells: table.columns.map((c) => cellPath(table.key, r.row.key, c.key)), items: r.items });
      } else findings.push(finding('table.group_has_numbers', { row: r.row.key }, [`${table.key}.${r.row.key}`], r.values!));
      continue;
    }
    if (!r.label && groupRow?.members.includes(r.row.key)) continue;
    if (!r.label) {
      findings.push(finding('table.row_missing', { table: table.key, row: r.row.key }, [`${table.key}.${r.row.key}`]));
      continue;
    }
    if (overflow && (r.items.length === 0 || rebuilt.has(r.row.key))) {
      const items = rebuilt.get(r.row.key);
      if (items) lines.push({ cells: columnsOf(table, r.row).map((c) => cellPath(table.key, r.row.key, c.key)), items });
      continue;
    }
    lines.push({ cells: columnsOf(table, r.row).map((c) => cellPath(table.key, r.row.key, c.key)), items: r.items });
  }
  if (overflow) findings.push(rebuilt.size ? finding('table.column_major', { table: table.key }, [...rebuilt.keys()].map((r) => `${table.key}.${r}`)) : finding('table.layout_not_rowwise', { table: table.key }));
  for (const x of located.extra) {
    extraRows.push({ table: table.key, label: x.label, values: x.items.map((it) => (it.kind === 'num' ? (it.negative ? '-' : '') + it.digits : '')), span: x.span });
    findings.push(finding('table.extra_row', { label: x.label, after: x.after }, [], x.span));
  }
  const groupRules = groupRow ? rules.map((rule) => substituteGroup(rule, table.key, groupRow!)) : rules;
  const solveRules = groupRow ? [...groupRules, ...groupRowTotals(table, groupRow.key)] : groupRules;
  const solved = assembleSolved(table, lines, solveRules, evidence, groupRow ? [groupRow.key] : []);
  const cells = solved.cells;
  findings.push(...solved.findings);
  if (extraColumn) findings.push(...checkExtraColumn(table, cells, extraColumn));
  if (groupRow) settleMembers(table, cells, groupRow, solved.groups[groupRow.key] ?? {});
  findings.push(...checkSubtotals(table, located, cells));
  return { cells, findings, extraRows, columnMajor: overflow && rebuilt.size > 0 };
}

/** A rule with the members of a group replaced by the group's own line (sum of members). */
function substituteGroup(rule: LinearRule, tableKey: string, group: { key: string; members: string[] }): LinearRule {
  const prefix = `${tableKey}.`;
  const terms: LinearRule['terms'] = [];
  const seen = new Set<string>();
  for (const t of rule.terms) {
    const [, row, col] = t.cell.split('.');
    if (!group.members.includes(row)) { terms.push(t); continue; }
    const cell = `${prefix}${group.key}.${col}`;
    if (seen.has(cell)) continue; // members enter the sums with the same coefficient
    seen.add(cell);
    terms.push({ cell, coef: t.coef });
  }
  // the row totals of the members themselves cannot be checked: drop rules wholly inside them
  if (rule.terms.every((t) => group.members.includes(t.cell.split('.')[1]))) return { ...rule, terms: [] };
  return { ...rule, terms };
}

function groupRowTotals(table: TableDef, key: string): LinearRule[] {
  const row = table.rows.find((r) => r.key === key);
  if (!row || !table.columns.some((c) => c.isTotal)) return [];
  return [requestsRowTotal(table, row)];
}

/**
 * Members of a group printed as one row: where the group's value is 0 every member is 0 (counts
 * are never negative), inferred; otherwise how it splits is not in the source — ambiguous.
 */
function settleMembers(table: TableDef, cells: TableCells, group: { key: string; members: string[] }, groupCells: Record<string, Cell>) {
  const catchAll = group.members[group.members.length - 1];
  for (const c of table.columns) {
    const g = groupCells[c.key];
    for (const m of group.members) {
      if (!cells[m]) continue;
      if (g && g.value === 0 && (g.status === 'read' || g.status === 'blank' || g.status === 'inferred')) cells[m][c.key] = { value: 0, status: 'inferred' };
      else if (g && g.value !== null && g.status !== 'ambiguous' && g.status !== 'missing') {
        cells[m][c.key] = { value: null, status: 'ambiguous', candidates: m === catchAll ? [g.value, 0] : [0, g.value] };
      }
    }
  }
}

/**
 * Non-template subtotal rows (小计/合计 after the members of a group, spec §6.2
 * requests.extra_subtotal): each must equal the sum of the group's rows above it, per column.
 */
function checkSubtotals(table: TableDef, located: LocatedTable, cells: TableCells): Finding[] {
  const out: Finding[] = [];
  for (const x of located.extra) {
    if (!/小计|合计/.test(x.label)) continue;
    const after = table.rows.find((r) => r.key === x.after);
    if (!after?.parent) continue;
    const members = table.rows.filter((r) => r.parent === after.parent && !r.group);
    const cols = columnsOf(table, after);
    const nums = x.items.filter((it) => it.kind === 'num');
    if (nums.length !== cols.length) continue;
    cols.forEach((c, i) => {
      const parts = members.map((m) => cells[m.key]?.[c.key]);
      if (parts.some((p) => !p || p.value === null || p.status === 'ambiguous' || p.status === 'missing')) return;
      const sum = parts.reduce((a, p) => a + (p!.value as number), 0);
      const v = Number(nums[i].kind === 'num' ? nums[i].digits : 0);
      if (v !== sum) out.push(finding(TABLE_RULES.extra_subtotal[table.key], { label: x.label, column: c.label, value: v, sum }, members.map((m) => cellPath(table.key, m.key, c.key)), x.span));
    });
  }
  return out;
}

/**
 * A 法人或其他组织 subtotal column added to table 三 (8 numbers a row, spec §4.1): found when most
 * rows have one number more than the template's columns, and placed where dropping it makes the
 * row totals hold. The column is taken out of the rows (mutating `located`), never mapped onto a
 * template column, and checked afterwards against the sum of the organisation columns.
 */
function dropExtraColumn(table: TableDef, located: LocatedTable, rules: LinearRule[]): { index: number; values: Map<string, number>; finding: Finding } | null {
  const C = table.columns.length;
  const rows = located.rows.filter((r) => !r.row.group && r.label && r.items.length > 0);
  const wide = rows.filter((r) => countCells(r.items) === C + 1 && r.items.every((it) => it.kind === 'num' || it.kind === 'blank'));
  if (rows.length < 4 || wide.length < rows.length * 0.6) return null;
  const num = (it: ValueItem) => (it.kind === 'num' ? Number(it.digits) * (it.negative ? -1 : 1) : 0);
  let best = { index: -1, score: 0 };
  for (let j = 0; j <= C; j++) {
    let score = 0;
    for (const r of wide) {
      const grid = [requiredItems(r.items).filter((_, i) => i !== j)];
      const fit = countRowTotals(table, [r.row.key], grid, rules);
      if (fit.checked && fit.holding === fit.checked) score++;
    }
    if (score > best.score) best = { index: j, score };
  }
  if (best.index < 0 || best.score < wide.length * 0.8) return null;
  const values = new Map<string, number>();
  for (const r of wide) {
    const req = requiredItems(r.items);
    values.set(r.row.key, num(req[best.index]));
    r.items = req.filter((_, i) => i !== best.index);
  }
  return { index: best.index, values, finding: finding('table.extra_column', { table: table.key, index: best.index }) };
}

/** The dropped subtotal column must equal the sum of the organisation columns (requests.extra_subtotal). */
function checkExtraColumn(table: TableDef, cells: TableCells, extra: { values: Map<string, number> }): Finding[] {
  const out: Finding[] = [];
  const orgParent = table.groupHeaders?.[1];
  const org = table.columns.filter((c) => c.parent === orgParent);
  for (const [row, v] of extra.values) {
    const parts = org.map((c) => cells[row]?.[c.key]);
    if (parts.some((p) => !p || p.value === null || p.status === 'ambiguous' || p.status === 'missing')) continue;
    const sum = parts.reduce((a, p) => a + (p!.value as number), 0);
    if (sum !== v) out.push(finding(TABLE_RULES.extra_subtotal[table.key], { label: `${row} ${orgParent ?? ''}小计`, column: '小计', value: v, sum }, org.map((c) => cellPath(table.key, row, c.key))));
  }
  return out;
}

/** What the arithmetic proved about the extraction's layout in another table of the same report. */
export interface LayoutHint { columnMajor: boolean }

/**
 * Tables extracted column by column (all row labels first, then every number of the first
 * column top to bottom, then the next column …, page by page): the numbers of a block of rows
 * all follow the block's last label. A block of k rows of C cells holding k × C numbers is
 * rebuilt column-major when the row totals prove it (and row-major reading does not fit), or,
 * for tables with no row arithmetic, when another table of the same report was proven so.
 */
function rebuildColumnMajor(table: TableDef, located: LocatedTable, rules: LinearRule[], hint?: LayoutHint): Map<string, ValueItem[]> {
  const out = new Map<string, ValueItem[]>();
  let block: LocatedTable['rows'] = [];
  for (const r of located.rows) {
    if (r.row.group || !r.label) continue;
    const cols = columnsOf(table, r.row).length;
    if (r.items.length === 0) {
      if (block.length && columnsOf(table, block[0].row).length !== cols) block = [];
      block.push(r);
      continue;
    }
    if (countCells(r.items) <= cols || !r.items.every((it) => it.kind === 'num')) { block = []; continue; }
    // the overflowing row closes the block when it has the block's width; else it has its own cells last
    const rows = block.length && columnsOf(table, block[0].row).length === cols ? [...block, r] : block;
    const width = rows.length ? columnsOf(table, rows[0].row).length : cols;
    const needed = rows.length * width + (rows.includes(r) ? 0 : cols);
    block = [];
    if (!rows.length || r.items.length !== needed) continue;
    const k = rows.length;
    const colMajor = rows.map((_, i) => Array.from({ length: width }, (_, c) => r.items[c * k + i]));
    const rowMajor = rows.map((_, i) => r.items.slice(i * width, (i + 1) * width));
    const fits = (grid: ValueItem[][]) => countRowTotals(table, rows.map((x) => x.row.key), grid, rules);
    const cm = fits(colMajor), rm = fits(rowMajor);
    const useColumnMajor = cm.checked > 0 ? cm.holding === cm.checked && rm.holding < rm.checked : hint?.columnMajor === true;
    if (!useColumnMajor) continue;
    rows.forEach((x, i) => out.set(x.row.key, colMajor[i]));
    if (!rows.includes(r)) out.set(r.row.key, r.items.slice(k * width));
  }
  return out;
}

/** How many of the rows' own total rules hold in a candidate grid of single-number items. */
function countRowTotals(table: TableDef, keys: string[], grid: ValueItem[][], rules: LinearRule[]): { checked: number; holding: number } {
  let checked = 0, holding = 0;
  keys.forEach((key, i) => {
    const cols = columnsOf(table, table.rows.find((r) => r.key === key)!).map((c) => c.key);
    for (const rule of rules) {
      const terms = rule.terms.map((t) => t.cell.split('.'));
      if (!terms.every(([, row]) => row === key)) continue;
      checked++;
      const sum = rule.terms.reduce((acc, t, j) => {
        const item = grid[i][cols.indexOf(terms[j][2])];
        return acc + t.coef * (item && item.kind === 'num' ? Number(item.digits) * (item.negative ? -1 : 1) : 0);
      }, 0);
      if (holds(sum)) holding++;
    }
  });
  return { checked, holding };
}

/** Fewest cells the items can fill: every item but optional padding at least one. */
function countCells(items: SourceLine['items']): number {
  return requiredItems(items).length;
}

/**
 * Fixed-width text: rows of the same columns whose numbers stand consistently under column
 * positions get one item per cell, blanks where a column is empty (mutates `located`).
 */
function alignFixedWidth(text: string, table: TableDef, located: LocatedTable): void {
  const groups = new Map<string, LocatedTable['rows']>();
  for (const r of located.rows) {
    if (r.row.group || !r.label) continue;
    const cols = columnsOf(table, r.row);
    const key = cols.map((c) => c.key).join(',');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const rows of groups.values()) {
    const cols = columnsOf(table, rows[0].row);
    const placed = alignByColumns(text, rows.map((r) => ({ items: r.items, labelStart: r.label![0] })), cols.length, cols.map((c) => c.label));
    if (placed) rows.forEach((r, i) => { if (placed[i].some((it) => it.kind === 'num')) r.items = placed[i]; });
  }
}

/**
 * The solver's cells assembled into the table's shape, with the solver's findings; `groups`: the
 * cells of group rows read in place of their members (not part of the output).
 */
function assembleSolved(table: TableDef, lines: SourceLine[], allRules: LinearRule[], evidence?: Map<string, number>, groupKeys: string[] = []): { cells: TableCells; findings: Finding[]; groups: Record<string, Record<string, Cell>> } {
  const rules = allRules.filter((r) => r.terms.length > 0 && r.terms.every((t) => t.cell.startsWith(`${table.key}.`)));
  const solved = solveTable(lines.map((l) => ({ ...l, limits: limitsOf(table, l.cells) })), rules, { evidence });
  const findings: Finding[] = [];
  for (const i of solved.unreadable) findings.push(finding('table.row_unreadable', {}, lines[i].cells));
  for (const { line, doubt } of solved.doubtful) {
    const cells = lines[line].cells;
    if (doubt.kind === 'not_a_count') {
      const longest = lines[line].items.reduce((a, it) => (it.kind === 'num' && it.digits.length > a.length ? it.digits : a), '');
      findings.push(finding('cell.not_a_count', { table: table.key, digits: longest }, cells));
    } else if (doubt.kind === 'implausible') findings.push(finding('cell.implausible', { table: table.key, limit: doubt.limit }, cells));
    else {
      // the source's own break, reported as for cleanly separated cells, on the one-digit-per-cell reading
      const value = new Map(cells.map((c, i) => [c, doubt.values[i]]));
      for (const rule of doubt.broken) {
        const result = evaluate(rule.terms, (cell) => value.get(cell) ?? 0);
        if (result) findings.push(finding(rule.id as EquationId & RuleId, { ...rule.params, reading: doubt.values.join('/'), lhs: result.lhs, rhs: result.rhs }, rule.terms.map((t) => t.cell)));
      }
    }
  }
  if (solved.exhausted) findings.push(finding('solve.budget', { table: table.key }));
  if (solved.evidenceUsed) findings.push(finding('solve.prose_evidence', { table: table.key }, [...(evidence?.keys() ?? [])].filter((c) => c.startsWith(`${table.key}.`))));
  const groups: Record<string, Record<string, Cell>> = {};
  for (const key of groupKeys) {
    const row: Record<string, Cell> = {};
    for (const c of table.columns) {
      const cell = solved.cells.get(cellPath(table.key, key, c.key));
      if (cell) row[c.key] = cell;
    }
    groups[key] = row;
  }
  return { cells: assemble(table, solved.cells), findings, groups };
}

/** Per cell of a line, the largest value a damaged reading may give it (money cells: none). */
function limitsOf(table: TableDef, cells: string[]): (number | undefined)[] {
  return cells.map((path) => {
    const [, rowKey, colKey] = path.split('.');
    const row = table.rows.find((r) => r.key === rowKey);
    const col = (table.singleLine || !row ? table.columns : columnsOf(table, row)).find((c) => c.key === colKey);
    return col?.money ? undefined : table.plausibleMax;
  });
}

/**
 * Table 四 printed as a bare line of its numbers under the section heading, the header lost (a
 * picture, a dropped line): taken only when a line holds exactly as many numbers as the table has
 * cells, each set off by spaces, and they satisfy every one of the table's own rules (the group
 * totals) — without that proof the table is absent.
 */
function bareLine(text: string, region: Span, table: TableDef, rules: LinearRule[]): ReturnType<typeof locateSingleLine> | null {
  const cells: string[] = table.rows.flatMap((g) => table.columns.map((c) => cellPath(table.key, g.key, c.key)));
  const own = rules.filter((r) => r.terms.every((t) => cells.includes(t.cell)));
  if (!own.length) return null;
  for (let start = region[0]; start < region[1];) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 || nl > region[1] ? region[1] : nl;
    const items = valueItems(text, start, end);
    const nums = items.filter((it) => it.kind === 'num');
    if (nums.length === cells.length && items.length === nums.length && nums.every((it) => it.kind === 'num' && !it.decimal && !it.negative)
      && /^[\s\d]*$/.test(text.slice(start, end))) {
      const value = new Map(cells.map((c, i) => [c, Number((nums[i] as { digits: string }).digits)]));
      if (own.every((r) => { const e = evaluate(r.terms, (cell) => value.get(cell)); return e !== null && e.holds; })) {
        return { values: [start, end], items, headerFound: true, headerComplete: false };
      }
    }
    start = end + 1;
  }
  return null;
}

function extractSingleLine(text: string, region: Span, table: TableDef, rules: LinearRule[], evidence?: Map<string, number>): TableResult {
  const found = locateSingleLine(text, region, table);
  const line = found.headerFound ? found : bareLine(text, region, table, rules) ?? found;
  // No number after the header: a table of empty cells when its whole header is there as text
  // (every cell blank, 0 — spec §6.5), else the table is missing (a picture, or only prose).
  const noNumbers = !line.items.some((it) => it.kind === 'num');
  const emptyCells = noNumbers && line.headerComplete && !/[0-9]/.test(text.slice(line.values[0], line.values[1]));
  if (!line.headerFound || (noNumbers && !emptyCells)) {
    return { cells: null, findings: [finding('table.absent', { table: table.key }, [], region)], extraRows: [], columnMajor: false };
  }
  const cells = table.rows.flatMap((g) => table.columns.map((c) => cellPath(table.key, g.key, c.key)));
  // fixed-width text: the one line of numbers under a header line of every column's label
  const labels = table.rows.flatMap(() => table.columns.map((c) => c.label));
  const firstNum = line.items.find((it) => it.kind === 'num');
  const placed = firstNum ? alignByColumns(text, [{ items: line.items, labelStart: text.lastIndexOf('\n', firstNum.span[0] - 1) + 1 }], cells.length, labels) : null;
  const solved = assembleSolved(table, [{ cells, items: placed ? placed[0] : line.items }], rules, evidence);
  return { cells: solved.cells, findings: solved.findings, extraRows: [], columnMajor: false };
}

/**
 * Regions are the bodies of sections 二, 三, 四 (null when the section was not found).
 * `evidence`: cell values the prose states, used only to choose among equally valid readings.
 */
export function extractTables(text: string, version: TemplateVersion, regions: Record<TableKey, Span | null>, evidence?: Map<string, number>): ExtractedTables {
  const template = TEMPLATES[version];
  const findings: Finding[] = [];
  const extraRows: NonNullable<Report['extra_rows']> = [];
  const tables = {} as Record<TableKey, TableCells | null>;
  // table 三 first: its arithmetic can prove a column-major extraction, which table 二 (no
  // arithmetic of its own) then follows.
  let columnMajor = false;
  for (const key of ['requests', 'active', 'review_litigation'] as const) {
    const def = template.tables[key];
    const region = regions[key];
    if (!region) {
      tables[key] = null;
      findings.push(finding('table.absent', { table: key }));
      continue;
    }
    const result = def.singleLine
      ? extractSingleLine(text, region, def, template.rules, evidence)
      : extractRowTable(text, region, def, template.rules, evidence, { columnMajor });
    tables[key] = result.cells;
    findings.push(...result.findings);
    extraRows.push(...result.extraRows);
    if (key === 'requests' && result.columnMajor) columnMajor = true;
  }
  return { tables, findings, extraRows };
}
