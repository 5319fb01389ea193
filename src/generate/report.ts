// Synthetic reports from the template data, for property tests and benchmarks: random tables
// that satisfy the template's arithmetic, rendered in the damaged text forms found in the wild.

import { cellPath, columnsOf, TEMPLATES, type TableDef } from '../template/index.js';
import type { TemplateVersion } from '../types.js';

/**
 * `fixed`: fixed-width text as `pdftotext -layout` prints it — numbers right-aligned under
 * their header's columns, blanks as spaces, wide labels wrapped onto a second line, group
 * headings printed one character per line.
 */
/**
 * `markdown`: tables as today's PDF-to-markdown converters print them — header rows split over
 * several markdown rows, `| --- |` rules, columns shifted by a leading empty cell, a label alone
 * on its row with its numbers on the next, page numbers and footers inside the table, the table
 * cut into blocks under generic headers (`| 列1 | 列2 |`), empty cells lost.
 */
export type TextForm = 'pipes' | 'lines' | 'runtogether' | 'spaces' | 'nbsp' | 'fixed' | 'markdown';
export const TEXT_FORMS: TextForm[] = ['pipes', 'lines', 'runtogether', 'spaces', 'nbsp', 'fixed', 'markdown'];

export interface GeneratedReport {
  text: string;
  version: TemplateVersion;
  year: number;
  agency: string;
  form: TextForm;
  /** Truth: path `table.row.col` → value, every data cell of the three tables. */
  cells: Record<string, number>;
}

export interface GenerateOptions {
  version?: TemplateVersion;
  form?: TextForm;
  /** `zero`: every cell 0 (a body with nothing to report — common for townships). */
  size?: 'zero' | 'small' | 'medium' | 'large';
  /** Share of zero cells written blank (forms that allow blanks). */
  blankShare?: number;
  /** The issuing body and the report year (default: random); the year must suit the version. */
  agency?: string;
  year?: number;
  /** Given cells (`table.row.col` → value) in place of random ones: a report written from a register. */
  cells?: Record<string, number>;
}

/** Small, fast, seeded PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = ['青山', '东湖', '西城', '南岗', '北塘', '云溪', '桃源', '金水', '临江', '白沙'];
const BODIES = ['人民政府', '人民政府办公室', '教育局', '生态环境局', '自然资源局', '市场监督管理局', '住房和城乡建设局'];

function pick<T>(rng: () => number, xs: T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

function magnitude(rng: () => number, size: GenerateOptions['size']): number {
  if (size === 'zero') return 0;
  const max = size === 'large' ? 50000 : size === 'medium' ? 300 : 9;
  // mostly zeros, some small, a few large
  const r = rng();
  if (r < 0.55) return 0;
  if (r < 0.85) return Math.floor(rng() * Math.min(max, 10));
  return Math.floor(rng() * max);
}

/** Random table values that satisfy every rule of the template. */
function randomCells(rng: () => number, version: TemplateVersion, size: GenerateOptions['size']): Record<string, number> {
  const t = TEMPLATES[version];
  const cells: Record<string, number> = {};
  const req = t.tables.requests;
  const parts = req.columns.filter((c) => !c.isTotal);
  const dataRows = req.rows.filter((r) => !r.group);
  const results = dataRows.filter((r) => r.parent && !r.isTotal);
  const colSum = new Map<string, number>();
  for (const r of results) {
    for (const c of parts) {
      const v = c.key === 'natural_person' ? magnitude(rng, size) : rng() < 0.8 ? 0 : magnitude(rng, size);
      cells[cellPath('requests', r.key, c.key)] = v;
      colSum.set(c.key, (colSum.get(c.key) ?? 0) + v);
    }
  }
  for (const c of parts) {
    const total = colSum.get(c.key) ?? 0;
    cells[`requests.total.${c.key}`] = total;
    // new + carried over = total + carried forward
    const fwd = size === 'zero' || rng() < 0.5 ? 0 : Math.floor(rng() * (total + 3));
    const over = rng() < 0.6 ? 0 : Math.floor(rng() * (total + fwd + 1));
    cells[`requests.carried_forward.${c.key}`] = fwd;
    cells[`requests.carried_over.${c.key}`] = Math.min(over, total + fwd);
    cells[`requests.new_received.${c.key}`] = total + fwd - Math.min(over, total + fwd);
  }
  for (const r of dataRows) cells[cellPath('requests', r.key, 'total')] = parts.reduce((s, c) => s + cells[cellPath('requests', r.key, c.key)], 0);
  const rl = t.tables.review_litigation;
  for (const g of rl.rows) {
    let sum = 0;
    for (const c of rl.columns.filter((x) => !x.isTotal)) {
      const v = size === 'zero' || rng() < 0.7 ? 0 : Math.floor(rng() * (size === 'large' ? 400 : 9));
      cells[cellPath('review_litigation', g.key, c.key)] = v;
      sum += v;
    }
    cells[cellPath('review_litigation', g.key, 'total')] = sum;
  }
  const act = t.tables.active;
  for (const r of act.rows) {
    for (const c of columnsOf(act, r)) {
      let v = magnitude(rng, size);
      if (c.money) v = size === 'zero' || rng() < 0.5 ? 0 : Math.round(rng() * 10000) / 10;
      if (c.signed && size !== 'zero' && rng() < 0.2) v = 0 - Math.floor(rng() * 5);
      cells[cellPath('active', r.key, c.key)] = v;
    }
  }
  return cells;
}

