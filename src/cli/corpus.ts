// Corpus commands: gongkai ingest | export | aggregate | check --corpus. The store is PGlite in a
// data directory (--data DIR, else GONGKAI_DATA, else ./gongkai-data) or, when DATABASE_URL is set
// (and no --data), a PostgreSQL server. Exit codes: 0 ok; 1 ingest: some files failed (recorded),
// check --corpus: warnings or errors found; 2 bad input or a store that cannot be used.

import { createWriteStream } from 'node:fs';
import { openDb, StoreError, type Db } from '../store/db.js';
import { collectPaths, ingest, ingestQueue, enqueue, type IngestProgress, type IngestSummary } from '../store/ingest.js';
import { checkCorpus } from '../store/checks.js';
import { exportText, exportXlsx, type ReportFilter } from '../store/export.js';
import { aggregate, renderAggregate } from '../store/aggregate.js';
import { isTemplateVersion } from '../template/index.js';
import { parseOptions, UsageError, type Parsed } from './args.js';

const USAGE = `用法 / usage:
  gongkai ingest [--data DIR] [--workers N] [--batch N] [--retry-failed] PATH... | -
      导入文件、文件夹（递归）或通配符；- 从标准输入读取路径列表（每行一个）。每份报告完整写入一个事务，
      中断后重新运行即可补完，不会重复。 / ingest files, folders (recursive), globs; - reads paths from stdin
  gongkai ingest --queue [PATH...]
      多进程导入：先把路径放入队列，再逐批认领（FOR UPDATE SKIP LOCKED）；多个进程共用一个 PostgreSQL（DATABASE_URL）
      / several processes share the work through the ingest_queue table
  gongkai export --format csv|xlsx|jsonl [--long] [--out FILE] [--body X] [--region X] [--parent X]
                 [--level X] [--year N] [--template 2019|2021] [--has-errors]
      导出：宽表（每份报告一行）或 --long 长表（每个单元格一行）；XLSX 含汇总表和按模板排版的每份报告
      / wide (one row per report) or long (one row per cell); XLSX: a summary sheet and one sheet per report
  gongkai aggregate --year N (--region X | --parent X | --parent-body X) [--level X] [--json]
      某地区或某上级机关之下某年度所有报告的逐格合计，并在合计数上重新核对模板的勾稽关系
      / per-cell sums of the reports under a region or a parent body for a year, the template's rules checked on the sums
  gongkai check --corpus [--json]
      跨年度、跨报告检查（上年结转、现行有效件数、异常增减、重复报告、缺失年度）；有警告或错误时退出码为 1
      / checks across reports; exit 1 on any warning or error
  --region X  机关本身所在地区（全称、末级名称或区划代码） / the body's own region (full name, last division or code)
  --parent X  该地区及其下所有地区（如 广州市 或 4401） / everything under a region, at any depth
  --parent-body X  该政府机关（如 某区人民政府）本身、其所在地区的部门及其下所有地区的机关
              / a government body, the departments of its region and every body in the regions below it
数据库 / database: --data DIR（内嵌 PGlite；否则 GONGKAI_DATA，默认 ./gongkai-data）；未给 --data 且设置了 DATABASE_URL 时用 PostgreSQL
退出码 / exit codes: 0 正常 ok；1 有文件解析失败 (ingest) 或有警告/错误 (check --corpus)；2 输入或数据库无法使用 / bad input or store`;

const VALUED: Record<string, string[]> = {
  ingest: ['--data', '--workers', '--batch', '--timeout'],
  export: ['--data', '--format', '--out', '--body', '--region', '--parent', '--level', '--year', '--template'],
  aggregate: ['--data', '--year', '--region', '--parent', '--parent-body', '--level', '--body'],
  check: ['--data'],
};
const FLAGS: Record<string, string[]> = {
  ingest: ['--queue', '--retry-failed'],
  export: ['--long', '--has-errors'],
  aggregate: ['--json'],
  check: ['--corpus', '--json'],
};

function parseArgs(command: string, args: string[]): Parsed {
  return parseOptions(args, VALUED[command] ?? [], FLAGS[command] ?? []);
}

