// Sign-in and server-side sessions. The cookie carries a random 256-bit id (crypto.randomBytes);
// the database keeps its SHA-256 only. A new id at every sign-in (no fixation); a session ends
// after `idleMinutes` without a request, after `absoluteHours` in any case, at logout, when the
// user is disabled and when the password changes (users.ts deletes the rows).
//
// Lockout: `accountFailures` failed sign-ins for one name within `windowMinutes` lock that name,
// `addressFailures` from one address lock the address, each for `lockMinutes` from the last
// failure. A locked name is refused even with the right password; names that do not exist are
// counted the same way, so the answer does not tell which names exist.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.js';
import { audit } from './audit.js';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { checkTotp } from './totp.js';
import { getUser, normUserName, type PublicUser } from './users.js';

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
  accountFailures: number;
  addressFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

export const DEFAULT_POLICY: SessionPolicy = {
  idleMinutes: 30,
  absoluteHours: 12,
  accountFailures: 5,
  addressFailures: 20,
  windowMinutes: 15,
  lockMinutes: 15,
};

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/** Equal strings, compared in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type LoginResult =
  | { ok: true; sessionId: string; csrf: string; user: PublicUser }
  | { ok: false; reason: 'bad_credentials' | 'locked' | 'totp_required' | 'bad_totp'; retryMinutes?: number };

async function lockedFor(db: Db, kind: 'account' | 'address', key: string, limit: number, p: SessionPolicy, now: Date): Promise<number> {
  const since = new Date(now.getTime() - (p.windowMinutes + p.lockMinutes) * 60_000);
  const newest = await db.query<{ at: string }>(`select at from login_failures where kind = $1 and key = $2 and at > $3 order by at desc limit ${limit}`, [kind, key, since.toISOString()]);
  if (newest.length < limit) return 0;
  // the last `limit` failures fell within the window: locked for lockMinutes after the latest
  const latest = new Date(newest[0].at).getTime();
  if (latest - new Date(newest[limit - 1].at).getTime() > p.windowMinutes * 60_000) return 0;
  const until = latest + p.lockMinutes * 60_000;
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 60_000) : 0;
}

export interface LoginInput {
  name: string;
  password: string;
  code?: string;
  address: string;
  now: Date;
}

export async function login(db: Db, inp: LoginInput, p: SessionPolicy = DEFAULT_POLICY): Promise<LoginResult> {
  const key = normUserName(inp.name).slice(0, 128);
  const actor = { id: null, name: null, address: inp.address };
  const lock = Math.max(
    await lockedFor(db, 'account', key, p.accountFailures, p, inp.now),
    await lockedFor(db, 'address', inp.address, p.addressFailures, p, inp.now),
  );
  const [row] = await db.query<{ id: number; name: string; password_hash: string; disabled: boolean; totp_secret: string | null; totp_last_step: string | null }>(
    'select id, name, password_hash, disabled, totp_secret, totp_last_step from users where norm_name = $1', [key]);
  if (lock) {
    await audit(db, { ...actor, id: row ? Number(row.id) : null, name: row?.name ?? null }, { action: 'auth.locked', subject_kind: 'user', subject_id: row ? row.id : null }, inp.now);
    return { ok: false, reason: 'locked', retryMinutes: lock };
  }
  const good = await verifyPassword(row && !row.disabled ? row.password_hash : null, inp.password);
  const fail = async (reason: 'bad_credentials' | 'bad_totp'): Promise<LoginResult> => {
    await db.transaction(async (q) => {
      await q.query(`insert into login_failures (kind, key, at) values ('account', $1, $3), ('address', $2, $3)`, [key, inp.address, inp.now.toISOString()]);
      await q.query('delete from login_failures where at < $1', [new Date(inp.now.getTime() - 24 * 3600_000).toISOString()]);
      // a name that is not a user is not written down: it may be a password typed in the wrong box
      await audit(q, { ...actor, id: row ? Number(row.id) : null, name: row?.name ?? null }, { action: 'auth.login_failed', subject_kind: 'user', subject_id: row ? row.id : null, after: { reason, known_user: !!row } }, inp.now);
    });
    const nowLocked = await lockedFor(db, 'account', key, p.accountFailures, p, inp.now) || await lockedFor(db, 'address', inp.address, p.addressFailures, p, inp.now);
    return nowLocked ? { ok: false, reason: 'locked', retryMinutes: nowLocked } : { ok: false, reason };
  };
  if (!row || !good) return fail('bad_credentials');
  let step: number | null = null;
  if (row.totp_secret) {
    if (!inp.code) return { ok: false, reason: 'totp_required' };
    step = checkTotp(row.totp_secret, inp.code.trim(), inp.now, row.totp_last_step === null ? null : Number(row.totp_last_step));
    if (step === null) return fail('bad_totp');
  }
  const sessionId = newToken();
  const csrf = newToken();
  const rehash = needsRehash(row.password_hash) ? await hashPassword(inp.password) : null;
  await db.transaction(async (q) => {
    if (rehash) await q.query('update users set password_hash = $2 where id = $1', [row.id, rehash]);
    if (step !== null) await q.query('update users set totp_last_step = $2 where id = $1', [row.id, step]);
    await q.query(`delete from login_failures where kind = 'account' and key = $1`, [key]);
    await q.query('delete from sessions where user_id = $1 and (expires_at < $2 or last_seen_at < $3)',
      [row.id, inp.now.toISOString(), new Date(inp.now.getTime() - p.idleMinutes * 60_000).toISOString()]);
    await q.query('insert into sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, address) values ($1, $2, $3, $4, $4, $5, $6)',
      [sha256(sessionId), row.id, csrf, inp.now.toISOString(), new Date(inp.now.getTime() + p.absoluteHours * 3600_000).toISOString(), inp.address]);
    await audit(q, { id: Number(row.id), name: row.name, address: inp.address }, { action: 'auth.login', subject_kind: 'user', subject_id: row.id }, inp.now);
  });
  return { ok: true, sessionId, csrf, user: (await getUser(db, Number(row.id)))! };
}

export interface Session {
  idHash: string;
  csrf: string;
  user: PublicUser;
}

/** The live session the cookie's id names, its last request moved to `now`; null when unknown, expired or the user disabled. */
export async function findSession(db: Db, sessionId: string, now: Date, p: SessionPolicy = DEFAULT_POLICY): Promise<Session | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(sessionId)) return null;
  const idHash = sha256(sessionId);
  const [row] = await db.query<{ user_id: number; csrf_token: string; last_seen_at: string; expires_at: string; disabled: boolean }>(
    'select s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.disabled from sessions s join users u on u.id = s.user_id where s.id_hash = $1', [idHash]);
  if (!row) return null;
  const idleEnd = new Date(row.last_seen_at).getTime() + p.idleMinutes * 60_000;
  if (row.disabled || new Date(row.expires_at).getTime() <= now.getTime() || idleEnd <= now.getTime()) {
    await db.query('delete from sessions where id_hash = $1', [idHash]);
    return null;
  }
  // one write a minute at most, not one per request
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) await db.query('update sessions set last_seen_at = $2 where id_hash = $1', [idHash, now.toISOString()]);
  const user = await getUser(db, Number(row.user_id));
  return user ? { idHash, csrf: row.csrf_token, user } : null;
}

export async function endSession(db: Db, s: Session, address: string): Promise<void> {
  await db.transaction(async (q) => {
    await q.query('delete from sessions where id_hash = $1', [s.idHash]);
    await audit(q, { id: s.user.id, name: s.user.name, address }, { action: 'auth.logout', subject_kind: 'user', subject_id: s.user.id });
  });
}
