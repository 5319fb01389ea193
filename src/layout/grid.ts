// The template's tables as display grids, computed from the template data (src/template/): header
// rows with merged cells, label columns with nested groups, and data cells that name the report
// cell they show. The web page and the XLSX export both draw from this one description, so
// neither spells a label; rows come in the order and nesting of the one walk (outline.ts). The
// layout follows the official 2021 template document (table 二:
// stacked sub-tables under 第二十条 captions; table 三: a 3-row header under 申请人情况 and a
// 3-column label block with the vertical 三、本年度办理结果 group; table 四: one row of numbers
// under 行政复议 / 行政诉讼 › 未经复议直接起诉 / 复议后起诉).

import type { TemplateVersion } from '../types.js';
import { columnsOf, TEMPLATES, type ColumnDef, type RowDef, type TableDef, type TableKey, type TemplateDef } from '../template/index.js';
import { displayText } from './cells.js';
import { tableOutline, type OutlineEntry } from './outline.js';

export type LayoutKind = 'corner' | 'head' | 'caption' | 'label' | 'group' | 'data';

export interface LayoutCell {
  kind: LayoutKind;
  /** Text shown (every kind but `data`). */
  text?: string;
  colspan?: number;
  rowspan?: number;
  /** Group label printed top to bottom (三、本年度办理结果). */
  vertical?: boolean;
  /** `data`: the report cell path `table.row.column`. */
  cell?: string;
  /** Row key (labels and data) and column key (data and column heads). */
  row?: string;
  column?: string;
  /** Nesting depth of a label (0: spans every label column). */
  depth?: number;
  /** Column facts for formatting: money (decimals), its unit, negative values allowed, a total. */
  money?: boolean;
  unit?: string;
  signed?: boolean;
  total?: boolean;
}

export interface TableLayout {
  key: TableKey;
  /** 一 / 二 / 三 / 四 */
  number: string;
  heading: string;
  /** `三、收到和处理政府信息公开申请情况` */
  title: string;
  /** Grid width in columns. */
  columns: number;
  /** Leading rows of `rows` that form the table header (drawn in <thead>). */
  headerRows: number;
  rows: LayoutCell[][];
}

export interface TemplateLayout {
  version: TemplateVersion;
  tables: TableLayout[];
}

export function templateLayout(version: TemplateVersion): TemplateLayout {
  const def = TEMPLATES[version];
  return {
    version,
    tables: (['active', 'requests', 'review_litigation'] as const).map((key) => tableLayout(def, def.tables[key])),
  };
}

function tableLayout(def: TemplateDef, table: TableDef): TableLayout {
  const base = { key: table.key, number: table.headingNumber, heading: table.heading, title: `${table.headingNumber}、${displayText(table.heading)}` };
  if (table.singleLine) return { ...base, ...singleLineGrid(table) };
  if (table.key === 'active' || table.rows.some((r) => r.caption)) return { ...base, ...captionedGrid(table) };
  return { ...base, ...nestedGrid(def, table) };
}

const dataCell = (table: TableDef, row: RowDef, c: ColumnDef, colspan = 1): LayoutCell => ({
  kind: 'data', cell: `${table.key}.${row.key}.${c.key}`, row: row.key, column: c.key,
  ...(colspan > 1 ? { colspan } : {}),
  ...(c.money ? { money: true } : {}), ...(c.unit ? { unit: c.unit } : {}), ...(c.signed ? { signed: true } : {}),
  ...(c.isTotal || row.isTotal ? { total: true } : {}),
});

/** Spread `n` cells over `width` grid columns: the last takes what is left. */
function spans(n: number, width: number): number[] {
  if (n === 0) return [];
  const each = Math.max(1, Math.floor(width / n));
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? Math.max(1, width - each * (n - 1)) : each));
}

