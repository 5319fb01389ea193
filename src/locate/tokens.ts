// Value tokens of one source row: the text between a row's label and the next label, cut into
// numbers and explicit blanks. Every separator between two digits (space, NBSP, tab, pipe,
// newline, other text) is a cell boundary; digits with no separator between them may or may not
// be one number — that is for the solver to decide.

import type { Span } from '../types.js';

export type ValueItem =
  /**
   * `whole`: the number fills a pipe-delimited cell by itself — one cell, never split.
   * `spaced`: whitespace stands right before it — the line kept separators, so cells beside
   * the number may have been dropped with theirs.
   */
  | { kind: 'num'; digits: string; span: Span; decimal: boolean; negative: boolean; unit?: string; whole?: boolean; spaced?: boolean }
  /**
   * An explicit blank cell: "-", "/", "—", "无", or an empty cell between two pipes. Empty pipe
   * cells before the first or after the last number are `optional`: a real blank or layout
   * padding (a merged cell's remains) — the solver may use them or not.
   */
  | { kind: 'blank'; span: Span; optional?: boolean; pipe?: boolean };

const BLANK_MARKS = new Set(['-', '/', '—', '–', '－', '无', '\\', '×']);

/**
 * Items of text[from, to). `allowDecimal`: money cells (fees, procurement) may carry a decimal
 * point; elsewhere a '.' is a separator. Pipes: empty cells between two numbers are explicit
 * blanks; leading and trailing empty cells are layout padding and dropped.
 */
export function valueItems(text: string, from: number, to: number, opts: { allowDecimal?: boolean; allowNegative?: boolean } = {}): ValueItem[] {
  const items: ValueItem[] = [];
  let i = from;
  // Pipe bookkeeping: a run of only whitespace between two pipes is an empty cell.
  let lastPipe = -1;
  let contentSincePipe = false;
  while (i < to) {
    const ch = text[i];
    if (ch >= '0' && ch <= '9') {
      let j = i;
      while (j < to && text[j] >= '0' && text[j] <= '9') j++;
      // thousands separators: 1,234,567 (only strict groups of three)
      while (j + 3 < to + 1 && text[j] === ',' && /^[0-9]{3}(?![0-9])/.test(text.slice(j + 1, j + 5)) && j + 4 <= to) j += 4;
      let decimal = false;
      if (opts.allowDecimal && text[j] === '.' && j + 1 < to && text[j + 1] >= '0' && text[j + 1] <= '9') {
        decimal = true;
        j++;
        while (j < to && text[j] >= '0' && text[j] <= '9') j++;
      }
      let negative = false;
      let start = i;
      if (opts.allowNegative && i > from && (text[i - 1] === '-' || text[i - 1] === '－')) {
        negative = true;
        start = i - 1;
        const prev = items[items.length - 1];
        if (prev && prev.kind === 'blank' && prev.span[0] === i - 1) items.pop();
      }
      // Dates, years and ordinals in headers and notes (指2019年事项数, 第2项) are text, not cells.
      if (/[年月日号条项]/.test(text[j] ?? '') || text[i - 1] === '第') {
        contentSincePipe = true;
        i = j;
        continue;
      }
      const digits = text.slice(i, j).replace(/,/g, '');
      let unit: string | undefined;
      const after = text.slice(j, j + 2);
      if (after.startsWith('万元')) unit = '万元';
      else if (after.startsWith('元')) unit = '元';
      const whole = pipeBefore(text, start, from) && pipeAfter(text, j, to);
      const spaced = start > from && /[ \t\u00a0\u3000]/.test(text[start - 1]); // not a newline: a line of its own may be one run
      items.push({ kind: 'num', digits, span: [start, j], decimal, negative, unit, ...(whole ? { whole } : {}), ...(spaced ? { spaced } : {}) });
      contentSincePipe = true;
      i = j;
      continue;
    }
    if (ch === '|') {
      if (lastPipe >= 0 && !contentSincePipe) items.push({ kind: 'blank', span: [lastPipe, i + 1], pipe: true });
      lastPipe = i;
      contentSincePipe = false;
      i++;
      continue;
    }
    if (BLANK_MARKS.has(ch)) {
      // A mark inside words (无法, 无正当理由, 本年增/减) is label text, not a blank cell.
      // 无 right after a closing bracket is a heading cut short ((四)无 / 法提供), not a cell.
      const standalone = !isWordChar(text[i - 1]) && !isWordChar(text[i + 1]) && !(ch === '无' && /[)）]/.test(text[i - 1] ?? ''));
      if (standalone) {
        items.push({ kind: 'blank', span: [i, i + 1] });
        contentSincePipe = true;
      }
      i++;
      continue;
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\u00a0') contentSincePipe = true;
    i++;
  }
  // Empty pipe cells on the line of the next label, before it, are that row's leading cells
  // (its group column), not this row's.
  const lastNl = text.lastIndexOf('\n', to - 1);
  if (lastNl >= from && to < text.length && text[to] !== '\n' && /^[\s|]*$/.test(text.slice(lastNl, to))) {
    while (items.length && items[items.length - 1].kind === 'blank' && items[items.length - 1].span[1] > lastNl) items.pop();
  }
  // Empty pipe cells before the first and after the last number may be padding: optional.
  const isPipeBlank = (it: ValueItem) => it.kind === 'blank' && text[it.span[0]] === '|';
  if (!items.some((it) => it.kind === 'num')) return items.filter((it) => !isPipeBlank(it));
  for (let i = 0; i < items.length && isPipeBlank(items[i]); i++) items[i] = { ...(items[i] as { kind: 'blank'; span: Span }), optional: true };
  for (let i = items.length - 1; i >= 0 && isPipeBlank(items[i]); i--) items[i] = { ...(items[i] as { kind: 'blank'; span: Span }), optional: true };
  return items;
}

/** Only spaces between `i` and a pipe before it (within the segment). */
function pipeBefore(text: string, i: number, from: number): boolean {
  let k = i - 1;
  while (k >= from && (text[k] === ' ' || text[k] === '\t')) k--;
  return k >= from && text[k] === '|';
}

/** Only spaces between `j` and a pipe after it. */
function pipeAfter(text: string, j: number, to: number): boolean {
  let k = j;
  while (k < to && (text[k] === ' ' || text[k] === '\t')) k++;
  return k < to && text[k] === '|';
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\u3400-\u9fff]/.test(ch);
}

/** Items that must each fill a cell (optional padding left out). */
export function requiredItems(items: ValueItem[]): ValueItem[] {
  return items.filter((it) => !(it.kind === 'blank' && it.optional));
}

/** Number of digits that could each become a cell (upper bound of cells the items can fill). */
export function maxCells(items: ValueItem[]): number {
  let n = 0;
  for (const it of items) n += it.kind === 'blank' || it.decimal ? 1 : it.digits.length;
  return n;
}
