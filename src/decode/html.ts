// HTML → text for the text pipeline.
//
//   bytes ─ encoding (BOM, <meta charset>, http-equiv, else UTF-8 when valid, else GB18030/Big5)
//         ─ unwrap (HTML kept in a JSON or JavaScript string: the string literal holding it)
//         ─ tree (htmlparser2's tokenizer, our own explicit stack: no recursion anywhere, O(1)
//           work per tag even 100 000 levels deep; nav, scripts, forms' controls, share bars,
//           hidden elements dropped while building)
//         ─ lines (block elements break lines; a data table becomes one line per <tr>, cells
//           joined with " | " on the colspan/rowspan grid: a cell spanning rows gives its text in
//           its first row and empty cells below, a cell spanning columns gives its text once and
//           empty cells after it; layout tables — nesting a table, one column, a prose cell —
//           are read as blocks)
//         ─ article (the deepest element holding every report heading / table marker, else the
//           one holding most of the Chinese text; the title and info bar just above it kept)
//
// Cell text joins its inner blocks (<br>, <p>, <span>) without a separator between CJK
// characters (结果<br>维持 → 结果维持) and with a space where a digit or letter meets the join,
// so numbers never run together.

import iconv from 'iconv-lite';
import { InputError } from '../types.js';
import { asBuffer, byBom, declaredCharset, gbOrBig5, normEncoding, strictUtf8, utf16Guess } from './charset.js';
import type { DecodedDocument } from './types.js';
import { scanMarkup } from './markup.js';
import { gridLines, type GridRow } from './grid.js';
import { alternation, BUTTON_LABELS, COUNTER_LABELS, CRUFT_CLASS_WORDS, LINK_LINE_STARTS, LOCATION_LABELS } from './cruft.js';
import { ARTICLE_MARKERS } from '../template/index.js';

// ---------------------------------------------------------------------------------------------
// Encoding

/** Bytes → markup: BOM, then valid UTF-8, then the declared charset, then GB18030 or Big5 by content. */
export function decodeMarkupBytes(bytes: Uint8Array): { html: string; encoding: string } {
  const buf = asBuffer(bytes);
  const bom = byBom(buf);
  if (bom) return { html: bom.text, encoding: bom.encoding };
  const u16 = utf16Guess(buf);
  if (u16) return { html: iconv.decode(buf, u16), encoding: u16 };
  const declared = normEncoding(declaredCharset(buf.subarray(0, 32_768).toString('latin1')));
  let ascii = true;
  for (let i = 0; i < buf.length; i++) if (buf[i] >= 0x80) { ascii = false; break; }
  if (ascii) return { html: buf.toString('latin1'), encoding: declared ?? 'utf-8' };
  // valid UTF-8 wins over a wrong declaration
  const utf8 = strictUtf8(buf);
  if (utf8 !== null) return { html: utf8, encoding: 'utf-8' };
  if (declared && declared !== 'utf-8' && !declared.startsWith('utf-16')) return { html: iconv.decode(buf, declared), encoding: declared };
  // undeclared (or declared UTF-8 but not)
  const { text, encoding } = gbOrBig5(buf);
  return { html: text, encoding };
}

// ---------------------------------------------------------------------------------------------
// HTML kept inside JSON or JavaScript strings

const MARKUP = /<\s*(p|div|table|tbody|tr|td|th|span|br|h[1-6]|section|article|font|strong|ul|li|html|body)\b[^>]*>/i;
const ESCAPED = /\\u003c\s*\/?\s*[a-z]|\\x3c\s*\/?\s*[a-z]|<\\\/[a-z]+\s*>|\\u002f/i;

function countCjk(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)) n++;
  }
  return n;
}

/** JavaScript/JSON string escapes resolved. */
export function unescapeJs(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '\\' || i + 1 >= s.length) { out += ch; continue; }
    const e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '0': out += '\0'; break;
      case '\r': if (s[i + 1] === '\n') i++; break; // line continuation
      case '\n': case '\u2028': case '\u2029': break;
      case 'x': {
        const hex = s.slice(i + 1, i + 3);
        if (/^[0-9a-f]{2}$/i.test(hex)) { out += String.fromCharCode(parseInt(hex, 16)); i += 2; } else out += 'x';
        break;
      }
      case 'u': {
        if (s[i + 1] === '{') {
          const close = s.indexOf('}', i);
          const hex = close > 0 ? s.slice(i + 2, close) : '';
          if (/^[0-9a-f]{1,6}$/i.test(hex) && parseInt(hex, 16) <= 0x10ffff) { out += String.fromCodePoint(parseInt(hex, 16)); i = close; } else out += 'u';
        } else {
          const hex = s.slice(i + 1, i + 5);
          if (/^[0-9a-f]{4}$/i.test(hex)) { out += String.fromCharCode(parseInt(hex, 16)); i += 4; } else out += 'u';
        }
        break;
      }
      default: out += e;
    }
  }
  return out;
}

