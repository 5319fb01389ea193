// Checks across reports (spec/template.md §6.3 and the corpus's own): for each body, its report of
// year N against its report of year N−1 —
//   requests.carry_continuity     上年结转 (N) = 结转下年度继续办理 (N−1), per column     warning
//   active.in_force_continuity    2021: 现行有效 (N) = 现行有效 (N−1) + 制发 (N) − 废止 (N)  info
//   active.items_continuity       2019: 上一年项目数量 (N) = 上一年项目数量 (N−1) + 增减 (N−1) info
//   corpus.implausible_jump       本年新收申请 ×10 or more (or from ≥100 to 0) year on year  warning
// and over the corpus —
//   corpus.duplicate_report       the same tables under different bytes (re-saved, renamed)  warning
//   corpus.year_missing           no report for a year between a body's first and last       info
//   corpus.several_reports        more than one (different) report for a body and year       info
// Each is one query; the values of a pair come back as two small jsonb maps.

import { columnsOf, TEMPLATES } from '../template/index.js';
import type { Finding } from '../types.js';
import type { Db } from './db.js';
import { DECIDED_SQL } from './model.js';

export interface CorpusFinding extends Finding {
  body: string | null;
  body_id: number | null;
  years: number[];
  report_ids: number[];
  paths: string[];
}

/** Jump thresholds: ×JUMP_RATIO with the larger at least JUMP_MIN; from JUMP_FROM_ZERO or more to 0 (or back). */
export const JUMP_RATIO = 10;
export const JUMP_MIN = 30;
export const JUMP_FROM_ZERO = 100;

const REQ = TEMPLATES['2021'].tables.requests;
const REQUEST_COLS = REQ.columns;
const IN_FORCE_ROWS = TEMPLATES['2021'].tables.active.rows.filter((r) => {
  const keys = columnsOf(TEMPLATES['2021'].tables.active, r).map((c) => c.key);
  return keys.includes('in_force') && keys.includes('issued') && keys.includes('repealed');
});
const ITEMS_ROWS = TEMPLATES['2019'].tables.active.rows.filter((r) => {
  const keys = columnsOf(TEMPLATES['2019'].tables.active, r).map((c) => c.key);
  return keys.includes('prev_items') && keys.includes('change');
});
const rowLabel = (key: string) => REQ.rows.find((r) => r.key === key)?.label ?? key;

function pairPaths(): string[] {
  return [
    ...REQUEST_COLS.flatMap((c) => [`requests.carried_over.${c.key}`, `requests.carried_forward.${c.key}`]),
    'requests.new_received.total',
    ...IN_FORCE_ROWS.flatMap((r) => ['in_force', 'issued', 'repealed'].map((c) => `active.${r.key}.${c}`)),
    ...ITEMS_ROWS.flatMap((r) => ['prev_items', 'change'].map((c) => `active.${r.key}.${c}`)),
  ];
}

/** The report that stands for a body's year: fewest errors, most cells, latest. `only`: a condition on r. */
const repSql = (only = '') => `
  select distinct on (r.body_id, r.year) r.id, r.body_id, r.year, r.template, r.path
  from reports r where r.body_id is not null and r.year is not null ${only}
  order by r.body_id, r.year, r.errors, r.cell_count desc, r.published desc nulls last, r.id desc`;

interface Pair {
  body_id: number;
  body: string;
  year: number;
  cid: number;
  pid: number;
  ct: string;
  pt: string;
  cpath: string;
  ppath: string;
  cv: Record<string, string | number> | string;
  pv: Record<string, string | number> | string;
}

const fmt = (n: number) => String(Math.round(n * 1e6) / 1e6);

/**
 * `bodyId`: only that body's findings (its year pairs, missing years, several reports a year, and
 * duplicates that involve one of its reports) — what a body's page needs, without the whole corpus.
 */
