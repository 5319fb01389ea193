// The corpus routes of the JSON API (documented in web/openapi.json), over the store (src/store/):
//
//   GET /api/corpus                 counts, years, templates and levels present (the search form's choices)
//   GET /api/reports                search and filter reports (paginated)
//   GET /api/reports/:id            one stored report: its report JSON (with its text when ?text=1 and the original is kept)
//   GET /api/bodies                 bodies by name, region, level (paginated)
//   GET /api/bodies/:id             a body's page: years (with the missing ones), chart series, cross-year findings
//   GET /api/dashboard              reports, applications received and reports with errors by region and year
//   GET /api/compare?a=&b=          two reports cell by cell, each side's overall problems first
//   GET /api/compare/pairs?year=    every body of a region: its year N against N−1, largest change first
//
// Query parameters are checked strictly: an unknown name or a bad value is a 400 with a message
// that names the parameter, so a typo never silently widens a search.

import { Hono, type Context } from 'hono';
import { defaultParsePool } from './parse-pool.js';
import { checkCorpus } from '../store/checks.js';
import { compareReports, comparePairs } from '../store/compare.js';
import type { Db } from '../store/db.js';
import type { ReportFilter } from '../store/export.js';
import { bodyPage, corpusFacets, dashboard, latestYear, originalBytes, reportById, searchBodies, searchReports } from '../store/queries.js';
import { parserVersion } from '../store/version.js';
import { HttpError } from './errors.js';
import { declare } from './guard.js';

const MAX_TEXT = 100;
const MAX_PER_PAGE = 200;
const DEFAULT_PER_PAGE = 50;

const bad = (name: string, zh: string, en: string) => new HttpError(400, 'bad_param', `参数 ${name} 不正确：${zh} / bad parameter ${name}: ${en}`);

type Parser<T> = (raw: string, name: string) => T;

const text: Parser<string | undefined> = (raw, name) => {
  const v = raw.trim();
  if (v.length > MAX_TEXT) throw bad(name, `最长 ${MAX_TEXT} 个字符`, `at most ${MAX_TEXT} characters`);
  if (/[\u0000-\u001f\u007f]/.test(v)) throw bad(name, '不能含控制字符', 'control characters are not allowed');
  return v || undefined;
};

const intIn = (lo: number, hi: number): Parser<number | undefined> => (raw, name) => {
  const v = raw.trim();
  if (v === '') return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) < lo || Number(v) > hi) throw bad(name, `需要 ${lo}–${hi} 之间的整数`, `an integer from ${lo} to ${hi} is needed`);
  return Number(v);
};

const year = intIn(1900, 2999);
const id = intIn(1, 2_147_483_647);

const template: Parser<string | undefined> = (raw, name) => {
  const v = raw.trim();
  if (v === '') return undefined;
  if (!['2019', '2021', 'pre2019', 'unknown'].includes(v)) throw bad(name, '只能是 2019、2021、pre2019 或 unknown', 'one of 2019, 2021, pre2019, unknown');
  return v;
};

const flag: Parser<boolean | undefined> = (raw, name) => {
  const v = raw.trim().toLowerCase();
  if (v === '') return undefined;
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw bad(name, '只能是 1/true 或 0/false', 'use 1/true or 0/false');
};

/** Reads the query with the given parsers; any other parameter name is refused. */
function query<S extends Record<string, Parser<unknown>>>(c: Context, spec: S): { [K in keyof S]: ReturnType<S[K]> } {
  const out: Record<string, unknown> = {};
  const url = new URL(c.req.url);
  for (const name of new Set(url.searchParams.keys())) {
    if (!(name in spec)) {
      const known = Object.keys(spec);
      throw new HttpError(400, 'unknown_param', `未知参数：${name.slice(0, 40)}（可用：${known.join('、') || '无'}） / unknown parameter ${name.slice(0, 40)} (known: ${known.join(', ') || 'none'})`);
    }
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw bad(name, '只能给一次', 'given more than once');
  }
  for (const [name, parse] of Object.entries(spec)) {
    const raw = url.searchParams.get(name);
    out[name] = raw === null ? undefined : parse(raw, name);
  }
  return out as { [K in keyof S]: ReturnType<S[K]> };
}

const FILTER = { body: text, region: text, parent: text, level: text };
const PAGING = { page: intIn(1, 1_000_000), per_page: intIn(1, MAX_PER_PAGE) };

function paging(q: { page?: number; per_page?: number }) {
  const perPage = q.per_page ?? DEFAULT_PER_PAGE;
  const page = q.page ?? 1;
  return { page, per_page: perPage, limit: perPage, offset: (page - 1) * perPage };
}

function pathId(c: Context, what: string): number {
  const raw = c.req.param('id') ?? '';
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw new HttpError(400, 'bad_id', `${what}编号必须是正整数：${raw.slice(0, 40)} / the ${what === '报告' ? 'report' : 'body'} id must be a positive integer`);
  return Number(raw);
}

