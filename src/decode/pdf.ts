// PDF → text the text pipeline reads, with the page box of every piece.
//
// pdf.js gives the text layer as positioned items and the drawing as an operator list. Prose is
// rebuilt line by line (items grouped by baseline, sorted by x; a wide gap is a cell boundary
// " | "). Tables are rebuilt from their ruling lines: every text item is put in the cell the rules
// around it enclose, and each row of cells becomes ONE line `label | n1 | n2 | …` — wrapped label
// parts joined, numbers vertically centred in a tall cell kept with their row, empty cells kept as
// empty cells. A cell that spans several rows (a group label such as （三）不予公开, or the vertical
// 三、本年度办理结果) is written on its own line before the first row it spans, never inside a label.
// Tables drawn without rules fall back to the line layout, where vertical labels and group labels
// (which carry no numbers) are dropped. Running headers and page numbers are dropped.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Finding } from '../types.js';
import { InputError } from '../types.js';
import type { Box, DecodedDocument, DecodeLimits } from './types.js';
import { ocrAvailable, ocrPdf } from './ocr.js';
import { decodeFinding } from '../template/index.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjsModule: Promise<PdfJs> | null = null;
/** pdf.js is large: loaded on the first PDF only. */
function loadPdfJs(): Promise<PdfJs> {
  return (pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs'));
}

let assetDirs: { cMapUrl: string; standardFontDataUrl: string } | null = null;
function assets() {
  if (!assetDirs) {
    const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    // pdf.js in Node reads these with fs: plain paths with a trailing separator.
    assetDirs = { cMapUrl: join(root, 'cmaps') + '/', standardFontDataUrl: join(root, 'standard_fonts') + '/' };
  }
  return assetDirs;
}

// ---------------------------------------------------------------------------------------------
// Geometry of one page

type Matrix = [number, number, number, number, number, number];

const mul = (a: Matrix, b: Matrix): Matrix => [
  a[0] * b[0] + a[2] * b[1], a[1] * b[0] + a[3] * b[1],
  a[0] * b[2] + a[2] * b[3], a[1] * b[2] + a[3] * b[3],
  a[0] * b[4] + a[2] * b[5] + a[4], a[1] * b[4] + a[3] * b[5] + a[5],
];
const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** A piece of text on the page, in viewport units (origin top-left, y down). */
export interface Item {
  str: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Font size (em) in page units. */
  fs: number;
  /** Written top to bottom (vertical font or rotated text). */
  vertical: boolean;
  page: number;
  /** Where the item really is, when it was moved to join a cell cut by a page break. */
  orig?: Item;
}

/** A ruling line: horizontal (pos = y, a..b = x range) or vertical (pos = x, a..b = y range). */
interface Seg { pos: number; a: number; b: number }

interface PageData {
  page: number;
  width: number;
  height: number;
  items: Item[];
  h: Seg[];
  v: Seg[];
}

const cx = (it: Item) => it.x + it.w / 2;
const cy = (it: Item) => it.y + it.h / 2;

/** CJK characters, CJK and full-width punctuation, curly quotes: full-width, no spaces between them. */
const CJK = /[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026]/;
const WIDE = CJK;
const isCjk = (ch: string | undefined) => ch !== undefined && CJK.test(ch);
const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';

/** Split an item at its inner spaces ("商 业 企", "0  0"), placing the parts proportionally. */
function splitItem(it: Item): Item[] {
  const s = it.str;
  if (it.vertical || !/\S\s+\S/.test(s)) return [{ ...it, str: s.trim() }];
  const weight = (ch: string) => (WIDE.test(ch) ? 1 : 0.5);
  let total = 0;
  for (const ch of s) total += weight(ch);
  const out: Item[] = [];
  let acc = 0;
  for (const m of s.matchAll(/\S+|\s+/g)) {
    let wsum = 0;
    for (const ch of m[0]) wsum += weight(ch);
    if (/\S/.test(m[0])) out.push({ ...it, str: m[0], x: it.x + (it.w * acc) / total, w: (it.w * wsum) / total });
    acc += wsum;
  }
  return out;
}

interface RawTextItem { str: string; transform: number[]; width: number; height: number; fontName: string }

function pageItems(raw: unknown[], styles: Record<string, { ascent?: number; descent?: number; vertical?: boolean }>, vt: Matrix, page: number): Item[] {
  const out: Item[] = [];
  for (const r of raw) {
    const it = r as RawTextItem;
    if (typeof it.str !== 'string' || !it.str.trim() || !Array.isArray(it.transform)) continue;
    const m = mul(vt, it.transform as Matrix);
    const style = styles[it.fontName] ?? {};
    const fs = Math.hypot(m[2], m[3]) || Math.hypot(m[0], m[1]) || 10;
    let asc = style.ascent ?? 0.85;
    let desc = style.descent ?? -0.15;
    if (!(asc > 0.5 && asc < 1.2)) asc = 0.85;
    if (!(desc < 0 && desc > -0.5)) desc = -0.15;
    const [ox, oy] = [m[4], m[5]];
    const vs = Math.hypot(vt[0], vt[1]) || 1;
    let item: Item;
    if (style.vertical) {
      // vertical font: origin at the top centre of the first glyph, text running down
      const w = it.width * vs || fs;
      const h = it.height * vs || fs * it.str.length;
      item = { str: it.str, x: ox - w / 2, y: oy, w, h, fs, vertical: true, page };
    } else {
      const len = Math.hypot(m[0], m[1]) || 1;
      const ux = m[0] / len, uy = m[1] / len;
      const w = it.width * vs;
      // "up" in viewport space is -y for upright text
      const upx = m[2] / fs, upy = m[3] / fs;
      const pts: [number, number][] = [
        [ox + upx * fs * desc, oy + upy * fs * desc],
        [ox + upx * fs * asc, oy + upy * fs * asc],
        [ox + ux * w + upx * fs * desc, oy + uy * w + upy * fs * desc],
        [ox + ux * w + upx * fs * asc, oy + uy * w + upy * fs * asc],
      ];
      const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
      const x0 = Math.min(...xs), y0 = Math.min(...ys);
      const rotated = Math.abs(uy) > 0.2;
      item = { str: it.str, x: x0, y: y0, w: Math.max(...xs) - x0, h: Math.max(...ys) - y0, fs, vertical: rotated, page };
    }
    if (!Number.isFinite(item.x) || !Number.isFinite(item.y) || !Number.isFinite(item.w) || !Number.isFinite(item.h)) continue;
    out.push(...splitItem(item));
  }
  return dedupe(out);
}

/** Text drawn twice at almost the same place ("fake bold": the same run offset by a fraction of a point) is read once. */
function dedupe(items: Item[]): Item[] {
  const byText = new Map<string, Item[]>();
  const out: Item[] = [];
  for (const it of items) {
    const same = byText.get(it.str) ?? [];
    if (same.some((o) => Math.abs(o.x - it.x) < 0.2 * it.fs && Math.abs(o.y - it.y) < 0.2 * it.fs)) continue;
    same.push(it);
    byText.set(it.str, same);
    out.push(it);
  }
  return out;
}

/** Ruling lines of a page from its operator list: stroked straight segments and thin filled rectangles. */
function pageRules(fnArray: number[], argsArray: unknown[], OPS: Record<string, number>, vt: Matrix): { h: Seg[]; v: Seg[] } {
  const h: Seg[] = [];
  const v: Seg[] = [];
  let ctm: Matrix = vt;
  const stack: Matrix[] = [];
  let pending: { pts: [number, number][]; closed: boolean }[] = [];
  const addEdge = (p: [number, number], q: [number, number]) => {
    const dx = Math.abs(p[0] - q[0]), dy = Math.abs(p[1] - q[1]);
    if (dy <= 1 && dx >= 3) h.push({ pos: (p[1] + q[1]) / 2, a: Math.min(p[0], q[0]), b: Math.max(p[0], q[0]) });
    else if (dx <= 1 && dy >= 3) v.push({ pos: (p[0] + q[0]) / 2, a: Math.min(p[1], q[1]), b: Math.max(p[1], q[1]) });
  };
  const stroke = () => {
    for (const sp of pending) {
      for (let i = 1; i < sp.pts.length; i++) addEdge(sp.pts[i - 1], sp.pts[i]);
      if (sp.closed && sp.pts.length > 2) addEdge(sp.pts[sp.pts.length - 1], sp.pts[0]);
    }
  };
  const fill = () => {
    for (const sp of pending) {
      if (sp.pts.length < 2) continue;
      const xs = sp.pts.map((p) => p[0]), ys = sp.pts.map((p) => p[1]);
      const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
      const axisAligned = sp.pts.every((p) => (Math.abs(p[0] - x0) < 0.5 || Math.abs(p[0] - x1) < 0.5) && (Math.abs(p[1] - y0) < 0.5 || Math.abs(p[1] - y1) < 0.5));
      if (!axisAligned) continue;
      const w = x1 - x0, hh = y1 - y0;
      if (hh <= 2.5 && w >= 3) h.push({ pos: (y0 + y1) / 2, a: x0, b: x1 });
      else if (w <= 2.5 && hh >= 3) v.push({ pos: (x0 + x1) / 2, a: y0, b: y1 });
    }
  };
  const STROKES = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  const FILLS = new Set([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform && args) ctm = mul(ctm, args as Matrix);
    else if (fn === OPS.paintFormXObjectBegin && args) {
      stack.push(ctm);
      const m = args[0] as Matrix | null;
      if (Array.isArray(m) && m.length === 6) ctm = mul(ctm, m);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.constructPath && args) {
      const ops = args[0] as number[];
      const coords = args[1] as number[];
      pending = [];
      let cur: { pts: [number, number][]; closed: boolean } | null = null;
      let k = 0;
      const pt = (x: number, y: number) => apply(ctm, x, y);
      for (const op of ops) {
        if (op === OPS.moveTo) {
          cur = { pts: [pt(coords[k], coords[k + 1])], closed: false };
          pending.push(cur);
          k += 2;
        } else if (op === OPS.lineTo) {
          if (!cur) { cur = { pts: [], closed: false }; pending.push(cur); }
          cur.pts.push(pt(coords[k], coords[k + 1]));
          k += 2;
        } else if (op === OPS.curveTo) {
          // a curve is not a rule: restart the sub-path at its end point
          cur = { pts: [pt(coords[k + 4], coords[k + 5])], closed: false };
          pending.push(cur);
          k += 6;
        } else if (op === OPS.curveTo2 || op === OPS.curveTo3) {
          cur = { pts: [pt(coords[k + 2], coords[k + 3])], closed: false };
          pending.push(cur);
          k += 4;
        } else if (op === OPS.closePath) {
          if (cur) cur.closed = true;
        } else if (op === OPS.rectangle) {
          const [x, y, w, hh] = [coords[k], coords[k + 1], coords[k + 2], coords[k + 3]];
          pending.push({ pts: [pt(x, y), pt(x + w, y), pt(x + w, y + hh), pt(x, y + hh)], closed: true });
          cur = null;
          k += 4;
        }
      }
      const paint = fnArray[i + 1];
      if (STROKES.has(paint)) stroke();
      if (FILLS.has(paint)) fill();
      pending = [];
    }
  }
  return { h: mergeSegs(h), v: mergeSegs(v) };
}

/** Collinear segments that touch or overlap become one. */
function mergeSegs(segs: Seg[]): Seg[] {
  const sorted = [...segs].sort((p, q) => p.pos - q.pos || p.a - q.a);
  const out: Seg[] = [];
  for (const s of sorted) {
    let merged = false;
    for (let k = out.length - 1; k >= 0 && s.pos - out[k].pos <= 1.2; k--) {
      const o = out[k];
      if (Math.abs(o.pos - s.pos) <= 1.2 && s.a <= o.b + 2 && s.b >= o.a - 2) {
        o.a = Math.min(o.a, s.a);
        o.b = Math.max(o.b, s.b);
        merged = true;
        break;
      }
    }
    if (!merged) out.push({ ...s });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Output: text with boxes

interface Frag { text: string; item?: Item }

class Output {
  text = '';
  boxes: { start: number; end: number; box: Box }[] = [];
  push(f: Frag) {
    if (!f.text) return;
    const start = this.text.length;
    this.text += f.text;
    if (f.item) {
      const it = f.item.orig ?? f.item;
      const r = (n: number) => Math.round(n * 100) / 100;
      this.boxes.push({ start, end: this.text.length, box: { page: it.page, x: r(it.x), y: r(it.y), w: r(it.w), h: r(it.h) } });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Lines

interface Line { items: Item[]; top: number; bottom: number }

/** Items grouped into lines by vertical overlap of their centres (tolerance: half the smaller height). */
function buildLines(items: Item[]): Line[] {
  const sorted = [...items].sort((p, q) => cy(p) - cy(q) || p.x - q.x);
  const lines: (Line & { c: number; hmin: number })[] = [];
  for (const it of sorted) {
    if (it.vertical) {
      lines.push({ items: [it], top: it.y, bottom: it.y + it.h, c: cy(it), hmin: it.h });
      continue;
    }
    // look back over the last few lines (a vertical item may sit in between)
    let target: (typeof lines)[number] | undefined;
    for (let k = lines.length - 1; k >= 0 && k >= lines.length - 3; k--) {
      const l = lines[k];
      if (l.items[0].vertical) continue;
      if (Math.abs(cy(it) - l.c) <= 0.5 * Math.min(it.h, l.hmin)) { target = l; break; }
    }
    if (target) {
      target.items.push(it);
      target.top = Math.min(target.top, it.y);
      target.bottom = Math.max(target.bottom, it.y + it.h);
      target.c = target.items.reduce((s, x) => s + cy(x), 0) / target.items.length;
      target.hmin = Math.min(target.hmin, it.h);
    } else lines.push({ items: [it], top: it.y, bottom: it.y + it.h, c: cy(it), hmin: it.h });
  }
  for (const l of lines) l.items.sort((p, q) => p.x - q.x);
  return lines.sort((p, q) => (p.top + p.bottom) / 2 - (q.top + q.bottom) / 2).map(({ items: its, top, bottom }) => ({ items: its, top, bottom }));
}

/** Gap (in em of the smaller font) from which two items on a line are in different cells. */
const CELL_GAP = 1.2;

/**
 * What goes between two items of a line: ' | ' at a cell boundary (when `cells`), nothing inside a
 * word or between CJK characters, else a space. `inCell`: both lie in one ruled cell, which holds
 * one number, so digits a little apart are still one number.
 */
function joiner(prev: Item, next: Item, cells: boolean, inCell = false): string {
  const gap = next.x - (prev.x + prev.w);
  const em = Math.min(prev.fs, next.fs) || 10;
  const a = prev.str[prev.str.length - 1], b = next.str[0];
  if (cells && gap >= CELL_GAP * em) return ' | ';
  if (isDigit(a) && isDigit(b)) return gap <= (inCell ? 0.6 : 0.25) * em ? '' : ' ';
  if (gap <= 0.15 * em) return '';
  if (isCjk(a) || isCjk(b)) return '';
  return ' ';
}

/** One line of items as fragments; wide gaps become cell boundaries. */
function lineFrags(items: Item[], cells = true, inCell = false): Frag[] {
  const out: Frag[] = [];
  items.forEach((it, i) => {
    if (i > 0) {
      const j = joiner(items[i - 1], it, cells, inCell);
      if (j) out.push({ text: j });
    }
    out.push({ text: it.str, item: it });
  });
  return out;
}

/** Text of a table cell: its lines top to bottom, wrapped parts joined without a break. */
function cellFrags(items: Item[]): Frag[] {
  const lines = buildLines(items);
  const out: Frag[] = [];
  lines.forEach((l, i) => {
    if (i > 0) {
      const prev = lines[i - 1].items[lines[i - 1].items.length - 1];
      const a = prev.str[prev.str.length - 1], b = l.items[0].str[0];
      if (!((isCjk(a) || isCjk(b)) || (isDigit(a) && isDigit(b)))) out.push({ text: ' ' });
    }
    out.push(...lineFrags(l.items, true, true));
  });
  return out;
}

const fragsText = (fs: Frag[]) => fs.map((f) => f.text).join('');

// ---------------------------------------------------------------------------------------------
// Ruled tables

interface Table {
  top: number; bottom: number; left: number; right: number;
  h: Seg[]; v: Seg[];
}

/**
 * Connected groups of horizontal and vertical rules that form a grid: at least 3 horizontal rules
 * and 3 vertical positions (two columns or more). A frame around the page or around a paragraph,
 * with lines across it, is one column: not a table, its text stays prose.
 */
function findTables(h: Seg[], v: Seg[]): Table[] {
  const n = h.length + v.length;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const tol = 2.5;
  for (let i = 0; i < h.length; i++) {
    for (let j = 0; j < v.length; j++) {
      const a = h[i], b = v[j];
      if (b.pos >= a.a - tol && b.pos <= a.b + tol && a.pos >= b.a - tol && a.pos <= b.b + tol) parent[find(i)] = find(h.length + j);
    }
  }
  const groups = new Map<number, { h: Seg[]; v: Seg[] }>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const g = groups.get(r) ?? { h: [], v: [] };
    if (i < h.length) g.h.push(h[i]); else g.v.push(v[i - h.length]);
    groups.set(r, g);
  }
  const out: Table[] = [];
  for (const g of groups.values()) {
    if (g.h.length < 3 || clusterValues(g.v.map((s) => s.pos), 2).length < 3) continue;
    const left = Math.min(...g.h.map((s) => s.a), ...g.v.map((s) => s.pos));
    const right = Math.max(...g.h.map((s) => s.b), ...g.v.map((s) => s.pos));
    const top = Math.min(...g.v.map((s) => s.a), ...g.h.map((s) => s.pos));
    const bottom = Math.max(...g.v.map((s) => s.b), ...g.h.map((s) => s.pos));
    if (right - left < 20 || bottom - top < 10) continue;
    out.push({ top, bottom, left, right, h: g.h, v: g.v });
  }
  return out;
}

interface TCell { l: number; r: number; t: number; b: number; ti: number; bi: number; items: Item[] }
interface TRow { ti: number; bi: number; cells: TCell[] }
interface GridTable { t: Table; rows: TRow[]; nBands: number }

/**
 * The cells of a ruled table, grouped into rows. Each text item goes to the cell its surrounding
 * rules enclose; cells with the same top and bottom rules form one row; a cell spanning more rows
 * than the cells beside it (a group label) is a row of its own that comes first.
 */
function gridTable(t: Table, items: Item[]): GridTable {
  const tol = 1.5;
  // the grid's row boundaries: the rules, and the table's top and bottom where no rule is drawn
  const rowsY = clusterValues([...t.h.map((s) => s.pos), t.top, t.bottom], 1.5);
  const snapRow = (y: number) => {
    let best = 0;
    for (let i = 1; i < rowsY.length; i++) if (Math.abs(rowsY[i] - y) < Math.abs(rowsY[best] - y)) best = i;
    return best;
  };
  const cells = new Map<string, TCell>();
  for (const it of items) {
    const x = cx(it), y = cy(it);
    let top = t.top, bottom = t.bottom, left = t.left, right = t.right;
    for (const s of t.h) {
      if (x < s.a - tol || x > s.b + tol) continue;
      if (s.pos <= y && s.pos > top) top = s.pos;
      if (s.pos >= y && s.pos < bottom) bottom = s.pos;
    }
    for (const s of t.v) {
      if (y < s.a - tol || y > s.b + tol) continue;
      if (s.pos <= x && s.pos > left) left = s.pos;
      if (s.pos >= x && s.pos < right) right = s.pos;
    }
    const ti = snapRow(top), bi = Math.max(snapRow(bottom), ti + 1);
    const key = `${Math.round(left)}:${ti}:${Math.round(right)}:${bi}`;
    const c = cells.get(key) ?? { l: left, r: right, t: top, b: bottom, ti, bi, items: [] };
    c.items.push(it);
    cells.set(key, c);
  }
  const rows = new Map<string, TRow>();
  for (const c of cells.values()) {
    const k = `${c.ti}:${c.bi}`;
    const row = rows.get(k) ?? { ti: c.ti, bi: c.bi, cells: [] };
    row.cells.push(c);
    rows.set(k, row);
  }
  const ordered = [...rows.values()].sort((p, q) => p.ti - q.ti || q.bi - p.bi);
  for (const r of ordered) r.cells.sort((p, q) => p.l - q.l);
  return { t, rows: ordered, nBands: rowsY.length - 1 };
}

const hasDigit = (c: TCell) => c.items.some((it) => /\d/.test(it.str));

interface TableLine { frags: Frag[]; hasNumber: boolean }

/** Synthetic mark for an empty cell in a column of numbers: a blank the tokenizer keeps in place. */
const EMPTY_MARK = '—';

/**
 * One line per row: cells in x order, " | " between them. The empty cells of a row come from the
 * rules crossing it: in a column of numbers (of a row with numbers) an empty cell is written as an
 * explicit blank "—", so that leading and trailing empty cells keep their place; elsewhere an empty
 * cell between two cells with text is an empty cell " |  | ".
 */
function tableLines(g: GridTable): TableLine[] {
  const tol = 1.5;
  const numberCols = g.rows.flatMap((r) => r.cells).filter((c) => {
    const text = fragsText(cellFrags(c.items)).replace(/\s+/g, '');
    return /\d/.test(text) && NUMERIC.test(text);
  });
  const inNumberCol = (l: number, r: number) =>
    numberCols.some((c) => Math.min(r, c.r) - Math.max(l, c.l) >= 0.5 * Math.min(r - l, c.r - c.l));
  const out: TableLine[] = [];
  for (const row of g.rows) {
    if (!row.cells.length) continue;
    const top = Math.max(...row.cells.map((c) => c.t)), bottom = Math.min(...row.cells.map((c) => c.b));
    const midY = (top + bottom) / 2;
    const numeric = row.cells.some(hasDigit);
    // the row's slots: between the rules that cross it
    const xs = clusterValues([g.t.left, g.t.right, ...g.t.v.filter((s) => s.a <= midY + tol && s.b >= midY - tol).map((s) => s.pos)], 1.5);
    type Slot = { l: number; r: number; cell?: TCell };
    const slots: Slot[] = [];
    for (let i = 0; i + 1 < xs.length; i++) {
      const l = xs[i], r = xs[i + 1];
      const cell = row.cells.find((c) => c.l <= l + tol && c.r >= r - tol);
      if (cell && slots.length && slots[slots.length - 1].cell === cell) continue; // a cell over several slots
      slots.push({ l, r, cell });
    }
    // text cells the slots missed (rules not crossing the row's middle)
    for (const c of row.cells) if (!slots.some((sl) => sl.cell === c)) slots.push({ l: c.l, r: c.r, cell: c });
    slots.sort((p, q) => p.l - q.l);
    const firstText = slots.findIndex((sl) => sl.cell);
    let lastText = -1;
    slots.forEach((sl, i) => { if (sl.cell) lastText = i; });
    const frags: Frag[] = [];
    let written = 0;
    slots.forEach((sl, i) => {
      let piece: Frag[] | null = null;
      if (sl.cell) piece = cellFrags(sl.cell.items);
      else if (numeric && inNumberCol(sl.l, sl.r)) piece = [{ text: EMPTY_MARK }];
      else if (i > firstText && i < lastText) piece = [];
      if (!piece) return;
      if (written++ > 0) frags.push({ text: ' | ' });
      frags.push(...piece);
    });
    out.push({ frags, hasNumber: numeric });
  }
  return out;
}

/**
 * A cell cut by a page break (a group label such as （四）无 / 法提供, or a row label continued on
 * the next page): text cells at the bottom edge of a table and at the top edge of its continuation,
 * in the same column, both beside rows with numbers, become one cell on the first page.
 */
function mergeSplitCells(a: GridTable, b: GridTable): void {
  const edge = 2.5;
  const besideNumbers = (g: GridTable, c: TCell) => g.rows.some((r) => r.ti < c.bi && r.bi > c.ti && r.cells.some(hasDigit));
  const bottoms = a.rows.flatMap((r) => r.cells).filter((c) => Math.abs(c.b - a.t.bottom) <= edge && !hasDigit(c) && besideNumbers(a, c));
  for (const row of b.rows) {
    row.cells = row.cells.filter((c) => {
      if (Math.abs(c.t - b.t.top) > edge || hasDigit(c) || !besideNumbers(b, c)) return true;
      const d = bottoms.find((x) => Math.abs(x.l - c.l) <= 3 && Math.abs(x.r - c.r) <= 3);
      if (!d) return true;
      // the continuation reads after the first part: place its items just below it
      const shift = Math.max(...d.items.map((it) => it.y + it.h)) + 1 - Math.min(...c.items.map((it) => it.y));
      d.items.push(...c.items.map((it) => ({ ...it, y: it.y + shift, orig: it.orig ?? it })));
      return false;
    });
  }
}

function clusterValues(values: number[], tol: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of sorted) {
    if (out.length && v - out[out.length - 1] <= tol) continue;
    out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tables without rules: the line layout, with group labels put in their place

const NUMERIC = /^[-+−]?\d[\d,，]*(\.\d+)?%?$|^[-—–/\\×－]$|^无$/;
const ROW_NUMBERING = /^\s*(\d{1,2}\s*[.、，,．]|[(（]\s*[\d一二三四五六七八九十]{1,2}\s*[)）]|[一二三四五六七八九十]{1,2}\s*、|[①-⑳])/;

interface Segment { items: Item[]; x: number; text: string; numeric: boolean }

function segmentsOf(line: Line): Segment[] {
  const out: Segment[] = [];
  let cur: Item[] = [];
  const flush = () => {
    if (!cur.length) return;
    const text = fragsText(lineFrags(cur, false));
    out.push({ items: cur, x: cur[0].x, text, numeric: NUMERIC.test(text.replace(/\s+/g, '')) });
    cur = [];
  };
  line.items.forEach((it, i) => {
    if (i > 0 && joiner(line.items[i - 1], it, true) === ' | ') flush();
    cur.push(it);
  });
  flush();
  return out;
}

/**
 * Lines of a page without ruled tables, fixed where they sit in a table-like run: the characters
 * of a vertical label (one per line in the leftmost column) and the group labels are dropped.
 */
function fixUnruledTables(lines: Line[]): Line[] {
  const info = lines.map((l) => {
    const segs = segmentsOf(l);
    const nums = segs.filter((s) => s.numeric).length;
    const label = segs.find((s) => !s.numeric);
    return { segs, nums, labelX: label ? label.x : null, tabular: nums >= 2 || (nums >= 1 && segs.length >= 2 && !segs[0].numeric) };
  });
  // table zones: runs of lines between tabular lines
  const inZone = lines.map(() => false);
  let last = -1;
  for (let i = 0; i < lines.length; i++) {
    if (!info[i].tabular) continue;
    if (last >= 0 && i - last <= 6) for (let k = last; k <= i; k++) inZone[k] = true;
    inZone[i] = true;
    last = i;
  }
  // vertical labels: single characters at the left stacked at the same x on ≥ 3 zone lines
  const drop = new Set<Item>();
  const stacks = new Map<number, Item[][]>();
  lines.forEach((l, i) => {
    if (!inZone[i]) return;
    for (const it of l.items) if (it.vertical) drop.add(it);
    // one character (or one and 、) alone at the left, followed by a row label or nothing — never
    // by numbers (a short row label such as 规章 is followed by its numbers)
    const [first, second] = info[i].segs;
    const short = first ? first.text.replace(/\s+/g, '') : '';
    if (first && !first.numeric && !second?.numeric && /^[\u3400-\u9fff]、?$/.test(short)) {
      const key = Math.round(first.x / 3);
      const k = [...stacks.keys()].find((x) => Math.abs(x - key) <= 1) ?? key;
      stacks.set(k, [...(stacks.get(k) ?? []), first.items]);
    }
  });
  for (const group of stacks.values()) if (group.length >= 3) for (const its of group) for (const it of its) drop.add(it);
  let work = lines.map((l) => ({ ...l, items: l.items.filter((it) => !drop.has(it)) })).filter((l) => l.items.length);
  // group labels: a label line without numbers that starts left of the rows around it (centred
  // on its rows, so in the middle of its group), or a label part before a numbered row label on a
  // row's line. Dropped: group cells carry no numbers, and a misplaced or cut one ("（四）无")
  // would break the labels or read as a blank cell.
  const segsOf = (l: Line) => segmentsOf(l);
  // a row's label: the text just before its numbers (not a group label part in front of it)
  const labelXOf = (l: Line) => {
    const segs = segsOf(l);
    const firstNum = segs.findIndex((s) => s.numeric);
    if (firstNum > 0) return segs[firstNum - 1].x;
    return segs.find((s) => !s.numeric)?.x ?? null;
  };
  const zoneOf = new Set(work.filter((l) => lines.some((o, i) => inZone[i] && o.items.some((it) => l.items.includes(it)))));
  const out: Line[] = [];
  for (let i = 0; i < work.length; i++) {
    const g = work[i];
    if (!zoneOf.has(g)) { out.push(g); continue; }
    const segs = segsOf(g);
    const firstNum = segs.findIndex((s) => s.numeric);
    if (firstNum >= 2 && !segs.slice(0, firstNum).some((s) => s.numeric) && ROW_NUMBERING.test(segs[firstNum - 1].text)) {
      const keep = new Set(segs.slice(firstNum - 1).flatMap((s) => s.items));
      out.push({ ...g, items: g.items.filter((it) => keep.has(it)) });
      continue;
    }
    const text = segs.map((s) => s.text).join('');
    const x = labelXOf(g);
    if (x === null) { out.push(g); continue; }
    const em = g.items[0].fs;
    const neighbour = (dir: 1 | -1) => {
      for (let k = i + dir; k >= 0 && k < work.length && zoneOf.has(work[k]); k += dir) {
        const nx = labelXOf(work[k]);
        if (nx !== null) return { x: nx, numbers: segsOf(work[k]).some((s) => s.numeric) };
      }
      return null;
    };
    const prev = neighbour(-1), next = neighbour(1);
    const leftOfRows = prev !== null && next !== null && x < prev.x - 0.8 * em && x < next.x - 0.8 * em;
    if (firstNum >= 0) {
      // a group label on the line of the numbers of a wrapped row label (the label's first part
      // above, still without numbers): the numbers stay, the group label goes
      if (leftOfRows && prev && !prev.numbers) {
        const keep = new Set(segs.slice(firstNum).flatMap((s) => s.items));
        out.push({ ...g, items: g.items.filter((it) => keep.has(it)) });
      } else out.push(g);
      continue;
    }
    if (/\d/.test(text) || !leftOfRows) out.push(g);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Page layout

interface Block {
  top: number;
  /** Prose: one line. Tables: one line per row, filled in by finishTables. */
  lines: Frag[][];
  grid?: GridTable;
  /** Leading table lines without a digit (the header). */
  headerLines?: number;
  /** Prose line: [top, bottom]. */
  lineTops?: [number, number];
}

function layoutPage(p: PageData, useRules: boolean): Block[] {
  const tables = useRules ? findTables(p.h, p.v) : [];
  const inTable = new Map<Item, Table>();
  for (const it of p.items) {
    const x = cx(it), y = cy(it);
    // the smallest table around the item (a table may sit inside a larger ruled frame)
    let best: Table | undefined;
    for (const tb of tables) {
      if (x < tb.left - 1 || x > tb.right + 1 || y < tb.top - 1 || y > tb.bottom + 1) continue;
      if (!best || (tb.right - tb.left) * (tb.bottom - tb.top) < (best.right - best.left) * (best.bottom - best.top)) best = tb;
    }
    if (best) inTable.set(it, best);
  }
  const tableBlocks: Block[] = [];
  for (const t of tables) {
    const its = p.items.filter((it) => inTable.get(it) === t);
    if (its.length) tableBlocks.push({ top: t.top, lines: [], grid: gridTable(t, its) });
  }
  tableBlocks.sort((a, b) => a.top - b.top);
  // prose lines keep the order fixUnruledTables gave them; each table goes before the first line below its top
  const lines = fixUnruledTables(buildLines(p.items.filter((it) => !inTable.has(it))));
  const blocks: Block[] = [];
  for (const l of lines) {
    while (tableBlocks.length && tableBlocks[0].top <= (l.top + l.bottom) / 2) blocks.push(tableBlocks.shift()!);
    blocks.push({ top: l.top, lines: [lineFrags(l.items)], lineTops: [l.top, l.bottom] });
  }
  blocks.push(...tableBlocks);
  return blocks;
}

/** Cells cut by page breaks joined, then every table's rows written as lines. */
function finishTables(pages: { blocks: Block[] }[]): void {
  for (let i = 1; i < pages.length; i++) {
    const prevBlocks = pages[i - 1].blocks;
    const a = prevBlocks[prevBlocks.length - 1]?.grid;
    const b = pages[i].blocks[0]?.grid;
    if (a && b) mergeSplitCells(a, b);
  }
  for (const pg of pages) {
    for (const bl of pg.blocks) {
      if (!bl.grid) continue;
      const tl = tableLines(bl.grid);
      let headerLines = 0;
      while (headerLines < tl.length && !tl[headerLines].hasNumber) headerLines++;
      bl.lines = tl.map((l) => l.frags);
      bl.headerLines = headerLines;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running headers, footers and page numbers

const PAGE_NUMBER = [
  /^[-—–_~·•.]*\d{1,4}[-—–_~·•.]*$/,
  /^第\d{1,4}页(共\d{1,4}页)?$/,
  /^(共\d{1,4}页)?第\d{1,4}页$/,
  /^\d{1,4}\/\d{1,4}$/,
  /^(page)?\d{1,4}(of\d{1,4})?$/i,
  /^[-—–]?[ivxlc]{1,6}[-—–]?$/i,
];

function dropRunningText(pages: { data: PageData; blocks: Block[] }[]): void {
  const band = (p: PageData, b: Block) => {
    if (b.grid || !b.lineTops) return null;
    const [top, bottom] = b.lineTops;
    if (bottom <= p.height * 0.1) return 'top';
    if (top >= p.height * 0.9) return 'bottom';
    return null;
  };
  const key = (b: Block) => b.lines.map(fragsText).join('').replace(/[\s|]+/g, '');
  const counts = new Map<string, number>();
  for (const { data, blocks } of pages) {
    const seen = new Set<string>();
    for (const b of blocks) {
      const where = band(data, b);
      if (!where) continue;
      const k = `${where}:${key(b).replace(/\d+/g, '#')}`;
      if (!seen.has(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
      seen.add(k);
    }
  }
  const minRepeat = Math.max(2, Math.ceil(pages.length * 0.5));
  for (const pg of pages) {
    pg.blocks = pg.blocks.filter((b) => {
      const where = band(pg.data, b);
      if (!where) return true;
      const k = key(b);
      if (!k) return false;
      if (PAGE_NUMBER.some((re) => re.test(k))) return false;
      return (counts.get(`${where}:${k.replace(/\d+/g, '#')}`) ?? 0) < minRepeat || pages.length < 2;
    });
  }
}

/** A table continued on the next page with its header repeated: the repeat is dropped. */
function dropRepeatedHeaders(pages: { blocks: Block[] }[]): void {
  for (let i = 1; i < pages.length; i++) {
    const first = pages[i].blocks[0];
    const prevBlocks = pages[i - 1].blocks;
    const prev = prevBlocks[prevBlocks.length - 1];
    if (!first?.grid || !prev?.grid || !first.headerLines) continue;
    const n = first.headerLines;
    const norm = (ls: Frag[][]) => ls.map(fragsText).join('\n').replace(/[\s|]+/g, '');
    const mine = norm(first.lines.slice(0, n));
    // the previous table's header, or the header of the table it continues
    let j = i - 1;
    let ref: Block | undefined = prev;
    while (ref && !ref.headerLines && j > 0) {
      j--;
      const bl = pages[j].blocks;
      ref = bl[bl.length - 1]?.grid ? bl[bl.length - 1] : undefined;
    }
    if (ref && ref.headerLines && mine && norm(ref.lines.slice(0, ref.headerLines)) === mine) {
      first.lines = first.lines.slice(n);
      first.headerLines = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The decoder

const FAILED = (detail: string) =>
  new InputError(`无法读取该 PDF：文件已损坏或格式不正确（${detail}） / cannot read the PDF: the file is broken (${detail})`, 'pdf_broken');

export interface PdfDecodeOptions {
  /** Use ruling lines to rebuild tables (default true; false only to test the unruled layout). */
  useRules?: boolean;
}

interface Proxy {
  numPages: number;
  getPage(n: number): Promise<{
    getViewport(o: { scale: number }): { width: number; height: number; transform: number[] };
    getTextContent(): Promise<{ items: unknown[]; styles: Record<string, { ascent?: number; descent?: number; vertical?: boolean }> }>;
    getOperatorList(): Promise<{ fnArray: number[]; argsArray: unknown[] }>;
    cleanup(): void;
  }>;
}

export async function decodePdf(bytes: Uint8Array, limits: DecodeLimits, options: PdfDecodeOptions = {}): Promise<DecodedDocument> {
  // A file cut short has no end-of-file marker in its last bytes.
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 4096))).toString('latin1');
  if (!tail.includes('%%EOF')) {
    throw new InputError('PDF 文件不完整（被截断），无法读取 / the PDF is truncated (no end-of-file marker)', 'pdf_broken');
  }
  const pdfjs = await loadPdfJs();
  const started = Date.now();
  const deadline = started + limits.timeoutMs;
  const data = new Uint8Array(bytes); // pdf.js takes ownership of (detaches) the buffer
  const task = pdfjs.getDocument({
    data,
    ...assets(),
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    stopAtErrors: false,
  });
  // Owned from here: whatever path ends this function destroys the task (finally below), and its
  // promise never rejects unobserved.
  task.promise.catch(() => undefined);
  const timedOut = () => new InputError(`PDF 解析超时（超过 ${limits.timeoutMs < 1000 ? `${limits.timeoutMs} 毫秒` : `${+(limits.timeoutMs / 1000).toFixed(1)} 秒`}） / PDF decoding timed out (${limits.timeoutMs} ms)`, 'timeout');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), limits.timeoutMs);
  });
  try {
    return await Promise.race([run(), timeout]);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const name = (err as { name?: string })?.name ?? '';
    const message = (err as { message?: string })?.message ?? String(err);
    if (name === 'PasswordException') throw new InputError('该 PDF 已加密（需要密码），无法读取 / the PDF is encrypted (password required)', 'pdf_encrypted');
    throw FAILED(message.slice(0, 120));
  } finally {
    clearTimeout(timer);
    task.destroy().catch(() => undefined);
  }

  async function run(): Promise<DecodedDocument> {
    const doc = (await task.promise) as unknown as Proxy;
    const numPages = doc.numPages;
    if (numPages > limits.maxPages) {
      throw new InputError(`PDF 页数过多（${numPages} 页，上限 ${limits.maxPages} 页） / too many pages (${numPages}, limit ${limits.maxPages})`, 'too_many_pages');
    }
    const OPS = pdfjs.OPS as unknown as Record<string, number>;
    const pages: PageData[] = [];
    const unreadable: number[] = [];
    for (let n = 1; n <= numPages; n++) {
      if (Date.now() > deadline) throw timedOut();
      let page: Awaited<ReturnType<Proxy['getPage']>> | null = null;
      try {
        page = await doc.getPage(n);
        const vp = page.getViewport({ scale: 1 });
        const vt = vp.transform as Matrix;
        const tc = await page.getTextContent();
        const items = pageItems(tc.items, tc.styles, vt, n);
        let rules: { h: Seg[]; v: Seg[] } = { h: [], v: [] };
        // the drawing matters only where a table may be: text with several numbers
        if (items.filter((it) => /\d/.test(it.str)).length >= 3) {
          const ol = await page.getOperatorList();
          rules = pageRules(ol.fnArray, ol.argsArray, OPS, vt);
        }
        pages.push({ page: n, width: vp.width, height: vp.height, items, ...rules });
      } catch (err) {
        if (err instanceof InputError) throw err;
        unreadable.push(n);
        pages.push({ page: n, width: 0, height: 0, items: [], h: [], v: [] });
      } finally {
        try {
          page?.cleanup();
        } catch {
          /* a broken page: the task's destroy frees it */
        }
      }
    }
    if (unreadable.length === numPages && numPages > 0) throw FAILED('没有一页能读出 / no page could be read');
    const findings: Finding[] = [];
    if (unreadable.length) {
      findings.push(decodeFinding('pdf.page_unreadable', { pages: unreadable }));
    }
    const textItems = pages.reduce((s, p) => s + p.items.length, 0);
    const garbled = textItems > 0 && undecodable(pages);
    if (textItems === 0 || garbled) {
      findings.push(decodeFinding('pdf.no_text_layer', { garbled }));
      if (limits.ocr) {
        const tools = ocrAvailable();
        const text = tools.ok ? ocrPdf(bytes, numPages, limits) : null;
        if (text && text.trim()) {
          findings.push(decodeFinding('pdf.ocr', {}));
          return { format: 'pdf', encoding: 'binary', text, boxes: [], findings, pages: numPages, ocr: true, noTextLayer: true };
        }
        findings.push(ocrUnavailable(tools.missing));
      }
      return { format: 'pdf', encoding: 'binary', text: '', boxes: [], findings, pages: numPages, noTextLayer: true };
    }
    const textless = pages.filter((p) => p.items.length === 0 && !unreadable.includes(p.page)).map((p) => p.page);
    if (textless.length) {
      findings.push(decodeFinding('pdf.pages_without_text', { pages: textless }));
    }
    const laid = pages.map((data) => ({ data, blocks: layoutPage(data, options.useRules !== false) }));
    dropRunningText(laid);
    finishTables(laid);
    dropRepeatedHeaders(laid);
    const out = new Output();
    laid.forEach((pg, i) => {
      if (i > 0 && out.text && !out.text.endsWith('\n')) out.push({ text: '\n' });
      for (const b of pg.blocks) {
        for (const line of b.lines) {
          if (!line.length) continue;
          for (const f of line) out.push(f);
          out.push({ text: '\n' });
        }
      }
    });
    return { format: 'pdf', encoding: 'binary', text: out.text, boxes: out.boxes, findings, pages: numPages };
  }
}

/** Text made mostly of private-use, replacement or control characters: fonts without a Unicode map. */
function undecodable(pages: PageData[]): boolean {
  let bad = 0, all = 0;
  for (const p of pages) {
    for (const it of p.items) {
      for (const ch of it.str) {
        if (/\s/.test(ch)) continue;
        all++;
        if (/[\ue000-\uf8ff\ufffd\u0000-\u001f]/.test(ch)) bad++;
      }
    }
  }
  return all > 0 && bad / all >= 0.3;
}

function ocrUnavailable(missing: string[]): Finding {
  const what = missing.length ? missing.join('、') : 'pdftoppm / tesseract';
  return decodeFinding('pdf.ocr_unavailable', { missing: what });
}
