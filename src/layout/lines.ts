// A report's three tables as lines of text cells, laid out like the template: heading, column
// labels, row labels with their numbering, one value per column — the walk of outline.ts written
// flat, for outputs without merged cells (the corpus XLSX sheets, the aggregate table).

import type { TemplateVersion } from '../types.js';
import { TEMPLATES, type TableKey } from '../template/index.js';
import { rowLabel, tableOutline } from './outline.js';

export type SheetValue = string | number | null;

const TABLES: TableKey[] = ['active', 'requests', 'review_litigation'];

/**
 * One line per sheet row. `value(path)` gives what to show for a cell; a table `present` says is
 * not there gets a line saying so. Column labels repeat once per run of rows with other columns;
 * a column under an inner group of headers carries the group's name (group·column).
 */
export function layoutRows(version: TemplateVersion, value: (path: string) => SheetValue, present: (table: TableKey) => boolean = () => true): SheetValue[][] {
  const out: SheetValue[][] = [];
  const t = TEMPLATES[version];
  for (const tk of TABLES) {
    const table = t.tables[tk];
    out.push([`${table.headingNumber}、${table.heading}`]);
    if (!present(tk)) {
      out.push(['（报告中没有此表 / table absent）']);
      out.push([]);
      continue;
    }
    if (table.note) out.push([table.note]);
    // one header line per run of rows with the same columns (a new caption alone repeats none)
    let header = '';
    for (const entry of tableOutline(table)) {
      if (entry.kind === 'header') {
        const h = [table.labelHeader ?? '', ...entry.columns.map((c) => (c.parent && c.parent !== table.groupHeaders?.[0] ? `${c.parent}·${c.label}` : c.label))];
        if (h.join('|') !== header) {
          header = h.join('|');
          out.push(h);
        }
      } else if (entry.kind === 'group') out.push([rowLabel(table, entry.row)]);
      else if (entry.kind === 'row') out.push([rowLabel(table, entry.row), ...entry.columns.map((c) => value(`${tk}.${entry.row.key}.${c.key}`))]);
    }
    out.push([]);
  }
  return out;
}
