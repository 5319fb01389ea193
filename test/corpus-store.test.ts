// The corpus store: checks across years, exports (CSV, JSON Lines, XLSX read back) and aggregates
// against the database. PGlite in a temp dir always; PostgreSQL too when TEST_DATABASE_URL is set.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { openDb, type Db } from '../src/corpus/db.js';
import { storeReport } from '../src/corpus/ingest.js';
import { checkCorpus } from '../src/corpus/checks.js';
import { aggregate, cellPaths, exportText, exportXlsx } from '../src/corpus/export.js';
import { parseDocument } from '../src/parse.js';
import { generateReport, mulberry32 } from '../src/generate/report.js';
import { columnsOf, TEMPLATES } from '../src/template/index.js';
import type { Report, TemplateVersion } from '../src/types.js';
import { FIXTURES } from './helpers.js';

interface Backend { name: string; skip?: string; open(): Promise<Db>; cleanup(): Promise<void> }

function backends(): Backend[] {
  const dirs: string[] = [];
  const lite: Backend = {
    name: 'PGlite',
    async open() { const d = mkdtempSync(join(tmpdir(), 'gk-store-')); dirs.push(d); return openDb({ dataDir: d, url: '' }); },
    async cleanup() { for (const d of dirs) rmSync(d, { recursive: true, force: true }); },
  };
  const url = process.env.TEST_DATABASE_URL;
  const schemas: string[] = [];
  const server: Backend = {
    name: 'PostgreSQL',
    skip: url ? undefined : 'TEST_DATABASE_URL is not set: no PostgreSQL server to test against',
    async open() {
      const schema = `gk_test_${process.pid}_${schemas.length}_${Date.now() % 100000}`;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`create schema ${schema}`);
      await c.end();
      schemas.push(schema);
      const u = new URL(url!);
      u.searchParams.set('options', `-c search_path=${schema}`);
      return openDb({ url: u.toString() });
    },
    async cleanup() {
      if (!url || !schemas.length) return;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      for (const s of schemas) await c.query(`drop schema if exists ${s} cascade`);
      await c.end();
    },
  };
  return [lite, server];
}

async function generated(seed: number, version: TemplateVersion, patch: (r: Report) => void = () => undefined): Promise<Report> {
  const g = generateReport(mulberry32(seed), { version, size: 'medium' });
  const r = await parseDocument(Buffer.from(g.text), { path: `gen-${seed}.txt` });
  patch(r);
  return r;
}

const setCell = (r: Report, path: string, value: number) => {
  const [t, row, col] = path.split('.');
  const table = r.tables[t as keyof Report['tables']]!;
  table[row][col] = { value, status: 'read' };
};

/** Decided cell values of a report in the database: path → number (undecided → null). */
async function dbCells(db: Db, id: number): Promise<Map<string, number | null>> {
  const rows = await db.query<{ p: string; value: string | null; status: string }>(
    `select tbl || '.' || row_key || '.' || col_key as p, value, status from cells where report_id = $1`, [id]);
  return new Map(rows.map((r) => [r.p, r.value !== null && ['read', 'blank', 'inferred'].includes(r.status) ? Number(r.value) : null]));
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += ch;
  }
  return rows;
}

