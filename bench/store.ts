// Corpus store benchmark (`npm run bench:store`, also the second half of `npm run bench`): n
// generated reports (bodies with six years each, 2019–2024, in made-up cities and districts; one in
// 50 with broken arithmetic) ingested into a fresh PGlite through the real ingest path (worker
// threads, batched transactions), then the common questions timed:
//   timeline     one body's reports with all their cells
//   region       a district's per-cell sums for a year, rules re-checked (`gongkai aggregate --region`)
//   parent-body  the same under the district's government (`gongkai aggregate --parent-body`)
//   errors       the list of reports with error findings (its first page, and whole)
// plus the larger `--parent` aggregate (a whole city) for information.
//   node dist/bench/store.js [--n 100000] [--workers N] [--batch N] [--write-sample 3000] [--keep]

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateReport, mulberry32 } from '../src/generate/report.js';
import { openDb } from '../src/store/db.js';
import { collectPaths, defaultWorkers, ingest, storePrepared } from '../src/store/ingest.js';
import { leanCopy, prepareReport } from '../src/store/model.js';
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

/** One report in ERROR_EVERY is made inconsistent (a number of 本年新收 raised by 7 in a cleanly separated table): error findings to list. */
const ERROR_EVERY = 50;

/**
 * Writes n report texts: report i is body ⌊i/6⌋'s report for year 2019 + i mod 6. One in
 * ERROR_EVERY breaks the table's arithmetic, so that the list of reports with errors is not empty.
 */
export function writeBenchReports(dir: string, n: number, seed = 1): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const year = YEARS[i % YEARS.length];
    const body = benchBody(Math.floor(i / YEARS.length)).name;
    const broken = i % ERROR_EVERY === ERROR_EVERY - 1;
    const g = generateReport(mulberry32(seed * 1_000_003 + i), { version: year <= 2020 ? '2019' : '2021', size: 'medium', ...(broken ? { form: 'pipes' as const } : {}) });
    let text = g.text.split(g.agency).join(body).split(`${g.year}年`).join(`${year}年`).split(`${g.year + 1}-`).join(`${year + 1}-`);
    if (broken) text = text.replace(/(本年新收[^\n|]*\|\s*)(\d+)/, (_, head: string, d: string) => head + (Number(d) + 7));
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
  return { p50: round(percentile(t, 0.5)), p95: round(percentile(t, 0.95)) };
}

/**
 * CPU seconds per thread of this process (Linux: /proc/self/task), sampled while the ingest runs
 * because the worker threads are gone at its end. Tells where the time goes — the database on
 * the main thread, parsing in the workers, V8's own threads (compiler, GC) — when the wall-clock
 * rate depends on what else the machine is running.
 */
class ThreadCpu {
  private last = new Map<number, number>();
  private first = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  private read(): Map<number, number> {
    const out = new Map<number, number>();
    let tids: string[];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      return out;
    }
    for (const tid of tids) {
      try {
        const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        out.set(Number(tid), (Number(f[11]) + Number(f[12])) / 100); // utime + stime, in clock ticks of 1/100 s
      } catch {
        /* the thread ended */
      }
    }
    return out;
  }

  start() {
    this.first = this.read();
    this.last = new Map(this.first);
    this.timer = setInterval(() => { for (const [k, v] of this.read()) this.last.set(k, v); }, 250);
    this.timer.unref();
  }

  /** Seconds since start: the main thread, the others (workers, V8 and libuv threads), all. */
  stop(): { main: number; other: number; total: number } | null {
    if (this.timer) clearInterval(this.timer);
    for (const [k, v] of this.read()) this.last.set(k, v);
    if (!this.last.size) return null;
    let main = 0, other = 0;
    for (const [tid, v] of this.last) {
      const d = v - (this.first.get(tid) ?? 0);
      if (tid === process.pid) main += d;
      else other += d;
    }
    return { main, other, total: main + other };
  }
}

