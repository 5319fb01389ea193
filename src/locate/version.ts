// Which template a report follows (spec §8): table markers first, the report year as fallback.

import { POST2019_MARKERS, PRE2019_MARKERS, TEMPLATE_VERSIONS, TEMPLATES, versionForYear } from '../template/index.js';
import type { TemplateKey, TemplateVersion } from '../types.js';

export interface VersionDecision {
  template: TemplateKey;
  /** How it was decided. */
  basis: 'markers' | 'mixed' | 'year' | 'pre2019-markers' | 'none';
  counts: Record<TemplateVersion, number>;
}

/** Text with all whitespace removed, for marker search. */
export function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

function countOf(hay: string, needle: string): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * `tableText`: the text of sections 二–四 (or the whole report when they are not found), where
 * markers are table labels rather than prose. `year`: the year reported on, if known.
 */
export function detectVersion(tableText: string, year: number | null): VersionDecision {
  const hay = compact(tableText);
  const counts: Record<TemplateVersion, number> = { 2019: 0, 2021: 0 };
  for (const v of TEMPLATE_VERSIONS) {
    // match the longer label first: 本年处理决定数量 contains the 2019 label 处理决定数量
    for (const m of TEMPLATES[v].strongMarkers) counts[v] += countOf(hay, m) > 0 ? 1 : 0;
  }
  // (六)其他处理 directly followed by (七)总计 (possibly with the row's numbers between) is the 2019 form.
  if (/\(六\)其他处理[0-9|\-/—无]*\(七\)总计/.test(hay)) counts['2019']++;
  const postCount = POST2019_MARKERS.filter((m) => hay.includes(m)).length;
  // A report on 2018 or before used the old 统计表: one of the new tables' words (in prose, in a
  // note) does not make it a 2019-template report — the tables themselves must be there.
  if (year !== null && versionForYear(year) === 'pre2019' && counts['2019'] + counts['2021'] < 2 && postCount < 2) {
    return { template: 'pre2019', basis: 'year', counts };
  }
  if (counts['2019'] > 0 || counts['2021'] > 0) {
    if (counts['2019'] > 0 && counts['2021'] > 0) {
      return { template: counts['2021'] >= counts['2019'] ? '2021' : '2019', basis: 'mixed', counts };
    }
    return { template: counts['2021'] > 0 ? '2021' : '2019', basis: 'markers', counts };
  }
  const post2019 = POST2019_MARKERS.some((m) => hay.includes(m));
  if (!post2019) {
    const pre = PRE2019_MARKERS.filter((m) => hay.includes(m)).length;
    if (pre >= 2) return { template: 'pre2019', basis: 'pre2019-markers', counts };
  }
  if (year !== null) {
    const v = versionForYear(year);
    // Post-2019 table markers with a pre-2019 year: still one of the new forms.
    return { template: v === 'pre2019' && post2019 ? '2019' : v, basis: 'year', counts };
  }
  return { template: 'unknown', basis: 'none', counts };
}