/** Table 二: sub-tables stacked under their captions, each with its own header row. */
function captionedGrid(table: TableDef): Pick<TableLayout, 'columns' | 'headerRows' | 'rows'> {
  const width = Math.max(1, ...table.rows.map((r) => columnsOf(table, r).length));
  const rows: LayoutCell[][] = [];
  for (const entry of tableOutline(table)) {
    if (entry.kind === 'caption') rows.push([{ kind: 'caption', text: displayText(entry.text), colspan: width + 1 }]);
    else if (entry.kind === 'header') {
      const colSpans = spans(entry.columns.length, width);
      rows.push([
        { kind: 'head', text: displayText(table.labelHeader ?? '') },
        ...entry.columns.map((c, i) => ({ kind: 'head' as const, text: displayText(c.label), column: c.key, ...(colSpans[i] > 1 ? { colspan: colSpans[i] } : {}) })),
      ]);
    } else if (entry.kind === 'row') {
      const colSpans = spans(entry.columns.length, width);
      rows.push([
        { kind: 'label', text: displayText(entry.row.label), row: entry.row.key, depth: 0 },
        ...entry.columns.map((c, i) => dataCell(table, entry.row, c, colSpans[i])),
      ]);
    }
  }
  return { columns: width + 1, headerRows: 0, rows };
}

interface Leaf {
  /** Header path from the outermost group to the column label; ids make equal labels distinct. */
  path: { id: string; text: string }[];
  column?: string;
  total?: boolean;
}

/** Header rows for leaves with nested parents: groups merge across columns, short paths reach down. */
function headerGrid(leaves: Leaf[]): LayoutCell[][] {
  const depth = Math.max(1, ...leaves.map((l) => l.path.length));
  const grid: LayoutCell[][] = Array.from({ length: depth }, () => []);
  for (let level = 0; level < depth; level++) {
    for (let i = 0; i < leaves.length; i++) {
      const path = leaves[i].path;
      if (level >= path.length) continue;
      const key = path.slice(0, level + 1).map((p) => p.id).join('/');
      if (i > 0 && leaves[i - 1].path.length > level && leaves[i - 1].path.slice(0, level + 1).map((p) => p.id).join('/') === key) continue;
      if (level === path.length - 1) {
        const rowspan = depth - level;
        grid[level].push({ kind: 'head', text: path[level].text, ...(leaves[i].column ? { column: leaves[i].column } : {}), ...(rowspan > 1 ? { rowspan } : {}), ...(leaves[i].total ? { total: true } : {}) });
      } else {
        let span = 1;
        while (i + span < leaves.length && leaves[i + span].path.length > level && leaves[i + span].path.slice(0, level + 1).map((p) => p.id).join('/') === key) span++;
        grid[level].push({ kind: 'head', text: path[level].text, ...(span > 1 ? { colspan: span } : {}) });
      }
    }
  }
  return grid;
}

/**
 * Parents of the columns, nested by extent: a parent whose columns lie strictly inside another
 * parent's extent (法人或其他组织 between 自然人 and 总计) sits under it (申请人情况).
 */
function columnLeaves(columns: readonly ColumnDef[]): Leaf[] {
  const extent = new Map<string, [number, number]>();
  columns.forEach((c, i) => {
    if (!c.parent) return;
    const e = extent.get(c.parent);
    extent.set(c.parent, e ? [e[0], i] : [i, i]);
  });
  const parentOf = (p: string): string | undefined => {
    const [a, b] = extent.get(p)!;
    let best: string | undefined;
    for (const [q, [qa, qb]] of extent) {
      if (q === p || qa > a || qb < b || (qa === a && qb === b)) continue;
      if (!best || qb - qa < extent.get(best)![1] - extent.get(best)![0]) best = q;
    }
    return best;
  };
  return columns.map((c) => {
    const path: Leaf['path'] = [];
    for (let p = c.parent; p; p = parentOf(p)) path.unshift({ id: `p:${p}`, text: displayText(p) });
    path.push({ id: `c:${c.key}`, text: displayText(c.label) });
    return { path, column: c.key, ...(c.isTotal ? { total: true } : {}) };
  });
}

/** The note in table 三's corner, as the template prints it. */
function cornerNote(_def: TemplateDef, table: TableDef): string {
  return table.note ? displayText(table.note) : '';
}

