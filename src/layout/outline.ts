// A template table walked in print order: where a sub-table caption starts, where a header row of
// column labels is due, each group heading and each data row with its nesting. The merged grid
// (grid.ts) and the text renderers (the CLI, the corpus sheets, the aggregate table) are all built
// from this one walk, so they agree on order, nesting and where headers repeat.

import { columnsOf, type ColumnDef, type RowDef, type TableDef } from '../template/index.js';

export type OutlineEntry =
  /** A sub-table caption (二: 第二十条第(一)项 …), as the template data spells it. */
  | { kind: 'caption'; text: string }
  /** Column labels are due: the first row, a new caption, or rows with other columns. */
  | { kind: 'header'; columns: readonly ColumnDef[] }
  | { kind: 'group'; row: RowDef; ancestors: RowDef[] }
  | { kind: 'row'; row: RowDef; ancestors: RowDef[]; columns: readonly ColumnDef[] };

export function tableOutline(table: TableDef): OutlineEntry[] {
  const byKey = new Map(table.rows.map((r) => [r.key, r] as const));
  const ancestorsOf = (r: RowDef): RowDef[] => {
    const out: RowDef[] = [];
    for (let p = r.parent ? byKey.get(r.parent) : undefined; p; p = p.parent ? byKey.get(p.parent) : undefined) out.unshift(p);
    return out;
  };
  const out: OutlineEntry[] = [];
  let caption: string | undefined;
  let signature: string | undefined;
  for (const row of table.rows) {
    if (row.caption !== caption) {
      caption = row.caption;
      signature = undefined;
      if (caption) out.push({ kind: 'caption', text: caption });
    }
    const ancestors = ancestorsOf(row);
    if (row.group) {
      out.push({ kind: 'group', row, ancestors });
      continue;
    }
    const columns = columnsOf(table, row);
    const sig = columns.map((c) => c.key).join(',');
    if (sig !== signature) {
      signature = sig;
      out.push({ kind: 'header', columns });
    }
    out.push({ kind: 'row', row, ancestors, columns });
  }
  return out;
}

/**
 * A row's label as one line of text: numbering, the group of a single-line table (行政诉讼·), the
 * label. `short` drops a trailing parenthetical (部分公开(区分处理的,…) → 部分公开) for narrow columns.
 */
export function rowLabel(table: TableDef, row: RowDef, opts: { short?: boolean } = {}): string {
  const group = table.singleLine && row.parent ? `${row.parent}·` : '';
  return `${row.numbering ?? ''}${group}${opts.short ? row.label.replace(/\(.*\)$/, '') : row.label}`;
}
