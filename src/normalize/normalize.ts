// The normalised copy of a report's text that the parser matches on, with an exact offset map back
// to the original (kept for display). Line structure is kept: newlines, `|` pipes and spaces
// between digits are cell separators, so lines are never joined and pipes are only dropped as
// web-page cruft (lines of nothing but pipes, runs of 20 or more).
//
// Passes, in order (each rewrites spans of the text and carries the offset map along):
//   1. line ends          \r\n, \r → \n
//   2. mojibake           GBK byte-shift runs and UTF-8-read-as-GBK runs repaired (mojibake.ts);
//                         before t2s, because the repaired text may be traditional
//   3. character forms    full-width ASCII → ASCII, Unicode spaces → ' ', zero-width removed
//   4. pinyin             區(qū) → 區 on mirrored pages
//   5. t2s                traditional → simplified, one character for one (OpenCC)
//   6. cruft              pipe lines and runs, 【关闭窗口】, 字号:大 中 小, 点击数:12, page footers

import { findMojibake, MAX_SEARCHES, t2s, TRADITIONAL } from './mojibake.js';
import { alternation, BUTTON_LABELS, COUNTER_LABELS } from '../decode/cruft.js';

import type { Repair } from '../types.js';
export type { Repair };

export interface NormalizedText {
  /** The decoded text, unchanged (for display). */
  original: string;
  /** The normalised copy used for matching. */
  text: string;
  /** toOriginal[i] = offset in `original` of normalised char i; length text.length + 1 (last entry = original.length). */
  toOriginal: Int32Array;
  repairs: Repair[];
  /** True when traditional characters were converted. */
  traditional: boolean;
  /** Present when the mojibake search stopped at its budget: later runs were left unrepaired. */
  mojibakeStopped?: true;
}

interface Edit {
  start: number;
  end: number;
  replacement: string;
}

/**
 * A text being rewritten, with each character's offset in the original. Every pass replaces
 * sorted, non-overlapping spans; the map follows (the characters of a replacement map into the
 * span they replace, in order).
 */
class Tracked {
  constructor(public text: string, public map: Int32Array) {}

  static of(original: string): Tracked {
    const map = new Int32Array(original.length + 1);
    for (let i = 0; i <= original.length; i++) map[i] = i;
    return new Tracked(original, map);
  }

  /** Apply the edits; returns the new spans of the replacements and a position map old → new. */
  apply(edits: Edit[]): { spans: [number, number][]; remap: (p: number) => number } {
    if (edits.length === 0) return { spans: [], remap: (p) => p };
    const parts: string[] = [];
    let length = this.text.length;
    for (const e of edits) length += e.replacement.length - (e.end - e.start);
    const map = new Int32Array(length + 1);
    const spans: [number, number][] = [];
    const newStarts: number[] = [];
    let pos = 0;
    let at = 0;
    for (const e of edits) {
      parts.push(this.text.slice(pos, e.start));
      map.set(this.map.subarray(pos, e.start), at);
      at += e.start - pos;
      parts.push(e.replacement);
      const width = e.end - e.start;
      for (let i = 0; i < e.replacement.length; i++) map[at + i] = this.map[width > 0 ? e.start + Math.min(i, width - 1) : e.start];
      newStarts.push(at);
      spans.push([at, at + e.replacement.length]);
      at += e.replacement.length;
      pos = e.end;
    }
    parts.push(this.text.slice(pos));
    map.set(this.map.subarray(pos), at);
    this.text = parts.join('');
    this.map = map;
    const remap = (p: number): number => {
      // edits ending at or before p shift it; an edit containing p clamps it into its replacement
      let lo = 0, hi = edits.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (edits[mid].end <= p) lo = mid + 1;
        else hi = mid;
      }
      const e = edits[lo];
      if (e && e.start < p) return newStarts[lo] + Math.min(p - e.start, e.replacement.length);
      if (lo === 0) return p;
      const prev = edits[lo - 1];
      return newStarts[lo - 1] + prev.replacement.length + (p - prev.end);
    };
    return { spans, remap };
  }
}

// ---- 1. line ends, 3. character forms ----

const LINE_END = /\r\n?/g;
const FORMS = /[\uff01-\uff5e\u3000\u00a0\u2000-\u200a\u202f\u205f\u200b-\u200d\u2060\ufeff\u00ad]/g;
const HAS_FORMS = new RegExp(FORMS.source);
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad]/;

