// Corpus commands: gongkai ingest | export | aggregate | check --corpus. The store is PGlite in a
// data directory (--data DIR, GONGKAI_DATA, default ./gongkai-data) or PostgreSQL when DATABASE_URL is set.

import { createWriteStream } from 'node:fs';
import { openDb, type Db } from '../corpus/db.js';
import { collectPaths, enqueue, ingest, ingestQueue, type IngestSummary } from '../corpus/ingest.js';
import { checkCorpus } from '../corpus/checks.js';
import { aggregate, exportText, exportXlsx, renderAggregate, type ExportFilter } from '../corpus/export.js';

const USAGE = `用法 / usage:
  gongkai ingest [--data DIR] [--workers N] PATH...|-     导入文件、文件夹或通配符（- 从标准输入读取路径列表）
  gongkai ingest --queue [PATH...]                        多进程导入：路径入队后逐批认领（需要 DATABASE_URL）
  gongkai export --format csv|xlsx|jsonl [--long] [--out FILE] [--body X] [--region X] [--level X] [--year N] [--template 2019|2021] [--has-errors]
  gongkai aggregate --year N [--region X] [--body X] [--level X] [--json]   某地区某年度所有报告的逐格合计，并重新核对勾稽关系
  gongkai check --corpus [--data DIR]                     跨年度、跨报告检查（有警告或错误时退出码为 1）
数据库 / database: --data DIR 或 GONGKAI_DATA（默认 ./gongkai-data，内嵌 PGlite）；设置 DATABASE_URL 则使用 PostgreSQL`;

const VALUED = new Set(['--data', '--workers', '--format', '--out', '--body', '--region', '--level', '--year', '--template']);

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function readStdinPaths(): Promise<string[]> {
  let s = '';
  for await (const chunk of process.stdin) s += String(chunk);
  return s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

function progress(): ((done: number, total: number) => void) | undefined {
  // GONGKAI_PROGRESS=lines: one plain "done/total" line per report (for scripts and tests)
  if (!process.stderr.isTTY && process.env.GONGKAI_PROGRESS === 'lines') return (done, total) => { process.stderr.write(`${done}/${total}\n`); };
  if (!process.stderr.isTTY) return undefined;
  const started = Date.now();
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    const s = (now - started) / 1000;
    const rate = done / Math.max(s, 0.001);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    process.stderr.write(`\r导入 ingest ${done}/${total}  ${rate.toFixed(1)} 份/秒 per s  剩余 ETA ${eta}s   `);
  };
}

function printSummary(s: IngestSummary, seconds: number) {
  process.stdout.write(
    `导入完成：${s.total} 个文件，新存 ${s.stored} 份（其中替换旧解析 ${s.superseded}），已有跳过 ${s.skipped}，失败 ${s.failed.length}，用时 ${seconds.toFixed(1)} 秒` +
    ` / done: ${s.total} files, ${s.stored} stored (${s.superseded} superseding an older parse), ${s.skipped} already stored, ${s.failed.length} failed, ${seconds.toFixed(1)} s\n`);
  for (const f of s.failed) process.stdout.write(`  失败 failed: ${f.path}: ${f.message}\n`);
}

function positional(args: string[]): string[] {
  return args.filter((a, i) => (a === '-' || !a.startsWith('--')) && !VALUED.has(args[i - 1]));
}

