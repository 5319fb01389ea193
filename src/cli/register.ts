// `gongkai register …`: the 依申请公开 register (spec register.md §7).
//   table --year Y [--template 2021|2019] FILE.jsonl...   tables 三 and 四 counted from the records
//   due [--on YYYY-MM-DD] FILE.jsonl...                    the clock of every application, JSON Lines
//   fee --method piece|volume --count N                    信息处理费
//   list --due-within N [--on D] [FILE.jsonl...]           open applications due within N working days
//   import / export / notice                               the store, Excel, notices (.docx)
// Records in FILE are read without a store. Exit codes: 0 fine, 2 unreadable or bad input.

import { readFile, stat } from 'node:fs/promises';
import { CalendarError } from '../register/calendar.js';
import { dueList, type ClockState } from '../register/clock.js';
import { countTables } from '../register/count.js';
import { fee } from '../register/fees.js';
import { parseRegisterLines, type Application, type Case } from '../register/records.js';

export const REGISTER_USAGE = `用法 / usage:
  gongkai register table --year Y [--template 2021|2019] [--trace] FILE.jsonl...   表三、表四（由台账计数） / tables 三 and 四
  gongkai register due [--on YYYY-MM-DD] [--explain] FILE.jsonl... 每件申请的答复期限（--explain 逐步说明） / the clock of each application
  gongkai register fee --method piece|volume --count N          信息处理费（按件：当月第 N 件；按量：N 页） / the fee
  gongkai register list --due-within N [--on D] [FILE.jsonl...] 在 N 个工作日内到期的未办结申请 / open applications due soon
  gongkai register import [--data DIR] [--actor NAME] [--skip-bad] [--body NAME] [--mapping FILE] [--save-mapping FILE] [--preview] FILE.jsonl|FILE.xlsx
  gongkai register export --format jsonl|xlsx [--out FILE] [--body NAME] [--with-personal] [--data DIR]
  gongkai register notice --kind correction|extension|consultation|fee|answer --id ID --out FILE.docx [FILE.jsonl...]
退出码 / exit codes: 0 正常, 2 输入无法读取或有误 / unreadable or bad input`;

/** A refusal for people: the CLI prints it and exits 2. */
export class UsageError extends Error {}

const MAX_BYTES = 200 * 1024 * 1024;

export async function readText(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`无法读取文件 ${path}：文件不存在或无权限 / cannot read ${path}: no such file or no permission`);
  }
  if (info.isDirectory()) throw new UsageError(`${path} 是目录，不是文件 / ${path} is a directory`);
  if (info.size > MAX_BYTES) throw new UsageError(`${path} 过大 / file too large`);
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`无法读取文件 ${path} / cannot read ${path}`);
  }
}

/** Reads and validates the JSON Lines files; any bad line refuses them all (listed, then exit 2). */
export async function readRecordFiles(files: string[]): Promise<{ applications: Application[]; cases: Case[] }> {
  if (!files.length) throw new UsageError('请给出台账文件（JSON Lines） / no register file given');
  const applications: Application[] = [];
  const cases: Case[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const parsed = parseRegisterLines(await readText(f));
    for (const e of parsed.errors) problems.push(`${f}:${e.line}: ${e.message}`);
    parsed.applications.forEach((a, i) => {
      const key = `a\u0000${a.body}\u0000${a.id}`;
      if (seen.has(key)) problems.push(`${f}:${parsed.applicationLines[i]}: 登记号 ${a.id} 在前面的文件中已出现 / duplicate id across files`);
      seen.add(key);
      applications.push(a);
    });
    parsed.cases.forEach((c, i) => {
      const key = `c\u0000${c.body}\u0000${c.id}`;
      if (seen.has(key)) problems.push(`${f}:${parsed.caseLines[i]}: 案件编号 ${c.id} 在前面的文件中已出现 / duplicate case id across files`);
      seen.add(key);
      cases.push(c);
    });
  }
  if (problems.length) {
    const shown = problems.slice(0, 50);
    if (problems.length > 50) shown.push(`……共 ${problems.length} 处 / ${problems.length} in all`);
    throw new UsageError(`台账有误，未作处理 / bad register records, nothing done:\n${shown.join('\n')}`);
  }
  return { applications, cases };
}

/** Today in China (the offices' calendar), YYYY-MM-DD. */
export function todayInChina(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export interface Args {
  flags: Map<string, string | true>;
  files: string[];
}

/** Options that take no value. */
const BOOLEAN = new Set(['--trace', '--skip-bad', '--preview', '--with-personal', '--json', '--explain']);

export function parseArgs(rest: string[], allowed: string[]): Args {
  const flags = new Map<string, string | true>();
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a.startsWith('--')) {
      if (!allowed.includes(a)) throw new UsageError(`未知选项 ${a} / unknown option ${a}`);
      if (BOOLEAN.has(a)) flags.set(a, true);
      else {
        const v = rest[++i];
        if (v === undefined) throw new UsageError(`${a} 需要一个值 / ${a} needs a value`);
        flags.set(a, v);
      }
    } else files.push(a);
  }
  return { flags, files };
}

const str = (args: Args, k: string): string | undefined => {
  const v = args.flags.get(k);
  return typeof v === 'string' ? v : undefined;
};

