// HTML → text for the text pipeline: the article's blocks as lines, every table row as one line
// of " | "-separated cells with colspan/rowspan expanded (a cell spanning rows gives its text in
// its first row only), so real cell boundaries reach the solver as strong separators.
// Parsing is htmlparser2's streaming tokenizer with an explicit stack: no recursion, so deeply
// nested pages cannot overflow the stack.

import { Parser } from 'htmlparser2';
import iconv from 'iconv-lite';
import { InputError } from '../types.js';
import type { DecodedDocument } from './types.js';

const BLOCK = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'header', 'footer', 'blockquote', 'pre', 'tr', 'table', 'dd', 'dt', 'center', 'hr', 'form', 'main', 'caption']);
const SKIP = new Set(['script', 'style', 'noscript', 'iframe', 'template', 'svg', 'head', 'title', 'select', 'button', 'object', 'canvas']);
const NAV = /(^|[\s_-])(nav|navbar|menu|footer|breadcrumb|crumb|share|copyright|sidebar)([\s_-]|$)/i;
const MAX_DEPTH = 10_000;

/** Bytes → markup string: BOM, <meta charset>, else UTF-8 when valid, else GB18030. */
function decodeMarkup(bytes: Uint8Array): { html: string; encoding: string } {
  const buf = Buffer.from(bytes);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { html: buf.subarray(3).toString('utf8'), encoding: 'utf-8' };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { html: iconv.decode(buf.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { html: iconv.decode(buf.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  const head = buf.subarray(0, 4096).toString('latin1');
  const declared = head.match(/<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i)?.[1]?.toLowerCase();
  if (declared && /^(gb2312|gbk|gb18030|x-gbk)$/.test(declared)) return { html: iconv.decode(buf, 'gb18030'), encoding: 'gb18030' };
  try {
    return { html: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: declared && declared !== 'utf-8' && declared !== 'utf8' ? `utf-8 (declared ${declared})` : 'utf-8' };
  } catch {
    return { html: iconv.decode(buf, 'gb18030'), encoding: 'gb18030' };
  }
}

/** HTML kept inside a JSON or JavaScript string (\" \u003c \/ \n): the longest such string literal, unescaped. */
function unwrapEscaped(html: string): string {
  if (/<(p|div|table|td|tr|span|br|html|body)[\s>/]/i.test(html) && !/\\u003c|\\"|<\\\//.test(html.slice(0, 20000))) return html;
  const literals = html.match(/"(?:[^"\\]|\\.){200,}"/g) ?? [];
  let best = '';
  for (const lit of literals) {
    try {
      const s = JSON.parse(lit) as string;
      if (/<(table|p|div|td)[\s>]/i.test(s) && s.length > best.length) best = s;
    } catch { /* not a JSON string */ }
  }
  return best || html.replace(/\\u003c/gi, '<').replace(/\\u003e/gi, '>').replace(/\\"/g, '"').replace(/<\\\//g, '</').replace(/\\n/g, '\n');
}

interface Cell { text: string; colspan: number; rowspan: number }

/** One table's grid → lines; rowspan cells give their text in their first row only. */
function tableLines(rows: Cell[][]): string[] {
  const occupied: boolean[][] = [];
  const grid: string[][] = [];
  rows.forEach((cells, r) => {
    grid[r] ??= [];
    occupied[r] ??= [];
    let c = 0;
    for (const cell of cells) {
      while (occupied[r][c]) c++;
      const rs = Math.min(Math.max(1, cell.rowspan), 500);
      const cs = Math.min(Math.max(1, cell.colspan), 100);
      for (let i = 0; i < rs; i++) {
        occupied[r + i] ??= [];
        grid[r + i] ??= [];
        for (let j = 0; j < cs; j++) {
          occupied[r + i][c + j] = true;
          grid[r + i][c + j] ??= '';
        }
      }
      grid[r][c] = cell.text;
      c += cs;
    }
  });
  return grid.map((cells) => {
    // a cell spanning several columns gives its text once: drop the empty filler cells after text
    const out = cells.map((x) => x ?? '');
    return `${out.join(' | ')} |`;
  });
}

interface Frame { tag: string; skip: boolean }

export function decodeHtml(input: Uint8Array | string): DecodedDocument {
  const { html: raw, encoding } = typeof input === 'string' ? { html: input, encoding: 'utf-8' } : decodeMarkup(input);
  if (raw.trim() === '') throw new InputError('HTML 文件为空 / the HTML is empty', 'empty');
  const html = unwrapEscaped(raw);

  // Blocks of text, each tagged with the nearest container so the article can be chosen.
  const out: string[] = [];
  const stack: Frame[] = [];
  let skipDepth = 0;
  let line = '';
  const flush = () => {
    const t = line.replace(/[ \t]+/g, ' ').trim();
    if (t) out.push(t);
    line = '';
  };
  // table state: a stack of tables (nested tables are read as text inside their cell)
  const tables: { rows: Cell[][]; cell: Cell | null; lineBefore: string }[] = [];
  const tableDepthLimit = 50;
  let depth = 0;

  const parser = new Parser({
    onopentag(name, attrs) {
      depth++;
      if (depth > MAX_DEPTH) return;
      const navLike = NAV.test(`${attrs.class ?? ''} ${attrs.id ?? ''}`) || name === 'nav';
      const skip = SKIP.has(name) || navLike || (attrs.style ?? '').replace(/\s/g, '').includes('display:none');
      stack.push({ tag: name, skip });
      if (skip) { skipDepth++; return; }
      if (skipDepth) return;
      const t = tables[tables.length - 1];
      if (name === 'table' && tables.length < tableDepthLimit) {
        if (t?.cell) { t.cell.text += ' '; return; }
        flush();
        tables.push({ rows: [], cell: null, lineBefore: '' });
        return;
      }
      if (t && !t.cell && name === 'tr') { t.rows.push([]); return; }
      if (t && (name === 'td' || name === 'th')) {
        if (!t.rows.length) t.rows.push([]);
        t.cell = { text: '', colspan: Number(attrs.colspan) || 1, rowspan: Number(attrs.rowspan) || 1 };
        t.rows[t.rows.length - 1].push(t.cell);
        return;
      }
      if (t?.cell) return; // inline markup inside a cell: <p>, <span>, <br> join without breaks
      if (BLOCK.has(name)) flush();
    },
    ontext(text) {
      if (skipDepth) return;
      const s = text.replace(/&nbsp;/g, ' ');
      const t = tables[tables.length - 1];
      if (t) {
        if (t.cell) t.cell.text += s.replace(/\s+/g, (w) => (/\d$/.test(t.cell!.text) ? ' ' : w.includes('\n') ? '' : ' '));
        return;
      }
      line += s.replace(/\s*\n\s*/g, ' ');
    },
    onclosetag(name) {
      // past the depth limit nothing was pushed: structure is ignored there, text is kept
      if (depth-- > MAX_DEPTH) return;
      const frame = stack.pop();
      if (!frame) return;
      if (frame.skip) { skipDepth--; return; }
      if (skipDepth) return;
      const t = tables[tables.length - 1];
      if (t) {
        if ((name === 'td' || name === 'th') && t.cell) {
          t.cell.text = t.cell.text.replace(/\s+/g, ' ').trim();
          t.cell = null;
        } else if (name === 'table' && !t.cell) {
          tables.pop();
          out.push(...tableLines(t.rows));
        }
        return;
      }
      if (BLOCK.has(name)) flush();
    },
  }, { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true });
  parser.write(html);
  parser.end();
  flush();
  while (tables.length) out.push(...tableLines(tables.pop()!.rows));

  const text = out.join('\n');
  if (text.trim() === '') throw new InputError('HTML 中没有可读的正文 / no readable text in the HTML', 'empty');
  return { format: 'html', encoding, text };
}
