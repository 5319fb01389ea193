// The normalised copy of a report's text that the parser matches on, with an offset map back to
// the original (which is kept for display). Line structure is kept: newlines, pipes and spaces
// between digits are cell separators for the solver.

import * as OpenCC from 'opencc-js';
import { findMojibake } from './mojibake.js';

export interface Repair {
  kind: 'mojibake' | 'pinyin' | 'cruft';
  /** Span in the normalised text. */
  span: [number, number];
  original: string;
  replacement: string;
}

export interface NormalizedText {
  original: string;
  text: string;
  /** toOriginal[i] = offset in `original` of normalised char i; length text.length + 1. */
  toOriginal: Int32Array;
  repairs: Repair[];
  /** Traditional characters were converted. */
  traditional: boolean;
}

/**
 * A text being rewritten, with each character's offset in the original. Every pass is a
 * replacement of spans; the map follows (a replacement maps to its span's start).
 */
class Tracked {
  constructor(public text: string, public map: Int32Array) {}

  static of(original: string): Tracked {
    const map = new Int32Array(original.length + 1);
    for (let i = 0; i <= original.length; i++) map[i] = i;
    return new Tracked(original, map);
  }

  /** Apply non-overlapping, sorted edits. Returns the new spans of the replacements. */
  edit(edits: { start: number; end: number; replacement: string }[]): [number, number][] {
    if (edits.length === 0) return [];
    let text = '';
    const map: number[] = [];
    const spans: [number, number][] = [];
    let pos = 0;
    for (const e of edits) {
      text += this.text.slice(pos, e.start);
      for (let i = pos; i < e.start; i++) map.push(this.map[i]);
      const at = text.length;
      text += e.replacement;
      for (let i = 0; i < e.replacement.length; i++) map.push(this.map[Math.min(e.start + i, Math.max(e.start, e.end - 1))]);
      spans.push([at, text.length]);
      pos = e.end;
    }
    text += this.text.slice(pos);
    for (let i = pos; i <= this.text.length; i++) map.push(this.map[i]);
    this.text = text;
    this.map = Int32Array.from(map);
    return spans;
  }
}

// ---- character forms ----

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
const SPACES = /[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g;
const FULLWIDTH = /[\uff01-\uff5e]/g;

function characterEdits(text: string): { start: number; end: number; replacement: string }[] {
  const edits: { start: number; end: number; replacement: string }[] = [];
  const re = /\r\n?|[\u200b-\u200d\u2060\ufeff\u00ad]|[\u00a0\u2000-\u200a\u202f\u205f\u3000]|[\uff01-\uff5e]/g;
  for (const m of text.matchAll(re)) {
    const s = m[0];
    const start = m.index ?? 0;
    let replacement: string;
    if (s[0] === '\r') replacement = '\n';
    else if (ZERO_WIDTH.test(s)) replacement = '';
    else if (SPACES.test(s)) replacement = ' ';
    else replacement = String.fromCharCode(s.charCodeAt(0) - 0xfee0);
    ZERO_WIDTH.lastIndex = 0; SPACES.lastIndex = 0; FULLWIDTH.lastIndex = 0;
    edits.push({ start, end: start + s.length, replacement });
  }
  return edits;
}

// ---- pinyin annotations on mirrored pages: 區(qū) ----

const PINYIN = /(?<=[\u3400-\u9fff])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6})\)/g;
const TONED = /[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]/;

// ---- web-page cruft ----

const CRUFT = [
  /^[ \t|]*\|[ \t|]*$/gm, // lines of only pipes
  /(?:\|[ \t]*){20,}/g, // long runs of pipes
  /【\s*(?:关闭窗口|關閉窗口|打印本页|打印本頁|打印|关闭|關閉|返回顶部|收藏|分享)\s*】/g,
  /^[ \t]*字号\s*[:：]?\s*[[【]?\s*大\s*[\]】]?\s*[[【]?\s*中\s*[\]】]?\s*[[【]?\s*小\s*[\]】]?[ \t]*$/gm,
  /(?:点击数|點擊數|阅读次数|閱讀次數|浏览次数|瀏覽次數|访问量)\s*[:：]\s*\d*/g,
  /^[ \t]*[-—–]\s*\d{1,4}\s*[-—–][ \t]*$/gm, // page footers: - 3 -
  /^[ \t]*第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?[ \t]*$/gm, // 第 3 页 共 5 页
];

