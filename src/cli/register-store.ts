// `gongkai register import|export|notice`: the register in the store (the corpus database),
// Excel workbooks, notices (.docx). Files are written whole or not at all (a temporary file
// renamed into place).

import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { openDb } from '../store/db.js';
import { RegisterStore } from '../register/store.js';
import { toJsonLines, toWorkbook } from '../register/export.js';
import { checkMapping, ImportError, importWorkbook, previewText, type Mapping } from '../register/import-xlsx.js';
import { NOTICE_KINDS, NoticeError, noticeDocx, type NoticeKind } from '../register/notices.js';
import { parseRegisterLines, type Application, type Case } from '../register/records.js';
import { parseArgs, readRecordFiles, UsageError, type Args } from './register.js';

/** Opens the store (PGlite in --data DIR, else as `openDb` decides), runs `fn`, closes it. */
export async function withRegisterStore<T>(dataDir: string | undefined, create: boolean, fn: (s: RegisterStore) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir, create });
  try {
    return await fn(new RegisterStore(db));
  } finally {
    await db.close();
  }
}

const str = (args: Args, k: string): string | undefined => {
  const v = args.flags.get(k);
  return typeof v === 'string' ? v : undefined;
};

async function writeWhole(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch {
    await unlink(tmp).catch(() => undefined);
    throw new UsageError(`无法写入 ${path} / cannot write ${path}`);
  }
}

function actorOf(args: Args): string {
  const a = str(args, '--actor') ?? process.env.GONGKAI_ACTOR;
  if (a) return a;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

const isZip = (b: Uint8Array) => b.length > 3 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

async function commandImport(rest: string[]): Promise<number> {
  const args = parseArgs(rest, ['--data', '--actor', '--skip-bad', '--body', '--mapping', '--save-mapping', '--preview', '--sheet']);
  if (args.files.length !== 1) throw new UsageError('请给出一个要导入的文件（.jsonl 或 .xlsx） / give one file to import');
  const path = args.files[0];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new UsageError(`无法读取文件 ${path}：文件不存在或无权限 / cannot read ${path}`);
  }
  let applications: Application[] = [];
  let cases: Case[] = [];
  if (isZip(bytes)) {
    let mapping: Mapping | undefined;
    const mf = str(args, '--mapping');
    if (mf) {
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(mf, 'utf8'));
      } catch {
        throw new UsageError(`无法读取映射文件 ${mf}（应为 JSON） / cannot read the mapping file`);
      }
      mapping = checkMapping(raw);
    }
    let result;
    try {
      result = await importWorkbook(bytes, { body: str(args, '--body'), mapping, sheet: str(args, '--sheet') });
    } catch (err) {
      if (err instanceof ImportError) throw new UsageError(`${path}：工作簿有误，未导入任何记录 / bad workbook, nothing imported:\n${err.message}`);
      throw err;
    }
    const save = str(args, '--save-mapping');
    if (save) await writeWhole(save, JSON.stringify(result.mapping, null, 2) + '\n');
    if (args.flags.has('--preview')) {
      process.stdout.write(previewText(result) + '\n（预览，未导入 / preview only: nothing stored）\n');
      return 0;
    }
    applications = result.applications;
    cases = result.cases;
  } else {
    if (args.flags.has('--preview') || str(args, '--mapping')) throw new UsageError('--preview 和 --mapping 只用于 .xlsx / --preview and --mapping are for .xlsx files');
    const parsed = parseRegisterLines(Buffer.from(bytes).toString('utf8'));
    if (parsed.errors.length) {
      const list = parsed.errors.slice(0, 50).map((e) => `${path}:${e.line}: ${e.message}`).join('\n');
      if (!args.flags.has('--skip-bad')) throw new UsageError(`台账有误，未导入任何记录（--skip-bad 可跳过错误行） / bad lines, nothing imported (--skip-bad skips them):\n${list}`);
      process.stderr.write(`跳过 ${parsed.errors.length} 行 / skipped ${parsed.errors.length} line(s):\n${list}\n`);
    }
    applications = parsed.applications;
    cases = parsed.cases;
  }
  const sum = await withRegisterStore(str(args, '--data'), true, (s) => s.save(applications, cases, actorOf(args)));
  process.stdout.write(`已导入 / imported: 新增 ${sum.created}，更新 ${sum.updated}，未变 ${sum.unchanged} / created ${sum.created}, updated ${sum.updated}, unchanged ${sum.unchanged}\n`);
  return 0;
}

async function commandExport(rest: string[]): Promise<number> {
  const args = parseArgs(rest, ['--data', '--format', '--out', '--body', '--with-personal']);
  const format = str(args, '--format') ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'xlsx') throw new UsageError('--format 只能是 jsonl 或 xlsx / --format must be jsonl or xlsx');
  const out = str(args, '--out');
  if (format === 'xlsx' && !out) throw new UsageError('xlsx 需要 --out FILE / xlsx needs --out FILE');
  const body = str(args, '--body');
  const { applications, cases } = await withRegisterStore(str(args, '--data'), false, async (s) => ({ applications: await s.applications({ body }), cases: await s.cases({ body }) }));
  const personal = args.flags.has('--with-personal');
  const data = format === 'jsonl' ? toJsonLines(applications, cases, { personal }) : await toWorkbook(applications, cases, { personal });
  if (out) await writeWhole(out, data);
  else process.stdout.write(data as string);
  return 0;
}

async function commandNotice(rest: string[]): Promise<number> {
  const args = parseArgs(rest, ['--data', '--kind', '--id', '--out', '--body', '--date']);
  const kind = str(args, '--kind');
  if (!kind || !(NOTICE_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind 应为 ${NOTICE_KINDS.join('|')} / --kind must be one of ${NOTICE_KINDS.join(', ')}`);
  const id = str(args, '--id');
  const out = str(args, '--out');
  if (!id || !out) throw new UsageError('请给出 --id ID 和 --out FILE.docx / --id and --out are required');
  const body = str(args, '--body');
  const apps = args.files.length
    ? (await readRecordFiles(args.files)).applications
    : await withRegisterStore(str(args, '--data'), false, (s) => s.applications({ body }));
  const matches = apps.filter((a) => a.id === id && (!body || a.body === body));
  if (!matches.length) throw new UsageError(`没有登记号为 ${id} 的申请 / no application ${id}`);
  if (matches.length > 1) throw new UsageError(`登记号 ${id} 在多个机关都有，请用 --body 指明 / id ${id} is in several bodies: give --body`);
  let bytes: Uint8Array;
  try {
    bytes = await noticeDocx(matches[0], kind as NoticeKind, { date: str(args, '--date') });
  } catch (err) {
    if (err instanceof NoticeError) throw new UsageError(err.message);
    throw err;
  }
  await writeWhole(out, bytes);
  process.stderr.write(`已生成 ${out}，请核对、修改后再发出 / written: review and edit it before it goes out\n`);
  return 0;
}

export async function runStoreCommand(sub: string, args: string[]): Promise<number> {
  if (sub === 'import') return commandImport(args);
  if (sub === 'export') return commandExport(args);
  return commandNotice(args);
}