function positiveInt(p: Parsed, name: string): number | undefined {
  const v = p.opts.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${name} 需要正整数 / ${name} needs a positive integer`);
  return Number(v);
}

async function readStdinLines(): Promise<string[]> {
  let s = '';
  for await (const chunk of process.stdin) s += String(chunk);
  return s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

const clock = (s: number) => {
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
};

/** A progress bar on a TTY (done/total, rate, ETA); `done/total` lines with GONGKAI_PROGRESS=lines; else nothing. */
function progressReporter(): { update?: (p: IngestProgress) => void; index?: (phase: 'start' | 'done', seconds?: number) => void; end: () => void } {
  if (process.env.GONGKAI_PROGRESS === 'lines') {
    let last = -1;
    return {
      update: (p) => {
        if (p.done !== last) process.stderr.write(`${p.done}/${p.total}\n`);
        last = p.done;
      },
      end: () => undefined,
    };
  }
  if (!process.stderr.isTTY) return { end: () => undefined };
  let lastDraw = 0;
  let drawn = false;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - lastDraw < 100 && p.done < p.total) return;
      lastDraw = now;
      drawn = true;
      const width = 24;
      const frac = p.total ? Math.min(1, p.done / p.total) : 1;
      const full = Math.round(frac * width);
      const rate = p.seconds > 0 ? p.done / p.seconds : 0;
      const eta = rate > 0 ? (p.total - p.done) / rate : 0;
      process.stderr.write(`\r导入 ingest [${'█'.repeat(full)}${'░'.repeat(width - full)}] ${p.done}/${p.total}  ${rate.toFixed(1)} 份/秒 per s  剩余 ETA ${clock(eta)}  失败 failed ${p.failed}   `);
    },
    // a bulk load builds the cells key at its end: on a large corpus that is a pause worth naming
    index: (phase, seconds) => {
      if (phase === 'start') {
        if (drawn) process.stderr.write('\n');
        drawn = false;
        process.stderr.write('正在建立单元格索引（大批量导入结束时一次性建立） / building the cells index (once, at the end of a bulk load)…');
      } else process.stderr.write(` ${(seconds ?? 0).toFixed(1)} s\n`);
    },
    end: () => {
      if (drawn) process.stderr.write('\n');
    },
  };
}

function printSummary(s: IngestSummary, where: string) {
  const rate = s.seconds > 0 ? (s.stored + s.replaced) / s.seconds : 0;
  const w = (t: string) => process.stdout.write(t + '\n');
  w(`导入完成：${s.total} 个文件，新增 ${s.stored} 份，重新解析替换 ${s.replaced} 份，已存跳过 ${s.skipped} 个，同内容重复 ${s.duplicates} 个，失败 ${s.failed.length} 个；用时 ${s.seconds.toFixed(1)} 秒（${rate.toFixed(1)} 份/秒）`
    + ` / done: ${s.total} files, ${s.stored} stored, ${s.replaced} re-parsed, ${s.skipped} already stored, ${s.duplicates} duplicates, ${s.failed.length} failed; ${s.seconds.toFixed(1)} s (${rate.toFixed(1)} reports/s)`);
  const shown = s.failed.slice(0, 100);
  for (const f of shown) w(`  失败 failed${f.earlier ? '（此前，文件未变 / earlier, unchanged）' : ''}: ${f.path}: ${f.message}`);
  if (s.failed.length > shown.length) w(`  …… 另有 ${s.failed.length - shown.length} 个失败，见表 ingest_errors / ${s.failed.length - shown.length} more in ingest_errors`);
  if (s.failed.some((f) => f.earlier)) w('  （文件未变的失败不再重试；要重试请加 --retry-failed / unchanged failures are not retried: use --retry-failed）');
  w(`语料库 / corpus: ${where}`);
}

async function withDb<T>(p: Parsed, create: boolean, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir: p.opts.get('--data'), create });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function filterOf(p: Parsed): ReportFilter {
  const year = p.opts.get('--year');
  if (year !== undefined && !/^\d{4}$/.test(year)) throw new UsageError('--year 需要四位年份 / --year needs a four-digit year');
  const template = p.opts.get('--template');
  if (template !== undefined && !isTemplateVersion(template)) throw new UsageError('--template 只能是 2019 或 2021 / --template is 2019 or 2021');
  return {
    body: p.opts.get('--body'), region: p.opts.get('--region'), parent: p.opts.get('--parent'), level: p.opts.get('--level'),
    year: year ? Number(year) : undefined, template, hasErrors: p.flags.has('--has-errors'),
  };
}

async function runIngest(p: Parsed): Promise<number> {
  const queue = p.flags.has('--queue');
  let args = p.positional;
  if (args.includes('-')) args = [...args.filter((a) => a !== '-'), ...(await readStdinLines())];
  if (!args.length && !queue) throw new UsageError('请给出要导入的文件、文件夹或通配符 / no paths to ingest');
  const { files, missing } = collectPaths(args);
  if (missing.length) {
    process.stderr.write(`gongkai: 找不到或无法读取 ${missing.length} 个路径：${missing.slice(0, 5).join('，')}${missing.length > 5 ? ' ……' : ''}（未导入任何文件） / cannot read: ${missing.slice(0, 5).join(', ')}\n`);
    return 2;
  }
  if (!files.length && !queue) {
    process.stderr.write(`gongkai: 这些路径下没有可导入的报告文件（${args.slice(0, 3).join('，')}） / no report files under the given paths\n`);
    return 2;
  }
  const options = { workers: positiveInt(p, '--workers'), batch: positiveInt(p, '--batch'), retryFailed: p.flags.has('--retry-failed'),
    timeoutMs: positiveInt(p, '--timeout') ? positiveInt(p, '--timeout')! * 1000 : undefined };
  const progress = progressReporter();
  const onSigint = () => {
    progress.end();
    process.stderr.write('gongkai: 已中断；已写入的报告完整保留，重新运行即可补完 / interrupted: what is stored is whole; run again to finish\n');
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  try {
    return await withDb(p, true, async (db) => {
      let summary: IngestSummary;
      if (queue) {
        if (files.length) {
          const added = await enqueue(db, files.map((f) => f.path));
          process.stdout.write(`入队 ${added} 个新路径（共给出 ${files.length} 个） / queued ${added} new path(s) of ${files.length}\n`);
        }
        summary = await ingestQueue(db, { ...options, onProgress: progress.update });
      } else summary = await ingest(db, files, { ...options, onProgress: progress.update, onIndex: progress.index });
      progress.end();
      printSummary(summary, db.location);
      return summary.failed.length ? 1 : 0;
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function runExport(p: Parsed): Promise<number> {
  const format = p.opts.get('--format') ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl' && format !== 'xlsx') throw new UsageError(`不支持的格式 ${format}（可用 csv、xlsx、jsonl） / unsupported format`);
  const filter = filterOf(p);
  const file = p.opts.get('--out');
  if (format === 'xlsx' && !file && process.stdout.isTTY) throw new UsageError('XLSX 请用 --out FILE 写入文件 / use --out FILE for xlsx');
  if (p.positional.length) throw new UsageError(`多余的参数 ${p.positional[0]} / unexpected argument`);
  return withDb(p, false, async (db) => {
    let n: number;
    if (format === 'xlsx') n = await exportXlsx(db, filter, file ?? process.stdout);
    else {
      const out = file ? createWriteStream(file) : process.stdout;
      const write = (s: string) => new Promise<void>((resolve, reject) => out.write(s, (err) => (err ? reject(err) : resolve())));
      n = await exportText(db, filter, format, p.flags.has('--long'), write);
      if (file) await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(r));
    }
    if (file) process.stderr.write(`导出 ${n} 份报告到 ${file} / exported ${n} report(s) to ${file}\n`);
    return 0;
  });
}

async function runAggregate(p: Parsed): Promise<number> {
  const year = p.opts.get('--year');
  if (!year || !/^\d{4}$/.test(year)) throw new UsageError('aggregate 需要 --year N（四位年份） / aggregate needs --year N');
  const region = p.opts.get('--region'), parent = p.opts.get('--parent'), parentBody = p.opts.get('--parent-body');
  if ([region, parent, parentBody].filter(Boolean).length !== 1) {
    throw new UsageError('aggregate 需要 --region X、--parent X 或 --parent-body X（三选一） / aggregate needs one of --region X, --parent X, --parent-body X');
  }
  if (p.positional.length) throw new UsageError(`多余的参数 ${p.positional[0]} / unexpected argument`);
  return withDb(p, false, async (db) => {
    const result = await aggregate(db, { year: Number(year), region, parent, parentBody, level: p.opts.get('--level'), body: p.opts.get('--body') });
    if (p.flags.has('--json')) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return 0;
    }
    const scope = region ? `地区 ${region}` : parent ? `上级地区 ${parent}` : `上级机关 ${parentBody}`;
    if (!result.length) process.stdout.write(`没有符合条件的报告（${year}年，${scope}） / no matching reports\n`);
    for (const a of result) {
      const title = a.parent_body ? `${a.parent_body.name}及其下属机关（${a.parent_body.region}） ` : `${region ?? parent} `;
      process.stdout.write(renderAggregate(a, title) + '\n\n');
    }
    return 0;
  });
}

async function runCheck(p: Parsed): Promise<number> {
  if (p.positional.length) throw new UsageError(`check --corpus 不接受文件参数（${p.positional[0]}） / check --corpus takes no files`);
  return withDb(p, false, async (db) => {
    const findings = await checkCorpus(db);
    const label = { error: '错误 error', warning: '警告 warning', info: '提示 info' } as const;
    const json = p.flags.has('--json');
    const lines = findings.map((f) => (json ? JSON.stringify(f) : `${label[f.severity]}  ${f.rule}  ${f.message}`));
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    const bad = findings.filter((f) => f.severity !== 'info').length;
    if (!json) process.stdout.write(`共 ${findings.length} 项，其中警告或错误 ${bad} 项 / ${findings.length} finding(s), ${bad} warning(s) or error(s)\n`);
    return bad ? 1 : 0;
  });
}

export async function runCorpusCommand(command: string, args: string[]): Promise<number> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  if (command === 'serve') {
    process.stderr.write('gongkai: serve 尚未实现 / not implemented yet\n');
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  try {
    const p = parseArgs(command, args);
    if (command === 'ingest') return await runIngest(p);
    if (command === 'export') return await runExport(p);
    if (command === 'aggregate') return await runAggregate(p);
    if (command === 'check') return await runCheck(p);
    throw new UsageError(`未知命令 ${command} / unknown command`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`gongkai: ${err.message}（用法见 gongkai ${command} --help / see gongkai ${command} --help）\n`);
      return 2;
    }
    if (err instanceof StoreError) {
      process.stderr.write(`gongkai: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`gongkai: 内部错误 / internal error: ${(err as Error)?.message ?? String(err)}\n`);
    return 2;
  }
}