function intArg(args: Args, k: string, min: number, max: number): number | undefined {
  const v = str(args, k);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${k} 需要 ${min}–${max} 之间的整数 / ${k} needs an integer from ${min} to ${max}`);
  return Number(v);
}

function dateArg(args: Args, k: string): string | undefined {
  const v = str(args, k);
  if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new UsageError(`${k} 需要 YYYY-MM-DD 格式的日期 / ${k} needs a date YYYY-MM-DD`);
  return v;
}

function dueLine(s: ClockState): string {
  return JSON.stringify({ id: s.id, due: s.due, state: s.state, late: s.late, working_days_left: s.working_days_left, flags: s.flags });
}

async function commandTable(rest: string[]): Promise<number> {
  const args = parseArgs(rest, ['--year', '--template', '--trace']);
  const year = intArg(args, '--year', 2008, 2100);
  if (year === undefined) throw new UsageError('请给出 --year Y / --year is required');
  const template = str(args, '--template');
  if (template !== undefined && template !== '2019' && template !== '2021') throw new UsageError('--template 只能是 2021 或 2019 / --template must be 2021 or 2019');
  const { applications, cases } = await readRecordFiles(args.files);
  const r = countTables(applications, cases, year, { template: template as '2019' | '2021' | undefined });
  const out: Record<string, unknown> = { ...r.tables };
  if (args.flags.has('--trace')) out.trace = Object.fromEntries(r.trace);
  process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
}

async function commandDue(rest: string[]): Promise<number> {
  const args = parseArgs(rest, ['--on', '--explain']);
  const on = dateArg(args, '--on') ?? todayInChina();
  const { applications } = await readRecordFiles(args.files);
  const explain = args.flags.has('--explain');
  // --explain adds `steps`, the due date explained for people; without it the lines are spec §7's exactly.
  const lines = dueList(applications, on, { explain }).map((s) => (explain ? JSON.stringify({ ...JSON.parse(dueLine(s)), steps: s.steps }) : dueLine(s)));
  process.stdout.write(lines.length ? lines.join('\n') + '\n' : '');
  return 0;
}

async function commandFee(rest: string[]): Promise<number> {
  const args = parseArgs(rest, ['--method', '--count']);
  const method = str(args, '--method');
  if (method !== 'piece' && method !== 'volume') throw new UsageError('--method 只能是 piece（按件）或 volume（按量） / --method must be piece or volume');
  const count = intArg(args, '--count', method === 'piece' ? 1 : 0, 1_000_000_000);
  if (count === undefined) throw new UsageError('请给出 --count N / --count is required');
  if (args.files.length) throw new UsageError(`多余的参数 ${args.files[0]} / unexpected argument`);
  process.stdout.write(JSON.stringify({ amount: fee(method, count) }) + '\n');
  return 0;
}

async function commandList(rest: string[]): Promise<number> {
  const args = parseArgs(rest, ['--due-within', '--on', '--data', '--body', '--json']);
  const within = intArg(args, '--due-within', 0, 1000);
  if (within === undefined) throw new UsageError('请给出 --due-within N / --due-within is required');
  const on = dateArg(args, '--on') ?? todayInChina();
  let applications: Application[];
  if (args.files.length) applications = (await readRecordFiles(args.files)).applications;
  else {
    const { withRegisterStore } = await import('./register-store.js');
    applications = await withRegisterStore(str(args, '--data'), false, (s) => s.applications({ body: str(args, '--body') }));
  }
  const states = dueList(applications, on).filter((s) => s.state === 'open' && s.working_days_left !== null && s.working_days_left <= within);
  states.sort((a, b) => a.working_days_left! - b.working_days_left! || (a.id < b.id ? -1 : 1));
  if (args.flags.has('--json')) {
    process.stdout.write(states.map(dueLine).join('\n') + (states.length ? '\n' : ''));
    return 0;
  }
  if (!states.length) {
    process.stdout.write(`${on} 起 ${within} 个工作日内没有到期的申请 / nothing due within ${within} working days\n`);
    return 0;
  }
  for (const s of states) {
    const when = s.working_days_left! < 0 ? `已逾期 ${-s.working_days_left!} 个工作日 / late by ${-s.working_days_left!}` : s.working_days_left === 0 ? '今日到期 / due today' : `还有 ${s.working_days_left} 个工作日 / ${s.working_days_left} working days left`;
    process.stdout.write(`${s.id}\t${s.due}\t${when}${s.flags.length ? '\t' + s.flags.join(',') : ''}\n`);
  }
  return 0;
}

export async function runRegisterCommand(rest: string[]): Promise<number> {
  const [sub, ...args] = rest;
  try {
    switch (sub) {
      case 'table':
        return await commandTable(args);
      case 'due':
        return await commandDue(args);
      case 'fee':
        return await commandFee(args);
      case 'list':
        return await commandList(args);
      case 'import':
      case 'export':
      case 'notice': {
        const more = await import('./register-store.js');
        return await more.runStoreCommand(sub, args);
      }
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(REGISTER_USAGE + '\n');
        return sub ? 0 : 2;
      default:
        throw new UsageError(`未知的子命令 register ${sub} / unknown command\n${REGISTER_USAGE}`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof CalendarError) {
      process.stderr.write(`gongkai register: ${err.message}\n`);
      return 2;
    }
    const { StoreError } = await import('../store/db.js');
    if (err instanceof StoreError) {
      process.stderr.write(`gongkai register: ${err.message}\n`);
      return 2;
    }
    if (err instanceof RangeError) {
      process.stderr.write(`gongkai register: 参数超出范围 / argument out of range\n`);
      return 2;
    }
    throw err;
  }
}
