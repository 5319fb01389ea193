// Security of accounts and sessions (#14): the password hashing parameters, lockout per account
// and per address with its duration, session fixation, CSRF refused without the token, the
// cookie's flags (and Secure behind HTTPS only through a trusted proxy), idle and absolute expiry,
// sessions ended by a password change and by disabling, TOTP for administrators, the append-only
// audit log, and no password, hash, session id or token in the log, the audit rows or any error.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hash } from '@node-rs/argon2';
import { createApp } from '../src/server/app.js';
import { ARGON2_PARAMS, HASH_PREFIX, hashPassword, needsRehash, verifyPassword } from '../src/auth/passwords.js';
import { DEFAULT_POLICY, sha256 } from '../src/auth/sessions.js';
import { setTotp } from '../src/auth/users.js';
import { totpCode } from '../src/auth/totp.js';
import { accountsFixture, CLI, PASSWORD, type AccountsFixture } from './auth-fixture.js';
import { ORIGIN, signIn } from './http.js';

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN, ...headers }, body: JSON.stringify(body),
});

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.match(body.error.message, /^[\u4e00-\u9fff].* \/ [A-Za-z]/, `Chinese first, English beside: ${body.error.message}`);
  return { status: res.status, ...body.error };
}

test('Argon2id with the stated parameters; other parameters still verify and are re-hashed', async () => {
  assert.deepEqual({ m: ARGON2_PARAMS.memoryCost, t: ARGON2_PARAMS.timeCost, p: ARGON2_PARAMS.parallelism }, { m: 19456, t: 2, p: 1 });
  const h = await hashPassword(PASSWORD);
  assert.ok(h.startsWith('$argon2id$v=19$m=19456,t=2,p=1$'), h);
  assert.equal(HASH_PREFIX, '$argon2id$v=19$m=19456,t=2,p=1$');
  assert.notEqual(await hashPassword(PASSWORD), h, 'salted');
  assert.equal(await verifyPassword(h, PASSWORD), true);
  assert.equal(await verifyPassword(h, PASSWORD + 'x'), false);
  assert.equal(await verifyPassword('not a hash', PASSWORD), false);
  assert.equal(await verifyPassword(null, PASSWORD), false);
  const weak = await hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
  assert.equal(needsRehash(weak), true);
  assert.equal(needsRehash(h), false);
});

