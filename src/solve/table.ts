// The table solver: choose one reading per source line so that the template's equations hold.
//
// Cells are unknowns; each line offers its readings (see readings.ts). Lines are combined by a
// depth-first search with interval pruning on the rules that span several lines (column sums,
// the balance 一+二 = (七)+四). Every cell on which all surviving solutions agree is decided;
// any other cell is `ambiguous` with its candidates. When no combination satisfies every rule
// (the source's own arithmetic is wrong), the combinations that break the fewest rules are the
// solutions — and cleanly separated cells, which have a single reading, are read as written.
// The search has a node budget: past it, nothing is guessed — undecided lines stay ambiguous.

import type { Cell, Span } from '../types.js';
import type { LinearRule } from '../template/index.js';
import type { ValueItem } from '../locate/tokens.js';
import { enumerateReadings, type LocalRule, type Reading } from './readings.js';

export interface SourceLine {
  /** Cell paths this line fills, in source order. */
  cells: string[];
  items: ValueItem[];
}

export interface SolveOptions {
  /** Search nodes per line for readings. */
  lineBudget?: number;
  /** Search nodes for combining lines. */
  tableBudget?: number;
  /** Most solutions kept before the table counts as undecided. */
  maxSolutions?: number;
}

export interface SolveResult {
  cells: Map<string, Cell>;
  /** Lines with no reading at all (more numbers than cells), by index. */
  unreadable: number[];
  /** The table search ran out of budget. */
  exhausted: boolean;
}

interface LineState {
  line: SourceLine;
  readings: Reading[];
  /** Readings are complete (budget not exhausted) and there is at least one. */
  usable: boolean;
}

interface CrossRule {
  rule: LinearRule;
  /** Per participating line: [lineIndex, colIndex, coef][] */
  terms: { line: number; col: number; coef: number; cell: string }[];
}

const EPS = 1e-9;

