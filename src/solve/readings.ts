// Readings of one source line: every way its value items can fill the line's cells.
//
// A number item whose digits ran together may be several cells (633000066 → 63|3|0|0|0|0|66);
// cells whose blank was dropped with its separator may be anywhere (15 1 016 → four numbers for
// seven cells). A reading never gives a number a leading zero (except 0 itself). The line's own
// rules (row totals, table-4 group totals) are checked as soon as their cells are filled, which
// prunes the search; a blank in a rule's total cell is inferred from its parts (spec §6.5).

import type { Span } from '../types.js';
import type { LinearRule } from '../template/index.js';
import { requiredItems, type ValueItem } from '../locate/tokens.js';
import { TOLERANCE } from '../template/index.js';

export type ReadStatus = 'read' | 'blank' | 'inferred';

export interface Reading {
  values: number[];
  status: ReadStatus[];
  spans: (Span | undefined)[];
  /** Rules of this line the reading breaks. */
  violations: number;
  /** How many raw readings collapsed into this one (same values). */
  multiplicity: number;
}

/** A rule restricted to one line: sum(coef × cell) = 0 over column indices. */
export interface LocalRule {
  cols: number[];
  coefs: number[];
  /** Column index whose blank may be inferred, if any. */
  totalCol?: number;
  /** The template rule this restricts, for findings. */
  rule?: LinearRule;
}

export interface ReadingsResult {
  readings: Reading[];
  /** The search budget ran out: the list may be incomplete. */
  exhausted: boolean;
}

export interface ReadingOptions {
  /** Prune readings that break a local rule (first pass); a second pass without it runs when none is left. */
  strict: boolean;
  /** Search nodes allowed; past it the result is marked exhausted. */
  budget: number;
}

/** The rule registry's tolerance: a rule holds here exactly when the checks say it holds. */
const EPS = TOLERANCE;

/** Digits a count can have and still be an exact integer in JavaScript (MAX_SAFE_INTEGER has 16). */
const MAX_COUNT_DIGITS = 16;

export function enumerateReadings(items: ValueItem[], ncols: number, rules: LocalRule[], opts: ReadingOptions): ReadingsResult {
  const required = requiredItems(items);
  // A run too long to split into exact integers over the line's cells has no reading at all
  // (and searching its splits would only burn the budget).
  if (required.some((it) => it.kind === 'num' && it.digits.length > MAX_COUNT_DIGITS * ncols)) return { readings: [], exhausted: false };
  // A line of pipe-separated cells shows its empty cells: none was dropped silently.
  const pipeBlanks = items.some((it) => it.kind === 'blank' && it.pipe);
  const lone = required.length === 1 && required[0].kind === 'num' && !required[0].whole ? required[0] : null;
  if (!lone) return search(items, ncols, rules, opts, !pipeBlanks);
  // A lone run of digits touching its label (行政规范性文件623129) lost its separators, not its
  // cells: its digits fill every cell. Set off by whitespace (行政规范性文件   197) it may instead
  // be one cell whose neighbours were dropped with their separators. Either story, not a mix of
  // the two: the rules decide between them, or the cells stay ambiguous.
  const asRun = search(items, ncols, rules, opts, false);
  if (!lone.spaced || pipeBlanks) return asRun;
  const asCell = search(items.map((it) => (it === lone ? { ...lone, whole: true } : it)), ncols, rules, opts, true);
  const byValues = new Map(asRun.readings.map((r) => [r.values.join(','), r]));
  for (const r of asCell.readings) {
    const prev = byValues.get(r.values.join(','));
    if (!prev) byValues.set(r.values.join(','), r);
    else {
      prev.multiplicity += r.multiplicity;
      prev.violations = Math.min(prev.violations, r.violations);
    }
  }
  return { readings: [...byValues.values()], exhausted: asRun.exhausted || asCell.exhausted };
}

