// Exports of the stored corpus: CSV and JSON Lines, wide and long, filtered; XLSX read back with
// exceljs, its numbers compared with the database. PGlite always; PostgreSQL with TEST_DATABASE_URL.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openDb, type Db, type OpenOptions } from '../src/store/db.js';
import { cellPaths } from '../src/store/model.js';
import { collectPaths, ingest, storeReport } from '../src/store/ingest.js';
import { META_COLUMNS, LONG_COLUMNS } from '../src/store/export.js';
import { columnsOf, TEMPLATES } from '../src/template/index.js';
import type { Cell, Report } from '../src/types.js';
import { writeBenchReports, benchBody } from '../bench/store.js';
import { backends, BIN, INPUT } from './backends.js';


/** RFC 4180 CSV. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else if (ch !== '\r') cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** A report with an error finding and an ambiguous cell (the parser's own shape). */
function reportWithErrors(): Report {
  const t = TEMPLATES['2021'];
  const tables: Report['tables'] = { active: {}, requests: {}, review_litigation: {} };
  for (const tk of ['active', 'requests', 'review_litigation'] as const) {
    for (const row of t.tables[tk].rows.filter((r) => !r.group)) {
      const cols: Record<string, Cell> = {};
      for (const c of columnsOf(t.tables[tk], row)) cols[c.key] = { value: 1, status: 'read' };
      tables[tk]![row.key] = cols;
    }
  }
  tables.requests!.granted.research = { value: null, status: 'ambiguous', candidates: [6, 62] };
  return {
    schema: 'gongkai/report@1',
    source: { path: 'broken-sums.txt', sha256: createHash('sha256').update('broken-sums').digest('hex'), format: 'text', encoding: 'utf-8' },
    meta: { agency: '琅沐市财政局', year: 2022, published: '2023-01-31', template: '2021' },
    tables,
    narrative: { facts: [] },
    findings: [{ rule: 'requests.row_total', severity: 'error', message: '总计不等于各列之和 / total ≠ sum', cells: ['requests.new_received.total'] }],
  };
}


interface DbCell { report_id: number; path: string; value: number | null; status: string }

async function dbCells(db: Db): Promise<Map<number, Map<string, DbCell>>> {
  const rows = await db.query<{ report_id: number; path: string; value: string | null; status: string }>('select report_id, path, value, status from cells_v');
  const out = new Map<number, Map<string, DbCell>>();
  for (const r of rows) {
    const id = Number(r.report_id);
    if (!out.has(id)) out.set(id, new Map());
    out.get(id)!.set(r.path, { report_id: id, path: r.path, value: r.value === null ? null : Number(r.value), status: r.status });
  }
  return out;
}

const decided = (c: DbCell | undefined) => (c && c.value !== null && ['read', 'blank', 'inferred'].includes(c.status) ? c.value : null);

