// The six top-level sections (spec §2), found by numbering + heading text, in order.

import type { SectionDef } from '../template/index.js';
import type { Span } from '../types.js';
import { findApprox, labelKey, project } from './labels.js';

export interface SectionHit {
  key: SectionDef['key'];
  /** Span of the heading itself. */
  heading: Span;
  /** Span of the body: from the end of the heading to the start of the next found section. */
  body: Span;
}

const NUMBER_PREFIX = /([一二三四五六七八九十])\s*[、.,．]\s*$|[(（]([一二三四五六七八九十])[)）]\s*$/;

/**
 * Is `index` (start of the heading text) preceded by a Chinese section number? Returns its start,
 * the number, and whether it is bracketed ((二) is the style of sub-headings, 二、 of sections).
 */
function sectionNumberBefore(text: string, index: number): { start: number; number: string; bracketed: boolean } | null {
  const before = text.slice(Math.max(0, index - 5), index);
  const m = before.match(NUMBER_PREFIX);
  if (!m || m.index === undefined) return null;
  return { start: index - before.length + m.index, number: m[1] ?? m[2], bracketed: m[1] === undefined };
}

function atLineStart(text: string, index: number): boolean {
  let i = index - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '|')) i--;
  return i < 0 || text[i] === '\n';
}

/**
 * Locates the six sections in order. A heading counts when its text (or a variant) is preceded
 * by a Chinese number (二、 / (二)) — any number, since reports misnumber — or stands at the start
 * of a line. Mentions of the headings inside sentences (the preamble's list of contents) are
 * skipped because they carry no number and do not start a line.
 */
export function locateSections(text: string, sections: readonly SectionDef[]): SectionHit[] {
  const hits = locateFrom(text, sections, 0);
  // A table of contents lists the headings one after another with nothing between them: the
  // report's real sections come after it.
  if (hits.length >= 4 && hits.slice(0, -1).every((h) => h.body[1] - h.body[0] < 40)) {
    const again = locateFrom(text, sections, hits[hits.length - 1].heading[1]);
    if (again.length >= hits.length - 1) return again;
  }
  return hits;
}

function locateFrom(text: string, sections: readonly SectionDef[], fromOffset: number): SectionHit[] {
  const proj = project(text, fromOffset);
  const hits: { def: SectionDef; start: number; end: number }[] = [];
  let from = 0; // projection index
  for (const def of sections) {
    const keys = [def.heading, ...def.variants].map(labelKey).sort((a, b) => b.length - a.length);
    let found: { start: number; end: number; pEnd: number } | null = null;
    // candidate positions of any key, in order
    const positions: { p: number; key: string }[] = [];
    for (const key of keys) for (let i = proj.chars.indexOf(key, from); i >= 0; i = proj.chars.indexOf(key, i + 1)) positions.push({ p: i, key });
    positions.sort((a, b) => a.p - b.p || b.key.length - a.key.length);
    for (const { p, key } of positions) {
      if (found) break;
      {
        const tStart = proj.pos[p];
        const num = sectionNumberBefore(text, tStart);
        const accepted = num
          ? (num.number === def.number && (!num.bracketed || key === keys[0])) || (!num.bracketed && atLineStart(text, num.start))
          : atLineStart(text, tStart);
        if (accepted) {
          found = { start: num ? num.start : tStart, end: proj.pos[p + key.length - 1] + 1, pEnd: p + key.length };
          break;
        }
      }
    }
    if (!found) {
      // A heading with a typo: approximate match of the main heading, numbered with this section's number.
      const key = labelKey(def.heading);
      let p = from;
      while (p < proj.chars.length) {
        const m = findApprox(proj.chars, key, p, Math.min(proj.chars.length, p + 4000));
        if (!m) break;
        const tStart = proj.pos[m.pStart];
        const num = sectionNumberBefore(text, tStart);
        if (num && num.number === def.number && !num.bracketed) {
          found = { start: num.start, end: proj.pos[m.pEnd - 1] + 1, pEnd: m.pEnd };
          break;
        }
        p = m.pEnd;
      }
    }
    if (found) {
      hits.push({ def, start: found.start, end: found.end });
      from = found.pEnd;
    }
  }
  return hits.map((h, i) => ({
    key: h.def.key,
    heading: [h.start, h.end] as Span,
    body: [h.end, i + 1 < hits.length ? hits[i + 1].start : text.length] as Span,
  }));
}
