// The property the reader must keep on generated reports: every cell it states with confidence
// (read, blank, inferred) is the truth; every other cell is `ambiguous`, and its candidates hold
// the truth unless the list was cut or the finding says why none could be listed. Shared by the
// property test (a small fixed-seed run) and `npm run property` (thousands of reports per form).

import type { Report } from '../types.js';
import type { GeneratedReport } from './report.js';

const CONFIDENT = new Set(['read', 'blank', 'inferred']);
const WHY_NO_CANDIDATES = new Set(['cell.not_a_count', 'table.row_unreadable', 'cell.implausible']);

export interface PropertyTally {
  reports: number;
  cells: number;
  ambiguous: number;
  /** Confident and wrong: the bug this product must not have. */
  silent: string[];
  /** Ambiguous cells whose complete candidate list misses the truth. */
  truthMissing: string[];
  /** Ambiguous cells with no candidates and no finding saying why. */
  unexplained: string[];
}

export function emptyTally(): PropertyTally {
  return { reports: 0, cells: 0, ambiguous: 0, silent: [], truthMissing: [], unexplained: [] };
}

type CellOut = { value: number | null; status: string; candidates?: number[] };

function cellOf(r: Report, path: string): CellOut | undefined {
  const [t, row, col] = path.split('.');
  return (r.tables as unknown as Record<string, Record<string, Record<string, CellOut>> | null>)[t]?.[row]?.[col];
}

/** Compares one parsed report with the truth it was generated from; adds to `tally`. */
export function tallyReport(g: GeneratedReport, r: Report, tally: PropertyTally, label: string): void {
  tally.reports++;
  const cut = r.findings.some((f) => f.rule === 'solve.budget');
  for (const [path, want] of Object.entries(g.cells)) {
    const got = cellOf(r, path);
    tally.cells++;
    if (!got) { tally.silent.push(`${label} ${path}: absent, truth ${want}`); continue; }
    if (CONFIDENT.has(got.status)) {
      if (got.value !== want) tally.silent.push(`${label} ${path}: ${got.value} (${got.status}), truth ${want}`);
      continue;
    }
    tally.ambiguous++;
    const cands = got.candidates ?? [];
    if (cands.length === 0) {
      // the findings that say why no candidate could be listed name the cell
      const said = r.findings.some((f) => WHY_NO_CANDIDATES.has(f.rule) && f.cells.includes(path));
      if (!said && !cut) tally.unexplained.push(`${label} ${path}`);
    } else if (cands.length < 12 && !cut && !cands.includes(want)) tally.truthMissing.push(`${label} ${path}: truth ${want} not among ${cands}`);
  }
}