/** The report's normalised text, when its original is kept and this parser version stored it (the spans point into it). */
async function reportText(db: Db, stored: NonNullable<Awaited<ReturnType<typeof reportById>>>): Promise<{ text: string | null; note: string | null }> {
  if (stored.parser_version !== parserVersion()) {
    return { text: null, note: `此报告由解析器 ${stored.parser_version} 存入，当前为 ${parserVersion()}，原文位置可能不符，未附原文 / stored by parser ${stored.parser_version}; re-ingest to see the source` };
  }
  const bytes = await originalBytes(db, stored);
  if (!bytes) return { text: null, note: '语料库中没有保存这份报告的原始文件 / the original file is not kept in the corpus' };
  // in the parse pool like an upload: the server's own thread never runs the parser
  const again = await defaultParsePool().parse(bytes, { path: stored.file, includeText: true });
  return typeof again.text === 'string' ? { text: again.text, note: null } : { text: null, note: '无法取得原文 / no text' };
}

/** The corpus routes, a sub-app to mount at /api (access declared in routes.ts). */
export function corpusRoutes(store: Db | undefined): Hono {
  const api = new Hono();
  const need = (): Db => {
    if (!store) throw new HttpError(503, 'no_store', '没有打开语料库：请用 npm start 启动服务（会打开 ./gongkai-data） / no corpus store is open: start the service with npm start');
    return store;
  };

  declare(api, '/api', 'GET', '/corpus', async (c) => c.json(await corpusFacets(need())));

  declare(api, '/api', 'GET', '/reports', async (c) => {
    const db = need();
    const q = query(c, { ...FILTER, year, template, has_errors: flag, ...PAGING });
    const p = paging(q);
    const filter: ReportFilter = { body: q.body, region: q.region, parent: q.parent, level: q.level, year: q.year, template: q.template, hasErrors: q.has_errors };
    const { total, items } = await searchReports(db, filter, p);
    return c.json({ total, page: p.page, per_page: p.per_page, items });
  });

  declare(api, '/api', 'GET', '/reports/:id', async (c) => {
    const db = need();
    const rid = pathId(c, '报告');
    const q = query(c, { text: flag });
    const stored = await reportById(db, rid);
    if (!stored) throw new HttpError(404, 'no_report', `没有编号为 ${rid} 的报告 / no report with id ${rid}`);
    const { report, original: _o, ...item } = stored;
    const extra = q.text ? await reportText(db, stored) : { text: null, note: null };
    // the stored path is the server's; the client sees the file's name only
    const shown: typeof report = { ...report, source: { ...report.source, path: stored.file } };
    return c.json({ item, report: extra.text === null ? shown : { ...shown, text: extra.text }, text_note: extra.note });
  });

  declare(api, '/api', 'GET', '/bodies', async (c) => {
    const db = need();
    const q = query(c, { q: text, region: text, parent: text, level: text, ...PAGING });
    const p = paging(q);
    const { total, items } = await searchBodies(db, { body: q.q, region: q.region, parent: q.parent, level: q.level }, p);
    return c.json({ total, page: p.page, per_page: p.per_page, items });
  });

  declare(api, '/api', 'GET', '/bodies/:id', async (c) => {
    const db = need();
    const bid = pathId(c, '机关');
    query(c, {});
    const page = await bodyPage(db, bid);
    if (!page) throw new HttpError(404, 'no_body', `没有编号为 ${bid} 的机关 / no body with id ${bid}`);
    const ids = new Set(page.years.flatMap((y) => y.reports.map((r) => r.id)));
    // only this body's checks: a query per body, not the whole corpus (which grows to 100,000 reports)
    const own = (await checkCorpus(db, { bodyId: bid })).filter((f) => f.body_id === bid || f.report_ids.some((x) => ids.has(x)))
      .map(({ paths: _p, ...f }) => f);
    return c.json({ ...page, findings: own });
  });

  declare(api, '/api', 'GET', '/dashboard', async (c) => {
    const db = need();
    const q = query(c, { ...FILTER, depth: intIn(1, 6) });
    const depth = q.depth ?? 2;
    const { rows, cell } = await dashboard(db, { body: q.body, region: q.region, parent: q.parent, level: q.level }, depth);
    const years = [...new Set(rows.map((r) => r.year).filter((y): y is number => y !== null))].sort((a, b) => a - b);
    const byYear = years.map((y) => {
      const rs = rows.filter((r) => r.year === y);
      const sum = (k: 'reports' | 'with_errors' | 'applications' | 'applications_undecided') => rs.reduce((s, r) => s + r[k], 0);
      return { year: y, reports: sum('reports'), with_errors: sum('with_errors'), applications: sum('applications'), applications_undecided: sum('applications_undecided') };
    });
    return c.json({ depth, cell, years, by_year: byYear, rows });
  });

  declare(api, '/api', 'GET', '/compare', async (c) => {
    const db = need();
    const q = query(c, { a: id, b: id });
    if (q.a === undefined || q.b === undefined) throw new HttpError(400, 'missing_param', '需要两份报告的编号 a 和 b / give two report ids: a and b');
    const { comparison, missing } = await compareReports(db, q.a, q.b);
    if (!comparison) throw new HttpError(404, 'no_report', `没有编号为 ${missing.join('、')} 的报告 / no report with id ${missing.join(', ')}`);
    return c.json(comparison);
  });

  declare(api, '/api', 'GET', '/compare/pairs', async (c) => {
    const db = need();
    const q = query(c, { ...FILTER, year });
    const y = q.year ?? (await latestYear(db));
    if (y === null || y === undefined) throw new HttpError(404, 'empty_corpus', '语料库中还没有报告 / the corpus has no reports yet');
    return c.json(await comparePairs(db, { body: q.body, region: q.region, parent: q.parent, level: q.level }, y));
  });
  return api;
}