export async function checkCorpus(db: Db, opts: { bodyId?: number } = {}): Promise<CorpusFinding[]> {
  const out: CorpusFinding[] = [];
  const one = opts.bodyId !== undefined;
  const bodyArg = one ? [opts.bodyId] : [];
  const paths = pairPaths();
  const ids = paths.map((p) => db.cellIds.get(p)).filter((x): x is number => x !== undefined);
  const idOf = new Map(paths.map((p) => [p, db.cellIds.get(p)]));

  const pairs = await db.query<Pair>(
    `with rep as (${repSql(one ? 'and r.body_id = $2' : '')}),
     pairs as (
       select cur.body_id, cur.year, cur.id as cid, prev.id as pid, cur.template as ct, prev.template as pt, cur.path as cpath, prev.path as ppath
       from rep cur join rep prev on prev.body_id = cur.body_id and prev.year = cur.year - 1),
     ids as (select cid as id from pairs union select pid from pairs),
     vals as (
       select ids.id, coalesce((select jsonb_object_agg(c.cell::text, c.value) from cells c
                                where c.report_id = ids.id and c.cell = any($1::smallint[]) and c.status in ${DECIDED_SQL} and c.value is not null), '{}'::jsonb) as v
       from ids)
     select p.*, b.name as body, vc.v as cv, vp.v as pv
     from pairs p join bodies b on b.id = p.body_id join vals vc on vc.id = p.cid join vals vp on vp.id = p.pid
     order by b.name, p.year`, [ids, ...bodyArg]);

  for (const p of pairs) {
    const cv = typeof p.cv === 'string' ? JSON.parse(p.cv) : p.cv;
    const pv = typeof p.pv === 'string' ? JSON.parse(p.pv) : p.pv;
    const get = (m: Record<string, string | number>, path: string): number | undefined => {
      const id = idOf.get(path);
      const v = id === undefined ? undefined : m[String(id)];
      return v === undefined || v === null ? undefined : Number(v);
    };
    const N = Number(p.year), M = N - 1;
    const base = { body: p.body, body_id: Number(p.body_id), years: [M, N], report_ids: [Number(p.pid), Number(p.cid)], paths: [p.ppath, p.cpath] };

    // 上年结转 (N) = 结转下年度继续办理 (N−1)
    const bad = REQUEST_COLS.map((c) => ({ c, now: get(cv, `requests.carried_over.${c.key}`), before: get(pv, `requests.carried_forward.${c.key}`) }))
      .filter((x) => x.now !== undefined && x.before !== undefined && x.now !== x.before);
    if (bad.length) {
      out.push({
        ...base, rule: 'requests.carry_continuity', severity: 'warning',
        cells: bad.map((x) => `requests.carried_over.${x.c.key}`),
        message: `${p.body}：${N}年“${rowLabel('carried_over')}”与${M}年“${rowLabel('carried_forward')}”不一致（${bad.map((x) => `${x.c.label} ${fmt(x.now!)} ≠ ${fmt(x.before!)}`).join('，')}）`
          + ` / ${p.body}: ${N} carried over ≠ ${M} carried forward (${bad.map((x) => `${x.c.key} ${fmt(x.now!)} ≠ ${fmt(x.before!)}`).join(', ')})`,
      });
    }

    if (p.ct === '2021' && p.pt === '2021') {
      for (const row of IN_FORCE_ROWS) {
        const before = get(pv, `active.${row.key}.in_force`), now = get(cv, `active.${row.key}.in_force`);
        const issued = get(cv, `active.${row.key}.issued`), repealed = get(cv, `active.${row.key}.repealed`);
        if (before === undefined || now === undefined || issued === undefined || repealed === undefined) continue;
        if (Math.abs(before + issued - repealed - now) > 1e-9) {
          out.push({
            ...base, rule: 'active.in_force_continuity', severity: 'info', cells: [`active.${row.key}.in_force`],
            message: `${p.body}：${row.label}现行有效件数 ${N}年 ${fmt(now)} ≠ ${M}年 ${fmt(before)} + 本年制发 ${fmt(issued)} − 本年废止 ${fmt(repealed)}`
              + ` / ${row.key} in force ${N}: ${fmt(now)} ≠ ${fmt(before)} + ${fmt(issued)} issued − ${fmt(repealed)} repealed`,
          });
        }
      }
    }

    if (p.ct === '2019' && p.pt === '2019') {
      for (const row of ITEMS_ROWS) {
        const prevN = get(cv, `active.${row.key}.prev_items`), prevM = get(pv, `active.${row.key}.prev_items`), change = get(pv, `active.${row.key}.change`);
        if (prevN === undefined || prevM === undefined || change === undefined) continue;
        if (Math.abs(prevM + change - prevN) > 1e-9) {
          out.push({
            ...base, rule: 'active.items_continuity', severity: 'info', cells: [`active.${row.key}.prev_items`],
            message: `${p.body}：${row.label}上一年项目数量 ${N}年 ${fmt(prevN)} ≠ ${M}年 ${fmt(prevM)} + 本年增/减 ${fmt(change)}`
              + ` / ${row.key} previous items ${N}: ${fmt(prevN)} ≠ ${fmt(prevM)} + change ${fmt(change)}`,
          });
        }
      }
    }

    const a = get(pv, 'requests.new_received.total'), b = get(cv, 'requests.new_received.total');
    if (a !== undefined && b !== undefined) {
      const lo = Math.min(a, b), hi = Math.max(a, b);
      if ((lo > 0 && hi >= lo * JUMP_RATIO && hi >= JUMP_MIN) || (lo === 0 && hi >= JUMP_FROM_ZERO)) {
        out.push({
          ...base, rule: 'corpus.implausible_jump', severity: 'warning', cells: ['requests.new_received.total'],
          message: `${p.body}：${rowLabel('new_received')}从${M}年的 ${fmt(a)} 件变为${N}年的 ${fmt(b)} 件，变化异常，请核对 / ${p.body}: applications received went from ${fmt(a)} (${M}) to ${fmt(b)} (${N})`,
        });
      }
    }
  }

  // the same tables under different bytes
  const dups = await db.query<{ signature: string; ids: number[]; paths: string[]; bodies: (string | null)[]; years: (number | null)[]; body_ids: (number | null)[] }>(
    `select r.signature, array_agg(r.id order by r.id) as ids, array_agg(r.path order by r.id) as paths,
            array_agg(b.name order by r.id) as bodies, array_agg(r.year order by r.id) as years, array_agg(r.body_id order by r.id) as body_ids
     from reports r left join bodies b on b.id = r.body_id
     where r.signature is not null group by r.signature having count(*) > 1 ${one ? 'and bool_or(r.body_id = $1)' : ''} order by min(r.id)`, bodyArg);
  for (const d of dups) {
    const names = d.paths.map((path, i) => `${path}（${d.bodies[i] ?? '未识别机关'} ${d.years[i] ?? '?'}年）`);
    out.push({
      rule: 'corpus.duplicate_report', severity: 'warning', body: d.bodies[0] ?? null, body_id: d.body_ids[0] === null ? null : Number(d.body_ids[0]),
      years: [...new Set(d.years.filter((y): y is number => y !== null).map(Number))], report_ids: d.ids.map(Number), paths: d.paths, cells: [],
      message: `同一份报告以不同文件存了 ${d.ids.length} 次，表格数字完全相同：${names.join('、')} / the same tables filed ${d.ids.length} times under different files: ${d.paths.join(', ')}`,
    });
  }

  // several different reports for one body and year
  const several = await db.query<{ body_id: number; body: string; year: number; ids: number[]; paths: string[] }>(
    `select r.body_id, b.name as body, r.year, array_agg(r.id order by r.id) as ids, array_agg(r.path order by r.id) as paths
     from reports r join bodies b on b.id = r.body_id where r.year is not null ${one ? 'and r.body_id = $1' : ''}
     group by r.body_id, b.name, r.year having count(*) > 1 order by b.name, r.year`, bodyArg);
  for (const s of several) {
    out.push({
      rule: 'corpus.several_reports', severity: 'info', body: s.body, body_id: Number(s.body_id), years: [Number(s.year)], report_ids: s.ids.map(Number), paths: s.paths, cells: [],
      message: `${s.body}：${s.year}年有 ${s.ids.length} 份内容不同的报告（${s.paths.join('、')}），跨年度检查只用其中一份 / ${s.ids.length} different reports for ${s.year}; the cross-year checks use one`,
    });
  }

  // years missing between a body's first and last report
  const gaps = await db.query<{ body_id: number; body: string; year: number; lo: number; hi: number }>(
    `with span as (
       select body_id, min(year)::int as lo, max(year)::int as hi from reports
       where body_id is not null and year is not null ${one ? 'and body_id = $1' : ''} group by body_id having max(year) - min(year) > 1)
     select s.body_id, b.name as body, y::int as year, s.lo, s.hi
     from span s cross join lateral generate_series(s.lo + 1, s.hi - 1) as y join bodies b on b.id = s.body_id
     where not exists (select 1 from reports r where r.body_id = s.body_id and r.year = y)
     order by b.name, y`, bodyArg);
  for (const g of gaps) {
    out.push({
      rule: 'corpus.year_missing', severity: 'info', body: g.body, body_id: Number(g.body_id), years: [Number(g.year)], report_ids: [], paths: [], cells: [],
      message: `${g.body}：有 ${g.lo}—${g.hi} 年的报告，缺少 ${g.year} 年的报告 / ${g.body}: no report for ${g.year} (has ${g.lo}–${g.hi})`,
    });
  }
  return out;
}