export async function runCorpusCommand(command: string, args: string[]): Promise<number> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  if (command === 'serve') {
    process.stderr.write(`gongkai: serve 尚未实现 / not implemented yet\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const queue = command === 'ingest' && args.includes('--queue');
  if (queue && !process.env.DATABASE_URL) {
    process.stderr.write('gongkai: ingest --queue 需要 PostgreSQL（设置 DATABASE_URL） / --queue needs DATABASE_URL\n');
    return 2;
  }
  let db: Db;
  try {
    db = await openDb({ dataDir: option(args, '--data') });
  } catch (err) {
    process.stderr.write(`gongkai: 无法打开数据库 / cannot open the database: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    if (command === 'ingest') {
      let paths = positional(args);
      if (paths.includes('-')) paths = [...paths.filter((p) => p !== '-'), ...(await readStdinPaths())];
      const { files, missing } = collectPaths(paths);
      for (const m of missing) process.stderr.write(`gongkai: 找不到 ${m} / not found\n`);
      const workers = option(args, '--workers') ? Number(option(args, '--workers')) : undefined;
      const started = Date.now();
      const onProgress = progress();
      let summary: IngestSummary;
      if (queue) {
        const added = await enqueue(db, files);
        if (files.length) process.stdout.write(`入队 ${added} 个路径 / queued ${added} path(s)\n`);
        summary = await ingestQueue(db, { workers, onProgress });
      } else {
        if (!files.length) {
          process.stderr.write(`gongkai: 没有可导入的文件 / no files to ingest\n${USAGE}\n`);
          return 2;
        }
        summary = await ingest(db, files, { workers, onProgress });
      }
      if (onProgress && process.stderr.isTTY) process.stderr.write('\n');
      printSummary(summary, (Date.now() - started) / 1000);
      return summary.failed.length && !summary.stored && !summary.skipped ? 2 : 0;
    }
    if (command === 'export') {
      const format = option(args, '--format') ?? 'csv';
      if (format !== 'csv' && format !== 'jsonl' && format !== 'xlsx') {
        process.stderr.write(`gongkai: 不支持的格式 ${format}（可用 csv、xlsx、jsonl） / unsupported format\n`);
        return 2;
      }
      const year = option(args, '--year');
      const template = option(args, '--template');
      if ((year && !/^\d{4}$/.test(year)) || (template && template !== '2019' && template !== '2021')) {
        process.stderr.write(`gongkai: --year 需要四位年份，--template 只能是 2019 或 2021 / bad --year or --template\n`);
        return 2;
      }
      const filter: ExportFilter = {
        body: option(args, '--body'), region: option(args, '--region'), level: option(args, '--level'),
        year: year ? Number(year) : undefined, template, hasErrors: args.includes('--has-errors'),
      };
      const file = option(args, '--out');
      let n: number;
      if (format === 'xlsx') {
        if (!file && process.stdout.isTTY) {
          process.stderr.write('gongkai: XLSX 请用 --out FILE 写入文件 / use --out FILE for xlsx\n');
          return 2;
        }
        n = await exportXlsx(db, filter, file ?? process.stdout);
      } else {
        const out = file ? createWriteStream(file) : process.stdout;
        const write = (s: string) => new Promise<void>((resolve, reject) => out.write(s, (err) => (err ? reject(err) : resolve())));
        n = await exportText(db, filter, format, args.includes('--long'), write);
        if (file) await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(r));
      }
      if (file) process.stderr.write(`导出 ${n} 份报告到 ${file} / exported ${n} report(s)\n`);
      return 0;
    }
    if (command === 'aggregate') {
      const year = Number(option(args, '--year'));
      if (!Number.isInteger(year)) {
        process.stderr.write(`gongkai: aggregate 需要 --year N / aggregate needs --year N\n${USAGE}\n`);
        return 2;
      }
      const result = await aggregate(db, { year, region: option(args, '--region'), body: option(args, '--body'), level: option(args, '--level') });
      if (args.includes('--json')) {
        process.stdout.write(JSON.stringify(result) + '\n');
        return 0;
      }
      if (!result.length) process.stdout.write('没有符合条件的报告 / no matching reports\n');
      for (const a of result) process.stdout.write(renderAggregate(a) + '\n\n');
      return 0;
    }
    if (command === 'check') {
      const findings = await checkCorpus(db);
      const label = { error: '错误 error', warning: '警告 warning', info: '提示 info' } as const;
      for (const f of findings) process.stdout.write(`${label[f.severity]}  ${f.rule}: ${f.message}\n`);
      const w = findings.filter((f) => f.severity !== 'info').length;
      process.stdout.write(`共 ${findings.length} 项，其中警告或错误 ${w} 项 / ${findings.length} finding(s), ${w} warning(s) or error(s)\n`);
      return w ? 1 : 0;
    }
    process.stderr.write(`gongkai: 未知命令 ${command} / unknown command\n${USAGE}\n`);
    return 2;
  } finally {
    await db.close();
  }
}
