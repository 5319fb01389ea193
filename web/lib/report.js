// Reading a report JSON (gongkai/report@1) for display: statuses, labels of cell paths from the
// template data, counts, and where in the text a cell without a span probably sits.

// Statuses and how a cell reads: the server's own module (src/layout/cells.ts), served as is.
export { STATUS, displayText, formatCell } from '../shared/cells.js';
import { displayText } from '../shared/cells.js';

export const SEVERITY = {
  error: { zh: '错误', en: 'error', rank: 0 },
  warning: { zh: '警告', en: 'warning', rank: 1 },
  info: { zh: '提示', en: 'info', rank: 2 },
};

export const TABLE_KEYS = ['active', 'requests', 'review_litigation'];

export function isVersion(t) {
  return t === '2019' || t === '2021';
}

export function cellOf(report, path) {
  const [table, row, col] = String(path).split('.');
  const c = report?.tables?.[table]?.[row]?.[col];
  return c && typeof c === 'object' ? c : undefined;
}

export function validSpan(report, span) {
  const n = report?.text?.length ?? 0;
  return Array.isArray(span) && span.length === 2 && Number.isInteger(span[0]) && Number.isInteger(span[1]) && span[0] >= 0 && span[1] > span[0] && span[1] <= n;
}

export function sortedFindings(report) {
  const list = Array.isArray(report?.findings) ? report.findings : [];
  return list.map((f, i) => ({ f, i })).sort((a, b) => (SEVERITY[a.f.severity]?.rank ?? 3) - (SEVERITY[b.f.severity]?.rank ?? 3) || a.i - b.i);
}

export function severityCounts(report) {
  const out = { error: 0, warning: 0, info: 0 };
  for (const f of report?.findings ?? []) if (f.severity in out) out[f.severity]++;
  return out;
}

/** Counts of cell statuses over the template's data cells. */
export function statusCounts(report, tmpl) {
  const out = { read: 0, blank: 0, inferred: 0, ambiguous: 0, missing: 0 };
  for (const t of tmpl?.layout?.tables ?? []) {
    for (const line of t.rows) for (const c of line) {
      if (c.kind !== 'data') continue;
      const cell = cellOf(report, c.cell);
      if (cell && cell.status in out) out[cell.status]++;
    }
  }
  return out;
}

/** Human labels of a path `table.row[.column]` from the template data. */
export function pathLabel(tmpl, path) {
  const [tableKey, rowKey, colKey] = String(path).split('.');
  const table = tmpl?.tables?.[tableKey];
  const layout = tmpl?.layout?.tables?.find((t) => t.key === tableKey);
  const out = { table: layout ? `${layout.number}` : tableKey, row: rowKey ?? '', column: colKey ?? '' };
  if (!table) return out;
  const row = table.rows.find((r) => r.key === rowKey);
  if (row) out.row = displayText(`${row.parent && table.singleLine ? row.parent + '·' : ''}${row.numbering ?? ''}${row.label}`).replace(/（区分处理的.*）$/, '');
  const col = (row?.columns ?? table.columns).find((c) => c.key === colKey);
  if (col) out.column = displayText(col.label);
  return out;
}

export function pathText(tmpl, path) {
  const l = pathLabel(tmpl, path);
  return [`表${l.table}`, l.row, l.column].filter(Boolean).join(' › ');
}

/**
 * Where a cell without a span probably sits: its row's other cells' spans, else the line of the
 * source that holds the row label inside the table's section. `approx: true` when guessed.
 */
export function spanForCell(report, tmpl, path) {
  const cell = cellOf(report, path);
  if (cell && validSpan(report, cell.span)) return { span: cell.span, approx: false };
  const [tableKey, rowKey] = String(path).split('.');
  const row = report?.tables?.[tableKey]?.[rowKey];
  const spans = row ? Object.values(row).map((c) => c?.span).filter((s) => validSpan(report, s)) : [];
  if (spans.length) return { span: [Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))], approx: true };
  const text = report?.text ?? '';
  const section = (report?.sections ?? []).find((s) => s.key === tableKey);
  const def = tmpl?.tables?.[tableKey]?.rows?.find((r) => r.key === rowKey);
  if (section && def && Array.isArray(section.body)) {
    const body = text.slice(section.body[0], section.body[1]);
    for (const label of [def.label, ...(def.variants ?? [])]) {
      const i = body.indexOf(label);
      if (i < 0) continue;
      const start = section.body[0] + i;
      const nl = text.indexOf('\n', start);
      const end = nl < 0 || nl > section.body[1] ? Math.min(section.body[1], start + label.length + 40) : nl;
      return { span: [start, end], approx: true };
    }
  }
  if (section && validSpan(report, section.span)) return { span: section.span, approx: true };
  return null;
}

/** Base of the file name for downloads. */
export function baseName(report) {
  const p = String(report?.source?.path ?? 'report').split(/[\\/]/).pop() || 'report';
  return p.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'report';
}
