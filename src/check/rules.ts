// Checks of the template's rules on the final cells (spec §6.1, §6.2, §6.5): every broken
// equation, inferred blank totals, negative or fractional counts, ambiguous cells.

import type { Cell, Fact, Finding, Report, Span } from '../types.js';
import { cellPath, columnsOf, evaluate, finding, TABLE_RULES, type EquationId, type RuleId, type TemplateDef, type TableKey } from '../template/index.js';

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

/** The value of a cell the source decides (read, blank, inferred), else undefined. */
function decidedValue(tables: Tables, path: string): number | undefined {
  const c = cellAt(tables, path);
  return c && CONFIDENT.has(c.status) && c.value !== null ? c.value : undefined;
}

export function checkRules(template: TemplateDef, tables: Tables): Finding[] {
  const findings: Finding[] = [];
  for (const rule of template.rules) {
    const result = evaluate(rule.terms, (cell) => decidedValue(tables, cell));
    if (!result || result.holds) continue;
    const id = rule.id as EquationId & RuleId;
    const cells = rule.terms.map((t) => cellAt(tables, t.cell));
    findings.push(finding(id, { ...rule.params, lhs: result.lhs, rhs: result.rhs }, rule.terms.map((t) => t.cell), unionSpan(cells)));
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
        const path = cellPath(key, row, col);
        if (cell.status === 'ambiguous') {
          ambiguous.push(path);
          if (!cell.candidates?.length) withoutCandidates++;
        }
        if (cell.status === 'inferred') findings.push(finding(TABLE_RULES.blank_total[key], { value: cell.value as number }, [path], cell.span));
        const colDef = colDefs.find((c) => c.key === col);
        if (cell.value !== null && CONFIDENT.has(cell.status)) {
          const bad = (cell.value < 0 && !colDef?.signed) || (!Number.isInteger(cell.value) && !colDef?.money);
          if (bad) findings.push(finding(TABLE_RULES.non_negative_integer[key], { value: cell.value }, [path], cell.span));
        }
      }
    }
    if (ambiguous.length) findings.push(finding('cell.ambiguous', { count: ambiguous.length, withoutCandidates }, ambiguous));
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
    out.push(finding('narrative.mismatch', { text: f.text ?? String(f.value), stated: f.value, table: cell.value }, [f.cell], f.span));
  }
  return out;
}
