// Corpus benchmark: ingest n generated reports into a fresh PGlite, then time the three common
// questions. `node dist/bench/corpus.js --n 2000`.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDb } from '../src/corpus/db.js';
import { collectPaths, ingest } from '../src/corpus/ingest.js';
import { generateReport, mulberry32 } from '../src/generate/report.js';

export interface CorpusBench {
  n: number;
  stored: number;
  failed: number;
  ingestSeconds: number;
  reportsPerSecond: number;
  dbBytes: number;
  dirBytes: number;
  timelineMs: { p50: number; p95: number };
  regionAggregateMs: { p50: number; p95: number };
  errorListMs: { p50: number; p95: number };
}

function dirSize(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((s, f) => s + dirSize(join(p, f)), 0);
}

const pct = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

async function timed(runs: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn(i);
    t.push(performance.now() - s);
  }
  return { p50: Number(pct(t, 0.5).toFixed(2)), p95: Number(pct(t, 0.95).toFixed(2)) };
}

export async function benchCorpus(n: number): Promise<CorpusBench> {
  const files = mkdtempSync(join(tmpdir(), 'gk-bench-files-'));
  const data = mkdtempSync(join(tmpdir(), 'gk-bench-db-'));
  for (let i = 0; i < n; i++) writeFileSync(join(files, `r${i}.txt`), generateReport(mulberry32(7 + i), { size: 'medium' }).text);
  const db = await openDb({ dataDir: data, url: '' });
  try {
    const started = performance.now();
    const s = await ingest(db, collectPaths([files]).files);
    const ingestSeconds = (performance.now() - started) / 1000;
    const bodies = await db.query<{ id: number }>('select id from bodies order by id');
    const regions = await db.query<{ region: string; year: number }>(
      `select b.region, r.year from reports r join bodies b on b.id = r.body_id where b.region is not null and r.superseded_by is null group by 1, 2 order by count(*) desc limit 20`);
    const timelineMs = await timed(200, (i) => db.query(
      `select r.year, c.tbl, c.row_key, c.col_key, c.value from reports r join cells c on c.report_id = r.id
       where r.body_id = $1 and r.superseded_by is null order by r.year`, [bodies[i % bodies.length].id]));
    const regionAggregateMs = await timed(100, (i) => {
      const g = regions[i % Math.max(1, regions.length)] ?? { region: '', year: 2022 };
      return db.query(
        `select c.tbl, c.row_key, c.col_key, sum(c.value) filter (where c.status in ('read','blank','inferred')) as sum
         from bodies b join reports r on r.body_id = b.id and r.superseded_by is null join cells c on c.report_id = r.id
         where r.year = $1 and b.region = $2 group by 1, 2, 3`, [g.year, g.region]);
    });
    const errorListMs = await timed(100, () => db.query(
      `select r.id, r.path, r.year from reports r where r.superseded_by is null
       and exists (select 1 from findings f where f.report_id = r.id and f.severity = 'error') order by r.id`));
    const [{ size }] = await db.query<{ size: string }>('select pg_database_size(current_database()) as size');
    return {
      n, stored: s.stored, failed: s.failed.length, ingestSeconds: Number(ingestSeconds.toFixed(2)),
      reportsPerSecond: Number((s.stored / ingestSeconds).toFixed(1)), dbBytes: Number(size), dirBytes: dirSize(data),
      timelineMs, regionAggregateMs, errorListMs,
    };
  } finally {
    await db.close();
    rmSync(files, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--n');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 2000;
  const r = await benchCorpus(n);
  const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
  process.stdout.write(
    `导入 ingest: ${r.stored}/${r.n} 份 reports in ${r.ingestSeconds} s = ${r.reportsPerSecond} 份/秒 reports/s (failed ${r.failed})\n` +
    `数据库 database: ${mb(r.dbBytes)} (pg_database_size), data dir ${mb(r.dirBytes)}\n` +
    `一个机关的时间线 body timeline: p50 ${r.timelineMs.p50} ms, p95 ${r.timelineMs.p95} ms\n` +
    `地区年度合计 region aggregate: p50 ${r.regionAggregateMs.p50} ms, p95 ${r.regionAggregateMs.p95} ms\n` +
    `有错误的报告 reports with errors: p50 ${r.errorListMs.p50} ms, p95 ${r.errorListMs.p95} ms\n`);
}
