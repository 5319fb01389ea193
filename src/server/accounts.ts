// The account routes of the API: sign-in and out, one's own account, users (administrators) and
// the audit log (administrators). Mounted at /api; access declared in routes.ts. Bodies are JSON
// checked by zod; every error answers `{ error: { code, message } }` without echoing a password.

import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { audit, auditText, listAudit, AUDIT_ACTIONS, type Actor } from '../auth/audit.js';
import { ROLE_LABELS } from '../auth/roles.js';
import { login, endSession } from '../auth/sessions.js';
import { verifyPassword } from '../auth/passwords.js';
import { AccountError, addGrant, createUser, getUser, listUsers, revokeGrant, setDisabled, setPassword } from '../auth/users.js';
import { HttpError } from './errors.js';
import { clearSessionCookie, declare, needStore, sessionOf, setSessionCookie } from './guard.js';

const JSON_LIMIT = 16 * 1024;

const ACCOUNT_STATUS: Record<AccountError['code'], number> = {
  bad_name: 400, bad_password: 400, exists: 409, no_user: 404, bad_grant: 400, no_body: 400, last_admin: 409,
};

async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new HttpError(400, 'bad_json', '请求体不是有效的 JSON / the body is not valid JSON');
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    // names the fields only; never their values (one of them may be a password)
    const fields = [...new Set(r.error.issues.map((i) => i.path.join('.') || '(body)'))].join(', ');
    throw new HttpError(400, 'bad_request', `请求内容不完整或有误：${fields} / invalid or missing fields: ${fields}`);
  }
  return r.data;
}

async function account<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AccountError) throw new HttpError(ACCOUNT_STATUS[err.code], err.code, err.message);
    throw err;
  }
}

const actorOf = (c: Context): Actor => {
  const s = c.get('session');
  return { id: s?.user.id ?? null, name: s?.user.name ?? null, address: c.get('address') };
};

function userId(c: Context): number {
  const raw = c.req.param('id') ?? '';
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, 'bad_id', '用户编号必须是正整数 / the user id must be a positive integer');
  return Number(raw);
}

