// Checks across reports (spec/template.md §6.3 and the corpus's own): for each body, its report of
// year N against its report of year N−1 — the cross-year equations and the jump of new
// applications — and, over the corpus, the same tables filed twice, several reports for a body's
// year and years missing between a body's first and last report. The rules (their cells,
// equations, thresholds and messages) are declared in src/template/rules.ts with stage 'corpus';
// this file only finds the pairs and groups, one query each (the values of a pair come back as
// two small jsonb maps), and evaluates them with the registry's evaluator.

import { cellPath, crossYearEquations, evaluate, finding, implausibleJump, JUMP_CELL, TEMPLATE_VERSIONS, TEMPLATES, type EquationId, type RuleId } from '../template/index.js';
import type { Finding, TemplateVersion } from '../types.js';
import type { Db } from './db.js';
import { DECIDED_SQL } from './model.js';

export interface CorpusFinding extends Finding {
  body: string | null;
  body_id: number | null;
  years: number[];
  report_ids: number[];
  paths: string[];
}

export { JUMP_FROM_ZERO, JUMP_MIN, JUMP_RATIO } from '../template/index.js';

const TABLES = { 2019: TEMPLATES['2019'].tables, 2021: TEMPLATES['2021'].tables };

/** Every cell a cross-year rule reads (either year), and the jump's cell. */
function pairPaths(): string[] {
  const out = new Set<string>();
  for (const a of TEMPLATE_VERSIONS) for (const b of TEMPLATE_VERSIONS) for (const { eq } of crossYearEquations(TABLES, a, b)) for (const t of eq.terms) out.add(t.cell);
  out.add(JUMP_CELL);
  return [...out];
}

/**
 * A corpus finding: the pair's (or group's) fields, then the rule's. `baseFirst`: the key order the
 * year-pair findings have always had (the JSON of `check --corpus` stays byte-identical).
 */
function corpusFinding<R extends RuleId>(rule: R, params: Parameters<typeof finding<R>>[1], cells: string[], base: Omit<CorpusFinding, keyof Finding>, baseFirst: boolean): CorpusFinding {
  const f = finding(rule, params, cells);
  const head = { rule: f.rule, severity: f.severity };
  const tail = { cells, message: f.message, params: f.params };
  return baseFirst ? { ...base, ...head, ...tail } : { ...head, ...base, ...tail };
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

/**
 * `bodyId`: only that body's findings (its year pairs, missing years, several reports a year, and
 * duplicates that involve one of its reports) — what a body's page needs, without the whole corpus.
 */
export async function checkCorpus(db: Db, opts: { bodyId?: number } = {}): Promise<CorpusFinding[]> {
  const bodyArg = opts.bodyId !== undefined ? [opts.bodyId] : [];
  return [...await yearPairFindings(db, bodyArg), ...await duplicateFindings(db, bodyArg), ...await severalReportFindings(db, bodyArg), ...await missingYearFindings(db, bodyArg)];
}

/** Each body's report of year N against its report of N−1: the cross-year equations and the jump. */
async function yearPairFindings(db: Db, bodyArg: number[]): Promise<CorpusFinding[]> {
  const out: CorpusFinding[] = [];
  const one = bodyArg.length > 0;
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

    const valueOf = (cell: string, year: 0 | -1) => get(year === 0 ? cv : pv, cell);
    const broken = new Map<EquationId, { params: Record<string, unknown>; terms: { cell: string; year?: 0 | -1 }[] }[]>();
    for (const { id, eq } of crossYearEquations(TABLES, String(p.ct), String(p.pt))) {
      const result = evaluate(eq.terms, valueOf);
      if (result && !result.holds) broken.set(id, [...(broken.get(id) ?? []), eq]);
    }
    const who = { body: p.body, year: N };
    // carried over (N) = carried forward (N−1): one finding for the pair, naming every column that differs
    const carry = broken.get('requests.carry_continuity') ?? [];
    if (carry.length) {
      const differ = carry.map((eq) => ({ column: String(eq.params.column), now: valueOf(eq.terms[0].cell, 0)!, before: valueOf(eq.terms[1].cell, -1)! }));
      out.push(corpusFinding('requests.carry_continuity', { ...who, differ }, carry.map((eq) => eq.terms[0].cell), base, true));
    }
    const labelOf = (version: TemplateVersion, row: string) => TABLES[version].active.rows.find((r) => r.key === row)?.label ?? row;
    for (const eq of broken.get('active.in_force_continuity') ?? []) {
      const row = String(eq.params.row), cell = (c: string) => cellPath('active', row, c);
      out.push(corpusFinding('active.in_force_continuity', {
        ...who, row, label: labelOf('2021', row),
        now: valueOf(cell('in_force'), 0)!, before: valueOf(cell('in_force'), -1)!, issued: valueOf(cell('issued'), 0)!, repealed: valueOf(cell('repealed'), 0)!,
      }, [cell('in_force')], base, true));
    }
    for (const eq of broken.get('active.items_continuity') ?? []) {
      const row = String(eq.params.row), cell = (c: string) => cellPath('active', row, c);
      out.push(corpusFinding('active.items_continuity', {
        ...who, row, label: labelOf('2019', row), now: valueOf(cell('prev_items'), 0)!, before: valueOf(cell('prev_items'), -1)!, change: valueOf(cell('change'), -1)!,
      }, [cell('prev_items')], base, true));
    }

    const a = valueOf(JUMP_CELL, -1), b = valueOf(JUMP_CELL, 0);
    if (a !== undefined && b !== undefined && implausibleJump(a, b)) {
      out.push(corpusFinding('corpus.implausible_jump', { ...who, before: a, now: b }, [JUMP_CELL], base, true));
    }
  }
  return out;
}