/** String literals of a script ("…", '…', `…`), with runs joined by + as one. */
function scriptLiterals(src: string, from: number, to: number): string[] {
  const out: string[] = [];
  let lastEnd = -1;
  let i = from;
  while (i < to) {
    const ch = src[i];
    if (ch === '/' && src[i + 1] === '/') { const nl = src.indexOf('\n', i); i = nl < 0 || nl > to ? to : nl; continue; }
    if (ch === '/' && src[i + 1] === '*') { const e = src.indexOf('*/', i + 2); i = e < 0 || e > to ? to : e + 2; continue; }
    if (ch !== '"' && ch !== "'" && ch !== '`') { i++; continue; }
    let j = i + 1;
    while (j < to && src[j] !== ch) {
      if (src[j] === '\\') j++;
      else if (ch !== '`' && src[j] === '\n') break;
      j++;
    }
    if (j >= to || src[j] !== ch) { i = j; continue; }
    const lit = src.slice(i + 1, j);
    if (lastEnd >= 0 && /^\s*\+\s*$/.test(src.slice(lastEnd, i)) && out.length) out[out.length - 1] += unescapeJs(lit);
    else if (lit.length >= 20) out.push(unescapeJs(lit));
    else out.push('');
    lastEnd = j + 1;
    i = j + 1;
  }
  return out.filter((s) => s.length >= 20);
}

/** Every string inside a parsed JSON value, with the key it sits under (iterative). */
function jsonStrings(value: unknown): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  const stack: [string, unknown][] = [['', value]];
  let budget = 1_000_000;
  while (stack.length && budget-- > 0) {
    const [key, v] = stack.pop()!;
    if (typeof v === 'string') out.push({ key, value: v });
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push([key, v[i]]);
    else if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i]);
    }
  }
  return out;
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The best string of a JSON document: the markup (or plain text) with the most Chinese, and a title beside it. */
function fromJsonStrings(strings: { key: string; value: string }[]): string | null {
  let best: { key: string; value: string } | null = null;
  let bestScore = 0;
  for (const s of strings) {
    const cjk = countCjk(s.value);
    if (cjk > bestScore) { best = s; bestScore = cjk; }
  }
  if (!best || bestScore < 2) return null;
  let html = MARKUP.test(best.value) ? best.value : `<div>${escapeText(best.value).replace(/\r?\n/g, '<br>')}</div>`;
  const title = strings.find((s) => s !== best && /title|标题|subject|name|bt/i.test(s.key) && /报告/.test(s.value) && s.value.length <= 150 && !s.value.includes('<'));
  if (title && !best.value.includes(title.value.trim())) html = `<h1>${escapeText(title.value)}</h1>${html}`;
  return html;
}

/** HTML stored in a JSON document, a JSONP call or a script's string literals, unwrapped; else the input. */
export function unwrapEscaped(raw: string): string {
  let cur = raw;
  for (let round = 0; round < 3; round++) {
    const next = unwrapOnce(cur);
    if (next === null || next === cur) break;
    cur = next;
    if (!ESCAPED.test(cur.slice(0, 200_000)) && MARKUP.test(cur)) break;
  }
  return cur;
}

