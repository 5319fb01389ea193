// Users and their grants in the store (migration 4). Every change is written with its audit row
// in one transaction. A password change (by the user or an administrator's reset) ends every
// session of the user. Nothing here returns a password hash or a TOTP secret to callers except
// `userForLogin` (sessions.ts), which needs them.

import type { Db, Queryable } from '../store/db.js';
import { audit, type Actor } from './audit.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { isRole, ROLE_SCOPE, roleText, type Role } from './roles.js';
import { newTotp } from './totp.js';

/** A refused account operation: `code` for programs, `message` for people (Chinese / English). */
export class AccountError extends Error {
  constructor(readonly code: 'bad_name' | 'bad_password' | 'exists' | 'no_user' | 'bad_grant' | 'no_body' | 'last_admin', message: string) {
    super(message);
    this.name = 'AccountError';
  }
}

export interface Grant {
  id: number;
  role: Role;
  body_id: number | null;
  body_name: string | null;
  division_prefix: string | null;
  parent_body_id: number | null;
  parent_body_name: string | null;
  personal_data: boolean;
}

export interface PublicUser {
  id: number;
  name: string;
  display_name: string | null;
  disabled: boolean;
  totp: boolean;
  created_at: string;
  password_changed_at: string;
  grants: Grant[];
}

export const USER_NAME_RE = /^[\p{L}\p{N}._@-]{2,64}$/u;

type UserRow = { id: number; name: string; display_name: string | null; disabled: boolean; totp_secret: string | null; created_at: string; password_changed_at: string };

async function grantsOf(q: Queryable, userIds: number[]): Promise<Map<number, Grant[]>> {
  const out = new Map<number, Grant[]>(userIds.map((id) => [id, []]));
  if (!userIds.length) return out;
  const rows = await q.query<Grant & { user_id: number }>(
    `select g.id, g.user_id, g.role, g.body_id, b.name as body_name, g.division_prefix, g.parent_body_id, p.name as parent_body_name, g.personal_data
     from user_grants g left join bodies b on b.id = g.body_id left join bodies p on p.id = g.parent_body_id
     where g.user_id = any($1::int[]) order by g.id`, [userIds]);
  for (const r of rows) {
    const { user_id, ...g } = r;
    out.get(Number(user_id))?.push({ ...g, id: Number(g.id), body_id: g.body_id === null ? null : Number(g.body_id), parent_body_id: g.parent_body_id === null ? null : Number(g.parent_body_id) });
  }
  return out;
}

function publicOf(u: UserRow, grants: Grant[]): PublicUser {
  return {
    id: Number(u.id), name: u.name, display_name: u.display_name, disabled: u.disabled, totp: !!u.totp_secret,
    created_at: new Date(u.created_at).toISOString(), password_changed_at: new Date(u.password_changed_at).toISOString(), grants,
  };
}

const USER_COLS = 'id, name, display_name, disabled, totp_secret, created_at, password_changed_at';

export async function listUsers(db: Queryable): Promise<PublicUser[]> {
  const rows = await db.query<UserRow>(`select ${USER_COLS} from users order by id`);
  const grants = await grantsOf(db, rows.map((r) => Number(r.id)));
  return rows.map((r) => publicOf(r, grants.get(Number(r.id)) ?? []));
}

export async function getUser(db: Queryable, idOrName: number | string): Promise<PublicUser | null> {
  const rows = typeof idOrName === 'number'
    ? await db.query<UserRow>(`select ${USER_COLS} from users where id = $1`, [idOrName])
    : await db.query<UserRow>(`select ${USER_COLS} from users where norm_name = $1`, [normUserName(idOrName)]);
  if (!rows.length) return null;
  const grants = await grantsOf(db, [Number(rows[0].id)]);
  return publicOf(rows[0], grants.get(Number(rows[0].id)) ?? []);
}

export const normUserName = (name: string) => name.normalize('NFKC').trim().toLowerCase();

