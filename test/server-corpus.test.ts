// The corpus routes of the API (src/server/corpus.ts) over a store holding the bundled examples
// (examples/: real reports and the generated 示例市 series): search and filters, one report, bodies,
// a body's page (missing years, chart series equal to the stored cells, cross-year findings), the
// dashboard, comparisons; bad parameters answered with clear JSON errors; `npm start` opening the
// store, loading the examples once, and refusing a store it cannot open.
// PGlite always; a PostgreSQL server too when TEST_DATABASE_URL is set.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, SECURITY_HEADERS } from '../src/server/app.js';
import { openDb, type Db } from '../src/store/db.js';
import { collectPaths, ingest } from '../src/store/ingest.js';
import { TEMPLATES } from '../src/template/index.js';
import type { Report } from '../src/types.js';
import { FIXTURES } from './helpers.js';
import { backends as storeBackends } from './backends.js';

const ROOT = join(FIXTURES, '..', '..');
const EXAMPLES = join(ROOT, 'examples');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(res: Response): Promise<Json> {
  assert.equal(res.headers.get('content-security-policy'), SECURITY_HEADERS['Content-Security-Policy']);
  const body = await res.text();
  assert.equal(res.status, 200, body.slice(0, 300));
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return JSON.parse(body);
}

/** A JSON error with its code and a Chinese-first, bilingual message. */
async function fails(res: Response, status: number, code: string, mention?: RegExp): Promise<string> {
  assert.equal(res.status, status, `status ${res.status}, expected ${status}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code, body.error.message);
  const [zh, en] = body.error.message.split(' / ');
  assert.ok(/[\u4e00-\u9fff]/.test(zh), `Chinese first: ${body.error.message}`);
  assert.ok(en && /[a-z]/i.test(en), `English after " / ": ${body.error.message}`);
  if (mention) assert.match(body.error.message, mention);
  return body.error.message;
}

const q = (params: Record<string, string | number>) => `?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`;

function cellValue(report: Report, path: string): number | null {
  const [t, r, c] = path.split('.');
  const cell = (report.tables as Record<string, Record<string, Record<string, { value: number | null; status: string }>> | null>)[t]?.[r]?.[c];
  return cell && ['read', 'blank', 'inferred'].includes(cell.status) ? cell.value : null;
}

const backends = storeBackends('web');

for (const be of backends) {
  describe(`corpus API on ${be.name}`, { skip: be.skip }, () => {
    let db: Db;
    let app: ReturnType<typeof createApp>;
    const get = (path: string) => app.request(path);
    const bodyId = async (name: string) => {
      const r = await ok(await get(`/api/bodies${q({ q: name })}`));
      const b = r.items.find((x: Json) => x.name === name);
      assert.ok(b, `body ${name}`);
      return b.id as number;
    };
    const reportOf = async (id: number) => (await ok(await get(`/api/reports/${id}`))).report as Report;

    before(async () => {
      db = await openDb({ ...(await be.fresh()), create: true });
      const summary = await ingest(db, collectPaths([EXAMPLES]).files, { workers: 2 });
      assert.equal(summary.failed.length, 0, JSON.stringify(summary.failed));
      assert.equal(summary.stored, 18);
      app = createApp({ store: db });
    });
    after(async () => {
      await db?.close();
      await be.cleanup();
    });

    test('GET /api/corpus: counts, years, templates, levels', async () => {
      const f = await ok(await get('/api/corpus'));
      assert.equal(f.reports, 18);
      assert.equal(f.bodies, 10); // seed000 names no body
      assert.deepEqual(f.years.map((y: Json) => y.year), [2019, 2020, 2021, 2022, 2023, 2024]);
      assert.equal(f.latest_year, 2024);
      assert.deepEqual(f.templates.map((t: Json) => t.template), ['2019', '2021']);
      assert.ok(f.levels.some((l: Json) => l.level === '部门'));
    });

    test('GET /api/reports: every filter, pagination, file names only', async () => {
      const all = await ok(await get('/api/reports?per_page=200'));
      assert.equal(all.total, 18);
      assert.equal(all.items.length, 18);
      for (const r of all.items) assert.ok(!/[\\/]/.test(r.file), `file name only: ${r.file}`);

      const edu = await ok(await get(`/api/reports${q({ body: '教育局' })}`));
      assert.equal(edu.total, 3);
      assert.ok(edu.items.every((r: Json) => r.body === '示例市教育局'));
      assert.deepEqual(edu.items.map((r: Json) => r.year), [2024, 2023, 2022], 'newest first');

      assert.equal((await ok(await get(`/api/reports${q({ parent: '示例市' })}`))).total, 10);
      const huaian = await ok(await get(`/api/reports${q({ parent: '淮安市' })}`));
      assert.deepEqual(huaian.items.map((r: Json) => r.body).sort(), ['洪泽区人民政府', '淮安市人民政府', '淮安市洪泽区人民政府'].sort());
      assert.equal((await ok(await get(`/api/reports${q({ region: '洪泽区' })}`))).total, 2);
      assert.equal((await ok(await get(`/api/reports${q({ region: '320813' })}`))).total, 2, 'by division code');
      const dept = await ok(await get(`/api/reports${q({ level: '部门' })}`));
      assert.ok(dept.total >= 4 && dept.items.every((r: Json) => r.level === '部门'));
      const y2024 = await ok(await get(`/api/reports${q({ year: 2024 })}`));
      assert.equal(y2024.total, 5);
      assert.ok(y2024.items.every((r: Json) => r.year === 2024));
      const t2019 = await ok(await get(`/api/reports${q({ template: '2019' })}`));
      assert.equal(t2019.total, 3);
      const errs = await ok(await get('/api/reports?has_errors=1'));
      assert.equal(errs.total, all.items.filter((r: Json) => r.errors > 0).length);
      assert.ok(errs.total >= 1 && errs.items.every((r: Json) => r.errors > 0));
      const combined = await ok(await get(`/api/reports${q({ parent: '示例市', year: 2024, level: '县' })}`));
      assert.deepEqual(combined.items.map((r: Json) => r.body).sort(), ['示例市云杉区人民政府', '示例市青禾区人民政府'].sort());
      assert.equal((await ok(await get(`/api/reports${q({ body: '没有这个机关' })}`))).total, 0);

      const p1 = await ok(await get('/api/reports?per_page=5&page=1'));
      const p2 = await ok(await get('/api/reports?per_page=5&page=2'));
      const p4 = await ok(await get('/api/reports?per_page=5&page=4'));
      assert.deepEqual([p1.items.length, p2.items.length, p4.items.length], [5, 5, 3]);
      assert.equal(p2.page, 2);
      const ids = [...p1.items, ...p2.items].map((r: Json) => r.id);
      assert.equal(new Set(ids).size, 10, 'pages do not overlap');
      assert.deepEqual(ids, all.items.slice(0, 10).map((r: Json) => r.id), 'same order as one page');
    });

    test('GET /api/reports: bad parameters are clear 400s', async () => {
      await fails(await get('/api/reports?year=20x'), 400, 'bad_param', /year/);
      await fails(await get('/api/reports?year=1800'), 400, 'bad_param', /1900/);
      await fails(await get('/api/reports?per_page=0'), 400, 'bad_param', /per_page/);
      await fails(await get('/api/reports?per_page=1000'), 400, 'bad_param', /200/);
      await fails(await get('/api/reports?page=-1'), 400, 'bad_param', /page/);
      await fails(await get('/api/reports?template=2018'), 400, 'bad_param', /2019、2021/);
      await fails(await get('/api/reports?has_errors=maybe'), 400, 'bad_param', /has_errors/);
      await fails(await get('/api/reports?bodyname=x'), 400, 'unknown_param', /bodyname[\s\S]*body/);
      await fails(await get('/api/reports?year=2024&year=2023'), 400, 'bad_param', /once|一次/);
      await fails(await get(`/api/reports${q({ body: '长'.repeat(101) })}`), 400, 'bad_param', /100/);
      await fails(await get(`/api/reports${q({ body: 'a\u0001b' })}`), 400, 'bad_param', /控制字符/);
      // SQL-looking input is only ever a value
      assert.equal((await ok(await get(`/api/reports${q({ body: "'; drop table reports; --" })}`))).total, 0);
      assert.equal((await ok(await get('/api/reports'))).total, 18);
    });

    test('GET /api/reports/:id: the stored report JSON, its text on request, errors', async () => {
      const edu = await ok(await get(`/api/reports${q({ body: '教育局', year: 2024 })}`));
      const id = edu.items[0].id;
      const plain = await ok(await get(`/api/reports/${id}`));
      assert.equal(plain.item.id, id);
      assert.equal(plain.report.schema, 'gongkai/report@1');
      assert.equal(plain.report.meta.agency, '示例市教育局');
      assert.equal(plain.report.meta.year, 2024);
      assert.equal(plain.report.text, undefined);
      assert.equal(plain.report.source.path, 'example-education-2024.txt', 'the file name, not the server path');
      assert.equal(plain.report.tables.requests.new_received.total.status, 'read');

      const withText = await ok(await get(`/api/reports/${id}?text=1`));
      assert.equal(typeof withText.report.text, 'string');
      assert.equal(withText.text_note, null);
      // spans point into that text: every read cell's span holds its digits
      const cells = Object.values(withText.report.tables.requests as Record<string, Record<string, { value: number; status: string; span?: [number, number] }>>).flatMap((r) => Object.values(r));
      const read = cells.filter((c) => c.status === 'read' && c.span);
      assert.ok(read.length > 50);
      for (const c of read) assert.equal(withText.report.text.slice(c.span![0], c.span![1]), String(c.value));

      await fails(await get('/api/reports/99999'), 404, 'no_report', /99999/);
      await fails(await get('/api/reports/abc'), 400, 'bad_id');
      await fails(await get('/api/reports/0'), 400, 'bad_id');
      await fails(await get(`/api/reports/${id}?text=yes`), 400, 'bad_param', /text/);
      await fails(await get(`/api/reports/${id}?x=1`), 400, 'unknown_param');
    });

    test('GET /api/bodies: search by name, region, level; pagination; errors', async () => {
      const govs = await ok(await get(`/api/bodies${q({ q: '人民政府' })}`));
      assert.ok(govs.items.every((b: Json) => b.name.includes('人民政府')));
      assert.ok(govs.total >= 7);
      const qinghe = (await ok(await get(`/api/bodies${q({ q: '青禾' })}`))).items;
      assert.equal(qinghe.length, 1);
      assert.deepEqual([qinghe[0].reports, qinghe[0].first_year, qinghe[0].last_year, qinghe[0].region], [5, 2019, 2024, '示例市青禾区']);
      assert.equal((await ok(await get(`/api/bodies${q({ parent: '示例市' })}`))).total, 3);
      assert.equal((await ok(await get(`/api/bodies${q({ level: '乡镇' })}`))).items[0].name, '蚌峨乡人民政府');
      const p = await ok(await get('/api/bodies?per_page=3&page=2'));
      assert.deepEqual([p.items.length, p.total], [3, 10]);
      await fails(await get('/api/bodies?name=x'), 400, 'unknown_param', /q、region/);
      await fails(await get('/api/bodies?per_page=x'), 400, 'bad_param');
    });

    test('GET /api/bodies/:id: every year with the missing ones, chart series equal to the stored cells, cross-year findings', async () => {
      const id = await bodyId('示例市青禾区人民政府');
      const page = await ok(await get(`/api/bodies/${id}`));
      assert.equal(page.body.name, '示例市青禾区人民政府');
      assert.deepEqual(page.years.map((y: Json) => y.year), [2019, 2020, 2021, 2022, 2023, 2024]);
      const y2021 = page.years.find((y: Json) => y.year === 2021);
      assert.deepEqual([y2021.reports, y2021.chosen], [[], null]);

      const charts = new Map(page.charts.map((c: Json) => [c.key, c]));
      assert.deepEqual([...charts.keys()], ['applicants', 'outcomes', 'review']);
      const req = TEMPLATES['2021'].tables.requests;
      const applicants = charts.get('applicants') as Json;
      assert.deepEqual(applicants.series.map((s: Json) => s.label), req.columns.map((c) => c.label), 'labels from the template');
      const reports = new Map<number, Report>();
      for (const y of page.years) if (y.chosen) reports.set(y.year, await reportOf(y.chosen));
      page.years.forEach((y: Json, i: number) => {
        for (const s of applicants.series) {
          const want = y.chosen ? cellValue(reports.get(y.year)!, `requests.new_received.${s.key}`) : null;
          assert.equal(s.values[i], want, `${y.year} ${s.key}`);
        }
      });
      // outcomes: a group is the sum of its rows' totals; (六) is one row in 2019 and three in 2021
      const outcomes = charts.get('outcomes') as Json;
      assert.equal(outcomes.series.length, 6);
      const other = outcomes.series[5];
      const r2019 = reports.get(2019)!, r2024 = reports.get(2024)!;
      assert.equal(other.values[0], cellValue(r2019, 'requests.other_other.total'));
      assert.equal(other.values[5], ['other_no_correction', 'other_no_fee', 'other_other'].reduce((s, k) => s + cellValue(r2024, `requests.${k}.total`)!, 0));
      const denied = outcomes.series[2];
      const deniedRows = req.rows.filter((r) => r.parent === 'denied').map((r) => r.key);
      assert.equal(deniedRows.length, 8);
      assert.equal(denied.values[5], deniedRows.reduce((s, k) => s + cellValue(r2024, `requests.${k}.total`)!, 0));
      assert.ok(outcomes.series.every((s: Json) => s.values[2] === null), 'no report in 2021');
      const review = charts.get('review') as Json;
      assert.deepEqual(review.series.map((s: Json) => s.key), ['review', 'litigation_direct', 'litigation_after_review']);
      assert.equal(review.series[0].values[4], cellValue(reports.get(2023)!, 'review_litigation.review.total'));

      const rules = page.findings.map((f: Json) => f.rule);
      assert.ok(rules.includes('corpus.year_missing'));
      assert.deepEqual(page.findings.find((f: Json) => f.rule === 'corpus.year_missing').years, [2021]);
      assert.ok(rules.includes('requests.carry_continuity'), rules.join(','));
      assert.ok(page.findings.every((f: Json) => f.body_id === id && f.body === '示例市青禾区人民政府'));
      assert.ok(page.findings.every((f: Json) => !('paths' in f)), 'no server paths');
    });

    test('GET /api/bodies/:id: years run to the corpus\'s latest; same code, other name', async () => {
      const linshu = await ok(await get(`/api/bodies/${await bodyId('临沭县人民政府')}`));
      assert.deepEqual(linshu.years.map((y: Json) => y.year), [2019, 2020, 2021, 2022, 2023, 2024]);
      assert.equal(linshu.years.filter((y: Json) => !y.reports.length).length, 5);
      // its tables are absent (images): the charts have no values, not zeros
      assert.ok(linshu.charts.every((c: Json) => c.series.every((s: Json) => s.values.every((v: unknown) => v === null))));
      const hz = await ok(await get(`/api/bodies/${await bodyId('淮安市洪泽区人民政府')}`));
      assert.deepEqual(hz.same_code.map((b: Json) => b.name), ['洪泽区人民政府']);
      assert.deepEqual(hz.years.map((y: Json) => y.year), [2024]);
      await fails(await get('/api/bodies/99999'), 404, 'no_body');
      await fails(await get('/api/bodies/x1'), 400, 'bad_id');
      await fails(await get('/api/bodies/1?year=2020'), 400, 'unknown_param');
    });

    test('GET /api/dashboard: totals by region and year', async () => {
      const d = await ok(await get('/api/dashboard'));
      assert.equal(d.depth, 2);
      assert.equal(d.cell, 'requests.new_received.total');
      assert.equal(d.rows.reduce((s: number, r: Json) => s + r.reports, 0), 18);
      assert.equal(d.by_year.reduce((s: number, r: Json) => s + r.reports, 0), 18);
      const all = (await ok(await get('/api/reports?per_page=200'))).items as Json[];
      for (const y of d.by_year) {
        assert.equal(y.reports, all.filter((r) => r.year === y.year).length, `reports ${y.year}`);
        assert.equal(y.with_errors, all.filter((r) => r.year === y.year && r.errors > 0).length, `errors ${y.year}`);
      }
      // one region, one year: the sum of its reports' cell
      const row = d.rows.find((r: Json) => r.region === '示例市青禾区' && r.year === 2020);
      const id2020 = all.find((r) => r.body === '示例市青禾区人民政府' && r.year === 2020)!.id;
      assert.equal(row.applications, cellValue(await reportOf(id2020), 'requests.new_received.total'));
      assert.deepEqual([row.reports, row.bodies, row.applications_undecided], [1, 1, 0]);
      // tables absent (临沭 2019): counted as undecided, not as 0 applications
      const linshu = d.rows.find((r: Json) => r.region === '山东省临沂市' && r.year === 2019);
      assert.deepEqual([linshu.applications, linshu.applications_undecided], [0, 1]);
      const deeper = await ok(await get(`/api/dashboard${q({ parent: '示例市', depth: 1 })}`));
      assert.deepEqual([...new Set(deeper.rows.map((r: Json) => r.region))], ['示例市']);
      assert.equal(deeper.rows.reduce((s: number, r: Json) => s + r.reports, 0), 10);
      await fails(await get('/api/dashboard?depth=9'), 400, 'bad_param', /depth/);
      await fails(await get('/api/dashboard?year=2024'), 400, 'unknown_param');
    });

    test('GET /api/compare: cell by cell, undecided cells marked, both sides\' problems', async () => {
      const all = (await ok(await get('/api/reports?per_page=200'))).items as Json[];
      const find = (body: string, year: number) => all.find((r) => r.body === body && r.year === year)!.id as number;
      const a = find('示例市青禾区人民政府', 2023), b = find('示例市青禾区人民政府', 2024);
      const cmp = await ok(await get(`/api/compare${q({ a, b })}`));
      const [ra, rb] = [await reportOf(a), await reportOf(b)];
      assert.deepEqual([cmp.a.id, cmp.b.id], [a, b]);
      const s = cmp.summary;
      assert.equal(s.same + s.changed + s.undecided + s.only_a + s.only_b, s.cells);
      assert.equal(s.cells, cmp.cells.length);
      assert.ok(s.changed > 0);
      for (const c of cmp.cells) {
        const va = cellValue(ra, c.cell), vb = cellValue(rb, c.cell);
        if (c.kind === 'changed' || c.kind === 'same') assert.equal(c.delta, vb! - va!, c.cell);
        assert.equal(c.kind === 'changed', va !== null && vb !== null && va !== vb, c.cell);
      }
      assert.match(cmp.cells.find((c: Json) => c.cell === 'requests.new_received.natural_person').label, /^表三 › 一、本年新收政府信息公开申请数量 › 自然人$/);

      // 2019 template against 2021: cells only one side has
      const cross = await ok(await get(`/api/compare${q({ a: find('示例市青禾区人民政府', 2020), b: find('示例市青禾区人民政府', 2022) })}`));
      assert.ok(cross.summary.only_a > 0 && cross.summary.only_b > 0);
      assert.equal(cross.cells.find((c: Json) => c.cell === 'active.procurement.items').kind, 'only_a');
      assert.equal(cross.cells.find((c: Json) => c.cell === 'requests.other_no_fee.total').kind, 'only_b');

      // seed001 leaves 行政规范性文件 ambiguous: undecided on its side, never a change
      const chaoyang = find('朝阳市人民政府办公室', 2021);
      const amb = await ok(await get(`/api/compare${q({ a: chaoyang, b: find('广州市番禺区人民政府', 2021) })}`));
      const nd = amb.cells.filter((c: Json) => c.cell.startsWith('active.normative_documents.'));
      assert.equal(nd.length, 3);
      for (const c of nd) {
        assert.equal(c.kind, 'undecided');
        assert.ok(c.undecided_in.includes('a'));
        assert.equal(c.a.status, 'ambiguous');
        assert.ok(c.a.candidates.length >= 2);
        assert.equal(c.b.status, 'absent', 'panyu has no tables');
      }
      assert.ok(amb.a.problems.warnings > 0 && amb.a.problems.top.length > 0, 'overall problems of each side');
      assert.equal(amb.summary.changed, 0, 'nothing to compare against absent tables');

      await fails(await get(`/api/compare${q({ a })}`), 400, 'missing_param');
      await fails(await get('/api/compare?a=x&b=1'), 400, 'bad_param', /\ba\b/);
      await fails(await get(`/api/compare${q({ a, b: 99999 })}`), 404, 'no_report', /99999/);
    });

    test('GET /api/compare/pairs: a region year on year, largest change first', async () => {
      const r = await ok(await get(`/api/compare/pairs${q({ parent: '示例市', year: 2024 })}`));
      assert.deepEqual([r.year, r.previous, r.only_previous, r.only_current], [2024, 2023, 0, 0]);
      assert.deepEqual(r.pairs.map((p: Json) => p.body).sort(), ['示例市云杉区人民政府', '示例市教育局', '示例市青禾区人民政府'].sort());
      const sizes = r.pairs.map((p: Json) => p.summary.abs_change);
      assert.deepEqual(sizes, [...sizes].sort((x: number, y: number) => y - x));
      for (const p of r.pairs) {
        assert.deepEqual([p.a.year, p.b.year], [2023, 2024]);
        const one = await ok(await get(`/api/compare${q({ a: p.a.id, b: p.b.id })}`));
        assert.deepEqual(p.summary, one.summary, 'same summary as the pair compared alone');
      }
      const latest = await ok(await get(`/api/compare/pairs${q({ parent: '示例市' })}`));
      assert.equal(latest.year, 2024, 'default: the latest year');
      // 洪泽区 renamed itself between 2023 and 2024: two bodies, no pair
      const hz = await ok(await get(`/api/compare/pairs${q({ region: '洪泽区', year: 2024 })}`));
      assert.deepEqual([hz.pairs.length, hz.only_previous, hz.only_current], [0, 1, 1]);
      const qh = await ok(await get(`/api/compare/pairs${q({ body: '青禾', year: 2022 })}`));
      assert.deepEqual([qh.pairs.length, qh.only_current], [0, 1], '2021 is missing');
      await fails(await get('/api/compare/pairs?year=abc'), 400, 'bad_param');
      await fails(await get('/api/compare/pairs?yaer=2024'), 400, 'unknown_param');
    });

    test('other methods are 405; page routes answer with the app shell', async () => {
      for (const p of ['/api/reports', '/api/bodies/1', '/api/compare', '/api/dashboard']) {
        const res = await app.request(p, { method: 'POST', headers: { origin: 'http://localhost' } });
        assert.equal(res.status, 405, p);
        assert.equal(res.headers.get('allow'), 'GET, HEAD');
      }
      for (const p of ['/corpus', '/bodies', '/body?id=1', '/report?id=1', '/dashboard', '/compare?a=1&b=2', '/batch']) {
        const res = await get(p);
        assert.equal(res.status, 200, p);
        assert.match(await res.text(), /<script type="module" src="\/app\.js"><\/script>/);
        assert.equal(res.headers.get('content-security-policy'), SECURITY_HEADERS['Content-Security-Policy']);
      }
    });
  });
}

test('without a store the corpus routes answer 503 in JSON', async () => {
  const app = createApp();
  for (const p of ['/api/corpus', '/api/reports', '/api/reports/1', '/api/bodies', '/api/bodies/1', '/api/dashboard', '/api/compare?a=1&b=2', '/api/compare/pairs']) {
    await fails(await app.request(p), 503, 'no_store', /npm start/);
  }
  assert.equal(((await (await app.request('/api/health')).json()) as Json).store, 'none');
});

// ---------------------------------------------------------------- npm start

interface Started {
  out: string;
  err: string;
  code: number | null;
  url: string | null;
  stop(): Promise<void>;
}

/** Starts `node dist/src/server/main.js ARGS` and waits for its address (or its exit). */
function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'server', 'main.js'), ...args], {
    env: { ...process.env, PORT: '0', DATABASE_URL: '', GONGKAI_DATA: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const s: Started = {
    out: '', err: '', code: null, url: null,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(s), 60_000);
    child.stdout.on('data', (d) => {
      s.out += d;
      const m = /running at (http:\/\/\S+)/.exec(s.out);
      if (m && !s.url) {
        s.url = m[1];
        clearTimeout(timer);
        resolve(s);
      }
    });
    child.stderr.on('data', (d) => (s.err += d));
    child.once('exit', (code) => {
      s.code = code;
      clearTimeout(timer);
      resolve(s);
    });
  });
}

describe('npm start with the store', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gk-start-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('first start loads the examples once and prints the address; the corpus is served', async () => {
    const data = join(tmp, 'data');
    const first = await start(['--data', data]);
    try {
      assert.ok(first.url, `no address: ${first.out} ${first.err}`);
      assert.match(first.out, /正在导入 18 份示例报告/);
      assert.match(first.out, /已导入 18 份，失败 0 份/);
      // no terminal: how to create the first administrator is printed, nothing is asked
      assert.match(first.out, /还没有管理员账户[^\n]*\n\s+npx gongkai user add --admin 用户名 --data /);
      const f = (await (await fetch(new URL('/api/corpus', first.url!))).json()) as Json;
      assert.equal(f.reports, 18);
      assert.equal(((await (await fetch(new URL('/api/health', first.url!))).json()) as Json).store, 'ready');
    } finally {
      await first.stop();
    }
    const again = await start(['--data', data]);
    try {
      assert.ok(again.url, again.err);
      assert.doesNotMatch(again.out, /示例报告/, 'not loaded twice');
      assert.equal(((await (await fetch(new URL('/api/corpus', again.url!))).json()) as Json).reports, 18);
    } finally {
      await again.stop();
    }
  });

  test('GONGKAI_EXAMPLES=0 starts with an empty corpus', async () => {
    const s = await start(['--data', join(tmp, 'empty')], { GONGKAI_EXAMPLES: '0' });
    try {
      assert.ok(s.url, s.err);
      assert.equal(((await (await fetch(new URL('/api/corpus', s.url!))).json()) as Json).reports, 0);
    } finally {
      await s.stop();
    }
  });

  test('a store that cannot be opened: a clear message, exit 2', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const notDir = await start(['--data', file]);
    assert.equal(notDir.code, 2);
    assert.equal(notDir.url, null);
    assert.match(notDir.err, /无法打开语料库 \/ cannot open the corpus store/);
    assert.match(notDir.err, /不是目录/);

    const foreign = join(tmp, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const notOurs = await start(['--data', foreign]);
    assert.equal(notOurs.code, 2);
    assert.match(notOurs.err, /不是 gongkai 的数据目录/);

    const badArg = await start(['--dta', foreign]);
    assert.equal(badArg.code, 2);
    assert.match(badArg.err, /未知参数 --dta/);

    const noServer = await start([], { DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none' });
    assert.equal(noServer.code, 2);
    assert.match(noServer.err, /无法连接 PostgreSQL/);
    assert.doesNotMatch(noServer.err, /nobody:x@/, 'password not printed');
  });
});

test('every corpus route is documented in web/openapi.json; the new web files never build DOM from strings', async () => {
  const { ROUTES } = await import('../src/server/routes.js');
  const CORPUS_API_PATHS = ROUTES.filter((r) => r.access.kind === 'public_site' && r.method === 'GET').map((r) => r.path);
  const app = createApp();
  const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, { get?: { responses: Record<string, unknown> } }> };
  for (const p of CORPUS_API_PATHS) {
    const path = p.replace(/:(\w+)/g, '{$1}');
    assert.ok(doc.paths[path]?.get, `documented: ${path}`);
    assert.ok(doc.paths[path].get!.responses['400'] || path === '/api/corpus', `400 documented: ${path}`);
  }
  for (const path of ['/pages/corpus.js', '/pages/bodies.js', '/pages/body.js', '/pages/report.js', '/pages/dashboard.js', '/pages/compare.js', '/pages/batch.js', '/lib/chart.js', '/lib/ui.js']) {
    const res = await app.request(path);
    assert.equal(res.status, 200, path);
    assert.doesNotMatch(await res.text(), /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|setAttribute\('on|style=/, path);
  }
});