function unwrapOnce(raw: string): string | null {
  const trimmed = raw.trimStart();
  // 1. a JSON document, or a JSONP call around one
  if (/^[[{"]/.test(trimmed) || /^[\w$.]+\s*\(\s*[[{]/.test(trimmed)) {
    const body = /^[[{"]/.test(trimmed) ? trimmed : trimmed.replace(/^[\w$.]+\s*\(/, '').replace(/\)\s*;?\s*$/, '');
    try {
      const value = JSON.parse(body) as unknown;
      const found = fromJsonStrings(jsonStrings(value));
      if (found !== null) return found;
    } catch { /* not JSON: fall through to string literals */ }
  }
  // 2. string literals: in scripts of a page, or anywhere in a script file / broken JSON
  const isPage = /^(?:\s|<!--[\s\S]*?-->)*</.test(raw) && /<(html|body|head|div|p|table)[\s>]/i.test(raw.slice(0, 100_000));
  const regions: [number, number][] = [];
  if (isPage) {
    for (const m of raw.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi)) {
      const start = (m.index ?? 0) + m[0].indexOf('>') + 1;
      regions.push([start, start + m[1].length]);
    }
  } else regions.push([0, raw.length]);
  let best = '';
  let bestCjk = 0;
  for (const [a, b] of regions) {
    if (!/<|\\u003c|\\x3c/i.test(raw.slice(a, b))) continue;
    for (const lit of scriptLiterals(raw, a, b)) {
      if (!MARKUP.test(lit)) continue;
      const n = countCjk(lit);
      if (n > bestCjk) { best = lit; bestCjk = n; }
    }
  }
  if (!best) return null;
  if (!isPage) return best;
  // a page: only when the string holds more of the text than the page shows outside its scripts
  let visible = raw;
  for (const [a, b] of [...regions].reverse()) visible = visible.slice(0, a) + visible.slice(b);
  return bestCjk >= 0.5 * countCjk(visible) ? best : null;
}

// ---------------------------------------------------------------------------------------------
// Tree

interface El {
  id: number;
  tag: string;
  parent: El | null;
  kids: (El | string)[];
  depth: number;
  colspan: number;
  rowspan: number;
  /** Owning table of a tr/td/th. */
  table: El | null;
  /** Tables: a table nested inside; most cells in one row. */
  nested: boolean;
  maxCells: number;
  rowCells: number;
  ownCjk: number;
  ownLen: number;
  cjk: number;
  len: number;
}

const SKIP_TAGS = new Set(['script', 'style', 'noscript', 'iframe', 'frame', 'frameset', 'template', 'svg', 'math', 'canvas', 'object', 'embed', 'applet', 'select', 'option', 'optgroup', 'datalist', 'textarea', 'button', 'input', 'nav', 'aside', 'footer', 'head', 'map', 'audio', 'video', 'dialog']);
const BLOCK = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'main', 'header', 'footer', 'blockquote', 'pre', 'address', 'center', 'hr', 'form', 'fieldset', 'legend', 'figure', 'figcaption', 'caption', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'body', 'html', 'details', 'summary', 'root', 'title', 'marquee']);
const MAX_DEPTH = 2000;

const cruftCache = new Map<string, boolean>();

function isCruft(attrs: Record<string, string>): boolean {
  const { style, class: cls, id } = attrs;
  if (style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  if ('hidden' in attrs) return true;
  if (!cls && !id) return false;
  const key = `${cls ?? ''} ${id ?? ''}`;
  let out = cruftCache.get(key);
  if (out === undefined) {
    out = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).some((w) => CRUFT_CLASS_WORDS.has(w));
    if (cruftCache.size > 10_000) cruftCache.clear();
    cruftCache.set(key, out);
  }
  return out;
}

/** A line break standing for a block element flattened past the depth limit. */
const BREAK: El = {
  id: -1, tag: 'br', parent: null, kids: [], depth: 0, colspan: 1, rowspan: 1, table: null, nested: false, maxCells: 0, rowCells: 0, ownCjk: 0, ownLen: 0, cjk: 0, len: 0,
};

function span(v: string | undefined): number {
  const n = parseInt(v ?? '', 10);
  return Number.isFinite(n) ? n : 1;
}

interface Tree {
  root: El;
  all: El[];
  title: string;
  /** Most Chinese characters inside one element dropped for its class or id. */
  classDropped: number;
}

function buildTree(html: string, byClass = true): Tree {
  const mk = (tag: string, parent: El | null, depth: number): El => ({
    id: 0, tag, parent, kids: [], depth, colspan: 1, rowspan: 1, table: null, nested: false, maxCells: 0, rowCells: 0, ownCjk: 0, ownLen: 0, cjk: 0, len: 0,
  });
  const root = mk('root', null, 0);
  const all: El[] = [root];
  // one entry per open element: the element, or a marker for one not in the tree
  const SKIPPED = 1, FLAT = 2;
  const stack: (El | number)[] = [];
  const tables: El[] = [];
  let cur = root;
  let skip = 0;
  let depth = 0;
  let inTitle = 0;
  let title = '';
  let inArticle = 0;
  let classDropped = 0;
  let dropping = -1; // Chinese characters inside the class-dropped element being skipped, or -1
  scanMarkup(html, false, {
    open(tag, attrs) {
      if (tag === 'title') inTitle++;
      if (skip) { stack.push(0); return; }
      const byTag = SKIP_TAGS.has(tag) || (tag === 'header' && !inArticle);
      if (byTag || (byClass && tag !== 'body' && tag !== 'html' && isCruft(attrs))) {
        if (!byTag) dropping = 0;
        skip++;
        stack.push(SKIPPED);
        return;
      }
      if (depth >= MAX_DEPTH) {
        // past the depth limit the structure is flattened: blocks still break lines
        if (BLOCK.has(tag)) cur.kids.push(BREAK);
        stack.push(FLAT);
        return;
      }
      const el = mk(tag, cur, depth + 1);
      el.id = all.length;
      all.push(el);
      cur.kids.push(el);
      if (tag === 'article' || tag === 'main') inArticle++;
      if (tag === 'table') {
        if (tables.length) tables[tables.length - 1].nested = true;
        tables.push(el);
      } else if (tag === 'tr' && tables.length) {
        el.table = tables[tables.length - 1];
        el.table.rowCells = 0;
      } else if ((tag === 'td' || tag === 'th') && tables.length) {
        const t = tables[tables.length - 1];
        el.table = t;
        el.colspan = Math.min(Math.max(span(attrs.colspan), 1), 100);
        el.rowspan = Math.min(Math.max(span(attrs.rowspan), 0), 10_000);
        t.rowCells += el.colspan;
        t.maxCells = Math.max(t.maxCells, t.rowCells);
      }
      stack.push(el);
      cur = el;
      depth++;
    },
    close(tag) {
      if (tag === 'title') inTitle--;
      const top = stack.pop();
      if (top === SKIPPED) {
        if (--skip === 0 && dropping >= 0) { classDropped = Math.max(classDropped, dropping); dropping = -1; }
        return;
      }
      if (typeof top === 'number') {
        if (top === FLAT && !skip && BLOCK.has(tag)) cur.kids.push(BREAK);
        return;
      }
      if (!top) return;
      if (top.tag === 'table' && tables[tables.length - 1] === top) tables.pop();
      if (top.tag === 'article' || top.tag === 'main') inArticle--;
      cur = top.parent ?? root;
      depth--;
    },
    text(s) {
      if (inTitle) { title += s; return; }
      if (skip) {
        if (dropping >= 0) dropping += countCjk(s);
        return;
      }
      const last = cur.kids.length - 1;
      if (last >= 0 && typeof cur.kids[last] === 'string') cur.kids[last] += s;
      else cur.kids.push(s);
      cur.ownCjk += countCjk(s);
      cur.ownLen += s.replace(/\s+/g, '').length;
    },
  });
  // subtree sums, children before parents (creation order reversed)
  for (let i = all.length - 1; i >= 0; i--) {
    const el = all[i];
    el.cjk += el.ownCjk;
    el.len += el.ownLen;
    if (el.parent) { el.parent.cjk += el.cjk; el.parent.len += el.len; }
  }
  return { root, all, title: title.replace(/\s+/g, ' ').trim(), classDropped };
}

// ---------------------------------------------------------------------------------------------
// Rendering

class Sink {
  lines: string[] = [];
  private cur = '';
  text(s: string) { this.cur += s; }
  flush() {
    const t = this.cur.replace(/\s+/g, ' ').trim();
    if (t) this.lines.push(t);
    this.cur = '';
  }
  line(s: string) { this.flush(); this.lines.push(s); }
}

/** A data table is rendered as a grid; tables nesting a table or one column wide are layout. */
function isDataTable(t: El): boolean {
  return !t.nested && t.maxCells >= 2;
}

interface Ranges { start: Int32Array; end: Int32Array }

/** Block flow of an element's subtree, iteratively; data tables become grid lines. */
function renderFlow(rootEl: El, sink: Sink, ranges?: Ranges): void {
  const stack: { el: El; i: number }[] = [{ el: rootEl, i: -1 }];
  let pre = 0;
  while (stack.length) {
    const top = stack[stack.length - 1];
    const el = top.el;
    if (top.i < 0) {
      const block = BLOCK.has(el.tag);
      if (block) sink.flush();
      if (ranges) ranges.start[el.id] = sink.lines.length;
      if (el.tag === 'table' && isDataTable(el)) {
        renderTable(el, sink);
        if (ranges) ranges.end[el.id] = sink.lines.length;
        stack.pop();
        continue;
      }
      if (el.tag === 'pre') pre++;
      top.i = 0;
    }
    if (top.i < el.kids.length) {
      const k = el.kids[top.i++];
      if (typeof k !== 'string') { stack.push({ el: k, i: -1 }); continue; }
      if (pre && k.includes('\n')) {
        const parts = k.split('\n');
        parts.forEach((p, n) => { if (n) sink.flush(); sink.text(p); });
      } else sink.text(k);
      continue;
    }
    if (BLOCK.has(el.tag)) sink.flush();
    if (el.tag === 'pre') pre--;
    if (ranges) ranges.end[el.id] = sink.lines.length;
    stack.pop();
  }
}

/** Rows (cells in order) of a data table: its own tr/td/th, found without entering the cells. */
function tableRows(table: El): { rows: El[][]; captions: El[] } {
  const rows: El[][] = [];
  const captions: El[] = [];
  let row: El[] | null = null;
  const stack: El[] = [table];
  while (stack.length) {
    const el = stack.pop()!;
    if (el !== table) {
      if (el.tag === 'caption') { captions.push(el); continue; }
      if (el.tag === 'tr' && el.table === table) { row = []; rows.push(row); }
      else if ((el.tag === 'td' || el.tag === 'th') && el.table === table) {
        if (!row) { row = []; rows.push(row); }
        row.push(el);
        continue;
      } else if (el.tag === 'table') continue;
    }
    for (let i = el.kids.length - 1; i >= 0; i--) {
      const k = el.kids[i];
      if (typeof k !== 'string') stack.push(k);
    }
  }
  return { rows, captions };
}

function cellLines(cell: El): string[] {
  const s = new Sink();
  renderFlow(cell, s);
  s.flush();
  return s.lines;
}

/**
 * Grid cells one table may expand to. A report's largest table has a few hundred; two million
 * empty cells from a 90 KB page of rowspan="10000" made 6 MB of text that every later stage
 * had to read (seconds), so the expansion stops far earlier.
 */
const MAX_GRID = 100_000;

/** A data table's captions, then its rows on the grid (grid.ts); spans past MAX_GRID grid cells are not expanded. */
function renderTable(table: El, sink: Sink): void {
  sink.flush();
  const { rows, captions } = tableRows(table);
  for (const c of captions) for (const l of cellLines(c)) sink.line(l);
  const grid: GridRow[] = rows.map((cells) => ({ cells: cells.map((cell) => ({ lines: cellLines(cell), colspan: cell.colspan, rowspan: cell.rowspan, len: cell.len })) }));
  for (const l of gridLines(grid, { maxArea: MAX_GRID })) sink.line(l);
}

// ---------------------------------------------------------------------------------------------
// Article

const TRAD: Record<string, string> = {
  總: '总', 體: '体', 況: '况', 動: '动', 開: '开', 處: '处', 請: '请', 復: '复', 議: '议', 訴: '诉', 訟: '讼', 問: '问', 題: '题', 報: '报', 項: '项', 結: '结', 轉: '转', 經: '经', 辦: '办', 條: '条', 進: '进', 關: '关', 僅: '仅', 與: '与', 須: '须', 歲: '岁', 數: '数', 請求: '请求',
};
const TRAD_RE = new RegExp(`[${Object.keys(TRAD).filter((k) => k.length === 1).join('')}]`, 'g');
const simplify = (s: string) => s.replace(TRAD_RE, (c) => TRAD[c] ?? c);

/** Text-only cruft: print/close links, breadcrumbs, share bars, font-size pickers. */
// (a page's 【】 button may carry a few more characters: 【打印本页 】, 【字体：大 中 小】)
const CRUFT_TOKEN = new RegExp(`【\\s*(?:${alternation(BUTTON_LABELS)})[^】]{0,12}】|\\[\\s*(?:${alternation(BUTTON_LABELS)})\\s*\\]`, 'g');
const CRUFT_LINE = new RegExp(`^(?:${alternation(LOCATION_LABELS)})\\s*[:：]|^(?:${alternation(LINK_LINE_STARTS)}|字号\\s*[:：]|【?\\s*字体\\s*[:：]|${alternation(COUNTER_LABELS)})|^(?:打印|关闭|大|中|小|\\s)+$`);

function cleanLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const t = l.replace(CRUFT_TOKEN, '').trim();
    if (!t) continue;
    if (t.length <= 60 && CRUFT_LINE.test(t)) continue;
    out.push(l.includes('|') ? l.replace(CRUFT_TOKEN, '') : t);
  }
  return out;
}

/**
 * The article: the deepest element holding every line with a report heading or table marker
 * (at least two different ones); else the deepest of two lines or more holding 70% of the
 * Chinese text. The title (and the info bar under it) from just above is kept; lacking one, the
 * page <title>.
 */
function article(tree: Tree, lines: string[], ranges: Ranges): string[] {
  const hits: number[] = [];
  const kinds = new Set<number>();
  lines.forEach((l, i) => {
    const compact = simplify(l.replace(/\s+/g, ''));
    ARTICLE_MARKERS.forEach((re, k) => { if (re.test(compact)) { hits.push(i); kinds.add(k); } });
  });
  let chosen: El | null = null;
  if (kinds.size >= 2) {
    let lo = Infinity, hi = -1;
    for (const h of hits) { if (h < lo) lo = h; if (h > hi) hi = h; }
    for (const el of tree.all) {
      if (ranges.start[el.id] < 0 || ranges.start[el.id] > lo || ranges.end[el.id] <= hi) continue;
      if (!chosen || el.depth > chosen.depth) chosen = el;
    }
  } else if (tree.root.cjk > 0) {
    // a container (two lines at least, unless the page has one), not a single dominant paragraph
    const minLines = Math.min(2, lines.length);
    for (const el of tree.all) {
      if (ranges.start[el.id] < 0 || ranges.end[el.id] - ranges.start[el.id] < minLines || el.cjk < 0.7 * tree.root.cjk) continue;
      if (!chosen || el.depth > chosen.depth) chosen = el;
    }
  }
  if (!chosen || chosen === tree.root) return lines;
  const a = ranges.start[chosen.id];
  const b = ranges.end[chosen.id];
  const body = lines.slice(a, b);
  // the title line above the article (and whatever short lines sit between them: date, source)
  let from = a;
  for (let i = a - 1; i >= Math.max(0, a - 15); i--) {
    if (lines[i].length > 150) break;
    if (/报告|報告/.test(lines[i]) && countCjk(lines[i]) >= 6) { from = i; break; }
  }
  const head = lines.slice(from, a);
  if (!head.length && !body.slice(0, 5).some((l) => /报告|報告/.test(l)) && /报告|報告/.test(tree.title)) {
    const part = tree.title.split(/\s*[_|｜]\s*|\s+[-—–]+\s+/).find((p) => /报告|報告/.test(p));
    if (part) head.push(part);
  }
  return [...head, ...body];
}

// ---------------------------------------------------------------------------------------------

/** HTML markup (already a string) → the text lines of its article. */
export function htmlToText(html: string): string {
  let tree = buildTree(html);
  // an element dropped for its class held more text than all that was kept: the class words
  // misjudged this site (its article is called "share-content" or the like) — keep classes
  if (tree.classDropped > tree.root.cjk) tree = buildTree(html, false);
  const ranges: Ranges = { start: new Int32Array(tree.all.length).fill(-1), end: new Int32Array(tree.all.length).fill(-1) };
  const sink = new Sink();
  renderFlow(tree.root, sink, ranges);
  sink.flush();
  let lines = article(tree, sink.lines, ranges);
  lines = cleanLines(lines);
  if (!lines.length && tree.title) lines = [tree.title];
  return lines.join('\n');
}

export function decodeHtml(input: Uint8Array | string): DecodedDocument {
  const { html: raw, encoding } = typeof input === 'string' ? { html: input, encoding: 'utf-8' } : decodeMarkupBytes(input);
  if (raw.trim() === '') throw new InputError('HTML 文件为空 / the HTML is empty', 'empty');
  const text = htmlToText(unwrapEscaped(raw));
  if (text.trim() === '') throw new InputError('HTML 中没有可读的正文 / no readable text in the HTML', 'empty');
  return { format: 'html', encoding, text };
}
