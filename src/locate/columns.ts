// Fixed-width text (`pdftotext -layout` and many PDF-to-text tools): a table's numbers stand
// under their header's columns and a blank cell is only spaces. The column positions are then
// evidence of which cell each number fills, as x positions are in a PDF. A table is placed by
// column only when its rows are consistently aligned: every number of every row on one of
// exactly as many column positions as the rows have cells, in order; otherwise nothing changes
// and the rows are read as before (blanks dropped with their separators, the solver choosing).

import type { Span } from '../types.js';
import type { ValueItem } from './tokens.js';

export interface AlignRow {
  /** The row's value items (from the tokenizer). */
  items: ValueItem[];
  /** Where the row's label starts (its line is the header side of the table). */
  labelStart: number;
}

/** Anchors a column can be recognised by: numbers right-aligned, left-aligned or centred. */
type Anchor = 'end' | 'start' | 'center';

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/** Columns from the line start to `i`: characters, or as a monospace terminal shows them. */
function columnOf(text: string, i: number, wide: boolean): number {
  const start = text.lastIndexOf('\n', i - 1) + 1;
  if (!wide) return i - start;
  let w = 0;
  for (let k = start; k < i; k++) w += WIDE.test(text[k]) ? 2 : 1;
  return w;
}

/** A position anchor of a span, in half columns (a centre may fall between two). */
function anchorOf(text: string, span: Span, anchor: Anchor, wide: boolean): number {
  const a = columnOf(text, span[0], wide), b = columnOf(text, span[1], wide);
  return anchor === 'start' ? 2 * a : anchor === 'end' ? 2 * b : a + b;
}

const lineOf = (text: string, i: number) => text.lastIndexOf('\n', i - 1);

/**
 * Header labels of the columns on one line before the first row, if there is such a line: a row
 * of evidence that covers every column (the data rows may all leave some column blank).
 */
function headerSpans(text: string, from: number, labels: string[]): Span[] | null {
  let end = from;
  for (let n = 0; n < 4 && end > 0; n++) {
    const start = text.lastIndexOf('\n', end - 2) + 1;
    const line = text.slice(start, end);
    const spans: Span[] = [];
    let at = 0;
    for (const l of labels) {
      const k = line.indexOf(l, at);
      if (k < 0) break;
      spans.push([start + k, start + k + l.length]);
      at = k + l.length;
    }
    // a layout pads its header labels apart; labels one space apart are running text
    if (spans.length === labels.length) return spans.every((sp, i) => i === 0 || /^ {2,}$/.test(text.slice(spans[i - 1][1], sp[0]))) ? spans : null;
    end = start;
  }
  return null;
}

/**
 * Items placed by column: for each row, exactly `ncols` items (a blank where the column has no
 * number), or null when the rows are not consistently aligned. `labels`: the columns' header
 * labels, looked for on the lines just before the first row.
 */
export function alignByColumns(text: string, rows: AlignRow[], ncols: number, labels: string[]): ValueItem[][] | null {
  if (ncols < 2 || rows.length === 0) return null;
  // Pipe tables, digits run together or numbers on several lines are other forms.
  const lines: ValueItem[][] = [];
  for (const r of rows) {
    if (r.items.some((it) => (it.kind === 'blank' && it.pipe) || (it.kind === 'num' && it.whole))) return null;
    const nums = r.items.filter((it) => it.kind === 'num');
    if (nums.length === 0) { lines.push([]); continue; }
    const line = lineOf(text, nums[0].span[0]);
    if (nums.some((it) => lineOf(text, it.span[0]) !== line)) return null;
    // a number must be set off by spaces: touching its neighbour or its label it is another form
    if (nums.some((it) => !it.spaced)) return null;
    // blank marks on the numbers' line are cells too; elsewhere (a heading's characters) they are not
    lines.push(r.items.filter((it) => lineOf(text, it.span[0]) === line));
  }
  const found = headerSpans(text, Math.min(...rows.map((r) => r.labelStart)), labels);
  // a header centred over right-aligned numbers is no evidence of their positions: then without it
  for (const header of found ? [found, null] : [null]) {
    const placed = place(text, lines, ncols, header);
    if (placed) return placed;
  }
  return null;
}

function place(text: string, lines: ValueItem[][], ncols: number, header: Span[] | null): ValueItem[][] | null {
  const filled = lines.filter((l) => l.length > 0);
  // Evidence: lines of positions, two of them covering every column (the header's labels,
  // over every column, count as one). Three lines at least — or two, the header and one row,
  // when the row has two numbers or more: one number under one header label is too easily a
  // coincidence.
  const full = filled.filter((l) => l.length === ncols).length + (header ? 1 : 0);
  const count = filled.length + (header ? 1 : 0);
  if (count < 2 || full < (header ? 1 : 2)) return null;
  // every number padded like a layout: two spaces or more before it
  if (!filled.every((l) => l.every((it) => text[it.span[0] - 1] === ' ' && text[it.span[0] - 2] === ' '))) return null;
  if (count < 3 && filled[0].length < 2) return null;
  for (const wide of [true, false]) {
    for (const anchor of ['end', 'center', 'start'] as Anchor[]) {
      const pos = (sp: Span) => anchorOf(text, sp, anchor, wide);
      const all = filled.flatMap((l) => l.map((it) => pos(it.span))).concat(header ? header.map(pos) : []);
      const clusters = clusterPositions(all);
      if (clusters.length !== ncols) continue;
      const at = (p: number) => clusters.findIndex(([lo, hi]) => p >= lo && p <= hi);
      if (header && header.map((sp) => at(pos(sp))).some((c, i) => c !== i)) continue;
      const placed: ValueItem[][] = [];
      let consistent = true;
      for (const l of lines) {
        const cols = l.map((it) => at(pos(it.span)));
        if (cols.some((c, i) => c < 0 || (i > 0 && c <= cols[i - 1]))) { consistent = false; break; }
        const out: ValueItem[] = [];
        for (let c = 0, k = 0; c < ncols; c++) {
          if (cols[k] === c) out.push(l[k++]);
          // an empty column: a blank cell the layout shows (zero-width span at the row's line)
          else out.push({ kind: 'blank', span: blankSpan(l, text) });
        }
        placed.push(out);
      }
      if (consistent) return placed;
    }
  }
  return null;
}

/** Where an unwritten cell is said to be: the end of the row's last number (no text of its own). */
function blankSpan(line: ValueItem[], text: string): Span {
  const end = line.length ? line[line.length - 1].span[1] : 0;
  void text;
  return [end, end];
}

/**
 * Column positions: anchors within one column of each other (two half-columns) are one column;
 * a column wider than that is no column at all (the positions are scattered).
 */
function clusterPositions(positions: number[]): [number, number][] {
  const sorted = [...positions].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && p - last[1] <= 2 && p - last[0] <= 2) last[1] = p;
    else out.push([p, p]);
  }
  return out;
}
