// Plain text: the title, the sections and their prose, each table as lines of cells separated by
// " | " — the form a Word or HTML table takes when copied as text, and the one readers of plain
// text (Gongkai's among them) take cell by cell. A merged cell gives its text once and leaves
// the grid slots it covers empty, so every line has the grid's width and no number moves.

import { MARK_LEGEND, startColumns, TABLE_ABSENT_TEXT, type DocTable, type ReportDocument } from './document.js';

/** The table's grid with every merged cell expanded: text in its first slot, '' in the others. */
export function expandGrid(table: DocTable): string[][] {
  const grid = table.rows.map(() => Array<string>(table.columns).fill(''));
  const starts = startColumns(table);
  table.rows.forEach((line, r) => line.forEach((cell, i) => { grid[r][starts[r][i]] = cell.text; }));
  return grid;
}

/** Display width: CJK and full-width characters take two columns of a fixed-width font. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6“”]/.test(ch) ? 2 : 1;
  return w;
}

function tableText(table: DocTable): string[] {
  const grid = expandGrid(table);
  const starts = startColumns(table);
  // Columns are as wide as their widest unmerged cell (capped, so one long label does not push
  // every number off the screen); a longer text runs on into the padding of the slots after it,
  // which give it back, so the numbers stay lined up in a fixed-width font.
  const widths = Array<number>(table.columns).fill(0);
  table.rows.forEach((line, r) => line.forEach((cell, i) => {
    if ((cell.colspan ?? 1) === 1 && cell.kind !== 'corner') widths[starts[r][i]] = Math.max(widths[starts[r][i]], Math.min(24, width(cell.text)));
  }));
  const lines = grid.map((line) => {
    let debt = 0;
    return line.map((t, c) => {
      const pad = widths[c] - width(t) - debt;
      debt = pad < 0 ? -pad : 0;
      return t + ' '.repeat(Math.max(0, pad));
    }).join(' | ') + ' |';
  });
  if (table.notes.length) lines.push(MARK_LEGEND, ...table.notes);
  return lines;
}

export function renderText(doc: ReportDocument): string {
  const out: string[] = [doc.title, ''];
  for (const p of doc.preamble) out.push(p.text);
  for (const s of doc.sections) {
    out.push(s.heading);
    for (const p of s.paragraphs) out.push(p.text);
    if (s.table === null) out.push(TABLE_ABSENT_TEXT);
    else if (s.table) out.push(...tableText(s.table));
  }
  out.push('');
  if (doc.signature.agency) out.push(doc.signature.agency);
  if (doc.signature.date) out.push(doc.signature.date);
  return out.join('\n') + '\n';
}
