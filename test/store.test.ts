// The corpus store on the embedded database (and on PostgreSQL when TEST_DATABASE_URL is set):
// ingest is idempotent, reports are whole, checks across years, exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../src/store/db.js';
import { collectPaths, ingest } from '../src/store/ingest.js';
import { aggregate, checkCorpus, exportCorpus } from '../src/store/corpus.js';
import { generateReport, mulberry32 } from '../src/generate/report.js';
import { FIXTURES } from './helpers.js';

/** Two years of one body whose carried-over figures disagree, plus the dev-corpus texts. */
function corpusDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gk-corpus-'));
  for (const f of ['seed001-chaoyang-2021', 'seed002-benge-2023', 'seed003-panyu-2021']) copyFileSync(join(FIXTURES, 'corpus', 'input', `${f}.txt`), join(dir, `${f}.txt`));
  copyFileSync(join(FIXTURES, 'corpus', 'input', 'seed001-chaoyang-2021.txt'), join(dir, 'copy-of-seed001.txt'));
  const a = generateReport(mulberry32(1), { version: '2021', form: 'pipes', size: 'small' });
  const b = generateReport(mulberry32(2), { version: '2021', form: 'pipes', size: 'small' });
  writeFileSync(join(dir, 'body-2022.txt'), a.text.replace(a.agency, '某某县教育局').replace(/\d{4}年政府信息公开/, '2022年政府信息公开'));
  writeFileSync(join(dir, 'body-2023.txt'), b.text.replace(b.agency, '某某县教育局').replace(/\d{4}年政府信息公开/, '2023年政府信息公开'));
  return dir;
}

async function suite(open: () => Promise<Db>) {
  const db = await open();
  try {
    const { files } = collectPaths([corpusDir()]);
    const first = await ingest(db, files, { workers: 2 });
    assert.equal(first.total, 6);
    assert.equal(first.stored, 5, 'the copy of seed001 is the same bytes: one report');
    assert.equal(first.failed.length, 0);
    const again = await ingest(db, files, { workers: 2 });
    assert.equal(again.stored, 0);
    assert.equal(again.skipped, 6);
    const counts = await db.query<{ n: number }>('select count(*)::int as n from reports');
    assert.equal(counts[0].n, 5);
    // every stored report has all its cells (25 × 7 + 15 + 10 for a 2021 report with tables)
    const full = await db.query<{ n: number }>("select count(*)::int as n from cells c join reports r on r.id = c.report_id where r.path like '%seed001%'");
    assert.equal(full[0].n, 175 + 15 + 10);
    const findings = await checkCorpus(db);
    assert.ok(findings.some((f) => f.rule === 'requests.carry_continuity' && f.body === '某某县教育局'), JSON.stringify(findings.map((f) => f.rule)));
    const csv = await exportCorpus(db, { year: 2021 }, 'csv', false);
    const lines = csv.trim().split('\n');
    const head = lines[0].split(',');
    const row = lines.find((l) => l.includes('seed001'))!.split(',');
    assert.equal(row[head.indexOf('requests.new_received.total')], '66');
    assert.equal(row[head.indexOf('active.normative_documents.issued')], '', 'ambiguous cells are empty in exports');
    const long = await exportCorpus(db, { body: '朝阳' }, 'jsonl', true);
    const cell = long.trim().split('\n').map((l) => JSON.parse(l)).find((r) => r.table === 'requests' && r.row === 'total' && r.column === 'total');
    assert.equal(cell.value, 65);
    const agg = await aggregate(db, { year: 2021 });
    const t2021 = agg.find((a) => a.template === '2021')!;
    assert.equal(t2021.reports, 2);
    assert.equal(t2021.sums['requests.new_received.total'], 66, 'seed001 66 + seed003 (tables absent: no cells)');
    assert.equal(t2021.undecided['active.normative_documents.issued'], 1);
    assert.deepEqual(t2021.broken, []);
  } finally {
    await db.close();
  }
}

test('store on PGlite: idempotent ingest, whole reports, cross-year checks, exports', async () => {
  await suite(() => openDb({ dataDir: mkdtempSync(join(tmpdir(), 'gk-db-')), url: '' }));
});

const url = process.env.TEST_DATABASE_URL;
test('store on PostgreSQL: the same', { skip: url ? false : 'no TEST_DATABASE_URL' }, async () => {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('drop schema public cascade; create schema public');
  await admin.end();
  await suite(() => openDb({ url }));
});