const LoginBody = z.object({ name: z.string().min(1).max(128), password: z.string().min(1).max(1024), code: z.string().max(16).optional() });
const PasswordBody = z.object({ current: z.string().min(1).max(1024), password: z.string().min(1).max(1024) });
const NewUserBody = z.object({ name: z.string().max(64), password: z.string().max(1024), display_name: z.string().max(100).optional(), admin: z.boolean().optional() });
const ResetBody = z.object({ password: z.string().max(1024) });
const GrantBody = z.object({
  role: z.string(), body_id: z.number().int().positive().nullable().optional(), division_prefix: z.string().max(12).nullable().optional(),
  parent_body_id: z.number().int().positive().nullable().optional(), personal_data: z.boolean().optional(),
});
const AuditQuery = z.object({
  action: z.string().max(64).optional(), actor: z.string().max(64).optional(),
  body_id: z.coerce.number().int().positive().optional(), before_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

function auditQuery(c: Context) {
  const r = AuditQuery.safeParse(c.req.query());
  if (!r.success) {
    const fields = [...new Set(r.error.issues.map((i) => i.path.join('.') || '(query)'))].join(', ');
    throw new HttpError(400, 'bad_param', `参数有误：${fields} / bad parameter: ${fields}`);
  }
  return r.data;
}

/** The account routes, to mount at /api. */
export function accountRoutes(): Hono {
  const api = new Hono();
  const limit = bodyLimit({ maxSize: JSON_LIMIT, onError: () => { throw new HttpError(413, 'too_large', '请求体过大 / request body too large'); } });
  api.use('/auth/*', limit);
  api.use('/users/*', limit);
  api.use('/users', limit);

  declare(api, '/api', 'POST', '/auth/login', async (c) => {
    const db = needStore(c);
    const b = await jsonBody(c, LoginBody);
    const opts = c.get('auth');
    const r = await login(db, { name: b.name, password: b.password, code: b.code, address: c.get('address'), now: opts.now() }, opts.policy);
    if (!r.ok) {
      if (r.reason === 'locked') throw new HttpError(429, 'locked', `登录失败次数过多，已暂时锁定，请 ${r.retryMinutes} 分钟后再试 / too many failed sign-ins: locked, try again in ${r.retryMinutes} min`);
      if (r.reason === 'totp_required') throw new HttpError(401, 'totp_required', '请输入身份验证器中的六位验证码 / enter the 6-digit code from your authenticator');
      if (r.reason === 'bad_totp') throw new HttpError(401, 'bad_totp', '验证码不正确 / wrong verification code');
      throw new HttpError(401, 'bad_credentials', '用户名或密码不正确 / wrong user name or password');
    }
    // the old session (if any) ends: a new id at every sign-in
    const old = c.get('session');
    if (old) await db.query('delete from sessions where id_hash = $1', [old.idHash]);
    setSessionCookie(c, r.sessionId);
    return c.json({ user: r.user, csrf_token: r.csrf });
  });

  declare(api, '/api', 'GET', '/auth/me', (c) => {
    const s = c.get('session');
    return c.json({
      user: s?.user ?? null, csrf_token: s?.csrf ?? null, public_corpus: c.get('auth').publicCorpus,
      roles: Object.fromEntries(Object.entries(ROLE_LABELS).map(([k, v]) => [k, v.zh])),
    });
  });

  declare(api, '/api', 'POST', '/auth/logout', async (c) => {
    await endSession(needStore(c), sessionOf(c), c.get('address'));
    clearSessionCookie(c);
    return c.json({ ok: true });
  });

  declare(api, '/api', 'POST', '/auth/password', async (c) => {
    const db = needStore(c);
    const s = sessionOf(c);
    const b = await jsonBody(c, PasswordBody);
    const [row] = await db.query<{ password_hash: string }>('select password_hash from users where id = $1', [s.user.id]);
    if (!(await verifyPassword(row?.password_hash ?? null, b.current))) throw new HttpError(403, 'bad_credentials', '当前密码不正确 / the current password is wrong');
    await account(() => setPassword(db, actorOf(c), s.user.id, b.password, true));
    clearSessionCookie(c);
    return c.json({ ok: true, signed_out: true });
  });

  declare(api, '/api', 'GET', '/users', async (c) => c.json({ items: await listUsers(needStore(c)) }));

  declare(api, '/api', 'POST', '/users', async (c) => {
    const b = await jsonBody(c, NewUserBody);
    return c.json(await account(() => createUser(needStore(c), actorOf(c), b)), 201);
  });

  declare(api, '/api', 'GET', '/users/:id', async (c) => {
    const u = await getUser(needStore(c), userId(c));
    if (!u) throw new HttpError(404, 'no_user', '没有这个用户 / no such user');
    return c.json(u);
  });

  declare(api, '/api', 'POST', '/users/:id/disable', async (c) => c.json(await account(() => setDisabled(needStore(c), actorOf(c), userId(c), true))));
  declare(api, '/api', 'POST', '/users/:id/enable', async (c) => c.json(await account(() => setDisabled(needStore(c), actorOf(c), userId(c), false))));

  declare(api, '/api', 'POST', '/users/:id/password', async (c) => {
    const b = await jsonBody(c, ResetBody);
    await account(() => setPassword(needStore(c), actorOf(c), userId(c), b.password));
    return c.json({ ok: true });
  });

  declare(api, '/api', 'POST', '/users/:id/grants', async (c) => {
    const b = await jsonBody(c, GrantBody);
    return c.json(await account(() => addGrant(needStore(c), actorOf(c), userId(c), b)), 201);
  });

  declare(api, '/api', 'DELETE', '/users/:id/grants/:grant', async (c) => {
    const g = c.req.param('grant') ?? '';
    if (!/^\d{1,9}$/.test(g)) throw new HttpError(400, 'bad_id', '授权编号必须是正整数 / the grant id must be a positive integer');
    return c.json(await account(() => revokeGrant(needStore(c), actorOf(c), userId(c), Number(g))));
  });

  declare(api, '/api', 'GET', '/audit', async (c) => {
    const q = auditQuery(c);
    return c.json({ items: await listAudit(needStore(c), q), actions: AUDIT_ACTIONS });
  });

  declare(api, '/api', 'GET', '/audit/export', async (c) => {
    const format = c.req.query('format') ?? 'csv';
    if (format !== 'csv' && format !== 'jsonl') throw new HttpError(400, 'bad_format', '格式只能是 csv 或 jsonl / format must be csv or jsonl');
    const db = needStore(c);
    const rows = await listAudit(db, { limit: 100_000 });
    await audit(db, actorOf(c), { action: 'audit.export', after: { format, rows: rows.length } });
    const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
    return c.body(auditText(rows, format), 200, { 'Content-Type': type, 'Content-Disposition': `attachment; filename="audit-log.${format}"` });
  });

  return api;
}

