// Corpus commands: gongkai ingest | export | check --corpus. The store is PGlite in a data
// directory (--data DIR, GONGKAI_DATA, default ./gongkai-data) or PostgreSQL when DATABASE_URL is set.

import { writeFileSync } from 'node:fs';
import { openDb, type Db } from '../store/db.js';
import { collectPaths, ingest } from '../store/ingest.js';
import { aggregate, checkCorpus, exportCorpus, type ExportFilter } from '../store/corpus.js';

const USAGE = `用法 / usage:
  gongkai ingest [--data DIR] PATH...|-        导入文件、文件夹或通配符（- 从标准输入读取路径列表）
  gongkai export --format csv|jsonl [--long] [--out FILE] [--body X] [--region X] [--level X] [--year N] [--template 2019|2021] [--has-errors]
  gongkai aggregate --year N [--region X | --body X] [--json]   某地区某年度所有报告的逐格合计，并重新核对勾稽关系
  gongkai check --corpus [--data DIR]           跨年度、跨报告检查`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function readStdinPaths(): Promise<string[]> {
  let s = '';
  for await (const chunk of process.stdin) s += String(chunk);
  return s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

export async function runCorpusCommand(command: string, args: string[]): Promise<number> {
  const dataDir = option(args, '--data');
  let db: Db;
  try {
    db = await openDb({ dataDir });
  } catch (err) {
    process.stderr.write(`gongkai: 无法打开数据库 / cannot open the database: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    if (command === 'ingest') {
      const valued = new Set(['--data']);
      let paths = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
      if (paths.includes('-')) paths = [...paths.filter((p) => p !== '-'), ...(await readStdinPaths())];
      const { files, missing } = collectPaths(paths);
      for (const m of missing) process.stderr.write(`gongkai: 找不到 ${m} / not found\n`);
      if (!files.length) {
        process.stderr.write(`gongkai: 没有可导入的文件 / no files to ingest\n${USAGE}\n`);
        return 2;
      }
      const tty = !!process.stderr.isTTY;
      const started = Date.now();
      const summary = await ingest(db, files, {
        onProgress: tty ? (done, total) => {
          const s = (Date.now() - started) / 1000;
          const rate = done / Math.max(s, 0.001);
          const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
          process.stderr.write(`\r导入 ingest ${done}/${total}  ${rate.toFixed(1)}/s  剩余 ETA ${eta}s   `);
        } : undefined,
      });
      if (tty) process.stderr.write('\n');
      process.stdout.write(`导入完成 / done: ${summary.total} 个文件 files, 新存 stored ${summary.stored}（替换旧版本 superseded ${summary.superseded}），已有 skipped ${summary.skipped}，失败 failed ${summary.failed.length}\n`);
      for (const f of summary.failed) process.stdout.write(`  失败 failed: ${f.path}: ${f.message}\n`);
      return summary.failed.length && !summary.stored && !summary.skipped ? 2 : 0;
    }
    if (command === 'export') {
      const format = option(args, '--format') ?? 'csv';
      if (format !== 'csv' && format !== 'jsonl') {
        process.stderr.write(`gongkai: 不支持的格式 ${format}（可用 csv、jsonl） / unsupported format\n`);
        return 2;
      }
      const year = option(args, '--year');
      const filter: ExportFilter = {
        body: option(args, '--body'), region: option(args, '--region'), level: option(args, '--level'),
        year: year ? Number(year) : undefined, template: option(args, '--template'), hasErrors: args.includes('--has-errors'),
      };
      const out = await exportCorpus(db, filter, format, args.includes('--long'));
      const file = option(args, '--out');
      if (file) writeFileSync(file, out);
      else process.stdout.write(out);
      return 0;
    }
    if (command === 'aggregate') {
      const year = Number(option(args, '--year'));
      if (!Number.isInteger(year)) {
        process.stderr.write(`gongkai: aggregate 需要 --year N / aggregate needs --year N\n${USAGE}\n`);
        return 2;
      }
      const result = await aggregate(db, { year, region: option(args, '--region'), body: option(args, '--body') });
      if (args.includes('--json')) {
        process.stdout.write(JSON.stringify(result) + '\n');
        return 0;
      }
      if (!result.length) process.stdout.write('没有符合条件的报告 / no matching reports\n');
      for (const a of result) {
        process.stdout.write(`模板 template ${a.template}: ${a.reports} 份报告 reports\n`);
        for (const [path, v] of Object.entries(a.sums).sort()) process.stdout.write(`  ${path}\t${v}${a.undecided[path] ? `\t(${a.undecided[path]} 份存疑 undecided)` : ''}\n`);
        for (const b of a.broken) process.stdout.write(`  勾稽关系不成立 rule broken: ${b.rule} — ${b.statement}\n`);
      }
      return 0;
    }
    if (command === 'check') {
      const findings = await checkCorpus(db);
      for (const f of findings) process.stdout.write(`${f.severity === 'warning' ? '警告 warning' : f.severity === 'error' ? '错误 error' : '提示 info'}  ${f.rule}: ${f.message}\n`);
      process.stdout.write(`共 ${findings.length} 项 / ${findings.length} finding(s)\n`);
      return findings.some((f) => f.severity !== 'info') ? 1 : 0;
    }
    process.stderr.write(`gongkai: ${command} 尚未实现 / not implemented yet\n${USAGE}\n`);
    return 2;
  } finally {
    await db.close();
  }
}