function form(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0xff01 && c <= 0xff5e) return String.fromCharCode(c - 0xfee0);
  if (ZERO_WIDTH.test(ch)) return '';
  return ' ';
}

// ---- 4. pinyin annotations ----

const PINYIN = /(?<=[\u3400-\u9fff\uf900-\ufaff])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6})\)/g;
const HAS_PINYIN = new RegExp(PINYIN.source);
const TONED = /[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]/;
const TONELESS: Record<string, string> = {
  ā: 'a', á: 'a', ǎ: 'a', à: 'a', ē: 'e', é: 'e', ě: 'e', è: 'e', ī: 'i', í: 'i', ǐ: 'i', ì: 'i',
  ō: 'o', ó: 'o', ǒ: 'o', ò: 'o', ū: 'u', ú: 'u', ǔ: 'u', ù: 'u', ǖ: 'ü', ǘ: 'ü', ǚ: 'ü', ǜ: 'ü',
};
/** A pinyin syllable (toneless): initial + final, or a final that stands alone. */
const SYLLABLE = /^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])(?:iang|iong|uang|ueng|ang|eng|ing|ong|iao|ian|uai|uan|üan|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un|üe|ün|ue|ve|a|o|e|i|u|ü|v)|a|o|e|ai|ei|ao|ou|an|en|ang|eng|er)$/;

function isSyllable(s: string): boolean {
  return SYLLABLE.test(s.replace(/[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]/g, (c) => TONELESS[c] ?? c));
}

// ---- 6. web-page cruft (on simplified, half-width text) ----

const CRUFT: RegExp[] = [
  /^[ \t]*\|[ \t|]*(?:\n|$)/gm, // a line of nothing but pipes (removed with its line end)
  /\|(?:[ \t]*\|){19,}/g, // 20 or more pipes
  new RegExp(`【[ \\t]*(?:${alternation(BUTTON_LABELS)})[ \\t]*】`, 'g'),
  /(?:【[ \t]*)?(?:字号|字体)[ \t]*:?[ \t]*[[【(]?[ \t]*大[ \t]*[\]】)]?[ \t]*[[【(]?[ \t]*中[ \t]*[\]】)]?[ \t]*[[【(]?[ \t]*小[ \t]*[\]】)]?(?:[ \t]*】)?/g,
  new RegExp(`(?<=^|[ \\t|\\]】])(?:${alternation(COUNTER_LABELS)})[ \\t]*:[ \\t]*\\d{0,9}[ \\t]*次?(?=[ \\t|【]|$)`, 'gm'),
  /^[ \t]*[-—–][ \t]*\d{1,4}[ \t]*[-—–][ \t]*$/gm, // page footer: - 3 -
  /^[ \t]*第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?[ \t]*$/gm, // page footer: 第 3 页 共 5 页
  // Markdown from PDF converters: a rule row (| --- | :---: |), a block's generic header
  // (| 列1 | 列2 |), a page number alone on its line right after a table row — none is a cell.
  // Linear: no two whitespace runs may take the same spaces (`\|?` between two `[ \t]*` made a
  // line of 100,000 spaces cost seconds), so each cell's spaces follow its own pipe.
  /^[ \t]*(?:\|[ \t]*)?(?::?-{3,}:?[ \t]*\|[ \t]*)+(?::?-{3,}:?[ \t]*)?(?:\n|$)/gm,
  /^[ \t]*\|(?:[ \t]*(?:列|第[ \t]*\d{1,2}[ \t]*列|[Cc]ol(?:umn)?)[ \t]*\d{0,2}[ \t]*\|)+[ \t]*(?:\n|$)/gm,
  /(?<=\|[ \t]*\n)[ \t]*\d{1,3}[ \t]*(?:\n|$)(?![ \t]*\d+[ \t]*(?:\n|$))/g,
];

const HAS_TRADITIONAL = new RegExp(`[${TRADITIONAL}]`);

/** Traditional → simplified, one character for one, so that offsets stay exact. */
const charCache = new Map<string, string>();

function simplifyChar(ch: string): string {
  let s = charCache.get(ch);
  if (s === undefined) {
    s = t2s(ch);
    if (s.length !== ch.length) s = ch;
    charCache.set(ch, s);
  }
  return s;
}

function alignedConversion(from: string, to: string): boolean {
  if (to.length !== from.length) return false;
  for (let i = 0; i < from.length; i++) {
    const a = from.charCodeAt(i);
    if (a !== to.charCodeAt(i) && (a < 0x2e80 || to.charCodeAt(i) < 0x2e80)) return false;
  }
  return true;
}

