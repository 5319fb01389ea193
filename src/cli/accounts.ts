// Account and audit commands:
//   gongkai user add [--admin] [--display NAME] NAME      the password from the terminal (no echo) or stdin's first line
//   gongkai user list [--json]
//   gongkai user disable|enable NAME
//   gongkai user reset NAME                             a new password (ends the user's sessions)
//   gongkai user grant NAME --role R (--body ID|NAME | --division CODE | --parent-body NAME) [--personal-data]
//   gongkai user revoke NAME GRANT_ID
//   gongkai user totp NAME                              a new TOTP second factor: prints the otpauth:// URI once
//   gongkai audit list [--limit N] [--action A] [--json]
//   gongkai audit export [--format csv|jsonl] [--out FILE]
// The store as for the corpus commands (--data DIR, GONGKAI_DATA, DATABASE_URL). Every change is
// in the audit log with the actor `命令行 (OS user)`.

import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { openDb, StoreError, type Db } from '../store/db.js';
import { normaliseName } from '../store/model.js';
import { findParentBody } from '../store/aggregate.js';
import { audit, auditText, listAudit, type Actor } from '../auth/audit.js';
import { ROLE_LABELS, isRole } from '../auth/roles.js';
import { AccountError, addGrant, createUser, getUser, listUsers, revokeGrant, setDisabled, setPassword, setTotp, type Grant, type PublicUser } from '../auth/users.js';
import { PromptError, readNewPassword } from './password.js';
import { parseOptions, UsageError, type Parsed } from './args.js';

export const ACCOUNT_USAGE = `用法 / usage:
  gongkai user add [--admin] [--display 姓名] NAME     新建用户；密码从终端输入（不回显）或取标准输入第一行 / password from the terminal or stdin
  gongkai user list [--json]                          列出用户及其角色 / users and their roles
  gongkai user disable|enable NAME                    停用（并结束其会话）或启用 / disable (ends sessions) or enable
  gongkai user reset NAME                             重设密码（结束其全部会话） / new password (ends all sessions)
  gongkai user grant NAME --role registrar|reviewer|superior|admin|researcher
                     [--body 机关编号或全称] [--division 区划代码前缀] [--parent-body 上级机关] [--personal-data]
  gongkai user revoke NAME GRANT_ID                   收回一项授权 / revoke a grant
  gongkai user totp NAME                              设置双重验证，显示一次 otpauth:// 地址 / set a TOTP second factor
  gongkai audit list [--limit N] [--action A] [--json]   审计日志（最新在前） / the audit log, newest first
  gongkai audit export [--format csv|jsonl] [--out FILE]  导出全部审计日志 / export the whole audit log
数据库 / database: --data DIR，或 GONGKAI_DATA、DATABASE_URL（同 ingest）
角色 / roles: ${Object.entries(ROLE_LABELS).map(([k, v]) => `${k} ${v.zh}`).join('，')}`;

const VALUED = ['--data', '--display', '--role', '--body', '--division', '--parent-body', '--limit', '--action', '--format', '--out'];
const FLAGS = ['--admin', '--json', '--personal-data'];

function parse(args: string[]): Parsed {
  return parseOptions(args, VALUED, FLAGS, (a) => {
    if (a === '--password' || a.startsWith('--password=')) throw new UsageError('密码不能写在命令行上（其他用户和命令历史可见），请在提示时输入或由标准输入提供 / a password is never given on the command line: type it at the prompt or pipe it on stdin');
  });
}