describe('sign-in and sessions', () => {
  let fx: AccountsFixture;
  let clock = new Date('2026-03-01T08:00:00Z');
  const logged: string[] = [];
  const appWith = (o: { trustProxy?: boolean } = {}) => createApp({
    store: fx.db, log: (m, e) => logged.push(`${m} ${e instanceof Error ? `${e.message}\n${e.stack}` : String(e ?? '')}`),
    auth: { now: () => clock, trustProxy: o.trustProxy ?? false },
  });
  const advance = (minutes: number) => { clock = new Date(clock.getTime() + minutes * 60_000); };

  before(async () => { fx = await accountsFixture({ withReport: false }); });
  after(async () => fx?.close());

  test('the stored hash is Argon2id; an old-parameter hash is upgraded at sign-in', async () => {
    const [row] = await fx.db.query<{ password_hash: string }>(`select password_hash from users where name = 'researcher'`);
    assert.ok(row.password_hash.startsWith(HASH_PREFIX));
    await fx.db.query(`update users set password_hash = $1 where name = 'researcher'`, [await hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 })]);
    await signIn(appWith(), 'researcher', PASSWORD);
    const [again] = await fx.db.query<{ password_hash: string }>(`select password_hash from users where name = 'researcher'`);
    assert.ok(again.password_hash.startsWith(HASH_PREFIX), 're-hashed with the current parameters');
  });

  test('cookie: HttpOnly, SameSite=Lax, Path=/; Secure (and __Host-) only over HTTPS through a trusted proxy', async () => {
    const plain = await appWith().request('/api/auth/login', json({ name: 'nobody', password: PASSWORD }));
    const c = plain.headers.get('set-cookie') ?? '';
    assert.match(c, /^gongkai_session=[A-Za-z0-9_-]{43};/);
    assert.match(c, /; HttpOnly/);
    assert.match(c, /; SameSite=Lax/);
    assert.match(c, /; Path=\//);
    assert.doesNotMatch(c, /Secure/);
    // X-Forwarded-Proto from a client is ignored without a trusted proxy
    const spoofed = await appWith().request('/api/auth/login', json({ name: 'nobody', password: PASSWORD }, { 'x-forwarded-proto': 'https' }));
    assert.doesNotMatch(spoofed.headers.get('set-cookie') ?? '', /Secure/);
    const proxied = await appWith({ trustProxy: true }).request('/api/auth/login', json({ name: 'nobody', password: PASSWORD }, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' }));
    const s = proxied.headers.get('set-cookie') ?? '';
    assert.match(s, /^__Host-gongkai_session=/);
    assert.match(s, /; Secure/);
    assert.match(s, /; HttpOnly/);
    const direct = await appWith().request('https://localhost/api/auth/login', json({ name: 'nobody', password: PASSWORD }, { origin: 'https://localhost' }));
    assert.match(direct.headers.get('set-cookie') ?? '', /; Secure/);
  });

  test('fixation: an id planted before sign-in is not used, the id changes at every sign-in, the old one is dead', async () => {
    const app = appWith();
    const planted = 'gongkai_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const me0 = (await (await app.request('/api/auth/me', { headers: { cookie: planted } })).json()) as { user: unknown };
    assert.equal(me0.user, null);
    const first = await app.request('/api/auth/login', json({ name: 'reviewerA', password: PASSWORD }, { cookie: planted }));
    const id1 = (first.headers.get('set-cookie') ?? '').split(';')[0];
    assert.notEqual(id1, planted);
    const second = await app.request('/api/auth/login', json({ name: 'reviewerA', password: PASSWORD }, { cookie: id1 }));
    const id2 = (second.headers.get('set-cookie') ?? '').split(';')[0];
    assert.notEqual(id2, id1);
    const dead = (await (await app.request('/api/auth/me', { headers: { cookie: id1 } })).json()) as { user: unknown };
    assert.equal(dead.user, null, 'the session of the first sign-in ended with the second');
    const live = (await (await app.request('/api/auth/me', { headers: { cookie: id2 } })).json()) as { user: { name: string } };
    assert.equal(live.user.name, 'reviewerA');
    // the database holds the SHA-256 of the id, never the id
    const raw = id2.split('=')[1];
    const rows = await fx.db.query<{ id_hash: string }>('select id_hash from sessions');
    assert.ok(rows.some((r) => r.id_hash === sha256(raw)));
    assert.ok(!rows.some((r) => r.id_hash === raw));
  });

  test('CSRF: a signed-in change without the token, with a wrong one, or from another site is refused', async () => {
    const app = appWith();
    const a = await signIn(app, 'admin', PASSWORD);
    const post = (headers: Record<string, string>) => app.request('/api/users', { method: 'POST', headers: { cookie: a.cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'csrf-victim', password: PASSWORD }) });
    assert.deepEqual(await errorOf(await post({ origin: ORIGIN })).then((e) => [e.status, e.code]), [403, 'csrf_token']);
    assert.deepEqual(await errorOf(await post({ origin: ORIGIN, 'x-csrf-token': 'x'.repeat(43) })).then((e) => [e.status, e.code]), [403, 'csrf_token']);
    // a form posted from another site carries the cookie (SameSite=Lax stops most, not all) but no Origin of ours
    const form = await app.request('/api/auth/logout', { method: 'POST', headers: { cookie: a.cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    assert.deepEqual(await errorOf(form).then((e) => [e.status, e.code]), [403, 'cross_origin']);
    assert.equal((await fx.db.query(`select 1 from users where name = 'csrf-victim'`)).length, 0, 'nothing was created');
    assert.equal((await post({ origin: ORIGIN, 'x-csrf-token': a.csrf })).status, 201);
  });

  test('lockout per account: 5 failures lock the name for 15 minutes, even with the right password', async () => {
    const app = appWith();
    for (let i = 0; i < DEFAULT_POLICY.accountFailures - 1; i++) {
      const e = await errorOf(await app.request('/api/auth/login', json({ name: 'registrarA', password: `wrong-${i}-password` })));
      assert.deepEqual([e.status, e.code], [401, 'bad_credentials']);
    }
    const fifth = await errorOf(await app.request('/api/auth/login', json({ name: 'registrarA', password: 'wrong-again-password' })));
    assert.deepEqual([fifth.status, fifth.code], [429, 'locked']);
    assert.match(fifth.message, /^登录失败次数过多.*15 分钟后再试/);
    const right = await errorOf(await app.request('/api/auth/login', json({ name: 'registrarA', password: PASSWORD })));
    assert.equal(right.code, 'locked', 'the right password does not open a locked account');
    advance(10);
    assert.match((await errorOf(await app.request('/api/auth/login', json({ name: 'registrarA', password: PASSWORD })))).message, /5 分钟后/);
    // a name that does not exist locks the same way: the answer does not tell which names exist
    for (let i = 0; i < DEFAULT_POLICY.accountFailures; i++) await app.request('/api/auth/login', json({ name: 'ghost', password: `wrong-${i}-password` }));
    assert.equal((await errorOf(await app.request('/api/auth/login', json({ name: 'ghost', password: 'x' })))).code, 'locked');
    advance(6);
    assert.equal((await app.request('/api/auth/login', json({ name: 'registrarA', password: PASSWORD }))).status, 200, 'open again after 15 minutes');
  });

  test('lockout per address: 20 failures from one address lock it for every name; another address is not locked', async () => {
    advance(60);
    const app = appWith({ trustProxy: true });
    const from = (addr: string) => ({ 'x-forwarded-for': `198.51.100.1, ${addr}` });
    for (let i = 0; i < DEFAULT_POLICY.addressFailures; i++) {
      await app.request('/api/auth/login', json({ name: `guess${i % 4}`, password: 'wrong-password-x' }, from('192.0.2.7')));
    }
    assert.equal((await errorOf(await app.request('/api/auth/login', json({ name: 'superiorCity', password: PASSWORD }, from('192.0.2.7'))))).code, 'locked');
    assert.equal((await app.request('/api/auth/login', json({ name: 'superiorCity', password: PASSWORD }, from('192.0.2.8')))).status, 200);
    advance(16);
    assert.equal((await app.request('/api/auth/login', json({ name: 'superiorCity', password: PASSWORD }, from('192.0.2.7')))).status, 200);
  });

  test('idle and absolute expiry; logout ends the session', async () => {
    advance(60);
    const app = appWith();
    const me = async (cookie: string) => ((await (await app.request('/api/auth/me', { headers: { cookie } })).json()) as { user: unknown }).user;
    const a = await signIn(app, 'superiorPD', PASSWORD);
    advance(DEFAULT_POLICY.idleMinutes - 1);
    assert.ok(await me(a.cookie), 'alive within the idle time');
    advance(DEFAULT_POLICY.idleMinutes + 1);
    assert.equal(await me(a.cookie), null, 'ended after the idle time');
    const b = await signIn(app, 'superiorPD', PASSWORD);
    for (let m = 20; m < DEFAULT_POLICY.absoluteHours * 60; m += 20) {
      advance(20);
      assert.ok(await me(b.cookie), `alive after ${m} minutes with a request every 20`);
    }
    advance(20);
    assert.equal(await me(b.cookie), null, `ended after ${DEFAULT_POLICY.absoluteHours} hours however active`);
    const c = await signIn(app, 'superiorPD', PASSWORD);
    assert.equal((await c.request('/api/auth/logout', { method: 'POST' })).status, 200);
    assert.equal(await me(c.cookie), null);
  });

  test('a password change ends every session of the user; disabling too', async () => {
    advance(60);
    const app = appWith();
    const one = await signIn(app, 'nobody', PASSWORD);
    const two = await signIn(app, 'nobody', PASSWORD);
    const wrong = await errorOf(await one.request('/api/auth/password', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ current: 'not-the-password', password: 'Another-long-9' }) }));
    assert.equal(wrong.code, 'bad_credentials');
    const changed = await one.request('/api/auth/password', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ current: PASSWORD, password: 'Another-long-9' }) });
    assert.equal(changed.status, 200);
    for (const s of [one, two]) assert.equal(((await (await s.request('/api/auth/me')).json()) as { user: unknown }).user, null);
    assert.equal((await app.request('/api/auth/login', json({ name: 'nobody', password: PASSWORD }))).status, 401);
    const three = await signIn(app, 'nobody', 'Another-long-9');
    const admin = await signIn(app, 'admin', PASSWORD);
    const weak = await errorOf(await admin.request(`/api/users/${fx.users.nobody}/password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'short' }) }));
    assert.equal(weak.code, 'bad_password');
    assert.equal((await admin.request(`/api/users/${fx.users.nobody}/password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'Reset-by-admin-77' }) })).status, 200);
    assert.equal(((await (await three.request('/api/auth/me')).json()) as { user: unknown }).user, null, 'a reset ends the sessions too');
    const four = await signIn(app, 'nobody', 'Reset-by-admin-77');
    assert.equal((await admin.request(`/api/users/${fx.users.nobody}/disable`, { method: 'POST' })).status, 200);
    assert.equal(((await (await four.request('/api/auth/me')).json()) as { user: unknown }).user, null, 'disabled: its sessions end');
    assert.equal((await app.request('/api/auth/login', json({ name: 'nobody', password: 'Reset-by-admin-77' }))).status, 401);
    const last = await errorOf(await admin.request(`/api/users/${fx.users.admin}/disable`, { method: 'POST' }));
    assert.equal(last.code, 'last_admin');
  });

  test('TOTP for an administrator: the code is asked for, checked, and used only once', async () => {
    advance(60);
    const app = appWith();
    const { secret, uri } = await setTotp(fx.db, CLI, 'admin');
    assert.match(uri, /^otpauth:\/\/totp\/gongkai:admin\?.*secret=/);
    const none = await errorOf(await app.request('/api/auth/login', json({ name: 'admin', password: PASSWORD })));
    assert.deepEqual([none.status, none.code], [401, 'totp_required']);
    const bad = await errorOf(await app.request('/api/auth/login', json({ name: 'admin', password: PASSWORD, code: '000000' === totpCode(secret, clock) ? '111111' : '000000' })));
    assert.equal(bad.code, 'bad_totp');
    const code = totpCode(secret, clock);
    assert.equal((await app.request('/api/auth/login', json({ name: 'admin', password: PASSWORD, code }))).status, 200);
    assert.equal((await errorOf(await app.request('/api/auth/login', json({ name: 'admin', password: PASSWORD, code })))).code, 'bad_totp', 'a code is used once');
    advance(1);
    assert.equal((await app.request('/api/auth/login', json({ name: 'admin', password: PASSWORD, code: totpCode(secret, clock) }))).status, 200);
    await fx.db.query(`update users set totp_secret = null where name = 'admin'`);
  });

  test('registrar of body A: body B refused, register export outside the scope refused', async () => {
    const app = appWith();
    const r = await signIn(app, 'registrarA', PASSWORD);
    for (const path of [`/api/office/bodies/${fx.bodies.B}`, `/api/office/bodies/${fx.bodies.B}/register`, `/api/office/bodies/${fx.bodies.B}/register/export`]) {
      assert.deepEqual(await errorOf(await r.request(path)).then((e) => [e.status, e.code]), [403, 'out_of_scope'], path);
    }
    assert.deepEqual(await errorOf(await r.request(`/api/office/bodies/${fx.bodies.B}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).then((e) => e.code), 'out_of_scope');
    const own = (await (await r.request(`/api/office/bodies/${fx.bodies.A}`)).json()) as { body: { name: string }; may: { capability: string }[] };
    assert.equal(own.body.name, '示例市甲区人民政府');
    assert.deepEqual(own.may.map((m) => m.capability), ['body.view', 'register.read', 'register.write', 'register.export', 'register.counts']);
    // the superior without the personal-data grant sees counts and drafts of B, not its register
    const s = await signIn(app, 'superiorCity', PASSWORD);
    const b = (await (await s.request(`/api/office/bodies/${fx.bodies.B}`)).json()) as { may: { capability: string }[] };
    assert.deepEqual(b.may.map((m) => m.capability), ['body.view', 'register.counts', 'drafts.read']);
    assert.equal((await s.request(`/api/office/bodies/${fx.bodies.B}/register/export`)).status, 403);
  });

  test('the audit log: sign-ins, failures, user changes; admins only; append-only; no secret in it', async () => {
    const app = appWith();
    const admin = await signIn(app, 'admin', PASSWORD);
    const list = (await (await admin.request('/api/audit?limit=1000')).json()) as { items: { action: string; actor_name: string | null; after: unknown }[] };
    const actions = new Set(list.items.map((i) => i.action));
    for (const a of ['auth.login', 'auth.login_failed', 'auth.locked', 'auth.logout', 'auth.password_changed', 'user.create', 'user.grant', 'user.disable', 'user.password_reset', 'user.totp']) assert.ok(actions.has(a), a);
    const csv = await (await admin.request('/api/audit/export?format=csv')).text();
    assert.match(csv, /^id,at,actor_id,actor_name,address,action,subject_kind,subject_id,body_id,before,after\r\n/);
    const jsonl = await (await admin.request('/api/audit/export?format=jsonl')).text();
    assert.ok(jsonl.trim().split('\n').every((l) => JSON.parse(l).action));
    for (const text of [csv, jsonl, JSON.stringify(list)]) {
      assert.doesNotMatch(text, /\$argon2|password_hash|totp_secret|csrf_token/i);
      assert.ok(!text.includes(PASSWORD) && !text.includes('Another-long-9') && !text.includes('Reset-by-admin-77') && !text.includes('wrong-password-x'), 'no password');
      assert.ok(!text.includes(admin.cookie.split('=')[1]) && !text.includes(admin.csrf), 'no session id or token');
    }
    const reviewer = await signIn(app, 'reviewerA', PASSWORD);
    assert.equal((await reviewer.request('/api/audit')).status, 403);
    await assert.rejects(fx.db.query('update audit_log set action = $1', ['x']), /append-only/);
    await assert.rejects(fx.db.query('delete from audit_log'), /append-only/);
    await assert.rejects(fx.db.query('truncate audit_log'), /append-only/);
  });

  test('no password or personal data in error messages or the server log', async () => {
    const app = appWith();
    const secret = 'Secret-身份证-110101199001011234';
    const answers = [
      await app.request('/api/auth/login', json({ name: 'registrarA', password: secret })),
      await app.request('/api/auth/login', json({ name: secret, password: secret })),
      await app.request('/api/auth/login', json({ name: 'registrarA', password: 42 })),
      await app.request('/api/auth/login', { ...json({}), body: `{"name":"x","password":"${secret}"` }),
    ];
    const admin = await signIn(app, 'admin', PASSWORD);
    answers.push(await admin.request('/api/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', password: secret }) }));
    answers.push(await admin.request('/api/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `u-${secret}`, password: 7 }) }));
    // an internal error (the store closed under the app) is logged with the method and path only
    const broken = createApp({ store: { ...fx.db, query: async () => { throw new Error('boom'); } } as typeof fx.db, log: (m, e) => logged.push(`${m} ${String(e)}`) });
    answers.push(await broken.request('/api/auth/login', json({ name: 'registrarA', password: secret })));
    for (const res of answers) {
      const text = await res.text();
      assert.ok(res.status >= 400, text);
      assert.ok(!text.includes(secret) && !text.includes('110101199001011234'), text);
    }
    assert.ok(logged.length >= 1, 'the internal error was logged');
    for (const line of logged) assert.ok(!line.includes(secret) && !line.includes('110101199001011234'), line);
    const rows = JSON.stringify(await fx.db.query('select * from audit_log'));
    assert.ok(!rows.includes(secret) && !rows.includes('110101199001011234'), 'a name that is no user is not written down');
  });
});
