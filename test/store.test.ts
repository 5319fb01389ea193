// The corpus store: schema and migrations, refusing what is not ours, one report stored whole,
// the same bytes once, parser versions, bodies, checks across reports, aggregates.
// PGlite always; a PostgreSQL server too when TEST_DATABASE_URL is set.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, StoreError } from '../src/store/db.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../src/store/schema.js';
import { storeReport } from '../src/store/ingest.js';
import { cellCount, cellPaths, levelOfName, normaliseName, regionParts, bodyOf } from '../src/store/model.js';
import { compareVersions } from '../src/store/version.js';
import { checkCorpus } from '../src/store/checks.js';
import { aggregate } from '../src/store/aggregate.js';
import { bodyTimeline, reportsWithErrors } from '../src/store/export.js';
import { parseReport } from '../src/parse.js';
import { columnsOf, TEMPLATES } from '../src/template/index.js';
import type { Cell, Finding, Report, TemplateVersion } from '../src/types.js';
import { backends, BIN, INPUT, PG_URL as URL_, NO_PG } from './backends.js';


// ---------------------------------------------------------------- synthetic reports

/** A report of the template's shape: every cell read, 0 unless given. */
function makeReport(o: { agency: string | null; year: number; template?: TemplateVersion; cells?: Record<string, number | null>; findings?: Finding[]; salt?: string; region?: string | null; code?: string | null }): Report {
  const version = o.template ?? (o.year <= 2020 ? '2019' : '2021');
  const t = TEMPLATES[version];
  const tables: Report['tables'] = { active: {}, requests: {}, review_litigation: {} };
  let pos = 100;
  for (const tk of ['active', 'requests', 'review_litigation'] as const) {
    const def = t.tables[tk];
    for (const row of def.rows) {
      if (row.group) continue;
      const cols: Record<string, Cell> = {};
      for (const c of columnsOf(def, row)) {
        const path = `${tk}.${row.key}.${c.key}`;
        const v = o.cells && path in o.cells ? o.cells[path] : 0;
        cols[c.key] = v === null ? { value: null, status: 'ambiguous', candidates: [1, 11] } : { value: v, status: 'read', span: [pos, pos + String(v).length] };
        pos += 3;
      }
      tables[tk]![row.key] = cols;
    }
  }
  const body = { agency: o.agency, year: o.year, published: `${o.year + 1}-01-20`, template: version as Report['meta']['template'], region: o.region ?? null, division_code: o.code ?? null };
  const seed = JSON.stringify([o.agency, o.year, o.cells ?? {}, o.salt ?? '']);
  return {
    schema: 'gongkai/report@1',
    source: { path: null, sha256: createHash('sha256').update(seed).digest('hex'), format: 'text', encoding: 'utf-8' },
    meta: body,
    tables,
    narrative: { facts: [{ kind: 'requests_received', value: o.cells?.['requests.new_received.total'] ?? 0, unit: '件', span: [10, 20], cell: 'requests.new_received.total' }] },
    findings: o.findings ?? [],
  };
}

// ---------------------------------------------------------------- pure parts

test('bodies: normalised name, level and region from the name', () => {
  assert.equal(normaliseName(' 广州市番禺区 人民政府（办公室） '), '广州市番禺区人民政府(办公室)');
  assert.deepEqual(regionParts('广东省广州市番禺区'), ['广东省', '广州市', '番禺区']);
  assert.deepEqual(regionParts('青山市住房和城乡建设局'), ['青山市'], '城乡 is not a township');
  assert.deepEqual(regionParts('内蒙古自治区呼和浩特市人民政府'), ['内蒙古自治区', '呼和浩特市']);
  assert.deepEqual(regionParts('国家税务总局'), []);
  assert.equal(levelOfName('某某市教育局'), '部门');
  assert.equal(levelOfName('某某县人民政府'), '县');
  assert.equal(levelOfName('某某省人民政府'), '省');
  assert.equal(levelOfName('某某镇人民政府'), '乡镇');
  assert.equal(levelOfName('某某街道办事处'), '街道');
  const b = bodyOf({ agency: '澜禾市栖洲区教育局', year: 2021, published: null, template: '2021' })!;
  assert.deepEqual([b.level, b.region, b.region_parts], ['部门', '澜禾市栖洲区', ['澜禾市', '栖洲区']]);
  const p = bodyOf({ agency: '番禺区人民政府', year: 2021, published: null, template: '2021', level: '县', region: '广东省广州市番禺区', division_code: '440113' })!;
  assert.deepEqual([p.level, p.region, p.region_parts, p.division_code], ['县', '广东省广州市番禺区', ['广东省', '广州市', '番禺区'], '440113']);
});