/** Table 三: a header over the columns, then rows with their numbering in nested label columns. */
function nestedGrid(def: TemplateDef, table: TableDef): Pick<TableLayout, 'columns' | 'headerRows' | 'rows'> {
  const data = tableOutline(table).filter((e): e is Extract<OutlineEntry, { kind: 'row' }> => e.kind === 'row');
  const labelCols = Math.max(1, ...data.map((e) => e.ancestors.length + 1));
  const descendants = (g: RowDef) => data.filter((e) => e.ancestors.includes(g)).length;

  const header = headerGrid(columnLeaves(table.columns));
  header[0].unshift({ kind: 'corner', text: cornerNote(def, table), ...(labelCols > 1 ? { colspan: labelCols } : {}), ...(header.length > 1 ? { rowspan: header.length } : {}) });

  const rows: LayoutCell[][] = [...header];
  const opened = new Set<string>();
  for (const { row, ancestors: chain } of data) {
    const line: LayoutCell[] = [];
    chain.forEach((g, level) => {
      if (opened.has(g.key)) return;
      opened.add(g.key);
      const span = descendants(g);
      line.push({
        kind: 'group', text: displayText(`${g.numbering ?? ''}${g.label}`), row: g.key, depth: level,
        ...(span > 1 ? { rowspan: span } : {}),
        // The outermost group of a nested block is printed upright in a narrow column.
        ...(level === 0 && labelCols > 2 ? { vertical: true } : {}),
      });
    });
    const width = labelCols - chain.length;
    line.push({ kind: 'label', text: displayText(`${row.numbering ?? ''}${row.label}`), row: row.key, depth: chain.length, ...(width > 1 ? { colspan: width } : {}), ...(row.isTotal ? { total: true } : {}) });
    for (const c of table.columns) line.push(dataCell(table, row, c));
    rows.push(line);
  }
  return { columns: labelCols + table.columns.length, headerRows: header.length, rows };
}

/** Table 四: the groups side by side as column groups over one row of numbers. */
function singleLineGrid(table: TableDef): Pick<TableLayout, 'columns' | 'headerRows' | 'rows'> {
  const leaves: Leaf[] = [];
  const cells: LayoutCell[] = [];
  for (const g of table.rows) {
    if (g.group) continue;
    for (const c of columnsOf(table, g)) {
      leaves.push({
        path: [...(g.parent ? [{ id: `p:${g.parent}`, text: displayText(g.parent) }] : []), { id: `g:${g.key}`, text: displayText(g.label) }, { id: `c:${g.key}.${c.key}`, text: displayText(c.label) }],
        column: c.key, ...(c.isTotal ? { total: true } : {}),
      });
      cells.push(dataCell(table, g, c));
    }
  }
  const header = headerGrid(leaves);
  return { columns: leaves.length, headerRows: header.length, rows: [...header, cells] };
}

/** Every data cell path of a version, in table order (CSV export, validation of posted reports). */
export function cellPaths(version: TemplateVersion): { table: TableKey; row: string; column: string; path: string }[] {
  const out: { table: TableKey; row: string; column: string; path: string }[] = [];
  for (const t of templateLayout(version).tables) {
    for (const line of t.rows) for (const c of line) if (c.kind === 'data' && c.cell) out.push({ table: t.key, row: c.row!, column: c.column!, path: c.cell });
  }
  return out;
}

/** Positions of the layout cells in a grid with merged cells (row and column, 0-based). */
export function placeGrid(rows: LayoutCell[][]): { r: number; c: number; cell: LayoutCell }[] {
  const taken = new Set<string>();
  const out: { r: number; c: number; cell: LayoutCell }[] = [];
  rows.forEach((line, r) => {
    let c = 0;
    for (const cell of line) {
      while (taken.has(`${r},${c}`)) c++;
      const rs = cell.rowspan ?? 1, cs = cell.colspan ?? 1;
      for (let i = 0; i < rs; i++) for (let j = 0; j < cs; j++) taken.add(`${r + i},${c + j}`);
      out.push({ r, c, cell });
      c += cs;
    }
  });
  return out;
}