export function solveTable(lines: SourceLine[], rules: LinearRule[], opts: SolveOptions = {}): SolveResult {
  const lineBudget = opts.lineBudget ?? 200_000;
  const tableBudget = opts.tableBudget ?? 300_000;
  const maxSolutions = opts.maxSolutions ?? 512;

  const where = new Map<string, [number, number]>();
  lines.forEach((l, i) => l.cells.forEach((c, j) => where.set(c, [i, j])));

  // Split rules into line-local and cross-line; rules touching an absent cell are skipped here
  // (the checks stage reports them).
  const localRules: LocalRule[][] = lines.map(() => []);
  const cross: CrossRule[] = [];
  for (const rule of rules) {
    const locs = rule.terms.map((t) => where.get(t.cell));
    if (locs.some((l) => l === undefined)) continue;
    const lineIdx = new Set(locs.map((l) => l![0]));
    if (lineIdx.size === 1) {
      const li = locs[0]![0];
      localRules[li].push({
        cols: locs.map((l) => l![1]),
        coefs: rule.terms.map((t) => t.coef),
        totalCol: rule.totalCell ? where.get(rule.totalCell)?.[1] : undefined,
      });
    } else {
      cross.push({ rule, terms: rule.terms.map((t, k) => ({ line: locs[k]![0], col: locs[k]![1], coef: t.coef, cell: t.cell })) });
    }
  }

  const states: LineState[] = lines.map((line, i) => {
    let res = enumerateReadings(line.items, line.cells.length, localRules[i], { strict: true, budget: lineBudget });
    if (!res.exhausted && res.readings.length === 0) {
      res = enumerateReadings(line.items, line.cells.length, localRules[i], { strict: false, budget: lineBudget });
      // keep only the readings that break the fewest of the line's own rules
      const min = Math.min(...res.readings.map((r) => r.violations));
      res = { ...res, readings: res.readings.filter((r) => r.violations === min) };
    }
    return { line, readings: res.readings, usable: !res.exhausted && res.readings.length > 0 };
  });

  const unreadable = states.flatMap((s, i) => (!s.usable && s.readings.length === 0 ? [i] : []));
  const usableCross = cross.filter((c) => c.terms.every((t) => states[t.line].usable));

  // --- search over lines ---
  const order = states
    .map((s, i) => i)
    .filter((i) => states[i].usable)
    .sort((a, b) => states[a].readings.length - states[b].readings.length);
  const position = new Map(order.map((li, k) => [li, k]));

  // A cell is a wildcard in a reading when it is blank and some cross rule names it as its total:
  // then its value comes from that rule (an empty 总计 beside non-zero parts).
  const crossTotals = new Map<string, CrossRule>();
  for (const c of usableCross) if (c.rule.totalCell && !crossTotals.has(c.rule.totalCell)) crossTotals.set(c.rule.totalCell, c);
  const isWildcard = (li: number, r: Reading, col: number) => r.status[col] === 'blank' && crossTotals.has(lines[li].cells[col]);

  // Interval bounds for pruning: per rule, per line, min and max contribution over readings.
  const prunable = usableCross.map((c) => !c.terms.some((t) => states[t.line].readings.some((r) => isWildcard(t.line, r, t.col))));
  const contrib = (c: CrossRule, li: number, r: Reading) => {
    let s = 0;
    for (const t of c.terms) if (t.line === li) s += t.coef * r.values[t.col];
    return s;
  };
  // suffix[ruleIdx][k]: [min, max] of the contributions of lines order[k..] to the rule
  const suffix = usableCross.map((c) => {
    const mins = new Array<number>(order.length + 1).fill(0);
    const maxs = new Array<number>(order.length + 1).fill(0);
    for (let k = order.length - 1; k >= 0; k--) {
      const li = order[k];
      let lo = 0, hi = 0;
      if (c.terms.some((t) => t.line === li)) {
        lo = Infinity; hi = -Infinity;
        for (const r of states[li].readings) {
          const v = contrib(c, li, r);
          lo = Math.min(lo, v); hi = Math.max(hi, v);
        }
      }
      mins[k] = mins[k + 1] + lo;
      maxs[k] = maxs[k + 1] + hi;
    }
    return { mins, maxs };
  });
  const rulesAtLine = new Map<number, number[]>();
  usableCross.forEach((c, ri) => {
    for (const t of c.terms) {
      const list = rulesAtLine.get(t.line) ?? [];
      if (!list.includes(ri)) list.push(ri);
      rulesAtLine.set(t.line, list);
    }
  });

  const choice = new Array<number>(lines.length).fill(-1);
  const partial = new Array<number>(usableCross.length).fill(0);
  let nodes = 0;
  let exhausted = false;
  let bestViolations = Infinity;
  let solutions: Map<string, { value: number; status: Cell['status']; span?: Span }>[] = [];

  const leaf = (strict: boolean) => {
    // resolve wildcards, then count broken cross rules
    const value = (li: number, col: number): number => {
      const r = states[li].readings[choice[li]];
      if (isWildcard(li, r, col)) return resolved.get(lines[li].cells[col]) ?? 0;
      return r.values[col];
    };
    const resolved = new Map<string, number>();
    for (const [cell, c] of crossTotals) {
      const [li, col] = where.get(cell)!;
      const r = states[li].readings[choice[li]];
      if (!isWildcard(li, r, col)) continue;
      let sum = 0;
      let coefTotal = 0;
      for (const t of c.terms) {
        if (t.cell === cell) coefTotal += t.coef;
        else sum += t.coef * value(t.line, t.col);
      }
      const v = coefTotal ? -sum / coefTotal : 0;
      resolved.set(cell, v >= 0 && Math.abs(v - Math.round(v)) < EPS ? Math.round(v) : NaN);
    }
    let violations = 0;
    for (const c of usableCross) {
      let s = 0;
      for (const t of c.terms) s += t.coef * value(t.line, t.col);
      if (!(Math.abs(s) < EPS)) violations++;
    }
    if (strict && violations > 0) return;
    if (violations > bestViolations) return;
    if (violations < bestViolations) {
      bestViolations = violations;
      solutions = [];
    }
    if (solutions.length >= maxSolutions) {
      exhausted = true;
      return;
    }
    const sol = new Map<string, { value: number; status: Cell['status']; span?: Span }>();
    for (const li of order) {
      const r = states[li].readings[choice[li]];
      lines[li].cells.forEach((cell, col) => {
        if (isWildcard(li, r, col)) {
          const v = resolved.get(cell)!;
          sol.set(cell, { value: v, status: Number.isNaN(v) ? 'ambiguous' : v === 0 ? 'blank' : 'inferred' });
        } else sol.set(cell, { value: r.values[col], status: r.status[col], span: r.spans[col] });
      });
    }
    solutions.push(sol);
  };

  const dfs = (k: number, strict: boolean): void => {
    if (exhausted) return;
    if (++nodes > tableBudget) {
      exhausted = true;
      return;
    }
    if (k === order.length) {
      leaf(strict);
      return;
    }
    const li = order[k];
    const touched = rulesAtLine.get(li) ?? [];
    for (let ri = 0; ri < states[li].readings.length; ri++) {
      const r = states[li].readings[ri];
      choice[li] = ri;
      let ok = true;
      for (const q of touched) partial[q] += contrib(usableCross[q], li, r);
      if (strict) {
        for (const q of touched) {
          if (!prunable[q]) continue;
          const lo = partial[q] + suffix[q].mins[k + 1];
          const hi = partial[q] + suffix[q].maxs[k + 1];
          if (lo > EPS || hi < -EPS) { ok = false; break; }
        }
      }
      if (ok) dfs(k + 1, strict);
      for (const q of touched) partial[q] -= contrib(usableCross[q], li, r);
      if (exhausted) break;
    }
    choice[li] = -1;
  };

  dfs(0, true);
  if (!exhausted && solutions.length === 0 && order.length > 0) {
    nodes = 0;
    dfs(0, false);
  }

  // --- decide cells ---
  const cells = new Map<string, Cell>();
  const decided = !exhausted && solutions.length > 0;
  states.forEach((s, li) => {
    s.line.cells.forEach((cell, col) => {
      const fromLine = s.readings.map((r) => r.values[col]);
      const seen = decided ? solutions.map((sol) => sol.get(cell)!) : [];
      if (decided && s.usable) {
        const first = seen[0];
        const allSame = seen.every((x) => x.value === first.value && !Number.isNaN(x.value));
        if (allSame) {
          const status = seen.some((x) => x.status === 'read') ? 'read' : seen.some((x) => x.status === 'inferred') ? 'inferred' : first.status;
          const spans = seen.map((x) => x.span).filter((x): x is Span => !!x);
          const span = spans.length === seen.length && spans.every((sp) => sp[0] === spans[0][0] && sp[1] === spans[0][1]) ? spans[0] : undefined;
          cells.set(cell, { value: first.value, status, ...(span ? { span } : {}) });
          return;
        }
        cells.set(cell, ambiguous(seen.map((x) => x.value), fromLine));
        return;
      }
      // Undecided table: a line with one reading is read as written; otherwise the line's readings decide.
      if (s.readings.length > 0 && s.usable && fromLine.every((v) => v === fromLine[0])) {
        const r = s.readings[0];
        const wild = isWildcard(li, r, col);
        cells.set(cell, wild ? ambiguous([], fromLine) : { value: r.values[col], status: r.status[col], ...(r.spans[col] ? { span: r.spans[col] } : {}) });
        return;
      }
      cells.set(cell, ambiguous([], fromLine));
    });
  });
  return { cells, unreadable, exhausted };
}

/** An ambiguous cell: candidates from the solutions first (most frequent first), then the line's other readings. */
function ambiguous(fromSolutions: number[], fromLine: number[]): Cell {
  const freq = new Map<number, number>();
  for (const v of fromSolutions) if (!Number.isNaN(v)) freq.set(v, (freq.get(v) ?? 0) + 1);
  const ranked = [...freq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([v]) => v);
  const lineFreq = new Map<number, number>();
  for (const v of fromLine) lineFreq.set(v, (lineFreq.get(v) ?? 0) + 1);
  for (const [v] of [...lineFreq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])) if (!ranked.includes(v)) ranked.push(v);
  return { value: null, status: 'ambiguous', candidates: ranked.slice(0, 12) };
}
