// Corpus store benchmark: n generated reports (bodies with six years each, 2019–2024, in made-up
// cities and districts) ingested into a fresh PGlite through the real ingest path (worker threads,
// batched transactions), then the three common questions timed:
//   timeline   one body's reports with all their cells
//   region     a district's per-cell sums for a year, rules re-checked (`gongkai aggregate --region`)
//   errors     the list of reports with error findings
// plus the larger `--parent` aggregate (a whole city) for information.
//   node dist/bench/store.js --n 2000 [--workers N] [--keep]

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateReport, mulberry32 } from '../src/generate/report.js';
import { openDb } from '../src/store/db.js';
import { collectPaths, defaultWorkers, ingest, storeReports } from '../src/store/ingest.js';
import { parseReport } from '../src/parse.js';
import { aggregate } from '../src/store/aggregate.js';
import { bodyTimeline, reportsWithErrors } from '../src/store/export.js';

const C1 = [...'岚汀澜沅棠榆漪琅璟珩'];
const C2 = [...'禾屿汐岑沐芷泓湄苒蘅'];
const D1 = [...'栖澄霁翎'];
const D2 = [...'洲汀岙渚'];
const DEPTS = ['人民政府', '人民政府办公室', '教育局', '生态环境局', '自然资源局', '市场监督管理局', '住房和城乡建设局', '公安局', '民政局', '财政局', '卫生健康委员会', '交通运输局'];
const YEARS = [2019, 2020, 2021, 2022, 2023, 2024];
const DISTRICTS = D1.length * D2.length;

/** Body b: department b % 12 of district ⌊b/12⌋ % 16 of city ⌊b/192⌋. */
export function benchBody(b: number): { name: string; city: string; district: string } {
  const d = Math.floor(b / DEPTS.length) % DISTRICTS;
  const c = Math.floor(b / (DEPTS.length * DISTRICTS)) % (C1.length * C2.length);
  const city = `${C1[c % C1.length]}${C2[Math.floor(c / C1.length)]}市`;
  const district = `${D1[d % D1.length]}${D2[Math.floor(d / D1.length)]}区`;
  return { name: `${city}${district}${DEPTS[b % DEPTS.length]}`, city, district };
}

/** Writes n report texts: report i is body ⌊i/6⌋'s report for year 2019 + i mod 6. */
export function writeBenchReports(dir: string, n: number, seed = 1): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const year = YEARS[i % YEARS.length];
    const body = benchBody(Math.floor(i / YEARS.length)).name;
    const g = generateReport(mulberry32(seed * 1_000_003 + i), { version: year <= 2020 ? '2019' : '2021', size: 'medium' });
    const text = g.text.split(g.agency).join(body).split(`${g.year}年`).join(`${year}年`).split(`${g.year + 1}-`).join(`${year + 1}-`);
    const sub = join(dir, String(Math.floor(i / 1000)).padStart(4, '0'));
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `r${String(i).padStart(7, '0')}.txt`), text);
  }
}

function dirSize(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((s, f) => s + dirSize(join(p, f)), 0);
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

async function timed(runs: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn(0); // warm
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn(i);
    t.push(performance.now() - s);
  }
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(percentile(t, 0.5)), p95: r(percentile(t, 0.95)) };
}

/**
 * Ingests n generated reports into a fresh PGlite and times the common questions. Figures:
 * reports_per_s, ingest_s, stored, failed, db_bytes (pg_database_size), dir_bytes (data
 * directory with originals), and p50/p95 ms of timeline, region aggregate, error list, parent aggregate.
 */