/**
 * Ingests n generated reports into a fresh PGlite through the real path (`ingest`: worker
 * threads, batched transactions, the cells key built at the end) and times the common questions.
 * Figures: reports_per_s, ingest_s (with index_s, building the cells key), stored, failed,
 * cpu_ms_per_report (all threads; main_ms_per_report the database's share), db_bytes
 * (pg_database_size), dir_bytes (the data directory with the originals), and p50/p95 ms of a
 * body's timeline, a district's aggregate for a year, the district government's --parent-body
 * aggregate, the list of reports with errors (first page of 100, and whole), a city's aggregate.
 */
export async function benchStore(n: number, opts: { workers?: number; batch?: number; keep?: boolean; writeSample?: number; log?: (s: string) => void } = {}): Promise<Record<string, number>> {
  const log = opts.log ?? (() => undefined);
  const root = mkdtempSync(join(tmpdir(), 'gk-bench-store-'));
  const files = join(root, 'files');
  const data = join(root, 'data');
  try {
    let t = performance.now();
    writeBenchReports(files, n);
    const generate_s = (performance.now() - t) / 1000;
    log(`生成 generated ${n} reports in ${generate_s.toFixed(1)} s`);
    const db = await openDb({ dataDir: data, url: '', create: true });
    try {
      const list = collectPaths([files]).files;
      const cpu = new ThreadCpu();
      let index_s = 0;
      cpu.start();
      t = performance.now();
      let lastLog = 0;
      const s = await ingest(db, list, {
        workers: opts.workers,
        batch: opts.batch,
        onProgress: (p) => {
          if (Date.now() - lastLog > 10_000) {
            lastLog = Date.now();
            log(`  ${p.done}/${p.total} (${(p.done / Math.max(p.seconds, 0.001)).toFixed(0)}/s)`);
          }
        },
        onIndex: (phase, seconds) => {
          if (phase === 'start') log('  建立 cells 主键 building the cells key…');
          else index_s = seconds ?? 0;
        },
      });
      const ingest_s = (performance.now() - t) / 1000;
      const used = cpu.stop();
      log(`导入 ingested ${s.stored} in ${ingest_s.toFixed(1)} s (cells key ${index_s.toFixed(1)} s), failed ${s.failed.length}`);
      // no ANALYZE here: ingest runs it after a large load, and the figures are what a user gets

      const bodies = (await db.query<{ id: number }>('select id from bodies order by id')).map((r) => Number(r.id));
      const districts = (await db.query<{ region: string; year: number }>(
        `select b.region, r.year::int as year from reports r join bodies b on b.id = r.body_id where b.region is not null
         group by 1, 2 order by count(*) desc, 1, 2 limit 200`)).map((r) => ({ region: r.region, year: Number(r.year) }));
      const governments = (await db.query<{ name: string }>(`select name from bodies where name like '%区人民政府' order by id`)).map((r) => r.name);
      const cities = [...new Set(Array.from({ length: Math.ceil(n / 6) }, (_, b) => benchBody(b).city))];
      const pick = <T>(xs: T[], i: number) => xs[(i * 7919) % xs.length];

      const timeline = await timed(200, (i) => bodyTimeline(db, pick(bodies, i)));
      const region = await timed(100, (i) => { const d = pick(districts, i); return aggregate(db, { year: d.year, region: d.region }); });
      const parentBody = await timed(100, (i) => aggregate(db, { year: YEARS[i % YEARS.length], parentBody: pick(governments, i) }));
      const errorsPage = await timed(100, () => reportsWithErrors(db, 100));
      const errorsAll = await timed(30, () => reportsWithErrors(db));
      const parent = await timed(20, (i) => aggregate(db, { year: YEARS[i % YEARS.length], parent: pick(cities, i) }));
      const [{ size, with_errors }] = await db.query<{ size: string; with_errors: number }>(
        'select pg_database_size(current_database()) as size, (select count(*)::int from reports where errors > 0) as with_errors');
      await db.close();

      // the write path alone: up to writeSample of the same reports, parsed and encoded beforehand
      // as the workers do, into another fresh PGlite (with its cells key kept up row by row)
      let store_only_per_s = 0;
      const m = Math.min(n, opts.writeSample ?? 3000);
      if (m > 0) {
        const db2 = await openDb({ dataDir: join(root, 'data2'), url: '', create: true });
        try {
          const sample = list.slice(0, m).map((f) => {
            const p = prepareReport(parseReport(readFileSync(f.path), { path: f.path }), f.path);
            return { report: leanCopy(p, db2.cellIds) ?? p, entry: f };
          });
          t = performance.now();
          await storePrepared(db2, sample);
          store_only_per_s = sample.length / ((performance.now() - t) / 1000);
        } finally {
          await db2.close();
        }
        log(`只写入 write path alone (${m} reports): ${store_only_per_s.toFixed(0)} reports/s`);
      }
      const workers = opts.workers ?? defaultWorkers();
      return {
        n, stored: s.stored, failed: s.failed.length, workers, cores: availableParallelism(), generate_s: round(generate_s), ingest_s: round(ingest_s), index_s: round(index_s),
        reports_per_s: round(s.stored / ingest_s), store_only_per_s: round(store_only_per_s),
        ...(used && s.stored ? { cpu_ms_per_report: round((used.total * 1000) / s.stored), main_ms_per_report: round((used.main * 1000) / s.stored) } : {}),
        db_bytes: Number(size), dir_bytes: dirSize(data), bodies: bodies.length, reports_with_errors: Number(with_errors),
        timeline_p50_ms: timeline.p50, timeline_p95_ms: timeline.p95,
        region_aggregate_p50_ms: region.p50, region_aggregate_p95_ms: region.p95,
        parent_body_aggregate_p50_ms: parentBody.p50, parent_body_aggregate_p95_ms: parentBody.p95,
        errors_page_p50_ms: errorsPage.p50, errors_page_p95_ms: errorsPage.p95,
        errors_list_p50_ms: errorsAll.p50, errors_list_p95_ms: errorsAll.p95,
        parent_aggregate_p50_ms: parent.p50, parent_aggregate_p95_ms: parent.p95,
      };
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
  const num = (name: string) => (arg(name) !== undefined ? Number(arg(name)) : undefined);
  const n = num('--n') ?? 100000;
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write('--n 需要正整数 / --n needs a positive integer\n');
    process.exit(2);
  }
  const r = await benchStore(n, { workers: num('--workers'), batch: num('--batch'), writeSample: num('--write-sample'), keep: process.argv.includes('--keep'), log: (s) => process.stderr.write(s + '\n') });
  const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
  const cpu = r.cpu_ms_per_report !== undefined ? `; CPU ${r.cpu_ms_per_report} ms/份 per report (主线程 main thread ${r.main_ms_per_report} ms)` : '';
  process.stdout.write(
    `导入 ingest (PGlite): ${r.stored}/${r.n} 份 reports in ${r.ingest_s} s = ${r.reports_per_s} 份/秒 reports/s (${r.workers} workers on ${r.cores} cores, failed ${r.failed}; cells 主键 key ${r.index_s} s${cpu})\n` +
    `只写入（预先解析）write path alone: ${r.store_only_per_s} 份/秒 reports/s\n` +
    `数据库 database: ${mb(r.db_bytes)} (pg_database_size), data dir ${mb(r.dir_bytes)} (with originals); ${r.bodies} bodies, ${r.reports_with_errors} reports with errors\n` +
    `一个机关的时间线 body timeline:                 p50 ${r.timeline_p50_ms} ms, p95 ${r.timeline_p95_ms} ms\n` +
    `地区年度合计 region aggregate (--region):       p50 ${r.region_aggregate_p50_ms} ms, p95 ${r.region_aggregate_p95_ms} ms\n` +
    `上级机关合计 parent-body aggregate:             p50 ${r.parent_body_aggregate_p50_ms} ms, p95 ${r.parent_body_aggregate_p95_ms} ms\n` +
    `有错误的报告 reports with errors (first 100):   p50 ${r.errors_page_p50_ms} ms, p95 ${r.errors_page_p95_ms} ms\n` +
    `有错误的报告 reports with errors (all ${r.reports_with_errors}):  p50 ${r.errors_list_p50_ms} ms, p95 ${r.errors_list_p95_ms} ms\n` +
    `上级地区合计 parent (city) aggregate:           p50 ${r.parent_aggregate_p50_ms} ms, p95 ${r.parent_aggregate_p95_ms} ms\n` +
    JSON.stringify(r) + '\n');
}
