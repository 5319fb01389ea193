// DOCX → text for the text pipeline, read from the OOXML directly.
//
//   zip     our own central-directory reader: every entry's declared size and their total are
//           checked against limits.maxUnzippedBytes before anything is inflated, and inflating
//           (fflate's streaming Inflate, 16 KB of input at a time) stops as soon as the output
//           passes what is left of the budget — a zip bomb that lies about its sizes is caught
//           too. Not a zip, a broken entry, an unknown compression → InputError 'docx_broken'.
//   body    the main part (from _rels/.rels, else word/document.xml) walked with the same
//           stack-based scanner as HTML (no recursion): w:p → a line (w:t text, w:tab, w:br);
//           automatic numbering (numbering.xml, styles.xml) written out as text (一、 (一) 1.);
//           deleted text, field instructions, hidden runs and mc:Fallback copies left out.
//   tables  w:tbl/w:tr/w:tc → one line per row, cells joined with " | ": w:gridSpan gives its
//           text once and empty cells after it, a w:vMerge continuation is an empty cell (so a
//           vertical group label appears once, in its first row), w:gridBefore leading empties.
//           Tables nesting a table or one column wide, and rows with a prose cell, are lines.
// .doc     Word 97 files are converted by LibreOffice when `soffice` is on PATH.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Inflate } from 'fflate';
import { InputError } from '../types.js';
import { scanMarkup } from './markup.js';
import { gridLines, type GridRow } from './grid.js';
import type { DecodedDocument, DecodeLimits } from './types.js';

// ---------------------------------------------------------------------------------------------
// Zip

interface ZipEntry { name: string; method: number; flags: number; compSize: number; size: number; offset: number }

const broken = (why: string) => new InputError(`DOCX 文件已损坏，无法解压（${why}） / the DOCX is broken: ${why}`, 'docx_broken');
const tooLarge = (limit: number) => new InputError(
  `DOCX 解压后过大（超过 ${Math.round(limit / 1048576)} MB 上限），可能是压缩炸弹 / the DOCX inflates past the ${Math.round(limit / 1048576)} MB limit (zip bomb?)`,
  'docx_too_large',
);