const CLI_ACTOR = (): Actor => {
  let os = 'unknown';
  try {
    os = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return { id: null, name: `命令行 (${os})`, address: 'cli' };
};

function grantText(g: Grant): string {
  const scope = g.body_id !== null ? `机关 body ${g.body_name ?? g.body_id}`
    : [g.division_prefix ? `区划 division ${g.division_prefix}*` : '', g.parent_body_id !== null ? `上级机关 parent body ${g.parent_body_name ?? g.parent_body_id}` : ''].filter(Boolean).join(' + ') || '全部 all';
  return `#${g.id} ${ROLE_LABELS[g.role].zh} ${g.role} · ${scope}${g.personal_data ? ' · 含个人信息 personal data' : ''}`;
}

function userLine(u: PublicUser): string {
  const grants = u.grants.length ? u.grants.map(grantText).join('; ') : '（无角色 no role）';
  return `${u.id}\t${u.name}${u.display_name ? ` (${u.display_name})` : ''}\t${u.disabled ? '已停用 disabled' : '正常 active'}${u.totp ? '\t双重验证 TOTP' : ''}\t${grants}`;
}

async function bodyRef(db: Db, ref: string): Promise<number> {
  if (/^\d{1,9}$/.test(ref)) {
    if ((await db.query('select 1 from bodies where id = $1', [Number(ref)])).length) return Number(ref);
    throw new UsageError(`没有编号为 ${ref} 的机关 / no body with id ${ref}`);
  }
  const rows = await db.query<{ id: number }>('select id from bodies where norm_name = $1', [normaliseName(ref)]);
  if (!rows.length) throw new UsageError(`没有名为“${ref}”的机关（请写全称或编号） / no body named "${ref}" (give its full name or id)`);
  return Number(rows[0].id);
}

function one(positional: string[], what: string): string {
  if (positional.length !== 1) throw new UsageError(`需要一个${what} / give one ${what === '用户名' ? 'user name' : what}`);
  return positional[0];
}

async function runUser(db: Db, sub: string, p: Parsed): Promise<number> {
  const actor = CLI_ACTOR();
  const out = (s: string) => process.stdout.write(s + '\n');
  switch (sub) {
    case 'add': {
      const name = one(p.positional, '用户名');
      const password = await readNewPassword();
      const u = await createUser(db, actor, { name, password, display_name: p.opts.get('--display'), admin: p.flags.has('--admin') });
      out(`已建立用户 / user created: ${userLine(u)}`);
      return 0;
    }
    case 'list': {
      const users = await listUsers(db);
      if (p.flags.has('--json')) out(JSON.stringify(users, null, 2));
      else if (!users.length) out('还没有用户；用 gongkai user add --admin NAME 建立第一个管理员 / no users yet: gongkai user add --admin NAME');
      else for (const u of users) out(userLine(u));
      return 0;
    }
    case 'disable':
    case 'enable': {
      const u = await setDisabled(db, actor, one(p.positional, '用户名'), sub === 'disable');
      out(userLine(u));
      return 0;
    }
    case 'reset': {
      const name = one(p.positional, '用户名');
      if (!(await getUser(db, name))) throw new AccountError('no_user', `没有用户 ${name} / no user ${name}`);
      await setPassword(db, actor, name, await readNewPassword());
      out(`已重设 ${name} 的密码，其全部会话已结束 / password reset; all sessions of ${name} ended`);
      return 0;
    }
    case 'grant': {
      const name = one(p.positional, '用户名');
      const role = p.opts.get('--role');
      if (!role || !isRole(role)) throw new UsageError('需要 --role registrar|reviewer|superior|admin|researcher / --role is required');
      const body = p.opts.get('--body');
      const parent = p.opts.get('--parent-body');
      const u = await addGrant(db, actor, name, {
        role,
        body_id: body ? await bodyRef(db, body) : null,
        division_prefix: p.opts.get('--division') ?? null,
        parent_body_id: parent ? (/^\d+$/.test(parent) ? await bodyRef(db, parent) : (await findParentBody(db, parent)).id) : null,
        personal_data: p.flags.has('--personal-data'),
      });
      out(userLine(u));
      return 0;
    }
    case 'revoke': {
      if (p.positional.length !== 2 || !/^\d+$/.test(p.positional[1])) throw new UsageError('用法：gongkai user revoke NAME GRANT_ID / usage: gongkai user revoke NAME GRANT_ID');
      out(userLine(await revokeGrant(db, actor, p.positional[0], Number(p.positional[1]))));
      return 0;
    }
    case 'totp': {
      const t = await setTotp(db, actor, one(p.positional, '用户名'));
      out('请用身份验证器扫描或输入以下地址（只显示这一次） / add this to an authenticator app (shown once):');
      out(t.uri);
      return 0;
    }
    default:
      throw new UsageError(`未知子命令 user ${sub} / unknown command`);
  }
}

async function runAudit(db: Db, sub: string, p: Parsed): Promise<number> {
  if (sub === 'list') {
    const limit = p.opts.has('--limit') ? Number(p.opts.get('--limit')) : 50;
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit 需要正整数 / --limit needs a positive integer');
    const rows = await listAudit(db, { limit, action: p.opts.get('--action') });
    if (p.flags.has('--json')) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    else for (const r of rows) process.stdout.write(`${r.id}\t${r.at}\t${r.actor_name ?? '-'}\t${r.address ?? '-'}\t${r.action}\t${r.subject_kind ?? ''}${r.subject_id ? ` ${r.subject_id}` : ''}${r.body_id ? `\tbody ${r.body_id}` : ''}\n`);
    return 0;
  }
  if (sub === 'export') {
    const format = p.opts.get('--format') ?? 'csv';
    if (format !== 'csv' && format !== 'jsonl') throw new UsageError('--format 只能是 csv 或 jsonl / --format is csv or jsonl');
    const rows = await listAudit(db, { limit: 100_000 });
    const text = auditText(rows, format);
    const outFile = p.opts.get('--out');
    // written whole or not at all: the text is complete before the file is opened
    if (outFile) writeFileSync(outFile, text);
    else process.stdout.write(text);
    await audit(db, CLI_ACTOR(), { action: 'audit.export', after: { format, rows: rows.length } });
    return 0;
  }
  throw new UsageError(`未知子命令 audit ${sub} / unknown command`);
}

export async function runAccountCommand(command: 'user' | 'audit', args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(ACCOUNT_USAGE + '\n');
    return sub ? 0 : 2;
  }
  let db: Db | undefined;
  try {
    const p = parse(rest);
    db = await openDb({ dataDir: p.opts.get('--data'), create: command === 'user' && sub === 'add' });
    return command === 'user' ? await runUser(db, sub, p) : await runAudit(db, sub, p);
  } catch (err) {
    const known = err instanceof UsageError || err instanceof StoreError || err instanceof AccountError || err instanceof PromptError;
    process.stderr.write(known ? `gongkai: ${(err as Error).message}\n` : `gongkai: 内部错误 / internal error: ${(err as Error)?.message ?? String(err)}\n`);
    return 2;
  } finally {
    await db?.close().catch(() => undefined);
  }
}
