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

function tableText(table: DocTable): string[] {
  const lines = expandGrid(table).map((line) => line.join(' | ') + ' |');
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