function centralDirectory(b: Uint8Array): ZipEntry[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 22) throw broken('too short / 文件过短');
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) {
    if (b[i] === 0x50 && dv.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw broken('no end of central directory / 找不到中央目录');
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc >= 0 && dv.getUint32(loc, true) === 0x07064b50) {
      const z = Number(dv.getBigUint64(loc + 8, true));
      if (z + 56 <= b.length && dv.getUint32(z, true) === 0x06064b50) {
        count = Number(dv.getBigUint64(z + 32, true));
        cdSize = Number(dv.getBigUint64(z + 40, true));
        cdOffset = Number(dv.getBigUint64(z + 48, true));
      }
    }
  }
  if (cdOffset + cdSize > b.length || count > 100_000) throw broken('central directory out of range / 中央目录越界');
  const out: ZipEntry[] = [];
  let p = cdOffset;
  const utf8 = new TextDecoder('utf-8');
  for (let k = 0; k < count; k++) {
    if (p + 46 > b.length || dv.getUint32(p, true) !== 0x02014b50) throw broken('bad central directory entry / 目录项损坏');
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    let compSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let offset = dv.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen > b.length) throw broken('bad central directory entry / 目录项损坏');
    const name = utf8.decode(b.subarray(p + 46, p + 46 + nameLen));
    // zip64 sizes and offset in the extra field
    if (size === 0xffffffff || compSize === 0xffffffff || offset === 0xffffffff) {
      let e = p + 46 + nameLen;
      const end = e + extraLen;
      while (e + 4 <= end) {
        const id = dv.getUint16(e, true);
        const len = dv.getUint16(e + 2, true);
        if (id === 0x0001) {
          let q = e + 4;
          const next = () => { const v = q + 8 <= e + 4 + len ? Number(dv.getBigUint64(q, true)) : NaN; q += 8; return v; };
          if (size === 0xffffffff) size = next();
          if (compSize === 0xffffffff) compSize = next();
          if (offset === 0xffffffff) offset = next();
          break;
        }
        e += 4 + len;
      }
      if (!Number.isFinite(size) || !Number.isFinite(compSize) || !Number.isFinite(offset)) throw broken('bad zip64 entry / zip64 目录项损坏');
    }
    out.push({ name, method, flags, compSize, size, offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

class ZipReader {
  private entries = new Map<string, ZipEntry>();
  private left: number;

  constructor(private bytes: Uint8Array, private limit: number) {
    const all = centralDirectory(bytes);
    let total = 0;
    for (const e of all) {
      // declared sizes, before anything is inflated
      total += e.size;
      if (e.size > limit || total > limit) throw tooLarge(limit);
      if (!this.entries.has(e.name)) this.entries.set(e.name, e);
    }
    this.left = limit;
  }

  has(name: string): boolean { return this.entries.has(name); }

  names(): string[] { return [...this.entries.keys()]; }

  /** An entry's bytes; the running budget stops inflation past the limit whatever the entry declared. */
  read(name: string): Uint8Array | null {
    const e = this.entries.get(name);
    if (!e) return null;
    const b = this.bytes;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (e.offset + 30 > b.length || dv.getUint32(e.offset, true) !== 0x04034b50) throw broken(`bad local header for ${name} / 文件头损坏`);
    if (e.flags & 1) throw new InputError('DOCX 已加密，无法读取 / the DOCX is encrypted', 'docx_encrypted');
    const start = e.offset + 30 + dv.getUint16(e.offset + 26, true) + dv.getUint16(e.offset + 28, true);
    if (start + e.compSize > b.length) throw broken(`${name} is truncated / 文件被截断`);
    const data = b.subarray(start, start + e.compSize);
    if (e.method === 0) {
      if (data.length > this.left) throw tooLarge(this.limit);
      this.left -= data.length;
      return data;
    }
    if (e.method !== 8) throw broken(`unsupported compression method ${e.method} / 不支持的压缩方式`);
    const chunks: Uint8Array[] = [];
    let total = 0;
    let done = false;
    const inflater = new Inflate((chunk, final) => {
      total += chunk.length;
      if (total > this.left) throw tooLarge(this.limit);
      chunks.push(chunk);
      if (final) done = true;
    });
    try {
      const STEP = 16 * 1024;
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
      for (let i = 0; i < data.length; i += STEP) inflater.push(data.subarray(i, Math.min(data.length, i + STEP)), i + STEP >= data.length);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw broken(`${name} does not inflate / 解压失败`);
    }
    if (!done && total === 0 && e.size > 0) throw broken(`${name} does not inflate / 解压失败`);
    this.left -= total;
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) { out.set(c, o); o += c.length; }
    return out;
  }

  text(name: string): string | null {
    const b = this.read(name);
    return b === null ? null : new TextDecoder('utf-8').decode(b);
  }
}

// ---------------------------------------------------------------------------------------------
// Namespaces

const W_NS = ['http://schemas.openxmlformats.org/wordprocessingml/2006/main', 'http://purl.oclc.org/ooxml/wordprocessingml/main'];
const MC_NS = 'http://schemas.openxmlformats.org/markup-compatibility/2006';

/** Prefixes ("w:", "mc:") declared on an element, for the namespaces we read. */
function prefixesOf(attrs: Record<string, string>, into: { w: string | null; mc: string | null }) {
  for (const [k, v] of Object.entries(attrs)) {
    const prefix = k === 'xmlns' ? '' : k.startsWith('xmlns:') ? `${k.slice(6)}:` : null;
    if (prefix === null) continue;
    if (W_NS.includes(v) && into.w === null) into.w = prefix;
    if (v === MC_NS && into.mc === null) into.mc = prefix;
  }
}

// ---------------------------------------------------------------------------------------------
// Numbering

interface Level { start: number; fmt: string; text: string }

class Numbering {
  /** numId → abstractNumId */
  private nums = new Map<string, string>();
  private abstract = new Map<string, Map<number, Level>>();
  /** styleId → numPr of the style (basedOn followed a few steps) */
  private styles = new Map<string, { numId: string | null; ilvl: number | null; basedOn: string | null }>();
  private counters = new Map<string, number[]>();

  constructor(numberingXml: string | null, stylesXml: string | null) {
    if (numberingXml) this.readNumbering(numberingXml);
    if (stylesXml) this.readStyles(stylesXml);
  }

  private readNumbering(xml: string) {
    const ns = { w: null as string | null, mc: null as string | null };
    let abs: Map<number, Level> | null = null;
    let lvl: Level | null = null;
    let numId: string | null = null;
    scanMarkup(xml, true, {
      open: (name, attrs) => {
        if (ns.w === null) prefixesOf(attrs, ns);
        const w = ns.w ?? 'w:';
        if (!name.startsWith(w)) return;
        const local = name.slice(w.length);
        const val = attrs[`${w}val`];
        if (local === 'abstractNum') { abs = new Map(); this.abstract.set(attrs[`${w}abstractNumId`] ?? '', abs); }
        else if (local === 'lvl' && abs) { lvl = { start: 1, fmt: 'decimal', text: '' }; abs.set(Number(attrs[`${w}ilvl`] ?? 0), lvl); }
        else if (local === 'start' && lvl) lvl.start = Number(val ?? 1) || 0;
        else if (local === 'numFmt' && lvl) lvl.fmt = val ?? 'decimal';
        else if (local === 'lvlText' && lvl) lvl.text = val ?? '';
        else if (local === 'num') numId = attrs[`${w}numId`] ?? null;
        else if (local === 'abstractNumId' && numId !== null) this.nums.set(numId, val ?? '');
      },
      close: (name) => {
        const w = ns.w ?? 'w:';
        if (name === `${w}lvl`) lvl = null;
        else if (name === `${w}abstractNum`) abs = null;
        else if (name === `${w}num`) numId = null;
      },
      text: () => {},
    });
  }

  private readStyles(xml: string) {
    const ns = { w: null as string | null, mc: null as string | null };
    let style: { numId: string | null; ilvl: number | null; basedOn: string | null } | null = null;
    scanMarkup(xml, true, {
      open: (name, attrs) => {
        if (ns.w === null) prefixesOf(attrs, ns);
        const w = ns.w ?? 'w:';
        if (name === `${w}style`) { style = { numId: null, ilvl: null, basedOn: null }; this.styles.set(attrs[`${w}styleId`] ?? '', style); }
        else if (style && name === `${w}numId`) style.numId = attrs[`${w}val`] ?? null;
        else if (style && name === `${w}ilvl`) style.ilvl = Number(attrs[`${w}val`] ?? 0);
        else if (style && name === `${w}basedOn`) style.basedOn = attrs[`${w}val`] ?? null;
      },
      close: (name) => { if (name === `${ns.w ?? 'w:'}style`) style = null; },
      text: () => {},
    });
  }

  /** The numbering text of a paragraph ("一、", "(一)", "1."), advancing the list's counters. */
  label(numId: string | null, ilvl: number | null, styleId: string | null): string {
    let id = numId;
    let level = ilvl;
    for (let s = styleId, hops = 0; (id === null || level === null) && s && hops < 5; hops++) {
      const st = this.styles.get(s);
      if (!st) break;
      id ??= st.numId;
      if (level === null && st.ilvl !== null) level = st.ilvl;
      s = st.basedOn;
    }
    if (id === null || id === '0') return '';
    const absId = this.nums.get(id);
    const levels = absId === undefined ? undefined : this.abstract.get(absId);
    if (!levels) return '';
    const L = Math.min(Math.max(level ?? 0, 0), 8);
    const counters = this.counters.get(absId!) ?? [];
    this.counters.set(absId!, counters);
    for (let i = 0; i <= L; i++) if (counters[i] === undefined) counters[i] = (levels.get(i)?.start ?? 1) - (i === L ? 1 : 0);
    counters[L]++;
    counters.length = L + 1;
    const lvl = levels.get(L);
    if (!lvl || lvl.fmt === 'bullet' || lvl.fmt === 'none') return '';
    return lvl.text.replace(/%([1-9])/g, (_, d: string) => {
      const i = Number(d) - 1;
      return formatNumber(counters[i] ?? 1, levels.get(i)?.fmt ?? 'decimal');
    });
  }
}

const CN_DIGITS = '〇一二三四五六七八九';

function chineseNumber(n: number): string {
  if (n <= 0 || n >= 100) return String(n);
  if (n < 10) return CN_DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones ? CN_DIGITS[ones] : ''}`;
}

function roman(n: number): string {
  const parts: [number, string][] = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [v, s] of parts) while (n >= v) { out += s; n -= v; }
  return out;
}

function formatNumber(n: number, fmt: string): string {
  switch (fmt) {
    case 'chineseCounting': case 'chineseCountingThousand': case 'japaneseCounting': case 'taiwaneseCounting': case 'chineseLegalSimplified':
      return chineseNumber(n);
    case 'ideographDigital': case 'taiwaneseDigital': case 'japaneseDigitalTenThousand':
      return String(n).split('').map((d) => CN_DIGITS[Number(d)]).join('');
    case 'ideographTraditional': return '甲乙丙丁戊己庚辛壬癸'[(n - 1) % 10] ?? String(n);
    case 'ideographZodiac': return '子丑寅卯辰巳午未申酉戌亥'[(n - 1) % 12] ?? String(n);
    case 'upperLetter': return String.fromCharCode(65 + ((n - 1) % 26));
    case 'lowerLetter': return String.fromCharCode(97 + ((n - 1) % 26));
    case 'upperRoman': return roman(n);
    case 'lowerRoman': return roman(n).toLowerCase();
    case 'decimalEnclosedCircle': case 'decimalEnclosedCircleChinese': return n >= 1 && n <= 20 ? String.fromCharCode(0x2460 + n - 1) : String(n);
    case 'decimalZero': return n < 10 ? `0${n}` : String(n);
    default: return String(n);
  }
}

// ---------------------------------------------------------------------------------------------
// Body

interface TCell { parts: string[]; span: number; merge: 'none' | 'restart' | 'continue'; len: number }
interface TTable { rows: { cells: TCell[]; before: number }[]; cell: TCell | null; nested: boolean }
interface Para { text: string; numId: string | null; ilvl: number | null; style: string | null }

/** Tables nested deeper than this are read as the paragraphs of the cell around them. */
const MAX_TABLE_DEPTH = 50;

/** Rows of a finished table as lines (grid.ts): the grid form, or plain lines for layout tables and prose rows. */
function tableLines(t: TTable): string[] {
  let width = 0;
  for (const r of t.rows) width = Math.max(width, r.before + r.cells.reduce((n, c) => n + c.span, 0));
  const rows: GridRow[] = t.rows.map((r) => ({
    before: r.before,
    cells: r.cells.map((c) => ({ lines: c.parts, colspan: c.span, rowspan: 1, len: c.len, ...(c.merge === 'continue' ? { continued: true } : {}) })),
  }));
  return gridLines(rows, { layout: t.nested || width <= 1 });
}

function bodyText(xml: string, numbering: Numbering): string {
  const out: string[] = [];
  const ns = { w: null as string | null, mc: null as string | null };
  const tables: TTable[] = [];
  const paras: Para[] = [];
  const stack: string[] = [];
  let skip = 0;
  let inText = 0;
  let hiddenRun = false;
  let flatTables = 0; // tables past MAX_TABLE_DEPTH being read as paragraphs
  const SKIP_LOCAL = new Set(['del', 'moveFrom', 'instrText', 'delText', 'delInstrText', 'footnoteReference', 'endnoteReference', 'commentReference']);
  const local = (name: string): string | null => {
    const w = ns.w ?? 'w:';
    return name.startsWith(w) && !name.slice(w.length).includes(':') ? name.slice(w.length) : null;
  };
  /** Lines go to the open cell of the innermost table, or to the document. */
  const emit = (lines: string[]) => {
    const t = tables[tables.length - 1];
    if (t?.cell) {
      for (const l of lines) {
        const s = l.replace(/\s+/g, ' ').trim();
        if (s) { t.cell.parts.push(s); t.cell.len += s.replace(/\s/g, '').length; }
      }
    } else for (const l of lines) out.push(l);
  };
  scanMarkup(xml, true, {
    open(name, attrs) {
      if (ns.w === null) prefixesOf(attrs, ns);
      stack.push(name);
      if (skip) { skip++; return; }
      const mcFallback = ns.mc !== null && name === `${ns.mc}Fallback`;
      const l = local(name);
      if (mcFallback || (l !== null && SKIP_LOCAL.has(l))) { skip = 1; return; }
      if (l === null) return;
      const w = ns.w ?? 'w:';
      const val = attrs[`${w}val`];
      const t = tables[tables.length - 1];
      const p = paras[paras.length - 1];
      switch (l) {
        case 'p': paras.push({ text: '', numId: null, ilvl: null, style: null }); break;
        case 'pStyle': if (p && stack[stack.length - 2] === `${w}pPr`) p.style = val ?? null; break;
        case 'numId': if (p) p.numId = val ?? null; break;
        case 'ilvl': if (p) p.ilvl = Number(val ?? 0); break;
        case 'r': hiddenRun = false; break;
        case 'vanish':
          if (stack[stack.length - 2] === `${w}rPr` && stack[stack.length - 3] === `${w}r`) hiddenRun = !(val === '0' || val === 'false');
          break;
        case 't': inText++; break;
        case 'tab': if (p && stack[stack.length - 2] === `${w}r` && !hiddenRun) p.text += '\t'; break;
        case 'br': case 'cr': if (p && !hiddenRun) p.text += '\n'; break;
        case 'noBreakHyphen': if (p && !hiddenRun) p.text += '-'; break;
        case 'tbl':
          if (t) t.nested = true;
          if (flatTables || tables.length >= MAX_TABLE_DEPTH) flatTables++;
          else tables.push({ rows: [], cell: null, nested: false });
          break;
      }
      if (flatTables) return;
      switch (l) {
        case 'tr': if (t) t.rows.push({ cells: [], before: 0 }); break;
        case 'gridBefore': if (t && !t.cell && t.rows.length) t.rows[t.rows.length - 1].before = Math.min(Math.max(Number(val) || 0, 0), 100); break;
        case 'tc':
          if (t) {
            if (!t.rows.length) t.rows.push({ cells: [], before: 0 });
            t.cell = { parts: [], span: 1, merge: 'none', len: 0 };
            t.rows[t.rows.length - 1].cells.push(t.cell);
          }
          break;
        case 'gridSpan': if (t?.cell) t.cell.span = Math.min(Math.max(Number(val) || 1, 1), 100); break;
        case 'vMerge': if (t?.cell) t.cell.merge = val === 'restart' ? 'restart' : 'continue'; break;
        case 'hMerge': if (t?.cell && val !== 'restart') t.cell.merge = 'continue'; break;
      }
    },
    close(name) {
      stack.pop();
      if (skip) { skip--; return; }
      const l = local(name);
      if (l === null) return;
      switch (l) {
        case 't': inText = Math.max(0, inText - 1); break;
        case 'r': hiddenRun = false; break;
        case 'p': {
          const p = paras.pop();
          if (!p) break;
          const label = p.numId !== null || p.style !== null ? numbering.label(p.numId, p.ilvl, p.style) : '';
          const lines = (label + p.text).split('\n');
          emit(lines);
          break;
        }
        case 'tc': {
          const t = tables[tables.length - 1];
          if (t && !flatTables) t.cell = null;
          break;
        }
        case 'tbl': {
          if (flatTables) { flatTables--; break; }
          const t = tables.pop();
          if (t) emit(tableLines(t));
          break;
        }
      }
    },
    text(s) {
      if (skip || !inText || hiddenRun) return;
      const p = paras[paras.length - 1];
      if (p) p.text += s;
      else emit([s]);
    },
  });
  while (tables.length) emit(tableLines(tables.pop()!));
  // tidy: spaces collapsed in every line, runs of empty lines cut to one
  const lines: string[] = [];
  for (const raw of out) {
    const l = raw.replace(/[ \t\u00a0]+/g, ' ').trim();
    if (l === '' && (lines.length === 0 || lines[lines.length - 1] === '')) continue;
    lines.push(l);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** The main document part named by _rels/.rels (word/document.xml by default). */
function mainPart(zip: ZipReader): string {
  const rels = zip.has('_rels/.rels') ? zip.text('_rels/.rels') : null;
  if (rels) {
    for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
      const type = m[0].match(/\bType\s*=\s*["']([^"']*)["']/)?.[1] ?? '';
      const target = m[0].match(/\bTarget\s*=\s*["']([^"']*)["']/)?.[1] ?? '';
      if (/\/officeDocument$/.test(type) && target) {
        const name = target.replace(/^\/+/, '').replace(/^\.\//, '');
        if (zip.has(name)) return name;
      }
    }
  }
  return 'word/document.xml';
}

export function decodeDocx(bytes: Uint8Array, limits: DecodeLimits): DecodedDocument {
  const zip = new ZipReader(bytes, limits.maxUnzippedBytes);
  const part = mainPart(zip);
  if (!zip.has(part)) {
    const names = zip.names();
    if (names.some((n) => n.startsWith('xl/')) || names.some((n) => n.startsWith('ppt/'))) {
      throw new InputError('这是 Excel/PowerPoint 文件，不是 Word 文档 / an Excel or PowerPoint file, not a Word document', 'unsupported');
    }
    throw new InputError('DOCX 中没有正文（word/document.xml） / no word/document.xml in the DOCX', 'docx_broken');
  }
  const dir = part.includes('/') ? part.slice(0, part.lastIndexOf('/') + 1) : '';
  const xml = zip.text(part) ?? '';
  const numbering = new Numbering(
    zip.has(`${dir}numbering.xml`) ? zip.text(`${dir}numbering.xml`) : null,
    zip.has(`${dir}styles.xml`) ? zip.text(`${dir}styles.xml`) : null,
  );
  const text = bodyText(xml, numbering);
  if (text.trim() === '') throw new InputError('DOCX 中没有文字 / the DOCX has no text', 'empty');
  return { format: 'docx', encoding: 'binary', text };
}

// ---------------------------------------------------------------------------------------------
// Word 97 .doc

/** `soffice` (or `libreoffice`) on PATH, without running it. */
export function findSoffice(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of ['soffice', 'libreoffice', 'soffice.exe']) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch { /* not here */ }
    }
  }
  return null;
}

/** Word 97 .doc: converted to DOCX with LibreOffice when it is installed, else refused with what to do. */
export function decodeLegacyDoc(bytes: Uint8Array, limits: DecodeLimits): DecodedDocument {
  const soffice = findSoffice();
  if (!soffice) {
    throw new InputError('不支持旧版 .doc 文件：请用 Word/WPS 另存为 .docx 或 PDF，或安装 LibreOffice 后重试 / legacy .doc is not supported without LibreOffice: save it as .docx or PDF', 'doc_unsupported');
  }
  const dir = mkdtempSync(join(tmpdir(), 'gongkai-doc-'));
  try {
    const input = join(dir, 'report.doc');
    writeFileSync(input, bytes);
    const run = spawnSync(soffice, [
      `-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--norestore', '--nolockcheck',
      '--convert-to', 'docx:MS Word 2007 XML', '--outdir', dir, input,
    ], { timeout: limits.timeoutMs, stdio: 'ignore' });
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
      throw new InputError(`LibreOffice 转换 .doc 超时（${Math.round(limits.timeoutMs / 1000)} 秒） / LibreOffice timed out converting the .doc`, 'doc_timeout');
    }
    const produced = readdirSync(dir).find((f) => f.endsWith('.docx'));
    if (!produced) throw new InputError('LibreOffice 无法转换该 .doc 文件（文件可能已损坏或加密） / LibreOffice could not convert the .doc (broken or encrypted?)', 'doc_broken');
    return decodeDocx(readFileSync(join(dir, produced)), limits);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