function search(items: ValueItem[], ncols: number, rules: LocalRule[], opts: ReadingOptions, allowImplicit: boolean): ReadingsResult {
  // the fast path splits one run of digits: not for a number that is one cell whole, nor where
  // cells may have been dropped with their separators
  const fast = opts.strict && !allowImplicit ? sumRowFirst(items, ncols, rules, opts.budget) : null;
  if (fast) return fast;
  // Rules checked when their last column is filled.
  const checkAt: LocalRule[][] = Array.from({ length: ncols + 1 }, () => []);
  for (const r of rules) checkAt[Math.max(...r.cols) + 1].push(r);

  // suffix bounds: minimum cells the items from k on need (each item at least one cell).
  const n = items.length;
  const values = new Array<number>(ncols).fill(0);
  const status = new Array<ReadStatus>(ncols).fill('blank');
  const spans = new Array<Span | undefined>(ncols).fill(undefined);
  const out = new Map<string, Reading>();
  let nodes = 0;
  let exhausted = false;

  // Cells a placement left blank (implicit or explicit); a blank total is inferred from its rule.
  const blankAt = new Array<boolean>(ncols).fill(false);
  // Each remaining item (or the rest of a partly used one) needs at least one cell.
  const requiredFrom = new Array<number>(n + 1).fill(0);
  for (let k = n - 1; k >= 0; k--) {
    const it = items[k];
    requiredFrom[k] = requiredFrom[k + 1] + (it.kind === 'blank' && it.optional ? 0 : 1);
  }
  const minNeeded = (k: number) => requiredFrom[k];

  const evaluate = (col: number): number => {
    let violations = 0;
    for (const r of checkAt[col]) {
      let sum = 0;
      let blankTotal = false;
      for (let t = 0; t < r.cols.length; t++) {
        const c = r.cols[t];
        if (c === r.totalCol && blankAt[c]) {
          blankTotal = true;
          continue;
        }
        sum += r.coefs[t] * values[c];
      }
      if (blankTotal && r.totalCol !== undefined) {
        const coef = r.coefs[r.cols.indexOf(r.totalCol)];
        const v = -sum / coef;
        if (v >= -EPS && Math.abs(v - Math.round(v)) < EPS) {
          const rounded = Math.round(v) + 0; // never -0
          values[r.totalCol] = rounded;
          status[r.totalCol] = rounded === 0 ? 'blank' : 'inferred';
        } else violations++;
      } else if (Math.abs(sum) > EPS) violations++;
    }
    return violations;
  };

  // Empty pipe cells at the ends may be padding; of two placements with the same values, the one
  // that treats fewer of them as padding shows which cells were written and which left empty.
  let padding = 0;
  const paddingOf = new Map<string, number>();
  const emit = (violations: number, leftover: number) => {
    const key = values.join(',');
    const prev = out.get(key);
    const pad = padding + leftover;
    if (!prev) {
      out.set(key, { values: values.slice(), status: status.slice(), spans: spans.slice(), violations, multiplicity: 1 });
      paddingOf.set(key, pad);
      return;
    }
    prev.multiplicity++;
    prev.violations = Math.min(prev.violations, violations);
    const prevPad = paddingOf.get(key)!;
    if (pad < prevPad) {
      prev.status = status.slice();
      prev.spans = spans.slice();
      paddingOf.set(key, pad);
      return;
    }
    if (pad > prevPad) return;
    for (let c = 0; c < ncols; c++) {
      if (prev.status[c] !== status[c] && status[c] === 'read') prev.status[c] = 'read';
      const a = prev.spans[c], b = spans[c];
      if (a && (!b || a[0] !== b[0] || a[1] !== b[1])) prev.spans[c] = undefined;
    }
  };

  // k: item index; off: digits of items[k] already used; col: next cell.
  // Sum rules (total = sum of parts ≥ 0, total after its parts): once the parts placed so far
  // add up to more digits than the digits left could still give the total, no reading follows.
  const digitsFrom = new Array<number>(n + 1).fill(0);
  for (let k = n - 1; k >= 0; k--) {
    const it = items[k];
    digitsFrom[k] = digitsFrom[k + 1] + (it.kind === 'num' ? it.digits.length : 0);
  }
  const sumRulesAt: { parts: number[]; total: number }[][] = Array.from({ length: ncols }, () => []);
  for (const r of rules) {
    if (r.totalCol === undefined) continue;
    const ti = r.cols.indexOf(r.totalCol);
    const isSum = r.coefs[ti] === 1 && r.coefs.every((c, i) => i === ti || c === -1);
    const parts = r.cols.filter((c) => c !== r.totalCol);
    if (!isSum || parts.some((c) => c > r.totalCol!)) continue;
    for (const c of parts) sumRulesAt[c].push({ parts, total: r.totalCol });
  }
  // A total that may still be blank (dropped, or a blank mark ahead) needs no digits: no bound then.
  const blanksFrom = new Array<boolean>(n + 1).fill(false);
  for (let k = n - 1; k >= 0; k--) blanksFrom[k] = blanksFrom[k + 1] || items[k].kind === 'blank';
  const sumTooLong = (col: number, k: number, off: number): boolean => {
    if (allowImplicit || blanksFrom[k]) return false;
    for (const r of sumRulesAt[col]) {
      let sum = 0;
      for (const c of r.parts) if (c <= col) sum += values[c];
      if (sum <= 0) continue;
      // cells between this one and the total, and after the total, need a digit each unless they may be blank
      const between = r.total - col - 1 + (ncols - r.total - 1);
      const left = digitsFrom[k] - off - between;
      if (String(sum).length > left) return true;
    }
    return false;
  };

  const dfs = (k: number, off: number, col: number, violations: number): void => {
    if (exhausted) return;
    if (++nodes > opts.budget) {
      exhausted = true;
      return;
    }
    if (col === ncols) {
      if (requiredFrom[k] === 0) emit(violations, n - k); // what is left is padding
      return;
    }
    const remainingCols = ncols - col;
    const need = minNeeded(k);
    if (need > remainingCols) return;
    const next = () => {
      if (opts.strict && sumRulesAt[col].length && sumTooLong(col, nextK, nextOff)) return;
      const added = checkAt[col + 1].length ? evaluate(col + 1) : 0;
      if (opts.strict && added > 0) return;
      dfs(nextK, nextOff, col + 1, violations + added);
    };
    let nextK = k;
    let nextOff = off;

    // 1. an implicit blank (a cell dropped with its separator). Only where separators survive at
    //    all: a line that is one run of digits lost its separators, not its cells.
    if (allowImplicit && remainingCols - 1 >= need) {
      values[col] = 0; status[col] = 'blank'; spans[col] = undefined; blankAt[col] = true;
      nextK = k; nextOff = off;
      next();
    }
    if (k === n) return;
    const item = items[k];
    if (item.kind === 'blank') {
      values[col] = 0; status[col] = 'blank'; spans[col] = item.span; blankAt[col] = true;
      nextK = k + 1; nextOff = 0;
      next();
      if (item.optional && !exhausted) { // or it was padding
        padding++;
        dfs(k + 1, 0, col, violations);
        padding--;
      }
      return;
    }
    // 2. a number from the item's digits
    if (item.decimal) {
      // 4191.5 run together may be 4 | 191.5: integer cells may come off the front; the part
      // with the decimal point is one cell (the money column that ends the row)
      const point = item.digits.indexOf('.');
      const base = item.span[1] - item.digits.length;
      const neg = item.negative && off === 0;
      const startOf = (o: number) => base + o - (neg ? 1 : 0);
      if (!(item.digits[off] === '0' && point - off > 1) && point - off <= MAX_COUNT_DIGITS) {
        values[col] = (neg ? -1 : 1) * Number(item.digits.slice(off)) + 0; status[col] = 'read'; spans[col] = [startOf(off), item.span[1]]; blankAt[col] = false;
        nextK = k + 1; nextOff = 0;
        next();
      }
      const maxLen = item.digits[off] === '0' ? 1 : point - off - 1;
      for (let len = 1; len <= maxLen && !exhausted; len++) {
        if (requiredFrom[k + 1] + 1 > remainingCols - 1) break;
        values[col] = (neg ? -1 : 1) * Number(item.digits.slice(off, off + len)) + 0; status[col] = 'read'; spans[col] = [startOf(off), base + off + len]; blankAt[col] = false;
        nextK = k; nextOff = off + len;
        next();
      }
      return;
    }
    const digits = item.digits;
    const rest = digits.length - off;
    // the remaining digits of this item still need cells after this one, one each at most
    // a number alone in a pipe cell is that cell's value, whole
    const maxLen = item.whole ? rest : digits[off] === '0' ? 1 : rest;
    const minLen = item.whole ? rest : 1;
    if (item.whole && digits.length > 1 && digits[0] === '0') return; // 012 in a cell is not a count
    for (let len = minLen; len <= maxLen; len++) {
      const remainingAfter = rest - len;
      // cells needed after this: the rest of this item (≥1 if any digits left) + later items
      const needAfter = (remainingAfter > 0 ? 1 : 0) + requiredFrom[k + 1];
      if (needAfter > remainingCols - 1) continue;
      // a minus sign belongs to the first number of its digit run (4-42 may be 4 | -4 | 2)
      const v = (item.negative && off === 0 ? -1 : 1) * Number(digits.slice(off, off + len)) + 0;
      // past MAX_SAFE_INTEGER a JavaScript number is no longer the number written: never a reading
      if (!Number.isSafeInteger(v)) break;
      const start = item.span[1] - digits.length + off - (item.negative && off === 0 ? 1 : 0);
      values[col] = v; status[col] = 'read'; spans[col] = [start, item.span[1] - digits.length + off + len]; blankAt[col] = false;
      if (remainingAfter > 0) { nextK = k; nextOff = off + len; }
      else { nextK = k + 1; nextOff = 0; }
      next();
      if (exhausted) return;
    }
  };
  dfs(0, 0, 0, 0);
  return { readings: [...out.values()], exhausted };
}

