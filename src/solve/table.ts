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
import { TOLERANCE, type LinearRule } from '../template/index.js';
import { requiredItems, type ValueItem } from '../locate/tokens.js';
import { enumerateReadings, type LocalRule, type Reading, type ReadingsResult } from './readings.js';

export interface SourceLine {
  /** Cell paths this line fills, in source order. */
  cells: string[];
  items: ValueItem[];
  /**
   * Per cell, the largest value a reading of damaged text may give it (the template's
   * `plausibleMax`); undefined: no limit beyond exact integers.
   */
  limits?: (number | undefined)[];
}

/** Why a line's cells are left undecided although it has numbers. */
export type Doubt =
  /** A number too long to be an exact integer (past Number.MAX_SAFE_INTEGER): refused. */
  | { kind: 'not_a_count' }
  /** Every reading needs a count beyond the plausible limit, and the line is not cleanly written. */
  | { kind: 'implausible'; limit: number }
  /** Read one digit per cell (as many digits as cells), the line breaks its own rules; other readings exist. */
  | { kind: 'natural_breaks'; values: number[]; broken: LinearRule[] };

export interface SolveOptions {
  /** Search nodes per line for readings. */
  lineBudget?: number;
  /** Search nodes for combining lines. */
  tableBudget?: number;
  /** Most solutions kept before the table counts as undecided. */
  maxSolutions?: number;
  /**
   * Figures the report's prose states for some cells (spec §6.4). They only choose among the
   * table's own solutions — never override a cell — and are ignored when no solution agrees.
   */
  evidence?: Map<string, number>;
}

export interface SolveResult {
  cells: Map<string, Cell>;
  /** Lines with no reading at all (more numbers than cells), by index. */
  unreadable: number[];
  /** The table search, or the readings of some line, ran out of budget. */
  exhausted: boolean;
  /** The prose's figures chose among solutions the equations left open. */
  evidenceUsed: boolean;
  /** Lines whose cells were left ambiguous on purpose, and why. */
  doubtful: { line: number; doubt: Doubt }[];
}

interface LineState {
  line: SourceLine;
  readings: Reading[];
  /** Readings are complete (budget not exhausted) and there is at least one. */
  usable: boolean;
  /** Set: the line's cells are ambiguous whatever the other lines say (see `Doubt`). */
  doubt?: Doubt;
  /** Candidates to list first, per cell (the one-digit-per-cell reading). */
  preferred?: number[];
}

interface CrossRule {
  rule: LinearRule;
  /** Per participating line: [lineIndex, colIndex, coef][] */
  terms: { line: number; col: number; coef: number; cell: string }[];
}

/** The rule registry's tolerance: a rule holds here exactly when the checks say it holds. */
const EPS = TOLERANCE;

