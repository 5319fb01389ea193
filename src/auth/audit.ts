// The audit log: one appended row per login, failed login, logout, change to a user, export of
// personal data (and, later, every change to a register record, a draft or a filing: the
// subject kind and id, the body, and the record before and after as JSON). The table refuses
// UPDATE, DELETE and TRUNCATE (migration 4). Nothing secret goes in: no password, no hash, no
// session id, no TOTP secret — callers pass the public parts of a record (users.ts, publicUser).

import type { Db, Queryable } from '../store/db.js';

export interface Actor {
  id: number | null;
  /** The user's name, or `命令行 (OS user)` for the CLI. */
  name: string | null;
  address?: string | null;
}

export interface AuditEntry {
  action: string;
  subject_kind?: string | null;
  subject_id?: string | number | null;
  body_id?: number | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditRow {
  id: number;
  at: string;
  actor_id: number | null;
  actor_name: string | null;
  address: string | null;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  body_id: number | null;
  before: unknown;
  after: unknown;
}

/** Audit actions and what they mean, for people reading the log. */
export const AUDIT_ACTIONS: Record<string, string> = {
  'auth.login': '登录 / signed in',
  'auth.login_failed': '登录失败 / failed sign-in',
  'auth.locked': '因多次失败被锁定 / locked after failures',
  'auth.logout': '退出登录 / signed out',
  'auth.password_changed': '修改了自己的密码 / changed own password',
  'user.create': '新建用户 / user created',
  'user.disable': '停用用户 / user disabled',
  'user.enable': '启用用户 / user enabled',
  'user.password_reset': '重设密码 / password reset',
  'user.grant': '授予角色 / role granted',
  'user.revoke': '收回角色 / role revoked',
  'user.totp': '设置双重验证 / second factor set',
  'audit.export': '导出审计日志 / audit log exported',
  'personal_data.export': '导出个人信息 / personal data exported',
};

export async function audit(q: Queryable, actor: Actor, e: AuditEntry, at?: Date): Promise<void> {
  await q.query(
    `insert into audit_log (at, actor_id, actor_name, address, action, subject_kind, subject_id, body_id, before, after)
     values (coalesce($1::timestamptz, now()), $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb)`,
    [at ? at.toISOString() : null, actor.id, actor.name, actor.address ?? null, e.action, e.subject_kind ?? null,
      e.subject_id === undefined || e.subject_id === null ? null : String(e.subject_id), e.body_id ?? null,
      e.before === undefined ? null : JSON.stringify(e.before), e.after === undefined ? null : JSON.stringify(e.after)],
  );
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  body_id?: number;
  /** Rows with an id below this (paging backwards from the newest). */
  before_id?: number;
  limit?: number;
}

export async function listAudit(db: Db, f: AuditFilter = {}): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.action) where.push(`action = $${params.push(f.action)}`);
  if (f.actor) where.push(`actor_name = $${params.push(f.actor)}`);
  if (f.body_id !== undefined) where.push(`body_id = $${params.push(f.body_id)}`);
  if (f.before_id !== undefined) where.push(`id < $${params.push(f.before_id)}`);
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 100_000);
  const rows = await db.query<AuditRow>(
    `select id, at, actor_id, actor_name, address, action, subject_kind, subject_id, body_id, before, after
     from audit_log ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit ${limit}`, params);
  return rows.map((r) => ({ ...r, id: Number(r.id), at: new Date(r.at).toISOString() }));
}

const CSV_COLUMNS = ['id', 'at', 'actor_id', 'actor_name', 'address', 'action', 'subject_kind', 'subject_id', 'body_id', 'before', 'after'] as const;

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  // a spreadsheet must not run a field as a formula
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows oldest first, as CSV (a header line, CRLF) or JSON Lines. */
export function auditText(rows: AuditRow[], format: 'csv' | 'jsonl'): string {
  const ordered = [...rows].sort((a, b) => a.id - b.id);
  if (format === 'jsonl') return ordered.map((r) => JSON.stringify(r)).join('\n') + (ordered.length ? '\n' : '');
  return [CSV_COLUMNS.join(','), ...ordered.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))].join('\r\n') + '\r\n';
}
