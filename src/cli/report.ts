// `gongkai report render --format docx|html|text|pdf FILE.json [--out PATH]`: a report JSON
// (gongkai/report@1, e.g. from `gongkai parse --json --text`, or a draft with section texts) →
// the report as a document, on stdout or in PATH. Cells the report does not decide are drawn
// marked (? / 缺) and listed on stderr; the exit code is then 1. A bad input is one line on
// stderr and exit 2, and --out is written whole or not at all (a temporary file renamed).

import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_MAX_BYTES } from '../parse.js';
import { InputError } from '../types.js';
import { versionForYear } from '../template/index.js';
import { BINARY_FORMATS, FORMATS, readRenderInput, renderReport, type OutputFormat } from '../write/index.js';
import { parseOptions, UsageError } from './args.js';
import { readInput } from './main.js';

const usage = `用法 / usage:
  gongkai report render --format docx|html|text|pdf FILE.json [--out PATH] [--fragment]
    由报告 JSON（gongkai/report@1）生成 .docx / HTML / 纯文本 / PDF 报告（PDF 需要 LibreOffice；- 表示标准输入；不给 --out 时输出到标准输出；
    --fragment：HTML 只输出 <body> 内的内容，供网站内容管理系统的源码模式粘贴）`;

function fail(message: string): number {
  process.stderr.write(`gongkai: ${message}\n`);
  return 2;
}

export async function runReportCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'render') return fail(`未知子命令 report ${sub ?? ''} / unknown subcommand (report render)\n${usage}`);
  let parsed;
  try {
    parsed = parseOptions(rest, ['--format', '--out'], ['--fragment']);
  } catch (err) {
    if (err instanceof UsageError) return fail(`${err.message}\n${usage}`);
    throw err;
  }
  const f = parsed.opts.get('--format');
  if (f !== undefined && !FORMATS.includes(f as OutputFormat)) return fail(`--format 须为 ${FORMATS.join('、')} 之一 / --format must be one of ${FORMATS.join(', ')}`);
  const format = (f as OutputFormat | undefined) ?? null;
  const out = parsed.opts.get('--out') ?? null;
  const fragment = parsed.flags.has('--fragment');
  const files = parsed.positional;
  if (!format) return fail(`请用 --format 指定输出格式 / --format is required\n${usage}`);
  if (fragment && format !== 'html') return fail('--fragment 只用于 --format html / --fragment is for --format html only');
  if (files.length !== 1) return fail(`请给出一个报告 JSON 文件 / give one report JSON file\n${usage}`);
  if (BINARY_FORMATS.has(format) && !out && process.stdout.isTTY) return fail(`${format} 是二进制文件，不输出到终端：请用 --out 文件 或重定向 / ${format} is binary: use --out FILE or redirect stdout`);

  const file = files[0];
  let rendered;
  try {
    const bytes = await readInput(file, DEFAULT_MAX_BYTES);
    const input = readRenderInput(Buffer.from(bytes).toString('utf8'));
    rendered = await renderReport(input, format, { fragment });
    const year = input.meta.year;
    const called = typeof year === 'number' ? versionForYear(year) : null;
    if (called && called !== 'pre2019' && called !== rendered.doc.version) {
      process.stderr.write(`gongkai: 注意：${year} 年度应使用 ${called} 年模板，报告标为 ${rendered.doc.version} 年模板 / note: the year ${year} calls for the ${called} template, the report is in the ${rendered.doc.version} one\n`);
    }
  } catch (err) {
    if (err instanceof InputError) return fail(`${file}: ${err.message}`);
    return fail(`${file}: 内部错误，无法生成报告 / internal error: ${err instanceof Error ? err.message : String(err)}`);
  }

  if (out) {
    const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
    try {
      await writeFile(tmp, rendered.bytes);
      await rename(tmp, out);
    } catch (err) {
      await rm(tmp, { force: true });
      return fail(`无法写入 ${out}：${(err as NodeJS.ErrnoException).code ?? '写入失败'} / cannot write ${out}`);
    }
  } else {
    try {
      await new Promise<void>((resolve, reject) => process.stdout.write(rendered.bytes, (e) => (e ? reject(e) : resolve())));
    } catch (err) {
      return fail(`无法写入标准输出：${(err as NodeJS.ErrnoException).code ?? '写入失败'} / cannot write to stdout`);
    }
  }

  const undecided = rendered.doc.undecided;
  if (undecided.length === 0) return 0;
  const lines = undecided.map((u) => u.status === 'ambiguous'
    ? `  ${u.place}：存疑${u.candidates.length ? `，候选 ${u.candidates.join(' / ')}` : ''} / not decided${u.candidates.length ? `, candidates ${u.candidates.join(', ')}` : ''}`
    : `  ${u.place}：缺失 / missing`);
  process.stderr.write(`gongkai: ${undecided.length} 个单元格原报告未确定，文档中以“?”（存疑）或“缺”（缺失）标出，未填数字 / ${undecided.length} cells are not decided by the report: marked in the document, no number written\n${lines.join('\n')}\n`);
  return 1;
}