/**
 * The common case of a row of run-together digits whose last cell is the sum of the others
 * (table 三's rows): the total is a suffix of the digits, so take it first — each length gives
 * one value T — then split the prefix into parts that add up to T, cutting every branch whose
 * partial sum passes T. Same readings as the general search, far fewer steps on long runs.
 * Returns null when the row is not of that shape.
 */
function sumRowFirst(items: ValueItem[], ncols: number, rules: LocalRule[], budget: number): ReadingsResult | null {
  if (items.length !== 1 || rules.length !== 1) return null;
  const item = items[0];
  const rule = rules[0];
  if (item.kind !== 'num' || item.decimal || item.negative || item.whole) return null;
  if (rule.totalCol !== ncols - 1 || rule.cols.length !== ncols) return null;
  const ti = rule.cols.indexOf(rule.totalCol);
  if (rule.coefs[ti] !== 1 || !rule.coefs.every((c, i) => i === ti || c === -1)) return null;
  const d = item.digits;
  const L = d.length;
  const parts = ncols - 1;
  const base = item.span[1] - L;
  const readings: Reading[] = [];
  const seen = new Set<string>();
  const vals = new Array<number>(ncols).fill(0);
  const cuts = new Array<number>(ncols + 1).fill(0);
  let nodes = 0;
  let exhausted = false;
  // The total has t digits, every part at most t (a part is never above the total) and, six
  // parts being fewer than ten, the longest part at least t − 1: so L − t ≤ parts·t and
  // L − t − (parts − 1) ≥ t − 1.
  const tMin = Math.max(1, Math.ceil(L / (parts + 1)));
  const tMax = Math.min(L - parts, parts < 10 ? Math.floor((L - parts + 2) / 2) : L - parts);
  for (let t = tMin; t <= tMax && !exhausted; t++) {
    if (t > 1 && d[L - t] === '0') continue;
    const T = Number(d.slice(L - t));
    if (!Number.isSafeInteger(T)) break; // longer totals only grow
    const end = L - t;
    // split d[0, end) into `parts` numbers without leading zeros, adding up to T
    const dfs = (pos: number, k: number, sum: number, longest: number): void => {
      if (exhausted) return;
      if (++nodes > budget) { exhausted = true; return; }
      // some part must have t − 1 digits or more: if none has yet, the rest must leave room for one
      if (k < parts && longest < t - 1 && end - pos - (parts - k - 1) < t - 1) return;
      if (k === parts) {
        if (pos === end && sum === T) {
          vals[parts] = T;
          cuts[parts] = end;
          const key = vals.join(',');
          if (seen.has(key)) return;
          seen.add(key);
          const spans: Span[] = [];
          for (let c = 0; c < parts; c++) spans.push([base + cuts[c], base + cuts[c + 1]]);
          spans.push([base + end, base + L]);
          readings.push({ values: vals.slice(), status: new Array<ReadStatus>(ncols).fill('read'), spans, violations: 0, multiplicity: 1 });
        }
        return;
      }
      if (end - pos > (parts - k) * t) return; // the rest cannot fit in parts of at most t digits
      if (k === parts - 1) {
        // the last part is the rest of the digits: one value, no loop
        if (pos >= end || (d[pos] === '0' && end - pos > 1)) return;
        const v = Number(d.slice(pos, end));
        if (sum + v !== T) return;
        vals[k] = v;
        cuts[k] = pos;
        cuts[k + 1] = end;
        dfs(end, parts, sum + v, Math.max(longest, end - pos));
        return;
      }
      const left = parts - k - 1; // parts still to place after this one, one digit each at least
      const maxLen = d[pos] === '0' ? 1 : end - pos - left;
      for (let len = 1; len <= maxLen; len++) {
        const v = Number(d.slice(pos, pos + len));
        if (sum + v > T) break; // longer numbers only grow
        vals[k] = v;
        cuts[k] = pos;
        cuts[k + 1] = pos + len;
        dfs(pos + len, k + 1, sum + v, Math.max(longest, len));
        if (exhausted) return;
      }
    };
    dfs(0, 0, 0, 0);
  }
  return { readings, exhausted };
}