export async function benchStore(n: number, opts: { workers?: number; keep?: boolean; log?: (s: string) => void } = {}): Promise<Record<string, number>> {
  const log = opts.log ?? (() => undefined);
  const root = mkdtempSync(join(tmpdir(), 'gk-bench-store-'));
  const files = join(root, 'files');
  const data = join(root, 'data');
  try {
    let t = performance.now();
    writeBenchReports(files, n);
    const generate_s = (performance.now() - t) / 1000;
    log(`generated ${n} reports in ${generate_s.toFixed(1)} s`);
    const db = await openDb({ dataDir: data, url: '', create: true });
    try {
      const list = collectPaths([files]).files;
      t = performance.now();
      let lastLog = 0;
      const s = await ingest(db, list, {
        workers: opts.workers,
        onProgress: (p) => {
          if (Date.now() - lastLog > 10_000) {
            lastLog = Date.now();
            log(`  ${p.done}/${p.total} (${(p.done / Math.max(p.seconds, 0.001)).toFixed(0)}/s)`);
          }
        },
      });
      const ingest_s = (performance.now() - t) / 1000;
      log(`ingested ${s.stored} in ${ingest_s.toFixed(1)} s, failed ${s.failed.length}`);
      await db.query('analyze');

      const bodies = (await db.query<{ id: number }>('select id from bodies order by id')).map((r) => Number(r.id));
      const districts = (await db.query<{ region: string; year: number }>(
        `select b.region, r.year::int as year from reports r join bodies b on b.id = r.body_id where b.region is not null
         group by 1, 2 order by count(*) desc, 1, 2 limit 200`)).map((r) => ({ region: r.region, year: Number(r.year) }));
      const cities = [...new Set(Array.from({ length: Math.ceil(n / 6) }, (_, b) => benchBody(b).city))];
      const pick = <T>(xs: T[], i: number) => xs[(i * 7919) % xs.length];

      const timeline = await timed(200, (i) => bodyTimeline(db, pick(bodies, i)));
      const region = await timed(100, (i) => { const d = pick(districts, i); return aggregate(db, { year: d.year, region: d.region }); });
      const errors = await timed(50, () => reportsWithErrors(db));
      const parent = await timed(20, (i) => aggregate(db, { year: YEARS[i % YEARS.length], parent: pick(cities, i) }));
      const [{ size, with_errors }] = await db.query<{ size: string; with_errors: number }>(
        'select pg_database_size(current_database()) as size, (select count(*)::int from reports where errors > 0) as with_errors');
      await db.close();

      // the write path alone: up to 3000 of the same reports, parsed beforehand, into another fresh PGlite
      const sample = list.slice(0, Math.min(n, 3000)).map((f) => ({ report: parseReport(readFileSync(f.path), { path: f.path }), path: f.path }));
      const db2 = await openDb({ dataDir: join(root, 'data2'), url: '', create: true });
      let store_only_per_s = 0;
      try {
        t = performance.now();
        await storeReports(db2, sample);
        store_only_per_s = sample.length / ((performance.now() - t) / 1000);
      } finally {
        await db2.close();
      }
      log(`write path alone: ${store_only_per_s.toFixed(0)} reports/s`);
      const out: Record<string, number> = {
        n, stored: s.stored, failed: s.failed.length, workers: opts.workers ?? defaultWorkers({ kind: 'pglite' }), generate_s: round(generate_s), ingest_s: round(ingest_s),
        reports_per_s: round(s.stored / ingest_s), store_only_per_s: round(store_only_per_s), db_bytes: Number(size), dir_bytes: dirSize(data), bodies: bodies.length, reports_with_errors: Number(with_errors),
        timeline_p50_ms: timeline.p50, timeline_p95_ms: timeline.p95,
        region_aggregate_p50_ms: region.p50, region_aggregate_p95_ms: region.p95,
        errors_list_p50_ms: errors.p50, errors_list_p95_ms: errors.p95,
        parent_aggregate_p50_ms: parent.p50, parent_aggregate_p95_ms: parent.p95,
      };
      return out;
    } finally {
      await db.close();
    }
  } finally {
    if (!opts.keep) rmSync(root, { recursive: true, force: true });
    else log(`kept ${root}`);
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const n = Number(arg('--n') ?? 100000);
  const workers = arg('--workers') ? Number(arg('--workers')) : undefined;
  const r = await benchStore(n, { workers, keep: process.argv.includes('--keep'), log: (s) => process.stderr.write(s + '\n') });
  const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
  process.stdout.write(
    `导入 ingest: ${r.stored}/${r.n} 份 reports in ${r.ingest_s} s = ${r.reports_per_s} 份/秒 reports/s (${r.workers} workers, failed ${r.failed})\n` +
    `只写入（预先解析）write path alone: ${r.store_only_per_s} 份/秒 reports/s\n` +
    `数据库 database: ${mb(r.db_bytes)} (pg_database_size), data dir ${mb(r.dir_bytes)} (with originals); ${r.bodies} bodies, ${r.reports_with_errors} reports with errors\n` +
    `一个机关的时间线 body timeline:      p50 ${r.timeline_p50_ms} ms, p95 ${r.timeline_p95_ms} ms\n` +
    `地区年度合计 region aggregate:       p50 ${r.region_aggregate_p50_ms} ms, p95 ${r.region_aggregate_p95_ms} ms\n` +
    `有错误的报告 reports with errors:    p50 ${r.errors_list_p50_ms} ms, p95 ${r.errors_list_p95_ms} ms\n` +
    `上级地区合计 parent (city) aggregate: p50 ${r.parent_aggregate_p50_ms} ms, p95 ${r.parent_aggregate_p95_ms} ms\n` +
    JSON.stringify(r) + '\n');
}