let converter: ((s: string) => string) | null = null;
const t2s = (s: string): string => {
  const convert = (converter ??= OpenCC.Converter({ from: 'hk', to: 'cn' }));
  return convert(s);
};
const t2sCache = new Map<string, string>();

/** Traditional → simplified, one character for one, so offsets stay exact. */
function toSimplified(text: string): string {
  // Only CJK characters can change; convert them in one go when lengths allow.
  const whole = t2s(text);
  if (whole.length === text.length) return whole;
  let out = '';
  for (const ch of text) {
    if (ch < '\u3400') { out += ch; continue; }
    let c = t2sCache.get(ch);
    if (c === undefined) {
      c = t2s(ch);
      if (c.length !== ch.length) c = ch;
      t2sCache.set(ch, c);
    }
    out += c;
  }
  return out;
}

/** A quick look for traditional-only characters: most simplified reports need no conversion. */
const TRADITIONAL_HINT = /[們個國時來會對發動過說產種後經現實點從業當還與關義間樣東導壓門運區強決戰處隊給邊頭機號進無問題黨員條長開網單務屬報檢審辦據資鄉縣規範廳鎮結轉續區]/;

export function normalizeText(original: string): NormalizedText {
  const t = Tracked.of(original);
  const repairs: Repair[] = [];

  // 1. mojibake first: it works on the bytes the characters stand for, full-width forms included
  const moj = findMojibake(t.text);
  const mojSpans = t.edit(moj);
  moj.forEach((m, i) => repairs.push({ kind: 'mojibake', span: mojSpans[i], original: original.slice(m.start, m.end), replacement: m.replacement }));

  // 2. line ends, zero-width, spaces, full-width forms (mostly one for one)
  t.edit(characterEdits(t.text));

  // 3. pinyin after characters (only when the bracket holds a toned syllable, or the page has many)
  const pinyin = [...t.text.matchAll(PINYIN)];
  const toned = pinyin.filter((m) => TONED.test(m[1])).length;
  const pinyinEdits = pinyin
    .filter((m) => TONED.test(m[1]) || toned >= 3)
    .map((m) => ({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, replacement: '' }));
  if (pinyinEdits.length) {
    repairs.push({ kind: 'pinyin', span: [pinyinEdits[0].start, pinyinEdits[0].start], original: `${pinyinEdits.length} 处拼音注音 / pinyin annotations`, replacement: '' });
    t.edit(pinyinEdits);
  }

  // 4. web-page cruft
  const cruft: { start: number; end: number; replacement: string }[] = [];
  for (const re of CRUFT) {
    re.lastIndex = 0;
    for (const m of t.text.matchAll(re)) cruft.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, replacement: '' });
  }
  cruft.sort((a, b) => a.start - b.start);
  const merged: typeof cruft = [];
  for (const c of cruft) {
    const last = merged[merged.length - 1];
    if (last && c.start < last.end) last.end = Math.max(last.end, c.end);
    else merged.push({ ...c });
  }
  for (const c of merged) repairs.push({ kind: 'cruft', span: [c.start, c.start], original: t.text.slice(c.start, c.end).slice(0, 40), replacement: '' });
  t.edit(merged);

  // 5. traditional → simplified (one for one)
  let traditional = false;
  if (TRADITIONAL_HINT.test(t.text)) {
    const simplified = toSimplified(t.text);
    traditional = simplified !== t.text;
    t.text = simplified;
  }

  // repairs recorded before later passes point into earlier texts: re-anchor them by original offset
  const at = (orig: number) => {
    let lo = 0, hi = t.map.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t.map[mid] < orig) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const r of repairs) {
    if (r.kind === 'mojibake') {
      const o = original.indexOf(r.original);
      if (o >= 0) r.span = [at(o), at(o + r.original.length)];
    }
  }
  return { original, text: t.text, toOriginal: t.map, repairs, traditional };
}
