// Checks that need several reports: across a body's years (carry-over continuity, 2021 规章/规范性
// 文件 in-force continuity, implausible jumps, missing years) and across the corpus (the same
// tables filed twice under different bytes).

import { TEMPLATES } from '../template/index.js';
import type { Finding } from '../types.js';
import type { Db } from './db.js';

export interface CorpusFinding extends Finding {
  body: string;
  years: number[];
  report_ids: number[];
}

const REQUEST_COLS = TEMPLATES['2021'].tables.requests.columns;
const DECIDED = "('read', 'blank', 'inferred')";

interface Rep { id: number; body: string; year: number; template: string; path: string }

export async function checkCorpus(db: Db): Promise<CorpusFinding[]> {
  const out: CorpusFinding[] = [];
  const reports = await db.query<Rep>(
    `select r.id, b.name as body, r.year, r.template, r.path from reports r join bodies b on b.id = r.body_id
     where r.superseded_by is null and r.year is not null order by b.name, r.year, r.id`,
  );
  const cells = await db.query<{ report_id: number; tbl: string; row_key: string; col_key: string; value: string }>(
    `select c.report_id, c.tbl, c.row_key, c.col_key, c.value from cells c join reports r on r.id = c.report_id
     where r.superseded_by is null and c.status in ${DECIDED} and c.value is not null
       and ((c.tbl = 'requests' and c.row_key in ('carried_over', 'carried_forward', 'new_received'))
         or (c.tbl = 'active' and c.row_key in ('regulations', 'normative_documents')))`,
  );
  const val = new Map<string, number>();
  for (const c of cells) val.set(`${c.report_id}.${c.tbl}.${c.row_key}.${c.col_key}`, Number(c.value));
  const get = (id: number, path: string) => val.get(`${id}.${path}`);
  const byBody = new Map<string, Rep[]>();
  for (const r of reports) byBody.set(r.body, [...(byBody.get(r.body) ?? []), r]);

  for (const [body, list] of byBody) {
    // several current reports for one year (e.g. two different files): compare each with each
    const byYear = new Map<number, Rep[]>();
    for (const r of list) byYear.set(r.year, [...(byYear.get(r.year) ?? []), r]);
    for (const r of list) {
      for (const prev of byYear.get(r.year - 1) ?? []) {
        const years = [r.year - 1, r.year];
        const ids = [prev.id, r.id];
        // 上年结转 (N) = 结转下年度继续办理 (N−1), per applicant column
        const bad = REQUEST_COLS.filter((c) => {
          const now = get(r.id, `requests.carried_over.${c.key}`), before = get(prev.id, `requests.carried_forward.${c.key}`);
          return now !== undefined && before !== undefined && now !== before;
        });
        if (bad.length) {
          out.push({
            rule: 'requests.carry_continuity', severity: 'warning', body, years, report_ids: ids,
            cells: bad.map((c) => `requests.carried_over.${c.key}`),
            message: `${body}：${r.year}年“上年结转”与${r.year - 1}年“结转下年度继续办理”不一致（${bad.map((c) => `${c.label} ${get(r.id, `requests.carried_over.${c.key}`)} ≠ ${get(prev.id, `requests.carried_forward.${c.key}`)}`).join('，')}） / ${r.year} carried over ≠ ${r.year - 1} carried forward (${bad.map((c) => c.key).join(', ')})`,
          });
        }
        // 2021 template: 现行有效件数 (N) = 现行有效件数 (N−1) + 本年制发 (N) − 本年废止 (N)
        if (r.template === '2021' && prev.template === '2021') {
          for (const row of TEMPLATES['2021'].tables.active.rows.filter((x) => x.key === 'regulations' || x.key === 'normative_documents')) {
            const p = (id: number, col: string) => get(id, `active.${row.key}.${col}`);
            const before = p(prev.id, 'in_force'), now = p(r.id, 'in_force'), issued = p(r.id, 'issued'), repealed = p(r.id, 'repealed');
            if (before === undefined || now === undefined || issued === undefined || repealed === undefined) continue;
            if (before + issued - repealed !== now) {
              out.push({
                rule: 'active.in_force_continuity', severity: 'info', body, years, report_ids: ids, cells: [`active.${row.key}.in_force`],
                message: `${body}：${row.label}现行有效件数 ${r.year}年 ${now} ≠ ${r.year - 1}年 ${before} + 制发 ${issued} − 废止 ${repealed} / ${row.key} in force ${now} ≠ ${before} + ${issued} − ${repealed}`,
              });
            }
          }
        }
        // implausible jumps in applications received
        const a = get(prev.id, 'requests.new_received.total'), b = get(r.id, 'requests.new_received.total');
        if (a !== undefined && b !== undefined && ((a > 0 && b >= a * 10) || (b > 0 && a >= b * 10) || (a >= 50 && b === 0))) {
          out.push({
            rule: 'corpus.implausible_jump', severity: 'warning', body, years, report_ids: ids, cells: ['requests.new_received.total'],
            message: `${body}：本年新收申请从${r.year - 1}年的 ${a} 件变为${r.year}年的 ${b} 件，变化异常 / applications received went from ${a} to ${b}`,
          });
        }
      }
    }
    const years = [...byYear.keys()];
    for (let y = Math.min(...years) + 1; y < Math.max(...years); y++) {
      if (!byYear.has(y)) out.push({ rule: 'corpus.year_missing', severity: 'info', body, years: [y], report_ids: [], cells: [], message: `${body}：缺少${y}年的报告 / no report for ${y}` });
    }
  }

  // The same cells filed twice under different sha256 (re-saved, renamed, converted).
  const dup = await db.query<{ a: number; b: number; pa: string; pb: string; body: string | null; year: number | null }>(
    `with sig as (
       select r.id, r.path, r.year, r.body_id,
              md5(string_agg(c.tbl || '.' || c.row_key || '.' || c.col_key || '=' || coalesce(c.value::text, '?'), ',' order by c.tbl, c.row_key, c.col_key)) as s
       from reports r join cells c on c.report_id = r.id where r.superseded_by is null
       group by r.id having bool_or(c.value <> 0))
     select x.id as a, y.id as b, x.path as pa, y.path as pb, bo.name as body, x.year
     from sig x join sig y on x.s = y.s and x.id < y.id and x.year is not distinct from y.year
     left join bodies bo on bo.id = x.body_id order by x.id, y.id`,
  );
  for (const d of dup) {
    out.push({
      rule: 'corpus.duplicate_report', severity: 'warning', body: d.body ?? '', years: d.year ? [d.year] : [], report_ids: [d.a, d.b], cells: [],
      message: `同一份报告存了两次：${d.pa} 与 ${d.pb} 的表格完全相同 / the same tables filed twice under different bytes`,
    });
  }
  return out;
}