async function mustGet(q: Queryable, idOrName: number | string): Promise<PublicUser> {
  const u = await getUser(q, idOrName);
  if (!u) throw new AccountError('no_user', '没有这个用户 / no such user');
  return u;
}

export async function hasAdmin(db: Queryable): Promise<boolean> {
  const rows = await db.query(`select 1 from users u join user_grants g on g.user_id = u.id where g.role = 'admin' and not u.disabled limit 1`);
  return rows.length > 0;
}

export interface NewUser {
  name: string;
  password: string;
  display_name?: string | null;
  admin?: boolean;
}

export async function createUser(db: Db, actor: Actor, u: NewUser): Promise<PublicUser> {
  const name = u.name.normalize('NFKC').trim();
  if (!USER_NAME_RE.test(name)) throw new AccountError('bad_name', '用户名须为 2–64 个字母、数字或 . _ @ - / a user name is 2–64 letters, digits or . _ @ -');
  const problem = passwordProblem(u.password, name);
  if (problem) throw new AccountError('bad_password', problem);
  const hash = await hashPassword(u.password);
  return db.transaction(async (q) => {
    const exists = await q.query('select 1 from users where norm_name = $1', [normUserName(name)]);
    if (exists.length) throw new AccountError('exists', `已有名为 ${name} 的用户 / a user named ${name} exists`);
    const [row] = await q.query<{ id: number }>('insert into users (name, norm_name, display_name, password_hash) values ($1, $2, $3, $4) returning id',
      [name, normUserName(name), u.display_name?.trim() || null, hash]);
    if (u.admin) await q.query(`insert into user_grants (user_id, role) values ($1, 'admin')`, [row.id]);
    const created = await mustGet(q, Number(row.id));
    await audit(q, actor, { action: 'user.create', subject_kind: 'user', subject_id: created.id, after: created });
    return created;
  });
}

export async function setDisabled(db: Db, actor: Actor, idOrName: number | string, disabled: boolean): Promise<PublicUser> {
  return db.transaction(async (q) => {
    const before = await mustGet(q, idOrName);
    if (disabled && before.grants.some((g) => g.role === 'admin') && !before.disabled) {
      const [{ n }] = await q.query<{ n: number }>(`select count(distinct u.id)::int as n from users u join user_grants g on g.user_id = u.id where g.role = 'admin' and not u.disabled`);
      if (Number(n) <= 1) throw new AccountError('last_admin', '不能停用最后一个管理员 / the last administrator cannot be disabled');
    }
    await q.query('update users set disabled = $2 where id = $1', [before.id, disabled]);
    if (disabled) await q.query('delete from sessions where user_id = $1', [before.id]);
    const after = await mustGet(q, before.id);
    await audit(q, actor, { action: disabled ? 'user.disable' : 'user.enable', subject_kind: 'user', subject_id: before.id, before: { disabled: before.disabled }, after: { disabled } });
    return after;
  });
}

/** A new password (an administrator's reset, or the user's own change): every session of the user ends. */
export async function setPassword(db: Db, actor: Actor, idOrName: number | string, password: string, own = false): Promise<void> {
  const user = await mustGet(db, idOrName);
  const problem = passwordProblem(password, user.name);
  if (problem) throw new AccountError('bad_password', problem);
  const hash = await hashPassword(password);
  await db.transaction(async (q) => {
    await q.query('update users set password_hash = $2, password_changed_at = now() where id = $1', [user.id, hash]);
    await q.query('delete from sessions where user_id = $1', [user.id]);
    await q.query(`delete from login_failures where kind = 'account' and key = $1`, [normUserName(user.name)]);
    await audit(q, actor, { action: own ? 'auth.password_changed' : 'user.password_reset', subject_kind: 'user', subject_id: user.id });
  });
}

export interface GrantSpec {
  role: string;
  body_id?: number | null;
  division_prefix?: string | null;
  parent_body_id?: number | null;
  personal_data?: boolean;
}