for (const be of backends()) {
  describe(`corpus store on ${be.name}`, { skip: be.skip }, () => {
    let db: Db;
    before(async () => { db = await be.open(); });
    after(async () => { await db?.close(); await be.cleanup(); });

    test('migrations are recorded and re-opening applies nothing twice', async () => {
      const m = await db.query<{ id: number }>('select id from schema_migrations');
      assert.ok(m.length >= 1);
      const tables = (await db.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = current_schema()`)).map((r) => r.t);
      for (const t of ['bodies', 'reports', 'cells', 'findings', 'facts', 'ingest_errors', 'ingest_queue', 'schema_migrations']) assert.ok(tables.includes(t), t);
    });

    test('real reports stored whole: cells, findings, facts, body', async () => {
      const name = 'seed001-chaoyang-2021';
      const r = await parseDocument(readFileSync(join(FIXTURES, 'corpus', 'input', `${name}.txt`)), { path: `${name}.txt` });
      assert.equal(await storeReport(db, r, `${name}.txt`, 't1'), 'stored');
      assert.equal(await storeReport(db, r, `${name}-copy.txt`, 't1'), 'skipped');
      const [row] = await db.query<{ id: number; n: number; f: number; x: number; body: string }>(
        `select r.id, (select count(*) from cells c where c.report_id = r.id)::int as n, (select count(*) from findings f where f.report_id = r.id)::int as f,
                (select count(*) from facts x where x.report_id = r.id)::int as x, b.name as body
         from reports r join bodies b on b.id = r.body_id where r.sha256 = $1`, [r.source.sha256]);
      let n = 0;
      for (const t of Object.values(r.tables)) for (const cols of Object.values(t ?? {})) n += Object.keys(cols).length;
      assert.equal(row.n, n);
      assert.equal(row.f, r.findings.length);
      assert.equal(row.x, r.narrative.facts.length);
      assert.equal(row.body, r.meta.agency);
      const cells = await dbCells(db, row.id);
      assert.equal(cells.get('requests.new_received.total'), 66);
    });

    test('carry continuity, in-force continuity, jumps, duplicates and missing years across a body\'s reports', async () => {
      const body = '测试市教育局';
      const meta = (year: number) => (r: Report) => { r.meta.agency = body; r.meta.year = year; };
      const a = await generated(11, '2021', (r) => {
        meta(2021)(r);
        setCell(r, 'requests.carried_forward.natural_person', 7);
        setCell(r, 'requests.new_received.total', 3);
        setCell(r, 'active.regulations.in_force', 10);
      });
      const b = await generated(12, '2021', (r) => {
        meta(2022)(r);
        setCell(r, 'requests.carried_over.natural_person', 5);
        setCell(r, 'requests.new_received.total', 300);
        setCell(r, 'active.regulations.in_force', 99);
        setCell(r, 'active.regulations.issued', 1);
        setCell(r, 'active.regulations.repealed', 0);
      });
      const c = await generated(13, '2021', meta(2024));
      // the same tables as c under other bytes
      const c2: Report = JSON.parse(JSON.stringify(c));
      c2.source.sha256 = 'f'.repeat(64);
      for (const r of [a, b, c, c2]) assert.equal(await storeReport(db, r, `${r.meta.year}-${r.source.sha256.slice(0, 6)}.txt`, 't1'), 'stored');
      const findings = (await checkCorpus(db)).filter((f) => f.body === body);
      const carry = findings.find((f) => f.rule === 'requests.carry_continuity');
      assert.ok(carry, JSON.stringify(findings));
      assert.equal(carry.severity, 'warning');
      assert.deepEqual(carry.years, [2021, 2022]);
      assert.ok(carry.cells.includes('requests.carried_over.natural_person'));
      const inForce = findings.find((f) => f.rule === 'active.in_force_continuity' && f.cells[0] === 'active.regulations.in_force');
      assert.equal(inForce?.severity, 'info');
      assert.ok(findings.some((f) => f.rule === 'corpus.implausible_jump' && f.severity === 'warning'));
      assert.ok(findings.some((f) => f.rule === 'corpus.year_missing' && f.years[0] === 2023 && f.severity === 'info'));
      assert.ok(findings.some((f) => f.rule === 'corpus.duplicate_report' && f.severity === 'warning'));
      assert.ok(findings.every((f) => / \/ /.test(f.message)), 'Chinese first, English after " / "');
    });

    describe('exports and aggregates', () => {
      const region = '测试省样例市';
      const reps: Report[] = [];
      before(async () => {
        for (let i = 0; i < 4; i++) {
          reps.push(await generated(100 + i, i < 3 ? '2021' : '2019', (r) => {
            r.meta.agency = `样例市第${i}局`;
            r.meta.region = region;
            r.meta.level = '部门';
            r.meta.year = i < 3 ? 2022 : 2020;
          }));
        }
        for (const r of reps) await storeReport(db, r, `agg-${r.meta.agency}.txt`, 't1');
      });

      test('CSV wide and JSON Lines (wide and long) match the database', async () => {
        let csv = '';
        const n = await exportText(db, { region }, 'csv', false, (s) => { csv += s; });
        assert.equal(n, 4);
        const [head, ...rows] = parseCsv(csv);
        assert.equal(rows.length, 4);
        const paths = cellPaths();
        for (const row of rows) {
          const id = Number(row[head.indexOf('report_id')]);
          const cells = await dbCells(db, id);
          for (const p of paths) {
            const v = row[head.indexOf(p)];
            assert.equal(v === '' ? null : Number(v), cells.get(p) ?? null, `${id} ${p}`);
          }
        }
        let jsonl = '';
        await exportText(db, { region, year: 2022 }, 'jsonl', false, (s) => { jsonl += s; });
        const objs = jsonl.trim().split('\n').map((l) => JSON.parse(l));
        assert.equal(objs.length, 3);
        for (const o of objs) {
          const cells = await dbCells(db, o.report_id);
          assert.deepEqual(new Map(Object.entries(o.cells)), cells);
        }
        let long = '';
        await exportText(db, { region, template: '2019' }, 'jsonl', true, (s) => { long += s; });
        const lrows = long.trim().split('\n').map((l) => JSON.parse(l));
        const [{ n: count }] = await db.query<{ n: number }>(
          `select count(*)::int as n from cells c join reports r on r.id = c.report_id join bodies b on b.id = r.body_id where b.region = $1 and r.template = '2019'`, [region]);
        assert.equal(lrows.length, count);
        assert.ok(lrows.every((r) => r.template === '2019' && r.region === region));
      });

      test('XLSX read back with exceljs: summary sheet and one template-shaped sheet per report', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'gk-xlsx-'));
        const file = join(dir, 'out.xlsx');
        assert.equal(await exportXlsx(db, { region }, file), 4);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(file);
        const summary = wb.worksheets[0];
        assert.equal(summary.rowCount, 5);
        const head = (summary.getRow(1).values as unknown[]).slice(1).map(String);
        for (let i = 2; i <= 5; i++) {
          const vals = (summary.getRow(i).values as unknown[]).slice(1);
          const id = Number(vals[head.indexOf('report_id')]);
          const template = String(vals[head.indexOf('template')]) as TemplateVersion;
          const ws = wb.getWorksheet(String(vals[head.indexOf('sheet')]))!;
          assert.ok(ws, 'sheet of the report');
          const cells = await dbCells(db, id);
          // walk the sheet like a reader: headings → table, header rows → column keys, labels → row keys
          const t = TEMPLATES[template];
          let table: (typeof t.tables)[keyof typeof t.tables] | undefined;
          let tk = '';
          let cols: string[] = [];
          let seen = 0;
          ws.eachRow((row) => {
            const v = (row.values as unknown[]).slice(1);
            const first = String(v[0] ?? '');
            const hit = (Object.entries(t.tables) as [string, typeof table][]).find(([, x]) => first === `${x!.headingNumber}、${x!.heading}`);
            if (hit) { [tk, table] = hit; return; }
            if (!table) return;
            const dataRow = table.rows.find((r) => !r.group && `${r.numbering ?? ''}${r.label}` === first);
            if (!dataRow) {
              const labels = v.slice(1).map(String);
              if (labels.length) cols = labels.map((l) => table!.rows.flatMap((r) => columnsOf(table!, r)).find((c) => c.label === l)?.key ?? '?');
              return;
            }
            cols.forEach((ck, k) => {
              const cell = v[k + 1];
              const expected = cells.get(`${tk}.${dataRow.key}.${ck}`);
              assert.equal(typeof cell === 'number' ? cell : null, expected ?? null, `${id} ${tk}.${dataRow.key}.${ck}`);
              seen++;
            });
          });
          assert.equal(seen, cells.size, `every cell of report ${id} on its sheet`);
        }
        rmSync(dir, { recursive: true, force: true });
      });

      test('aggregate: per-cell sums over the region\'s reports for a year, rules re-checked', async () => {
        const result = await aggregate(db, { year: 2022, region: '样例市' });
        assert.equal(result.length, 1);
        const [a] = result;
        assert.equal(a.template, '2021');
        assert.equal(a.reports, 3);
        for (const p of cellPaths(['2021'])) {
          let sum = 0, undecided = 0;
          for (const r of reps.slice(0, 3)) {
            const [t, row, col] = p.split('.');
            const c = r.tables[t as keyof Report['tables']]?.[row]?.[col];
            if (!c) continue;
            if (c.value !== null && ['read', 'blank', 'inferred'].includes(c.status)) sum += c.value; else undecided++;
          }
          if (p in a.sums) assert.ok(Math.abs(a.sums[p] - sum) < 1e-6, `${p}: ${a.sums[p]} ≠ ${sum}`);
          assert.equal(a.undecided[p] ?? 0, undecided, p);
        }
        // generated reports keep every rule, so their sums do too — unless a cell was undecided
        if (!Object.keys(a.undecided).length) assert.deepEqual(a.broken, []);
        // break one: the sum of a broken report breaks the rule on the sums
        const bad = await generated(200, '2021', (r) => {
          r.meta.agency = '样例市坏表局'; r.meta.region = region; r.meta.year = 2022;
          const c = r.tables.requests!.total.total;
          setCell(r, 'requests.total.total', (c.value ?? 0) + 5);
        });
        await storeReport(db, bad, 'bad.txt', 't1');
        const [b] = await aggregate(db, { year: 2022, region: '样例市' });
        assert.equal(b.reports, 4);
        assert.ok(b.broken.some((x) => x.rule === 'requests.row_total' && x.cells[0] === 'requests.total.total'), JSON.stringify(b.broken));
      });
    });
  });
}