/** The same tables filed under different bytes (re-saved, renamed). */
async function duplicateFindings(db: Db, bodyArg: number[]): Promise<CorpusFinding[]> {
  const out: CorpusFinding[] = [];
  const one = bodyArg.length > 0;
  const dups = await db.query<{ signature: string; ids: number[]; paths: string[]; bodies: (string | null)[]; years: (number | null)[]; body_ids: (number | null)[] }>(
    `select r.signature, array_agg(r.id order by r.id) as ids, array_agg(r.path order by r.id) as paths,
            array_agg(b.name order by r.id) as bodies, array_agg(r.year order by r.id) as years, array_agg(r.body_id order by r.id) as body_ids
     from reports r left join bodies b on b.id = r.body_id
     where r.signature is not null group by r.signature having count(*) > 1 ${one ? 'and bool_or(r.body_id = $1)' : ''} order by min(r.id)`, bodyArg);
  for (const d of dups) {
    const copies = d.paths.map((path, i) => ({ path, body: d.bodies[i] ?? null, year: d.years[i] ?? null }));
    out.push(corpusFinding('corpus.duplicate_report', { copies }, [], {
      body: d.bodies[0] ?? null, body_id: d.body_ids[0] === null ? null : Number(d.body_ids[0]),
      years: [...new Set(d.years.filter((y): y is number => y !== null).map(Number))], report_ids: d.ids.map(Number), paths: d.paths,
    }, false));
  }
  return out;
}

/** More than one (different) report for a body and year. */
async function severalReportFindings(db: Db, bodyArg: number[]): Promise<CorpusFinding[]> {
  const out: CorpusFinding[] = [];
  const one = bodyArg.length > 0;
  const several = await db.query<{ body_id: number; body: string; year: number; ids: number[]; paths: string[] }>(
    `select r.body_id, b.name as body, r.year, array_agg(r.id order by r.id) as ids, array_agg(r.path order by r.id) as paths
     from reports r join bodies b on b.id = r.body_id where r.year is not null ${one ? 'and r.body_id = $1' : ''}
     group by r.body_id, b.name, r.year having count(*) > 1 order by b.name, r.year`, bodyArg);
  for (const s of several) {
    out.push(corpusFinding('corpus.several_reports', { body: s.body, year: Number(s.year), paths: s.paths }, [],
      { body: s.body, body_id: Number(s.body_id), years: [Number(s.year)], report_ids: s.ids.map(Number), paths: s.paths }, false));
  }
  return out;
}

/** Years without a report between a body's first and last. */
async function missingYearFindings(db: Db, bodyArg: number[]): Promise<CorpusFinding[]> {
  const out: CorpusFinding[] = [];
  const one = bodyArg.length > 0;
  const gaps = await db.query<{ body_id: number; body: string; year: number; lo: number; hi: number }>(
    `with span as (
       select body_id, min(year)::int as lo, max(year)::int as hi from reports
       where body_id is not null and year is not null ${one ? 'and body_id = $1' : ''} group by body_id having max(year) - min(year) > 1)
     select s.body_id, b.name as body, y::int as year, s.lo, s.hi
     from span s cross join lateral generate_series(s.lo + 1, s.hi - 1) as y join bodies b on b.id = s.body_id
     where not exists (select 1 from reports r where r.body_id = s.body_id and r.year = y)
     order by b.name, y`, bodyArg);
  for (const g of gaps) {
    out.push(corpusFinding('corpus.year_missing', { body: g.body, year: Number(g.year), first: Number(g.lo), last: Number(g.hi) }, [],
      { body: g.body, body_id: Number(g.body_id), years: [Number(g.year)], report_ids: [], paths: [] }, false));
  }
  return out;
}