export async function addGrant(db: Db, actor: Actor, idOrName: number | string, g: GrantSpec): Promise<PublicUser> {
  if (!isRole(g.role)) throw new AccountError('bad_grant', '角色只能是 registrar、reviewer、superior、admin 或 researcher / role must be registrar, reviewer, superior, admin or researcher');
  const role = g.role;
  const scope = ROLE_SCOPE[role];
  const body = g.body_id ?? null;
  const prefix = g.division_prefix ?? null;
  const parent = g.parent_body_id ?? null;
  if (scope === 'body' && (body === null || prefix !== null || parent !== null)) {
    throw new AccountError('bad_grant', `${roleText(role)} 须指定一个机关 / a ${role} grant names one body`);
  }
  if (scope === 'region' && ((prefix === null && parent === null && body === null))) {
    throw new AccountError('bad_grant', `${roleText(role)} 须指定区划代码前缀或上级机关 / a superior grant names a division-code prefix and/or a parent body`);
  }
  if (scope === 'none' && (body !== null || prefix !== null || parent !== null || g.personal_data)) {
    throw new AccountError('bad_grant', `${roleText(role)} 不对应机关或地区 / a ${role} grant has no body or region`);
  }
  if (prefix !== null && !/^\d{2,12}$/.test(prefix)) throw new AccountError('bad_grant', '区划代码前缀须为 2–12 位数字 / a division prefix is 2–12 digits');
  if (g.personal_data && role !== 'superior') throw new AccountError('bad_grant', '只有上级审核的授权需要单独授予个人信息 / only a superior grant takes personal_data');
  return db.transaction(async (q) => {
    const user = await mustGet(q, idOrName);
    for (const id of [body, parent]) {
      if (id !== null && !(await q.query('select 1 from bodies where id = $1', [id])).length) throw new AccountError('no_body', `没有编号为 ${id} 的机关 / no body with id ${id}`);
    }
    const [row] = await q.query<{ id: number }>('insert into user_grants (user_id, role, body_id, division_prefix, parent_body_id, personal_data) values ($1, $2, $3, $4, $5, $6) returning id',
      [user.id, role, body, prefix, parent, !!g.personal_data]);
    const after = await mustGet(q, user.id);
    const grant = after.grants.find((x) => x.id === Number(row.id));
    await audit(q, actor, { action: 'user.grant', subject_kind: 'user', subject_id: user.id, body_id: body ?? parent, after: grant });
    return after;
  });
}

export async function revokeGrant(db: Db, actor: Actor, idOrName: number | string, grantId: number): Promise<PublicUser> {
  return db.transaction(async (q) => {
    const user = await mustGet(q, idOrName);
    const grant = user.grants.find((g) => g.id === grantId);
    if (!grant) throw new AccountError('bad_grant', `该用户没有编号为 ${grantId} 的授权 / the user has no grant ${grantId}`);
    if (grant.role === 'admin') {
      const [{ n }] = await q.query<{ n: number }>(`select count(distinct u.id)::int as n from users u join user_grants g on g.user_id = u.id where g.role = 'admin' and not u.disabled`);
      if (Number(n) <= 1 && !user.disabled) throw new AccountError('last_admin', '不能收回最后一个管理员的权限 / the last administrator keeps the role');
    }
    await q.query('delete from user_grants where id = $1', [grantId]);
    await audit(q, actor, { action: 'user.revoke', subject_kind: 'user', subject_id: user.id, body_id: grant.body_id ?? grant.parent_body_id, before: grant });
    return mustGet(q, user.id);
  });
}

/** A new TOTP secret for the user (replacing any): the URI is shown once, to put in an authenticator app. */
export async function setTotp(db: Db, actor: Actor, idOrName: number | string): Promise<{ uri: string; secret: string }> {
  const user = await mustGet(db, idOrName);
  const t = newTotp(user.name);
  await db.transaction(async (q) => {
    await q.query('update users set totp_secret = $2, totp_last_step = null where id = $1', [user.id, t.secret]);
    await audit(q, actor, { action: 'user.totp', subject_kind: 'user', subject_id: user.id, after: { totp: true } });
  });
  return t;
}