for (const be of backends('export')) {
  describe(`export on ${be.name}`, { skip: be.skip }, () => {
    const work = mkdtempSync(join(tmpdir(), 'gk-export-in-'));
    let o: OpenOptions;
    let cells: Map<number, Map<string, DbCell>>;
    let reports: { id: number; year: number; template: string; body: string | null; region: string | null; errors: number; path: string }[];
    const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, ...be.args(o)], { env: { ...process.env, ...be.env(o) }, encoding: 'utf8', maxBuffer: 64 << 20 });

    before(async () => {
      o = await be.fresh();
      writeBenchReports(join(work, 'gen'), 36, 23); // 6 bodies × 2019–2024
      const db = await openDb({ ...o, create: true });
      try {
        const s = await ingest(db, collectPaths([INPUT, join(work, 'gen')]).files, { workers: 2 });
        assert.equal(s.failed.length, 0);
        await storeReport(db, reportWithErrors());
        cells = await dbCells(db);
        reports = (await db.query<{ id: number; year: number; template: string; body: string | null; region: string | null; errors: number; path: string }>(
          'select r.id, r.year::int as year, r.template, b.name as body, b.region, r.errors, r.path from reports r left join bodies b on b.id = r.body_id order by r.id'))
          .map((r) => ({ ...r, id: Number(r.id), year: Number(r.year), errors: Number(r.errors) }));
      } finally {
        await db.close();
      }
    });
    after(async () => {
      rmSync(work, { recursive: true, force: true });
      await be.cleanup();
    });

    test('CSV wide: one row per report, one column per cell path, the numbers of the database', () => {
      const r = cli('export', '--format', 'csv');
      assert.equal(r.status, 0, r.stderr);
      const [header, ...rows] = parseCsv(r.stdout);
      assert.deepEqual(header, [...META_COLUMNS, 'undecided', ...cellPaths()]);
      assert.equal(rows.length, reports.length);
      const first = META_COLUMNS.length + 1;
      for (const row of rows) {
        const id = Number(row[0]);
        const m = cells.get(id) ?? new Map();
        header.slice(first).forEach((path, k) => {
          const want = decided(m.get(path));
          assert.equal(row[first + k], want === null ? '' : String(want), `report ${id} ${path}`);
        });
        const undecided = [...m.values()].filter((c) => decided(c) === null).length;
        assert.equal(Number(row[META_COLUMNS.length]), undecided);
      }
      const e = rows.find((x) => x[1] === '琅沐市财政局')!;
      assert.equal(e[header.indexOf('requests.granted.research')], '', 'an ambiguous cell is empty in the wide form');
      assert.equal(e[header.indexOf('errors')], '1');
    });

    test('CSV long and JSON Lines: one row per cell with its status; wide JSON per report', () => {
      const total = [...cells.values()].reduce((s, m) => s + m.size, 0);
      const long = cli('export', '--format', 'csv', '--long');
      const [header, ...rows] = parseCsv(long.stdout);
      assert.deepEqual(header, [...LONG_COLUMNS]);
      assert.equal(rows.length, total);
      for (const row of rows) {
        const c = cells.get(Number(row[0]))!.get(row[5])!;
        assert.equal(row[10], c.status);
        assert.equal(row[9], c.value === null ? '' : String(c.value));
      }
      assert.ok(rows.some((r) => r[10] === 'ambiguous' && r[11] === '6|62'), 'candidates listed');
      const jl = cli('export', '--format', 'jsonl', '--long').stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(jl.length, total);
      const wide = cli('export', '--format', 'jsonl').stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(wide.length, reports.length);
      for (const w of wide) {
        const m = cells.get(w.report_id)!;
        assert.equal(Object.keys(w.cells).length, m?.size ?? 0);
        for (const [path, v] of Object.entries(w.cells)) assert.equal(v, decided(m.get(path)));
      }
    });

    test('filters: year, template, body, region, parent, level, has-errors; to a file', () => {
      const ids = (args: string[]) => parseCsv(cli('export', '--format', 'csv', ...args).stdout).slice(1).map((r) => Number(r[0])).sort((a, b) => a - b);
      const want = (f: (r: (typeof reports)[number]) => boolean) => reports.filter(f).map((r) => r.id).sort((a, b) => a - b);
      assert.deepEqual(ids(['--year', '2021']), want((r) => r.year === 2021));
      assert.deepEqual(ids(['--template', '2019']), want((r) => r.template === '2019'));
      const t19 = parseCsv(cli('export', '--format', 'csv', '--template', '2019').stdout)[0];
      assert.deepEqual(t19.slice(META_COLUMNS.length + 1), cellPaths(['2019']), 'the template\'s own columns');
      assert.deepEqual(ids(['--body', '教育局']), want((r) => !!r.body?.includes('教育局')));
      assert.ok(ids(['--body', '教育局']).length >= 6);
      const b0 = benchBody(0);
      assert.deepEqual(ids(['--region', b0.district]), want((r) => !!r.body?.startsWith(b0.city + b0.district)));
      assert.deepEqual(ids(['--parent', b0.city]), want((r) => !!r.body?.startsWith(b0.city)));
      assert.deepEqual(ids(['--level', '部门', '--year', '2024']), want((r) => r.year === 2024 && !!r.body && /局|办公室$/.test(r.body) && !/人民政府$/.test(r.body)));
      assert.deepEqual(ids(['--has-errors']), want((r) => r.errors > 0));
      assert.equal(ids(['--has-errors']).length, 1);
      const out = join(work, 'x.csv');
      const r = cli('export', '--format', 'csv', '--year', '2020', '--out', out);
      assert.equal(r.status, 0);
      assert.match(r.stderr, /导出 \d+ 份报告到/);
      assert.equal(parseCsv(readFileSync(out, 'utf8')).length - 1, want((x) => x.year === 2020).length);
      const bad = cli('export', '--format', 'pdf');
      assert.equal(bad.status, 2);
      assert.equal(bad.stderr.trim().split('\n').length, 1);
    });

    test('XLSX: a summary sheet and one sheet per report in the template layout; the numbers read back match the database', async () => {
      const file = join(work, 'corpus.xlsx');
      const r = cli('export', '--format', 'xlsx', '--out', file);
      assert.equal(r.status, 0, r.stderr);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const summary = wb.getWorksheet('汇总 summary')!;
      const head = (summary.getRow(1).values as unknown[]).slice(1);
      assert.deepEqual(head, [...META_COLUMNS, 'sheet']);
      assert.equal(summary.rowCount - 1, reports.length);
      let checked = 0;
      for (let i = 2; i <= summary.rowCount; i++) {
        const row = summary.getRow(i);
        const id = Number(row.getCell(1).value);
        const template = String(row.getCell(head.indexOf('template') + 1).value);
        const ws = wb.getWorksheet(String(row.getCell(head.length).value))!;
        assert.ok(ws, `sheet of report ${id}`);
        if (template !== '2019' && template !== '2021') continue;
        const m = cells.get(id) ?? new Map();
        // label in column A → values in B…; every data row of the template, in its order
        const byLabel = new Map<string, unknown[]>();
        ws.eachRow((x) => {
          const v = (x.values as unknown[]).slice(1);
          if (typeof v[0] === 'string') byLabel.set(v[0], v.slice(1));
        });
        const t = TEMPLATES[template];
        for (const tk of ['active', 'requests', 'review_litigation'] as const) {
          const def = t.tables[tk];
          assert.ok(byLabel.has(`${def.headingNumber}、${def.heading}`), `${id}: heading of ${tk}`);
          if (![...m.keys()].some((p) => p.startsWith(`${tk}.`))) continue;
          for (const row of def.rows.filter((x) => !x.group)) {
            const label = `${row.numbering ?? ''}${tk === 'review_litigation' && row.parent ? `${row.parent}·` : ''}${row.label}`;
            const got = byLabel.get(label);
            assert.ok(got, `${id}: row ${label}`);
            columnsOf(def, row).forEach((c, k) => {
              const cell = m.get(`${tk}.${row.key}.${c.key}`);
              const want = decided(cell);
              const have = got![k] ?? null;
              if (want !== null) assert.equal(have, want, `${id} ${tk}.${row.key}.${c.key}`);
              else if (cell?.status === 'ambiguous') assert.match(String(have), /^\?/);
              else assert.equal(have, null);
              checked++;
            });
          }
        }
      }
      assert.ok(checked > 30 * 150, `cells compared: ${checked}`);
      // the error report's ambiguous cell shows its candidates
      const e = reports.find((x) => x.body === '琅沐市财政局')!;
      const sheetName = (summary.getRows(2, summary.rowCount - 1) ?? []).find((x) => Number(x.getCell(1).value) === e.id)!.getCell(head.length).value;
      const ws = wb.getWorksheet(String(sheetName))!;
      let found = false;
      ws.eachRow((x) => { if ((x.values as unknown[]).includes('?6/62')) found = true; });
      assert.ok(found, 'ambiguous cell written as ?6/62');
    });
  });
}
