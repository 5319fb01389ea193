// A table's rows → the text lines the pipeline reads, shared by the HTML and DOCX decoders: one
// line per row on the expanded grid, cells joined with " | " ("a | b | c |"). A cell spanning
// rows gives its text in its first row and "" below; a cell spanning columns gives its text once
// and "" after it; a continuation of a merged cell (Word's vMerge) is "". A row holding a prose
// cell (a note, a paragraph), and every row of a layout table, is written as lines of text.

import { joinCellParts } from './markup.js';

export interface GridCell {
  /** The cell's text, one entry per block inside it. */
  lines: string[];
  colspan: number;
  /** Rows the cell covers; 0: to the end of the table (HTML rowspan="0"). */
  rowspan: number;
  /** Characters of text in the cell, spaces not counted: a long one makes its row prose. */
  len: number;
  /** Continues the merged cell above it: shown empty, its text not repeated. */
  continued?: boolean;
}

export interface GridRow {
  cells: GridCell[];
  /** Empty grid columns before the first cell (Word's w:gridBefore). */
  before?: number;
}

/** A cell longer than this is prose, not a table value. */
export const LONG_CELL = 150;

export interface GridOptions {
  /** A layout table (nesting a table, one column): every row as lines of text. */
  layout?: boolean;
  /** Past this many grid cells, spans are no longer expanded (hostile spans). */
  maxArea?: number;
}

export function gridLines(rows: GridRow[], opts: GridOptions = {}): string[] {
  const out: string[] = [];
  const asLines = (row: GridRow) => {
    for (const c of row.cells) if (!c.continued) for (const l of c.lines) out.push(l);
  };
  if (opts.layout) {
    for (const row of rows) asLines(row);
    return out;
  }
  const maxArea = opts.maxArea ?? Infinity;
  const prose = rows.map((row) => row.cells.some((c) => c.len > LONG_CELL));
  const grid: string[][] = rows.map(() => []);
  let area = 0;
  rows.forEach((row, r) => {
    // a prose row still takes its places on the grid (its spans reach the rows below), with no text
    let c = 0;
    for (let i = 0; i < (row.before ?? 0); i++) grid[r][c++] = '';
    for (const cell of row.cells) {
      while (grid[r][c] !== undefined) c++;
      let rs = cell.rowspan === 0 ? rows.length - r : Math.min(cell.rowspan, rows.length - r);
      let cs = cell.colspan;
      if (area + rs * cs > maxArea) rs = cs = 1;
      area += rs * cs;
      const text = prose[r] || cell.continued ? '' : joinCellParts(cell.lines);
      for (let i = 0; i < rs; i++) for (let j = 0; j < cs; j++) grid[r + i][c + j] = i === 0 && j === 0 ? text : '';
      c += cs;
    }
  });
  rows.forEach((row, r) => {
    if (prose[r]) {
      asLines(row);
      return;
    }
    const cells = grid[r];
    if (!cells.length) return;
    const line: string[] = [];
    for (let c = 0; c < cells.length; c++) line.push(cells[c] ?? '');
    out.push(`${line.join(' | ')} |`);
  });
  return out;
}