interface RenderOpts {
  form: TextForm;
  blankShare: number;
  rng: () => number;
  /** spaces form: runs of whitespace collapsed to one (blank cells leave no trace at all). */
  collapse: boolean;
  /** fixed form: numbers centred in their columns rather than right-aligned (drawn on first use). */
  centred?: boolean;
}

/** A cell as written: blank where allowed and chosen, else its number. */
function written(v: number, o: RenderOpts, blankable: boolean): string {
  if (v === 0 && blankable && o.form !== 'runtogether' && o.form !== 'lines' && o.rng() < o.blankShare) return '';
  return String(v);
}

function renderRow(label: string, values: number[], o: RenderOpts, blankable: boolean[]): string {
  const cells = values.map((v, i) => written(v, o, blankable[i]));
  switch (o.form) {
    case 'pipes': return `${label} | ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
    case 'lines': return [label, ...cells].join('\n');
    case 'runtogether': return label + cells.join('');
    // a blank cell leaves its separators behind (a run of spaces) unless the page collapsed them
    case 'spaces': {
      const line = `${label} ${cells.join(' ')}`;
      return o.collapse ? line.replace(/ {2,}/g, ' ') : line;
    }
    case 'nbsp': return label + cells.filter((c) => c !== '').map((c) => `\u00a0${c}`).join('') + '\u00a0';
    case 'markdown': return markdownRow(label, cells, o);
    case 'fixed': {
      o.centred ??= o.rng() < 0.3;
      // now and then a row slips off its columns (a converter's rounding): the reader must notice
      const shift = o.rng() < 0.04 ? 1 + Math.floor(o.rng() * 4) : 0;
      return fixedRow(label, cells, o.centred, shift);
    }
  }
}

// Fixed-width layout: a label column, then cells of equal width, widths counted as a monospace
// terminal shows them (a CJK character two columns).
const LABEL_WIDTH = 44;
const CELL_WIDTH = 16; // the widest header label (7 CJK characters) and a space
const displayWidth = (s: string) => [...s].reduce((w, ch) => w + (/[\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(ch) ? 2 : 1), 0);
const padEnd = (s: string, w: number) => s + ' '.repeat(Math.max(1, w - displayWidth(s)));
const padStart = (s: string, w: number) => ' '.repeat(Math.max(1, w - displayWidth(s))) + s;

/** A row: the label (wrapped past the label column), then each cell right-aligned in its column. */
function fixedRow(label: string, cells: string[], centred = false, shift = 0): string {
  const chars = [...label];
  let head = '';
  while (chars.length && displayWidth(head + chars[0]) <= LABEL_WIDTH - 2) head += chars.shift();
  const centre = (c: string) => padEnd(padStart(c, Math.ceil((CELL_WIDTH + c.length) / 2)), CELL_WIDTH);
  const line = padEnd(head, LABEL_WIDTH + shift) + cells.map((c) => (centred ? centre(c) : padStart(c, CELL_WIDTH))).join('');
  return chars.length ? `${line.replace(/ +$/, '')}\n${chars.join('')}` : line.replace(/ +$/, '');
}

const mdLine = (cells: string[]) => `| ${cells.join(' | ')} |`;
const mdRule = (n: number) => mdLine(Array(n).fill('---'));

/** A markdown row, with the damage converters do (drawn from the generator's stream, this form only). */
function markdownRow(label: string, cells: string[], o: RenderOpts): string {
  const r = o.rng();
  let line: string;
  if (r < 0.06) line = `${mdLine([label, ...cells.map(() => '')])}\n${mdLine(['', ...cells])}`; // label alone, numbers below
  else if (r < 0.14) line = mdLine(['', label, ...cells]); // shifted by a leading empty cell
  else if (r < 0.2 && cells.includes('')) { // an empty cell lost
    const k = cells.indexOf('');
    line = mdLine([label, ...cells.slice(0, k), ...cells.slice(k + 1)]);
  } else line = mdLine([label, ...cells]);
  const after = o.rng();
  const page = 2 + Math.floor(o.rng() * 20);
  if (after < 0.04) line += `\n${page}`; // a page number
  else if (after < 0.07) line += `\n- ${page} -`;
  else if (after < 0.1) line += `\n${mdLine(Array.from({ length: cells.length + 1 }, (_, i) => `列${i + 1}`))}\n${mdRule(cells.length + 1)}`; // a new block
  return line;
}

/** A header line: the column labels right-aligned over their columns. */
function fixedHeader(first: string, labels: string[]): string {
  return padEnd(first, LABEL_WIDTH) + labels.map((l) => padStart(l, CELL_WIDTH)).join('');
}

function renderActive(t: TableDef, cells: Record<string, number>, o: RenderOpts): string[] {
  const out: string[] = [];
  let caption = '';
  for (const r of t.rows) {
    const cols = columnsOf(t, r);
    if (r.caption !== caption) {
      caption = r.caption!;
      out.push(caption);
      const head = [t.labelHeader ?? '', ...cols.map((c) => c.label)];
      if (o.form === 'markdown') out.push(mdLine(head), mdRule(head.length));
      else out.push(o.form === 'fixed' ? fixedHeader(head[0], head.slice(1)) : head.join(o.form === 'lines' ? '\n' : o.form === 'pipes' ? ' | ' : ' '));
    }
    // money and signed cells are never blanked: a blank there is not a 0 one can tell apart
    out.push(renderRow(r.label, cols.map((c) => cells[cellPath('active', r.key, c.key)]), o, cols.map((c) => !c.money && !c.signed)));
  }
  return out;
}

function renderRequests(t: TableDef, cells: Record<string, number>, o: RenderOpts): string[] {
  const [outer, org] = t.groupHeaders ?? [];
  const out: string[] = [t.note ?? '', outer, t.columns[0].label, org, t.columns[t.columns.length - 1].label,
    ...t.columns.filter((c) => c.parent === org).map((c) => c.label)];
  if (o.form === 'pipes') out.splice(0, out.length, out.join(' | '));
  if (o.form === 'fixed') {
    out.splice(0, out.length, t.note ?? '', fixedHeader(outer, [org]), fixedHeader('', t.columns.map((c) => c.label)));
  }
  if (o.form === 'markdown') {
    // the header over three markdown rows, its words split where the cells were narrow
    const split = (l: string) => (l.length > 3 ? [l.slice(0, 2), l.slice(2)] : [l, '']);
    const orgCols = t.columns.filter((c) => c.parent === org);
    out.splice(0, out.length,
      mdLine([t.note ?? '', outer, ...t.columns.slice(1).map(() => '')]), mdRule(t.columns.length + 1),
      mdLine(['', t.columns[0].label, org, ...orgCols.slice(1).map(() => ''), t.columns[t.columns.length - 1].label]),
      mdLine(['', '', ...orgCols.map((c) => split(c.label)[0]), '']),
      mdLine(['', '', ...orgCols.map((c) => split(c.label)[1]), '']));
  }
  for (const r of t.rows) {
    const label = `${r.numbering ?? ''}${r.label}`;
    // a merged group cell's text comes out one character per line
    if (r.group) {
      if (o.form === 'markdown') out.push(mdLine([label, ...t.columns.map(() => '')]));
      else out.push(o.form === 'fixed' && o.rng() < 0.5 ? [...label].join('\n') : label);
      continue;
    }
    const vals = t.columns.map((c) => cells[cellPath('requests', r.key, c.key)]);
    out.push(renderRow(label, vals, o, t.columns.map(() => true)));
  }
  return out;
}

function renderReview(t: TableDef, cells: Record<string, number>, o: RenderOpts): string[] {
  // as printed: the two group headers, 复议's outcome columns, 诉讼's two sub-groups, then theirs
  const [review, litigation] = t.groupHeaders ?? [];
  const outcomes = t.columns.map((c) => c.label);
  const litigationRows = t.rows.filter((r) => r.parent === litigation).map((r) => r.label);
  const header = [review, litigation, ...outcomes, ...litigationRows, ...litigationRows.flatMap(() => outcomes)];
  const vals = t.rows.flatMap((g) => t.columns.map((c) => cells[cellPath('review_litigation', g.key, c.key)]));
  const head = o.form === 'pipes' ? [header.join(' | ')] : o.form === 'lines' ? header : [header.join(' ')];
  if (o.form === 'markdown') {
    const cells = vals.map((v) => written(v, o, true));
    const groups = mdLine(['行政复议', ...Array(4).fill(''), '行政诉讼', ...Array(9).fill('')]);
    const sub = mdLine([...Array(5).fill(''), '未经复议直接起诉', ...Array(4).fill(''), '复议后起诉', ...Array(4).fill('')]);
    const labels = mdLine(t.rows.flatMap(() => t.columns.map((c) => c.label)));
    return [groups, mdRule(15), sub, labels, mdLine(cells)];
  }
  if (o.form === 'fixed') {
    // the three header rows over their columns, the numbers right-aligned under the last one
    const w = 10;
    const groups = [padStart('行政复议', 5 * w) + padStart('行政诉讼', 10 * w), ' '.repeat(5 * w) + padStart('未经复议直接起诉', 5 * w) + padStart('复议后起诉', 5 * w)];
    const labels = t.rows.flatMap(() => t.columns.map((c) => padStart(c.label, w))).join('');
    const cells = vals.map((v) => padStart(written(v, o, true), w)).join('');
    return [...groups, labels, cells.replace(/ +$/, '')];
  }
  const line = renderRow('', vals, o, vals.map(() => true)).replace(/^\n/, '');
  return [...head, line];
}

export function generateReport(rng: () => number, opts: GenerateOptions = {}): GeneratedReport {
  const version = opts.version ?? (rng() < 0.3 ? '2019' : '2021');
  const randomYear = version === '2019' ? 2019 + Math.floor(rng() * 2) : 2021 + Math.floor(rng() * 4);
  const year = opts.year ?? randomYear;
  const form = opts.form ?? pick(rng, TEXT_FORMS);
  const randomAgency = `${pick(rng, PLACES)}${pick(rng, ['市', '县', '区'])}${pick(rng, BODIES)}`;
  const agency = opts.agency ?? randomAgency;
  const cells = { ...randomCells(rng, version, opts.size ?? 'small'), ...opts.cells };
  const o: RenderOpts = { form, blankShare: opts.blankShare ?? 0.3, rng, collapse: rng() < 0.5 };
  const t = TEMPLATES[version];
  const sec = (k: string) => { const s = t.sections.find((x) => x.key === k)!; return `${s.number}、${s.heading}`; };
  const prose = '本机关认真贯彻落实《中华人民共和国政府信息公开条例》，不断提高政务公开质量。';
  const lines = [
    `${agency}${year}年政府信息公开工作年度报告`,
    `发布时间:${year + 1}-01-2${Math.floor(rng() * 9)}`,
    `本报告由${agency}编制。本报告中所列数据的统计期限自${year}年1月1日起至${year}年12月31日止。`,
    sec('overview'), prose.repeat(1 + Math.floor(rng() * 3)),
    sec('active'), ...renderActive(t.tables.active, cells, o),
    sec('requests'), ...renderRequests(t.tables.requests, cells, o),
    sec('review_litigation'), ...renderReview(t.tables.review_litigation, cells, o),
    sec('problems'), prose,
    sec('other_matters'), '无。',
  ];
  return { text: lines.join('\n'), version, year, agency, form, cells };
}