test('parser versions compare part by part', () => {
  assert.ok(compareVersions('0.2.0', '0.10.0') < 0);
  assert.ok(compareVersions('1.0.0', '1.0.0-rc1') > 0);
  assert.ok(compareVersions('1.0', '1.0.1') < 0);
  assert.equal(compareVersions('0.1.0', '0.1.0'), 0);
  assert.ok(compareVersions('v2', 'v1') > 0);
});

// ---------------------------------------------------------------- per backend

for (const be of backends('store')) {
  describe(`store on ${be.name}`, { skip: be.skip }, () => {
    after(() => be.cleanup());

    test('migrations: applied once, recorded, every template cell numbered; reopening changes nothing', async () => {
      const o = await be.fresh();
      const db = await openDb({ ...o, create: true });
      try {
        const m = await db.query<{ id: number; name: string }>('select id, name from schema_migrations order by id');
        assert.deepEqual(m.map((r) => [Number(r.id), r.name]), MIGRATIONS.map((x) => [x.id, x.name]));
        const keys = await db.query<{ n: number }>('select count(*)::int as n from cell_keys');
        assert.equal(Number(keys[0].n), cellPaths().length);
        for (const t of ['bodies', 'reports', 'cells', 'findings', 'facts', 'report_paths', 'report_versions', 'ingest_errors', 'ingest_queue', 'originals', 'cells_v']) {
          await db.query(`select * from ${t} limit 0`);
        }
      } finally {
        await db.close();
      }
      const again = await openDb(o);
      try {
        const m = await again.query<{ n: number }>('select count(*)::int as n from schema_migrations');
        assert.equal(Number(m[0].n), MIGRATIONS.length); // ids may have gaps (4 accounts before 3 register)
      } finally {
        await again.close();
      }
    });

    test('a missing corpus is an error for readers (nothing is created)', async () => {
      const o = await be.fresh();
      await assert.rejects(openDb(o), (e: unknown) => e instanceof StoreError && e.code === 'missing');
      const r = spawnSync(process.execPath, [BIN, 'export', '--format', 'csv', ...be.args(o)], { env: { ...process.env, ...be.env(o) }, encoding: 'utf8' });
      assert.equal(r.status, 2);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /没有语料库|还没有语料库/);
    });

    test('one report stored whole: cells, findings, facts, body, JSON; the same bytes once', async () => {
      const o = await be.fresh();
      const db = await openDb({ ...o, create: true });
      try {
        for (const f of readdirSync(INPUT).sort()) {
          const report = parseReport(readFileSync(join(INPUT, f)), { path: join(INPUT, f) });
          assert.equal(await storeReport(db, report, { path: join(INPUT, f), parserVersion: '1.0.0' }), 'stored', f);
          assert.equal(await storeReport(db, report, { path: join(INPUT, f), parserVersion: '1.0.0' }), 'skipped', `${f} twice`);
          const [row] = await db.query<{ id: number; cells: number; findings: number; facts: number; cell_count: number; report: unknown; body: string | null; errors: number }>(
            `select r.id, r.cell_count, r.report, b.name as body, r.errors,
                    (select count(*)::int from cells c where c.report_id = r.id) as cells,
                    (select count(*)::int from findings x where x.report_id = r.id) as findings,
                    (select count(*)::int from facts x where x.report_id = r.id) as facts
             from reports r left join bodies b on b.id = r.body_id where r.sha256 = $1`, [report.source.sha256]);
          assert.equal(Number(row.cells), cellCount(report), `${f}: every cell`);
          assert.equal(Number(row.cell_count), cellCount(report));
          assert.equal(Number(row.findings), report.findings.length);
          assert.equal(Number(row.facts), report.narrative.facts.length);
          assert.equal(Number(row.errors), report.findings.filter((x) => x.severity === 'error').length);
          assert.equal(row.body, report.meta.agency);
          const json = typeof row.report === 'string' ? JSON.parse(row.report) : row.report;
          assert.deepEqual(json, JSON.parse(JSON.stringify({ ...report, text: undefined })));
        }
        const [{ n }] = await db.query<{ n: number }>('select count(*)::int as n from reports');
        assert.equal(Number(n), readdirSync(INPUT).length);
        // cells_v spells the cells out again
        const chaoyang = parseReport(readFileSync(join(INPUT, 'seed001-chaoyang-2021.txt')));
        const v = await db.query<{ status: string; value: string }>(
          `select v.status, v.value from cells_v v join reports r on r.id = v.report_id where r.sha256 = $1 and v.path = 'requests.new_received.natural_person'`, [chaoyang.source.sha256]);
        assert.equal(v[0].status, chaoyang.tables.requests!.new_received.natural_person.status);
        assert.equal(Number(v[0].value), chaoyang.tables.requests!.new_received.natural_person.value);
      } finally {
        await db.close();
      }
    });

    test('awkward text goes in as it is: tabs, newlines, backslashes, quotes and braces in findings, facts, cells, paths', async () => {
      // on PGlite the rows travel as COPY text (copy.ts), on a server as unnest() arrays
      const o = await be.fresh();
      const db = await openDb({ ...o, create: true });
      const odd = 'a\tb\nc\\d"e{f,g}\r\\N 丙';
      try {
        const r = makeReport({ agency: '汀禾市栖渚区人民政府', year: 2022, cells: { 'requests.new_received.total': null },
          findings: [{ rule: 'x.odd', severity: 'error', message: odd, cells: ['requests.total.total', odd], span: [1, 2] }] });
        r.narrative.facts[0].text = odd;
        const path = `/tmp/报告\t${odd}.txt`;
        assert.equal(await storeReport(db, r, { path }), 'stored');
        const [f] = await db.query<{ message: string; cells: string[] }>('select message, cells from findings');
        assert.equal(f.message, odd);
        assert.deepEqual(f.cells, ['requests.total.total', odd]);
        const [x] = await db.query<{ text: string }>('select text from facts');
        assert.equal(x.text, odd);
        const [c] = await db.query<{ candidates: string[]; status: string }>(
          `select c.candidates::text[] as candidates, c.status from cells c join cell_keys k on k.id = c.cell where k.path = 'requests.new_received.total'`);
        assert.deepEqual([c.status, c.candidates.map(Number)], ['a', [1, 11]]);
        const [p] = await db.query<{ path: string; report: unknown }>('select path, report from reports');
        assert.equal(p.path, path);
        const json = typeof p.report === 'string' ? JSON.parse(p.report) : p.report;
        assert.equal((json as Report).findings[0].message, odd);
      } finally {
        await db.close();
      }
    });

    test('a newer parser version replaces in place and keeps the old JSON; an older one does not', async () => {
      const o = await be.fresh();
      const db = await openDb({ ...o, create: true });
      try {
        const r = makeReport({ agency: '澜禾市教育局', year: 2021, cells: { 'requests.new_received.natural_person': 3, 'requests.new_received.total': 3 } });
        assert.equal(await storeReport(db, r, { parserVersion: '1.0.0' }), 'stored');
        const [{ id }] = await db.query<{ id: number }>('select id from reports');
        const r2 = structuredClone(r);
        r2.tables.requests!.new_received.natural_person.value = 4;
        r2.findings = [{ rule: 'x.y', severity: 'error', message: '测试 / test', cells: [] }];
        assert.equal(await storeReport(db, r2, { parserVersion: '1.1.0' }), 'replaced');
        assert.equal(await storeReport(db, r, { parserVersion: '1.0.5' }), 'skipped', 'an older parser never replaces a newer one');
        const rows = await db.query<{ id: number; parser_version: string; errors: number }>('select id, parser_version, errors from reports');
        assert.deepEqual(rows.map((x) => [Number(x.id), x.parser_version, Number(x.errors)]), [[Number(id), '1.1.0', 1]]);
        const old = await db.query<{ report_id: number; parser_version: string; replaced_by_version: string; report: unknown }>('select report_id, parser_version, replaced_by_version, report from report_versions');
        assert.equal(old.length, 1);
        assert.deepEqual([Number(old[0].report_id), old[0].parser_version, old[0].replaced_by_version], [Number(id), '1.0.0', '1.1.0']);
        const oldJson = (typeof old[0].report === 'string' ? JSON.parse(old[0].report) : old[0].report) as Report;
        assert.equal(oldJson.tables.requests!.new_received.natural_person.value, 3);
        const [{ cells, v }] = await db.query<{ cells: number; v: string }>(
          `select count(*)::int as cells, max(value) filter (where path = 'requests.new_received.natural_person') as v from cells_v where report_id = $1`, [id]);
        assert.equal(Number(cells), cellCount(r2));
        assert.equal(Number(v), 4);
        assert.deepEqual((await reportsWithErrors(db)).map((x) => x.id), [Number(id)]);
      } finally {
        await db.close();
      }
    });

    test('checks across reports: carry-over, in-force and items continuity, jumps, duplicates, several reports, missing years', async () => {
      const o = await be.fresh();
      const db = await openDb({ ...o, create: true });
      try {
        const A = '岚屿市栖渚区人民政府';
        // 2020 (2019 template) carried forward 5 natural persons; 2021 says 4 were carried over
        await storeReport(db, makeReport({ agency: A, year: 2020, cells: { 'requests.carried_forward.natural_person': 5, 'requests.carried_forward.total': 5, 'requests.new_received.total': 8 } }));
        await storeReport(db, makeReport({ agency: A, year: 2021, cells: { 'requests.carried_over.natural_person': 4, 'requests.carried_over.total': 5, 'requests.new_received.total': 9 } }));
        // nothing for 2022; 2023 → 2024: in force 10 + 2 − 1 ≠ 12
        await storeReport(db, makeReport({ agency: A, year: 2023, cells: { 'active.regulations.in_force': 10 } }));
        await storeReport(db, makeReport({ agency: A, year: 2024, cells: { 'active.regulations.in_force': 12, 'active.regulations.issued': 2, 'active.regulations.repealed': 1 } }));
        // a jump ×100
        const B = '岚屿市栖渚区教育局';
        await storeReport(db, makeReport({ agency: B, year: 2021, cells: { 'requests.new_received.total': 5 } }));
        await storeReport(db, makeReport({ agency: B, year: 2022, cells: { 'requests.new_received.total': 500 } }));
        // the same tables filed twice under different bytes
        const C = '岚屿市栖渚区民政局';
        const cells = { 'requests.new_received.natural_person': 7, 'requests.new_received.total': 7, 'requests.granted.natural_person': 7, 'requests.granted.total': 7, 'requests.total.total': 7 };
        await storeReport(db, makeReport({ agency: C, year: 2021, cells }), { path: 'c-2021.html' });
        await storeReport(db, makeReport({ agency: C, year: 2021, cells, salt: 're-saved' }), { path: 'c-2021 (1).pdf' });
        // 2019 template items: prev 2020 (6) ≠ prev 2019 (4) + change 2019 (1)
        const D = '岚屿市栖渚区公安局';
        await storeReport(db, makeReport({ agency: D, year: 2019, cells: { 'active.licensing.prev_items': 4, 'active.licensing.change': 1 } }));
        await storeReport(db, makeReport({ agency: D, year: 2020, cells: { 'active.licensing.prev_items': 6 } }));
        // consistent body: nothing to say
        const E = '岚屿市栖渚区财政局';
        await storeReport(db, makeReport({ agency: E, year: 2021, cells: { 'requests.carried_forward.total': 2, 'active.normative_documents.in_force': 3 } }));
        await storeReport(db, makeReport({ agency: E, year: 2022, cells: { 'requests.carried_over.total': 2, 'active.normative_documents.in_force': 4, 'active.normative_documents.issued': 1 } }));

        const found = await checkCorpus(db);
        const by = (rule: string) => found.filter((f) => f.rule === rule);
        const carry = by('requests.carry_continuity');
        assert.equal(carry.length, 1);
        assert.equal(carry[0].severity, 'warning');
        assert.deepEqual([carry[0].body, carry[0].years, carry[0].cells], [A, [2020, 2021], ['requests.carried_over.natural_person']]);
        assert.match(carry[0].message, /^岚屿市栖渚区人民政府：2021年“上年结转政府信息公开申请数量”与2020年“结转下年度继续办理”不一致（自然人 4 ≠ 5） \/ .*carried over/);
        const inForce = by('active.in_force_continuity');
        assert.deepEqual(inForce.map((f) => [f.body, f.years, f.severity]), [[A, [2023, 2024], 'info']]);
        const items = by('active.items_continuity');
        assert.deepEqual(items.map((f) => [f.body, f.years, f.cells]), [[D, [2019, 2020], ['active.licensing.prev_items']]]);
        const jump = by('corpus.implausible_jump');
        assert.deepEqual(jump.map((f) => [f.body, f.years, f.severity]), [[B, [2021, 2022], 'warning']]);
        const dup = by('corpus.duplicate_report');
        assert.equal(dup.length, 1);
        assert.deepEqual(dup[0].paths, ['c-2021.html', 'c-2021 (1).pdf']);
        assert.equal(dup[0].severity, 'warning');
        assert.deepEqual(by('corpus.several_reports').map((f) => [f.body, f.years]), [[C, [2021]]]);
        assert.deepEqual(by('corpus.year_missing').map((f) => [f.body, f.years, f.severity]), [[A, [2022], 'info']]);
        assert.ok(!found.some((f) => f.body === E), 'a consistent body has no findings');
        for (const f of found) {
          const parts = f.message.split(' / ');
          assert.ok(parts.length >= 2 && /[\u4e00-\u9fff]/.test(parts[0]) && /[A-Za-z]{3}/.test(parts[parts.length - 1]), `Chinese first, English after " / ": ${f.message}`);
        }

        // one body's checks (its page) are exactly the whole corpus's findings about it
        for (const name of [A, C, E]) {
          const [{ id }] = await db.query<{ id: number }>('select id from bodies where name = $1', [name]);
          const key = (f: { rule: string; years: number[]; report_ids: number[] }) => `${f.rule}:${f.years}:${f.report_ids}`;
          const mine = (await checkCorpus(db, { bodyId: Number(id) })).map(key).sort();
          assert.deepEqual(mine, found.filter((f) => f.body === name).map(key).sort(), name);
        }
        // a body's timeline is one query
        const [{ id: bodyA }] = await db.query<{ id: number }>('select id from bodies where name = $1', [A]);
        const tl = await bodyTimeline(db, Number(bodyA));
        assert.deepEqual([...new Set(tl.map((x) => x.year))], [2020, 2021, 2023, 2024]);
      } finally {
        await db.close();
      }
      {
        // the CLI lists them and exits 1 (warnings)
        const r = spawnSync(process.execPath, [BIN, 'check', '--corpus', ...be.args(o)], { env: { ...process.env, ...be.env(o) }, encoding: 'utf8' });
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout, /^警告 warning {2}requests\.carry_continuity {2}岚屿市栖渚区人民政府：/m);
        assert.match(r.stdout, /^提示 info {2}corpus\.year_missing/m);
        assert.match(r.stdout, /共 \d+ 项，其中警告或错误 3 项 \/ \d+ finding\(s\), 3 warning\(s\) or error\(s\)/);
      }
    });

    test('check --corpus exits 0 when there is nothing worse than info', async () => {
      const o = await be.fresh();
      const db = await openDb({ ...o, create: true });
      try {
        await storeReport(db, makeReport({ agency: '汀禾市人民政府', year: 2021 }));
        await storeReport(db, makeReport({ agency: '汀禾市人民政府', year: 2023 }));
      } finally {
        await db.close();
      }
      const r = spawnSync(process.execPath, [BIN, 'check', '--corpus', ...be.args(o)], { env: { ...process.env, ...be.env(o) }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /corpus\.year_missing/);
    });

    test('aggregate: per-cell sums of a region for a year, rules re-checked on the sums', async () => {
      const o = await be.fresh();
      const db = await openDb({ ...o, create: true });
      try {
        // two consistent reports in 澜汐市栖洲区, one in another district of the same city, one in another year
        const ok = (n: number) => ({
          'requests.new_received.natural_person': n, 'requests.new_received.total': n,
          'requests.granted.natural_person': n, 'requests.granted.total': n, 'requests.total.natural_person': n, 'requests.total.total': n,
        });
        await storeReport(db, makeReport({ agency: '澜汐市栖洲区教育局', year: 2022, cells: ok(3) }));
        await storeReport(db, makeReport({ agency: '澜汐市栖洲区民政局', year: 2022, cells: ok(4) }));
        await storeReport(db, makeReport({ agency: '澜汐市澄洲区民政局', year: 2022, cells: ok(10) }));
        await storeReport(db, makeReport({ agency: '澜汐市栖洲区教育局', year: 2023, cells: ok(100) }));
        const [a] = await aggregate(db, { year: 2022, region: '栖洲区' });
        assert.equal(a.template, '2021');
        assert.equal(a.reports, 2);
        assert.equal(a.sums['requests.new_received.total'], 7);
        assert.equal(a.sums['requests.granted.natural_person'], 7);
        assert.deepEqual(a.rules.filter((r) => r.status !== 'holds'), [], 'every rule holds on consistent sums');
        assert.equal(a.rules.length, TEMPLATES['2021'].rules.length);
        const [city] = await aggregate(db, { year: 2022, parent: '澜汐市' });
        assert.equal(city.reports, 3);
        assert.equal(city.sums['requests.total.total'], 17);
        // an inconsistent report breaks a rule on the sums; an ambiguous cell leaves its rules undecided
        await storeReport(db, makeReport({ agency: '澜汐市栖洲区公安局', year: 2022, cells: { 'requests.new_received.total': 5 } }));
        await storeReport(db, makeReport({ agency: '澜汐市栖洲区财政局', year: 2022, cells: { 'review_litigation.review.total': null } }));
        const [b] = await aggregate(db, { year: 2022, region: '澜汐市栖洲区' });
        assert.equal(b.reports, 4);
        const broken = b.rules.filter((r) => r.status === 'broken');
        assert.ok(broken.some((r) => r.id === 'requests.row_total' && r.cells.includes('requests.new_received.total')), 'row total broken');
        assert.ok(broken.some((r) => r.id === 'requests.balance'), 'balance broken');
        assert.equal(b.undecided['review_litigation.review.total'], 1);
        assert.deepEqual(b.rules.filter((r) => r.status === 'undecided').map((r) => r.id), ['review_litigation.group_total']);
      } finally {
        await db.close();
      }
      {
        // the CLI: one of --region / --parent
        const env = { ...process.env, ...be.env(o) };
        const cli = spawnSync(process.execPath, [BIN, 'aggregate', '--year', '2022', '--region', '栖洲区', '--json', ...be.args(o)], { env, encoding: 'utf8' });
        assert.equal(cli.status, 0, cli.stderr);
        assert.equal(JSON.parse(cli.stdout)[0].sums['requests.new_received.total'], 12);
        const text = spawnSync(process.execPath, [BIN, 'aggregate', '--year', '2022', '--parent', '澜汐市', ...be.args(o)], { env, encoding: 'utf8' });
        assert.equal(text.status, 0, text.stderr);
        assert.match(text.stdout, /三、收到和处理政府信息公开申请情况/);
        assert.match(text.stdout, /一、本年新收政府信息公开申请数量\t/);
        assert.match(text.stdout, /不成立 broken: requests\.balance/);
        const bad = spawnSync(process.execPath, [BIN, 'aggregate', '--year', '2022', ...be.args(o)], { env, encoding: 'utf8' });
        assert.equal(bad.status, 2);
        assert.equal(bad.stderr.trim().split('\n').length, 1);
      }
    });

    test('aggregate --parent-body: the body, the departments of its region and every body below it', async () => {
      const o = await be.fresh();
      const db = await openDb({ ...o, create: true });
      const n = (k: number) => ({ 'requests.new_received.natural_person': k, 'requests.new_received.total': k });
      // under 澜汐市栖洲区人民政府: itself (1), two of its departments (2, 4), a street of the district (8)
      // not under it: the city government and a city department (16, 32), another district (64), another year (128)
      const reports: [string, number, number][] = [
        ['澜汐市栖洲区人民政府', 2022, 1], ['澜汐市栖洲区教育局', 2022, 2], ['澜汐市栖洲区民政局', 2022, 4], ['澜汐市栖洲区霁渚街道办事处', 2022, 8],
        ['澜汐市人民政府', 2022, 16], ['澜汐市教育局', 2022, 32], ['澜汐市澄洲区人民政府', 2022, 64], ['澜汐市栖洲区教育局', 2023, 128],
      ];
      try {
        for (const [agency, year, k] of reports) await storeReport(db, makeReport({ agency, year, cells: n(k) }));
        const [a] = await aggregate(db, { year: 2022, parentBody: '澜汐市栖洲区人民政府' });
        assert.equal(a.reports, 4);
        assert.equal(a.sums['requests.new_received.total'], 1 + 2 + 4 + 8);
        assert.equal(a.parent_body?.name, '澜汐市栖洲区人民政府');
        assert.deepEqual(a.parent_body?.region_parts, ['澜汐市', '栖洲区']);
        // a part of the name that ends one government body's name is enough; its 办公室 does not make it ambiguous
        await storeReport(db, makeReport({ agency: '澜汐市栖洲区人民政府办公室', year: 2021, cells: n(256) }));
        const [b] = await aggregate(db, { year: 2022, parentBody: '栖洲区人民政府' });
        assert.equal(b.sums['requests.new_received.total'], 15);
        // the city government: everything of the city that year
        const [city] = await aggregate(db, { year: 2022, parentBody: '澜汐市人民政府' });
        assert.equal(city.sums['requests.new_received.total'], 127);
        // refused: a department, an unknown body, a part naming several governments
        await assert.rejects(aggregate(db, { year: 2022, parentBody: '澜汐市栖洲区教育局' }), (e: unknown) => e instanceof StoreError && /是部门/.test(e.message));
        await assert.rejects(aggregate(db, { year: 2022, parentBody: '汀禾市人民政府' }), (e: unknown) => e instanceof StoreError && /没有名为/.test(e.message));
        await assert.rejects(aggregate(db, { year: 2022, parentBody: '洲区人民政府' }), (e: unknown) => e instanceof StoreError && /对应多个机关：澜汐市栖洲区人民政府、澜汐市澄洲区人民政府|对应多个机关：澜汐市澄洲区人民政府、澜汐市栖洲区人民政府/.test(e.message));
      } finally {
        await db.close();
      }
      const env = { ...process.env, ...be.env(o) };
      const cli = spawnSync(process.execPath, [BIN, 'aggregate', '--year', '2022', '--parent-body', '澜汐市栖洲区人民政府', ...be.args(o)], { env, encoding: 'utf8' });
      assert.equal(cli.status, 0, cli.stderr);
      assert.match(cli.stdout, /^澜汐市栖洲区人民政府及其下属机关（澜汐市栖洲区） 2022年合计 \/ sums for 2022 — 模板 template 2021：4 份报告 reports，4 个机关 bodies/);
      const dept = spawnSync(process.execPath, [BIN, 'aggregate', '--year', '2022', '--parent-body', '澜汐市教育局', ...be.args(o)], { env, encoding: 'utf8' });
      assert.equal(dept.status, 2);
      assert.equal(dept.stderr.trim().split('\n').length, 1);
      assert.match(dept.stderr, /是部门.* \/ .*department/);
      const two = spawnSync(process.execPath, [BIN, 'aggregate', '--year', '2022', '--parent-body', 'X', '--parent', '澜汐市', ...be.args(o)], { env, encoding: 'utf8' });
      assert.equal(two.status, 2);
    });
  });
}

