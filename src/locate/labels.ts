// Finding template labels in flattened text.
//
// Labels arrive with spaces and line breaks inside them (商业 企业), other numbering, other
// brackets and quotes, and typos (其他法律行政止公开). We therefore match on a projection of the
// text that keeps only CJK characters, with a map back to text offsets, and compare against the
// CJK characters of the label. Exact matches first; an approximate match (edit distance, Sellers'
// algorithm) only inside the gap where the label must be. No library does ordered fuzzy
// substring search over a projected string with an offset map, hence hand-written.

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function isCjk(ch: string): boolean {
  return CJK.test(ch);
}

/** The CJK-only projection of text[from, to). */
export interface Projection {
  chars: string;
  /** pos[i] = offset in the text of chars[i]. */
  pos: number[];
}

export function project(text: string, from = 0, to = text.length): Projection {
  let chars = '';
  const pos: number[] = [];
  const parts: string[] = [];
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)) {
      parts.push(text[i]);
      pos.push(i);
    }
  }
  chars = parts.join('');
  return { chars, pos };
}

/** CJK characters of a label: what we match on. */
const keyCache = new Map<string, string>();
export function labelKey(label: string): string {
  let out = keyCache.get(label);
  if (out !== undefined) return out;
  out = '';
  for (const ch of label) if (ch >= '\u3400' && CJK.test(ch)) out += ch;
  if (keyCache.size < 5000) keyCache.set(label, out);
  return out;
}

export interface ProjectedMatch {
  /** [start, end) in projection indices. */
  pStart: number;
  pEnd: number;
  distance: number;
}

/** Exact search of any of `keys` (longest first) in chars[from, to). */
export function findExact(chars: string, keys: string[], from: number, to: number): ProjectedMatch | null {
  let best: ProjectedMatch | null = null;
  for (const key of keys) {
    if (!key) continue;
    const i = chars.indexOf(key, from);
    if (i >= 0 && i + key.length <= to && (best === null || i < best.pStart || (i === best.pStart && key.length > best.pEnd - best.pStart))) {
      best = { pStart: i, pEnd: i + key.length, distance: 0 };
    }
  }
  return best;
}

/**
 * Approximate search (Sellers): the substring of chars[from, to) with the least edit distance
 * to `key`. Accepts when the distance is at most a quarter of the key (never for keys under 4
 * characters: short labels must match exactly).
 */
export function findApprox(chars: string, key: string, from: number, to: number): ProjectedMatch | null {
  const m = key.length;
  if (m < 4 || to - from <= 0) return null;
  const maxDist = Math.floor(m / 4);
  // prev[j]: distance between key[0..j) and the best substring ending at the current text position.
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  let prevStart = new Int32Array(m + 1);
  let curStart = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) { prev[j] = j; prevStart[j] = from; }
  let best: ProjectedMatch | null = null;
  for (let i = from; i < to; i++) {
    cur[0] = 0;
    curStart[0] = i + 1;
    const c = chars[i];
    for (let j = 1; j <= m; j++) {
      const sub = prev[j - 1] + (key[j - 1] === c ? 0 : 1);
      const del = prev[j] + 1; // text char not in key
      const ins = cur[j - 1] + 1; // key char missing from text
      if (sub <= del && sub <= ins) { cur[j] = sub; curStart[j] = prevStart[j - 1]; }
      else if (del <= ins) { cur[j] = del; curStart[j] = prevStart[j]; }
      else { cur[j] = ins; curStart[j] = curStart[j - 1]; }
    }
    if (cur[m] <= maxDist && (best === null || cur[m] < best.distance)) {
      best = { pStart: curStart[m], pEnd: i + 1, distance: cur[m] };
    }
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
  }
  return best;
}

/**
 * The numbering printed before a label (一、 (一) 1. 1、 (1) ①), searched backwards from `start`
 * in the text. Returns the offset where the numbering starts, or `start` when there is none.
 * `numbering` is the template's (一、 / (一) / 1.); only that number is accepted, so the digits
 * of the previous row's cells are never taken for a numbering.
 */
export function numberingStart(text: string, start: number, numbering: string | undefined, floor: number): number {
  if (!numbering) return start;
  let i = start;
  while (i > floor && /[ \t]/.test(text[i - 1])) i--;
  const arabic = numbering.match(/\d+/)?.[0];
  const chinese = numbering.match(/[一二三四五六七八九十]+/)?.[0];
  const before = text.slice(Math.max(floor, i - 6), i);
  const candidates: RegExp[] = [];
  if (arabic) {
    candidates.push(new RegExp(`[(（]${arabic}[)）]\\s*$`), new RegExp(`(?<![.])${arabic}\\s*[.、,．]\\s*$`));
    const circled = '①②③④⑤⑥⑦⑧⑨'[Number(arabic) - 1];
    if (circled) candidates.push(new RegExp(`${circled}\\s*$`));
  }
  if (chinese) {
    candidates.push(new RegExp(`[(（]\\s*${chinese}\\s*[)）]\\s*$`), new RegExp(`${chinese}\\s*[、.,．]\\s*$`));
  }
  for (const re of candidates) {
    const m = before.match(re);
    if (m && m.index !== undefined) return i - before.length + m.index;
  }
  return start;
}