export function solveTable(lines: SourceLine[], rules: LinearRule[], opts: SolveOptions = {}): SolveResult {
  const lineBudget = opts.lineBudget ?? 60_000;
  const tableBudget = opts.tableBudget ?? 50_000;
  const maxSolutions = opts.maxSolutions ?? 64;

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
        rule,
      });
    } else {
      cross.push({ rule, terms: rule.terms.map((t, k) => ({ line: locs[k]![0], col: locs[k]![1], coef: t.coef, cell: t.cell })) });
    }
  }

  const crossTotalCells = new Set(cross.map((c) => c.rule.totalCell).filter((x): x is string => !!x));
  let lineExhausted = false;
  const states: LineState[] = lines.map((line, i) => {
    const st = readLine(line, localRules[i], lineBudget);
    if (st.exhausted) lineExhausted = true;
    return st.state;
  });

  // Nothing to choose: every line has one reading and no blank total waits for a column sum.
  if (states.every((st) => st.readings.length === 1 && st.usable && !st.doubt) && ![...crossTotalCells].some((cell) => {
    const loc = where.get(cell);
    if (!loc) return false;
    const r = states[loc[0]].readings[0];
    return r.status[loc[1]] === 'blank' && r.spans[loc[1]] !== undefined;
  })) {
    const cells = new Map<string, Cell>();
    states.forEach((st) => st.line.cells.forEach((cell, col) => {
      const r = st.readings[0];
      cells.set(cell, { value: r.values[col], status: r.status[col], ...(r.spans[col] ? { span: r.spans[col] } : {}) });
    }));
    return { cells, unreadable: [], exhausted: lineExhausted, evidenceUsed: false, doubtful: [] };
  }
  const unreadable = states.flatMap((s, i) => (!s.usable && !s.doubt && s.readings.length === 0 ? [i] : []));
  const doubtful = states.flatMap((s, i) => (s.doubt ? [{ line: i, doubt: s.doubt }] : []));
  const usableCross = cross.filter((c) => c.terms.every((t) => states[t.line].usable));

  // Readings no combination of the other lines can complete are dropped first (arc consistency
  // on each cross-line equation, exact over the sets of reachable sums). Only for the search for
  // fully consistent tables: when it empties a line, the table's own arithmetic is broken and
  // the fewest-broken-rules search below starts again from every reading.
  const allReadings = states.map((s) => s.readings);
  const filtered = filterByRules(states, usableCross, (li, r, col) => r.status[col] === 'blank' && r.spans[col] !== undefined && crossTotalCells.has(lines[li].cells[col]));

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
  // Only a blank the source shows (a dash, an empty cell) can be such a total: a blank that was
  // dropped with its separator could be anywhere, and letting it absorb any column sum would
  // make almost every reading of a damaged table fit.
  const isWildcard = (li: number, r: Reading, col: number) => r.status[col] === 'blank' && r.spans[col] !== undefined && crossTotals.has(lines[li].cells[col]);

  // Interval bounds for pruning: per rule, per line, the lowest and highest contribution over
  // its readings. A wildcard (blank total) cell may take any value ≥ 0, so it opens its side.
  const contrib = (c: CrossRule, li: number, r: Reading): [number, number] => {
    let lo = 0, hi = 0;
    for (const t of c.terms) {
      if (t.line !== li) continue;
      if (isWildcard(li, r, t.col)) {
        if (t.coef > 0) hi = Infinity;
        else lo = -Infinity;
      } else {
        lo += t.coef * r.values[t.col];
        hi += t.coef * r.values[t.col];
      }
    }
    return [lo, hi];
  };
  // suffix[ruleIdx]: bounds of the contributions of lines order[k..] to the rule
  const computeSuffix = () => usableCross.map((c) => {
    const mins = new Array<number>(order.length + 1).fill(0);
    const maxs = new Array<number>(order.length + 1).fill(0);
    for (let k = order.length - 1; k >= 0; k--) {
      const li = order[k];
      let lo = 0, hi = 0;
      if (c.terms.some((t) => t.line === li)) {
        lo = Infinity; hi = -Infinity;
        for (const r of states[li].readings) {
          const [a, b] = contrib(c, li, r);
          lo = Math.min(lo, a); hi = Math.max(hi, b);
        }
      }
      mins[k] = mins[k + 1] + lo;
      maxs[k] = maxs[k + 1] + hi;
    }
    return { mins, maxs };
  });
  // contributions per line and reading, computed once per set of readings
  const computeContrib = () => usableCross.map((c) => new Map<number, [number, number][]>(
    [...new Set(c.terms.map((t) => t.line))].map((li) => [li, states[li].readings.map((r) => contrib(c, li, r))]),
  ));
  let suffix = computeSuffix();
  let contribCache = computeContrib();
  const rebuildBounds = () => {
    suffix = computeSuffix();
    contribCache = computeContrib();
  };
  const rulesAtLine = new Map<number, number[]>();
  usableCross.forEach((c, ri) => {
    for (const t of c.terms) {
      const list = rulesAtLine.get(t.line) ?? [];
      if (!list.includes(ri)) list.push(ri);
      rulesAtLine.set(t.line, list);
    }
  });

  const choice = new Array<number>(lines.length).fill(-1);
  const partialLo = new Array<number>(usableCross.length).fill(0);
  const partialHi = new Array<number>(usableCross.length).fill(0);
  // Infinity - Infinity would be NaN: count the open sides instead of adding infinities.
  const openLo = new Array<number>(usableCross.length).fill(0);
  const openHi = new Array<number>(usableCross.length).fill(0);
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
      resolved.set(cell, v >= -EPS && Math.abs(v - Math.round(v)) < EPS ? Math.round(v) + 0 : NaN);
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

  // Branch and bound for the fewest-broken-rules search: a rule whose lines are all chosen and
  // that has no open (wildcard) side is counted as soon as its last line is chosen.
  const lastPos = usableCross.map((c) => Math.max(...c.terms.map((t) => position.get(t.line) ?? -1)));
  let brokenSoFar = 0;
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
      // every reading tried counts: a line with thousands of readings must not make one node cost seconds
      if (++nodes > tableBudget) {
        exhausted = true;
        break;
      }
      choice[li] = ri;
      let ok = true;
      for (const q of touched) {
        const [a, b] = contribCache[q].get(li)![ri];
        if (a === -Infinity) openLo[q]++; else partialLo[q] += a;
        if (b === Infinity) openHi[q]++; else partialHi[q] += b;
      }
      let broken = 0;
      if (strict) {
        for (const q of touched) {
          const lo = openLo[q] ? -Infinity : partialLo[q] + suffix[q].mins[k + 1];
          const hi = openHi[q] ? Infinity : partialHi[q] + suffix[q].maxs[k + 1];
          if (lo > EPS || hi < -EPS) { ok = false; break; }
        }
      } else {
        for (const q of touched) {
          if (lastPos[q] === k && !openLo[q] && !openHi[q] && Math.abs(partialLo[q]) > EPS) broken++;
        }
        if (brokenSoFar + broken > bestViolations) ok = false;
      }
      brokenSoFar += broken;
      if (ok) dfs(k + 1, strict);
      brokenSoFar -= broken;
      for (const q of touched) {
        const [a, b] = contribCache[q].get(li)![ri];
        if (a === -Infinity) openLo[q]--; else partialLo[q] -= a;
        if (b === Infinity) openHi[q]--; else partialHi[q] -= b;
      }
      if (exhausted) break;
    }
    choice[li] = -1;
  };

  if (filtered) dfs(0, true);
  if (!exhausted && solutions.length === 0 && order.length > 0) {
    states.forEach((s, i) => { s.readings = allReadings[i]; });
    rebuildBounds();
    nodes = 0;
    dfs(0, false);
  }
  // Out of budget: with at least one fully consistent table found, the readings that survived
  // the arc consistency are the only candidates, and a cell they all agree on is decided. With
  // none found, the table may be broken and nothing was proven: back to every reading.
  if (exhausted && (solutions.length === 0 || bestViolations > 0)) states.forEach((s, i) => { s.readings = allReadings[i]; });

  // --- decide cells ---
  let evidenceUsed = false;
  if (opts.evidence && opts.evidence.size && solutions.length > 1) {
    const agreeing = solutions.filter((sol) => [...opts.evidence!].every(([cell, v]) => !sol.has(cell) || sol.get(cell)!.value === v));
    if (agreeing.length > 0 && agreeing.length < solutions.length) {
      solutions = agreeing;
      evidenceUsed = true;
    }
  }
  const cells = new Map<string, Cell>();
  const decided = !exhausted && solutions.length > 0;
  states.forEach((s, li) => {
    s.line.cells.forEach((cell, col) => {
      const fromLine = s.readings.map((r) => r.values[col]);
      if (s.doubt) {
        cells.set(cell, ambiguous([], fromLine, s.preferred?.[col]));
        return;
      }
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
  auditDecisions(cells, decided ? solutions : [], rules, (path) => {
    const [li, col] = where.get(path) ?? [-1, -1];
    return li < 0 ? [] : states[li].readings.map((r) => r.values[col]);
  });
  return { cells, unreadable, exhausted: exhausted || lineExhausted, evidenceUsed, doubtful };
}

/**
 * The solver's output check, so that no path above can let a silent error through: a decided
 * cell whose value differs in some solution, and an inferred total any of whose parts is
 * undecided (its value is only as sure as its parts), become ambiguous. Mutates `cells`.
 */
function auditDecisions(cells: Map<string, Cell>, solutions: Map<string, { value: number }>[], rules: LinearRule[], lineValues: (path: string) => number[]): void {
  for (const [path, cell] of cells) {
    if (cell.status === 'ambiguous' || cell.status === 'missing') continue;
    if (solutions.some((sol) => sol.has(path) && sol.get(path)!.value !== cell.value)) {
      cells.set(path, ambiguous(solutions.map((sol) => sol.get(path)?.value ?? NaN), lineValues(path)));
    }
  }
  // an undecided part makes its total undecided, which may in turn be a part of another rule
  for (let changed = true; changed;) {
    changed = false;
    for (const rule of rules) {
      if (!rule.totalCell) continue;
      const total = cells.get(rule.totalCell);
      if (!total || total.status !== 'inferred') continue;
      if (!rule.terms.some((t) => t.cell !== rule.totalCell && cells.get(t.cell)?.status === 'ambiguous')) continue;
      cells.set(rule.totalCell, ambiguous([], lineValues(rule.totalCell), total.value ?? undefined));
      changed = true;
    }
  }
}

/**
 * Readings of one line, in a careful reader's order of plausibility:
 * - a reading that needs a number past exact integers is refused;
 * - a line written with as many digits as cells is read one digit per cell; when that reading
 *   breaks the line's own rules while others exist, the cells stay ambiguous with it first
 *   rather than escaping into an exotic reading that balances;
 * - a count beyond the template's plausible limit needs overwhelming evidence: the line cleanly
 *   written (one number per cell, nothing to choose), or the number read as written in a rule
 *   of the line that holds with other numbers written beside it (76613 20467 42185 0 1 139266).
 *   Otherwise such readings are only listed as candidates, never taken.
 * Readings that break the line's rules are considered only when no reading keeps them.
 */
function readLine(line: SourceLine, rules: LocalRule[], budget: number): { state: LineState; exhausted: boolean } {
  const ncols = line.cells.length;
  const required = requiredItems(line.items);
  const clean = required.length === ncols;
  const limitOf = (c: number) => line.limits?.[c];
  const exact = (r: Reading) => r.values.every((v) => Number.isFinite(v) && (!Number.isInteger(v) || Number.isSafeInteger(v)));
  const holds = (rule: LocalRule, values: number[]) => Math.abs(rule.cols.reduce((s, c, t) => s + rule.coefs[t] * values[c], 0)) < EPS;
  const corroborated = (r: Reading, c: number) => r.status[c] === 'read' && rules.some((rule) => rule.cols.includes(c) && holds(rule, r.values)
    && rule.cols.some((o) => o !== c && r.status[o] === 'read' && r.values[o] !== 0));
  const plausible = (r: Reading) => clean || r.values.every((v, c) => limitOf(c) === undefined || v <= limitOf(c)! || corroborated(r, c));
  const fewestBroken = (rs: Reading[]) => {
    const min = Math.min(...rs.map((r) => r.violations));
    return rs.filter((r) => r.violations === min);
  };
  const enumerate = (strict: boolean): ReadingsResult => enumerateReadings(line.items, ncols, rules, { strict, budget });
  const limit = Math.min(...(line.limits ?? []).filter((x): x is number => x !== undefined));

  let res = enumerate(true);
  let all = res.readings.filter(exact);
  let readings = all.filter(plausible);
  let doubt: Doubt | undefined;
  if (!res.exhausted && readings.length === 0 && all.length === 0) {
    // no reading keeps the line's rules: the source's own arithmetic is broken
    const loose = enumerate(false);
    res = { readings: loose.readings, exhausted: loose.exhausted };
    all = loose.readings.filter(exact);
    readings = all.filter(plausible);
    readings = readings.length ? fewestBroken(readings) : [];
  }
  if (!res.exhausted && readings.length === 0) {
    if (all.length) {
      // only implausible readings: kept for the other lines' equations, listed, never taken
      readings = fewestBroken(all);
      doubt = { kind: 'implausible', limit };
    } else if (required.some((it) => it.kind === 'num' && it.digits.replace('.', '').length > 15)) doubt = { kind: 'not_a_count' };
  }
  const state: LineState = { line, readings, usable: !res.exhausted && readings.length > 0, doubt };

  // As many digits as cells, in one run: one digit per cell is what the source says.
  const lone = required.length === 1 && required[0].kind === 'num' ? required[0] : null;
  if (lone && ncols > 1 && !lone.decimal && !lone.negative && !lone.whole && lone.digits.length === ncols) {
    const values = [...lone.digits].map(Number);
    const broken = rules.filter((r) => !holds(r, values));
    // any other reading at all (even an implausible one) means the line could be read otherwise
    const others = res.readings.filter((r) => exact(r) && r.values.join(',') !== values.join(','));
    if (broken.length && others.length) {
      state.doubt = { kind: 'natural_breaks', values, broken: broken.flatMap((r) => (r.rule ? [r.rule] : [])) };
      state.preferred = values;
      // still one of the line's readings for the other lines' sake: the table's equations may
      // settle them, while this line's own cells stay ambiguous
      const base = lone.span[1] - ncols;
      const natural: Reading = {
        values, status: values.map(() => 'read'), spans: values.map((_, c) => [base + c, base + c + 1]),
        violations: broken.length, multiplicity: 1,
      };
      state.readings = [natural, ...readings.filter((r) => r.values.join(',') !== values.join(','))];
      state.usable = !res.exhausted;
    }
  }
  return { state, exhausted: res.exhausted };
}

/**
 * An ambiguous cell: `first` (when given) first, then candidates from the solutions (most
 * frequent first), then the line's other readings.
 */
function ambiguous(fromSolutions: number[], fromLine: number[], first?: number): Cell {
  const freq = new Map<number, number>();
  for (const v of fromSolutions) if (!Number.isNaN(v)) freq.set(v, (freq.get(v) ?? 0) + 1);
  const ranked = [...freq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([v]) => v);
  const lineFreq = new Map<number, number>();
  for (const v of fromLine) lineFreq.set(v, (lineFreq.get(v) ?? 0) + 1);
  for (const [v] of [...lineFreq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])) if (!ranked.includes(v)) ranked.push(v);
  if (first !== undefined && Number.isFinite(first)) ranked.splice(0, ranked.length, first, ...ranked.filter((v) => v !== first));
  return { value: null, status: 'ambiguous', candidates: ranked.filter((v) => Number.isFinite(v)).slice(0, 12) };
}

/**
 * Arc consistency over the cross-line equations: a reading survives only if, for every rule it
 * takes part in, some choice of the other lines' readings makes the rule hold. Reachable sums
 * are computed exactly (sets), capped in size; a rule whose sets grow past the cap, or that has
 * a wildcard (a blank total taking any value), prunes nothing. Mutates `states[i].readings`.
 * Returns false when some line is left with no reading (no fully consistent table exists).
 */
function filterByRules(
  states: LineState[],
  rules: CrossRule[],
  wildcard: (line: number, r: Reading, col: number) => boolean,
): boolean {
  const CAP = 4_000;
  if (states.every((s) => s.readings.length <= 1)) return true;
  let changed = true;
  let rounds = 0;
  while (changed && rounds++ < 6) {
    changed = false;
    for (const c of rules) {
      const lines = [...new Set(c.terms.map((t) => t.line))];
      if (lines.every((li) => states[li].readings.length <= 1)) continue;
      if (lines.some((li) => states[li].readings.some((r) => c.terms.some((t) => t.line === li && wildcard(li, r, t.col))))) continue;
      const value = (li: number, r: Reading) => {
        let v = 0;
        for (const t of c.terms) if (t.line === li) v += t.coef * r.values[t.col];
        return Math.round(v * 1e6) / 1e6;
      };
      const vals = lines.map((li) => [...new Set(states[li].readings.map((r) => value(li, r)))]);
      const fwd: Set<number>[] = [new Set([0])];
      let tooBig = false;
      for (let i = 0; i < lines.length && !tooBig; i++) {
        const next = new Set<number>();
        outer: for (const a of fwd[i]) {
          for (const v of vals[i]) {
            next.add(Math.round((a + v) * 1e6) / 1e6);
            if (next.size > CAP) { tooBig = true; break outer; }
          }
        }
        fwd.push(next);
      }
      if (tooBig) continue;
      const bwd: Set<number>[] = new Array(lines.length + 1);
      bwd[lines.length] = new Set([0]);
      for (let i = lines.length - 1; i >= 0; i--) {
        const next = new Set<number>();
        for (const b of bwd[i + 1]) for (const v of vals[i]) next.add(Math.round((b + v) * 1e6) / 1e6);
        bwd[i] = next;
      }
      for (let i = 0; i < lines.length; i++) {
        const li = lines[i];
        const ok = new Set<number>();
        for (const v of vals[i]) {
          for (const a of fwd[i]) {
            if (bwd[i + 1].has(Math.round(-(a + v) * 1e6) / 1e6)) { ok.add(v); break; }
          }
        }
        const before = states[li].readings.length;
        states[li].readings = states[li].readings.filter((r) => ok.has(value(li, r)));
        if (states[li].readings.length === 0) return false;
        if (states[li].readings.length !== before) changed = true;
      }
    }
  }
  return true;
}
