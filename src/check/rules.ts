// Checks of the template's rules on the final cells (spec §6.1, §6.2, §6.5): every broken
// equation, inferred blank totals, negative or fractional counts, ambiguous cells.

import type { Cell, Fact, Finding, Report, Span } from '../types.js';
import { columnsOf, type TemplateDef, type TableKey } from '../template/index.js';
import { msg } from './messages.js';

type Tables = Report['tables'];

const pathParts = new Map<string, string[]>();
export function cellAt(tables: Tables, path: string): Cell | undefined {
  let parts = pathParts.get(path);
  if (!parts) {
    parts = path.split('.');
    if (pathParts.size < 10000) pathParts.set(path, parts);
  }
  return tables[parts[0] as TableKey]?.[parts[1]]?.[parts[2]];
}

const CONFIDENT = new Set(['read', 'blank', 'inferred']);

function unionSpan(cells: (Cell | undefined)[]): Span | undefined {
  let lo = Infinity, hi = -Infinity;
  for (const c of cells) if (c?.span) { lo = Math.min(lo, c.span[0]); hi = Math.max(hi, c.span[1]); }
  return lo === Infinity ? undefined : [lo, hi];
}

export function checkRules(template: TemplateDef, tables: Tables): Finding[] {
  const findings: Finding[] = [];
  for (const rule of template.rules) {
    const cells = rule.terms.map((t) => cellAt(tables, t.cell));
    if (cells.some((c) => !c || !CONFIDENT.has(c.status) || c.value === null)) continue;
    const sum = rule.terms.reduce((s, t, i) => s + t.coef * (cells[i]!.value as number), 0);
    if (Math.abs(sum) < 1e-9) continue;
    const total = rule.terms.filter((t) => t.coef > 0).reduce((s, t) => s + (cellAt(tables, t.cell)!.value as number), 0);
    const parts = rule.terms.filter((t) => t.coef < 0).reduce((s, t) => s + (cellAt(tables, t.cell)!.value as number), 0);
    findings.push(msg.ruleBroken(rule.id, rule.severity, rule.statement, `${total} ≠ ${parts}`, rule.terms.map((t) => t.cell), unionSpan(cells)));
  }
  for (const key of ['active', 'requests', 'review_litigation'] as const) {
    const table = tables[key];
    if (!table) continue;
    const def = template.tables[key];
    const ambiguous: string[] = [];
    let withoutCandidates = 0;
    for (const [row, cols] of Object.entries(table)) {
      const rowDef = def.rows.find((r) => r.key === row);
      const colDefs = def.singleLine ? def.columns : rowDef ? columnsOf(def, rowDef) : [];
      for (const [col, cell] of Object.entries(cols)) {
        const path = `${key}.${row}.${col}`;
        if (cell.status === 'ambiguous') {
          ambiguous.push(path);
          if (!cell.candidates?.length) withoutCandidates++;
        }
        if (cell.status === 'inferred') findings.push(msg.blankTotal(path, cell.value as number, cell.span));
        const colDef = colDefs.find((c) => c.key === col);
        if (cell.value !== null && CONFIDENT.has(cell.status)) {
          const bad = (cell.value < 0 && !colDef?.signed) || (!Number.isInteger(cell.value) && !colDef?.money);
          if (bad) findings.push(msg.negative(path, cell.value, cell.span));
        }
      }
    }
    if (ambiguous.length) findings.push(msg.ambiguousCells(key, ambiguous, withoutCandidates));
  }
  return findings;
}

/** Prose against tables (spec §6.4): a figure the text states that its table cell contradicts. */
export function checkNarrative(tables: Tables, facts: Fact[]): Finding[] {
  const out: Finding[] = [];
  for (const f of facts) {
    if (!f.cell) continue;
    const cell = cellAt(tables, f.cell);
    if (!cell || !CONFIDENT.has(cell.status) || cell.value === null || cell.value === f.value) continue;
    out.push({
      rule: 'narrative.mismatch', severity: 'warning',
      message: `正文称「${f.text ?? f.value}」（${f.value}），表格中为 ${cell.value} / the prose states ${f.value}, the table ${cell.value}`,
      cells: [f.cell], span: f.span,
    });
  }
  return out;
}