function toSimplified(text: string): string {
  // whole text first (OpenCC's phrases pick the right form); where that changes lengths, by line,
  // and where a line still changes length, character by character
  const whole = t2s(text);
  if (alignedConversion(text, whole)) return whole;
  return text
    .split('\n')
    .map((line) => {
      const converted = t2s(line);
      if (alignedConversion(line, converted)) return converted;
      let out = '';
      for (let i = 0; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) { out += line.slice(i, i + 2); i++; }
        else out += c < 0x2e80 ? line[i] : simplifyChar(line[i]);
      }
      return out;
    })
    .join('\n');
}

function matches(re: RegExp, text: string): Edit[] {
  const out: Edit[] = [];
  re.lastIndex = 0;
  for (const m of text.matchAll(re)) if (m[0].length) out.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, replacement: '' });
  return out;
}

export function normalizeText(original: string): NormalizedText {
  const t = Tracked.of(original);
  const repairs: Repair[] = [];
  const pass = (edits: Edit[]) => {
    const { spans, remap } = t.apply(edits);
    for (const r of repairs) r.span = [remap(r.span[0]), remap(r.span[1])];
    return spans;
  };

  // 1. line ends
  if (t.text.includes('\r')) pass(matches(LINE_END, t.text).map((e) => ({ ...e, replacement: '\n' })));

  // 2. mojibake
  const budget = { searches: MAX_SEARCHES, stopped: false };
  const moj = findMojibake(t.text, budget);
  if (moj.length) {
    const before = t.text;
    const spans = pass(moj);
    moj.forEach((m, i) => repairs.push({ kind: 'mojibake', span: spans[i], original: before.slice(m.start, m.end), replacement: m.replacement }));
  }

  // 3. character forms: one for one (then the map stays), except zero-width characters
  if (HAS_FORMS.test(t.text)) {
    if (ZERO_WIDTH.test(t.text)) {
      const edits: Edit[] = [];
      for (const m of t.text.matchAll(FORMS)) edits.push({ start: m.index ?? 0, end: (m.index ?? 0) + 1, replacement: form(m[0]) });
      pass(edits);
    } else {
      t.text = t.text.replace(FORMS, form);
    }
  }

  // 4. pinyin after characters: a syllable with a tone mark, or any syllable on a page that has them
  if (HAS_PINYIN.test(t.text)) {
    const found = [...t.text.matchAll(PINYIN)].filter((m) => isSyllable(m[1]));
    const toned = found.filter((m) => TONED.test(m[1])).length;
    const edits = found
      .filter((m) => TONED.test(m[1]) || toned >= 3)
      .map((m) => ({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, replacement: '' }));
    const removed = edits.map((e) => t.text.slice(e.start, e.end));
    const spans = pass(edits);
    spans.forEach((span, i) => repairs.push({ kind: 'pinyin', span, original: removed[i], replacement: '' }));
  }

  // 5. traditional → simplified (only texts with some common traditional character: a simplified
  // report never loads the converter)
  const simplified = HAS_TRADITIONAL.test(t.text) ? toSimplified(t.text) : t.text;
  const traditional = simplified !== t.text;
  t.text = simplified;

  // 6. web-page cruft
  if (/[|【字点阅浏第—–-]/.test(t.text)) {
    const found = CRUFT.flatMap((re) => matches(re, t.text)).sort((a, b) => a.start - b.start || b.end - a.end);
    const merged: Edit[] = [];
    for (const c of found) {
      const last = merged[merged.length - 1];
      if (last && c.start <= last.end) last.end = Math.max(last.end, c.end);
      else merged.push({ ...c });
    }
    const removed = merged.map((e) => t.text.slice(e.start, e.end));
    const spans = pass(merged);
    spans.forEach((span, i) => repairs.push({ kind: 'cruft', span, original: removed[i], replacement: '' }));
    // lines left with nothing but pipes once the rest of their cruft went
    if (merged.length) {
      const lines = matches(CRUFT[0], t.text);
      const gone = lines.map((e) => t.text.slice(e.start, e.end));
      pass(lines).forEach((span, i) => repairs.push({ kind: 'cruft', span, original: gone[i], replacement: '' }));
    }
  }

  repairs.sort((a, b) => a.span[0] - b.span[0]);
  return { original, text: t.text, toOriginal: t.map, repairs, traditional, ...(budget.stopped ? { mojibakeStopped: true as const } : {}) };
}