// ---------------------------------------------------------------- what is not ours

describe('refusing what is not ours', () => {
  const root = mkdtempSync(join(tmpdir(), 'gk-notours-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a non-empty folder without our marker is left untouched (exit 2, one line)', async () => {
    const dir = join(root, 'notes');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.docx'), 'precious');
    await assert.rejects(openDb({ dataDir: dir, url: '', create: true }), (e: unknown) => e instanceof StoreError && e.code === 'not_ours');
    const r = spawnSync(process.execPath, [BIN, 'ingest', INPUT, '--data', dir], { env: { ...process.env, DATABASE_URL: '' }, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /不是 gongkai 的数据目录/);
    assert.deepEqual(readdirSync(dir), ['thesis.docx']);
    assert.equal(readFileSync(join(dir, 'thesis.docx'), 'utf8'), 'precious');
  });

  test('a file, a newer layout, a directory in use', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await assert.rejects(openDb({ dataDir: file, url: '', create: true }), (e: unknown) => e instanceof StoreError && e.code === 'not_ours');
    const newer = join(root, 'newer');
    mkdirSync(newer);
    writeFileSync(join(newer, 'gongkai.json'), JSON.stringify({ format: 'gongkai-corpus', layout: 99 }));
    await assert.rejects(openDb({ dataDir: newer, url: '', create: true }), (e: unknown) => e instanceof StoreError && e.code === 'newer');
    const dir = join(root, 'busy');
    const db = await openDb({ dataDir: dir, url: '', create: true });
    try {
      const r = spawnSync(process.execPath, [BIN, 'check', '--corpus', '--data', dir], { env: { ...process.env, DATABASE_URL: '' }, encoding: 'utf8' });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /正被进程 \d+ 使用/);
    } finally {
      await db.close();
    }
    // closed: free again (and a lock left by a killed process is taken over)
    writeFileSync(join(dir, 'lock'), '999999999');
    const again = await openDb({ dataDir: dir, url: '' });
    await again.close();
  });

  test('a PostgreSQL schema with other tables, or from a newer gongkai', { skip: NO_PG }, async () => {
    const c = new pg.Client({ connectionString: URL_ });
    await c.connect();
    const s1 = `gk_foreign_${process.pid}`, s2 = `gk_newer_${process.pid}`;
    try {
      await c.query(`drop schema if exists ${s1} cascade; create schema ${s1}; create table ${s1}.reports (x int); insert into ${s1}.reports values (1)`);
      await assert.rejects(openDb({ url: URL_, schema: s1, create: true }), (e: unknown) => e instanceof StoreError && e.code === 'not_ours');
      assert.equal((await c.query(`select count(*)::int as n from ${s1}.reports`)).rows[0].n, 1, 'their table is untouched');
      const db = await openDb({ url: URL_, schema: s2, create: true });
      await db.query('insert into schema_migrations (id, name) values ($1, $2)', [SCHEMA_VERSION + 1, 'from-the-future']);
      await db.close();
      await assert.rejects(openDb({ url: URL_, schema: s2 }), (e: unknown) => e instanceof StoreError && e.code === 'newer');
    } finally {
      await c.query(`drop schema if exists ${s1} cascade; drop schema if exists ${s2} cascade`);
      await c.end();
    }
  });
});

