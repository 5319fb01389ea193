// The `gongkai` command line.
//   gongkai parse [--json] FILE...   contract JSON (JSON Lines for several files; - reads stdin)
//   gongkai check FILE...            tables and findings for people; exit 1 on error findings
//   gongkai report render ...        a report JSON as .docx / HTML / text (report.ts)
// Exit codes: 0 ok, 1 error-level findings (check), 2 an input could not be read.

import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { parseDocument, DEFAULT_MAX_BYTES } from '../parse.js';
import { InputError, type Report } from '../types.js';
import { makeStyle, renderCheck } from './render.js';

const USAGE = `用法 / usage:
  gongkai parse [--json] [--text] FILE...   输出报告 JSON（多个文件为 JSON Lines；- 表示标准输入）
  gongkai check FILE...                     以表格形式显示报告并列出问题（有错误时退出码为 1）
  gongkai report render --format docx|html|text|pdf FILE.json [--out PATH]
                                            由报告 JSON 生成 .docx / HTML / 纯文本 / PDF（需 LibreOffice）报告（有未确定的单元格时退出码为 1）
  gongkai user add|list|disable|enable|reset|grant|revoke|totp …   用户与角色（gongkai user --help）
  gongkai audit list|export …               审计日志（gongkai audit --help）
  gongkai register …                        依申请公开台账：表三表四、答复期限、收费、导入导出、告知书（gongkai register --help）
选项 / options:
  --max-bytes N    最大输入字节数（默认 ${DEFAULT_MAX_BYTES}）
  --text           在 JSON 中附上规范化文本（span 所指）
  --ocr            扫描件 PDF 用文字识别（需要 pdftoppm、tesseract 和 chi_sim）
退出码 / exit codes: 0 正常, 1 有错误级问题 (check) 或未确定的单元格 (report render), 2 输入无法读取`;

const tooLarge = (maxBytes: number) =>
  new InputError(`输入过大（超过 ${maxBytes} 字节上限） / input too large (limit ${maxBytes} bytes)`, 'too_large');

/**
 * Every input goes through the same byte limit, counted as it is read: a regular file's size is
 * only a first check (a device such as /dev/zero or a pipe reports 0 and never ends).
 */
export async function readInput(path: string, maxBytes: number): Promise<Uint8Array> {
  let stream: AsyncIterable<Buffer>;
  if (path === '-') stream = process.stdin;
  else {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new InputError(`无法读取文件 ${path}：文件不存在或无权限 / cannot read ${path}: no such file or no permission`, 'unreadable');
    }
    if (info.isDirectory()) throw new InputError(`${path} 是目录，不是文件 / ${path} is a directory`, 'unreadable');
    if (info.size > maxBytes) throw new InputError(`${path} 过大（${info.size} 字节，上限 ${maxBytes}） / file too large`, 'too_large');
    stream = createReadStream(path, { highWaterMark: 1 << 20 });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += chunk.length;
      if (total > maxBytes) {
        (stream as { destroy?: () => void }).destroy?.();
        throw tooLarge(maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`无法读取文件 ${path} / cannot read ${path}`, 'unreadable');
  }
  return Buffer.concat(chunks, total);
}

/** A closed stdout (`gongkai parse … | head -c1`) ends the command quietly, with the code so far. */
function quietOnClosedStdout() {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function parseOne(path: string, opts: { maxBytes: number; includeText: boolean; ocr?: boolean }): Promise<Report> {
  const bytes = await readInput(path, opts.maxBytes);
  return parseDocument(bytes, { path: path === '-' ? '(stdin)' : path, maxBytes: opts.maxBytes, includeText: opts.includeText, limits: { ocr: !!opts.ocr } });
}

function errorLine(path: string, err: unknown): string {
  if (err instanceof InputError) return `gongkai: ${path}: ${err.message}`;
  const detail = err instanceof Error ? err.message : String(err);
  return `gongkai: ${path}: 内部错误，无法解析 / internal error: ${detail}`;
}

/** Commands over a stored corpus (ingest, export, aggregate, check --corpus) live in corpus.ts. */
const CORPUS_COMMANDS = new Set(['ingest', 'export', 'aggregate', 'serve']);

export async function main(argv: string[]): Promise<number> {
  quietOnClosedStdout();
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  if (command === 'report') {
    const report = await import('./report.js');
    return report.runReportCommand(rest);
  }
  if (command === 'user' || command === 'audit') {
    const accounts = await import('./accounts.js');
    return accounts.runAccountCommand(command, rest);
  }
  if (command === 'register') {
    const register = await import('./register.js');
    return register.runRegisterCommand(rest);
  }
  if (CORPUS_COMMANDS.has(command) || (command === 'check' && rest.includes('--corpus'))) {
    const corpus = await import('./corpus.js');
    return corpus.runCorpusCommand(command, rest);
  }
  let maxBytes = DEFAULT_MAX_BYTES;
  let includeText = false;
  let ocr = false;
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') continue;
    else if (a === '--text') includeText = true;
    else if (a === '--ocr') ocr = true;
    else if (a === '--max-bytes') maxBytes = Number(rest[++i]);
    else if (a.startsWith('--') ) {
      process.stderr.write(`gongkai: 未知选项 ${a} / unknown option\n${USAGE}\n`);
      return 2;
    } else files.push(a);
  }
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) {
    process.stderr.write('gongkai: --max-bytes 需要正整数 / --max-bytes needs a positive number\n');
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write(`gongkai: 请给出文件 / no input file\n${USAGE}\n`);
    return 2;
  }
  if (command === 'parse') {
    let code = 0;
    for (const f of files) {
      try {
        const report = await parseOne(f, { maxBytes, includeText, ocr });
        process.stdout.write(JSON.stringify(report) + '\n');
      } catch (err) {
        process.stderr.write(errorLine(f, err) + '\n');
        code = 2;
      }
    }
    return code;
  }
  if (command === 'check') {
    const color = !!process.stdout.isTTY && !process.env.NO_COLOR;
    const st = makeStyle(color);
    let code = 0;
    for (const f of files) {
      try {
        const report = await parseOne(f, { maxBytes, includeText: false, ocr });
        process.stdout.write(renderCheck(report, st) + '\n\n');
        if (report.findings.some((x) => x.severity === 'error') && code === 0) code = 1;
      } catch (err) {
        process.stderr.write(errorLine(f, err) + '\n');
        code = 2;
      }
    }
    return code;
  }
  process.stderr.write(`gongkai: 未知命令 ${command} / unknown command\n${USAGE}\n`);
  return 2;
}
