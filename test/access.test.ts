// The test that matters (#14): every API route of routes.ts, called by every role and scope and
// by an anonymous visitor, answers what this file — written apart from the route table — says it
// should: the allowed get the route's own answer, the others 401 (not signed in) or 403. A
// registrar of body A reaches nothing of body B (read, change, export); nobody reaches a body
// outside their scope; anonymous reaches no register, draft, user or audit route. Then the same
// with the public corpus turned off (GONGKAI_PUBLIC_CORPUS=0).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../src/server/app.js';
import { ROUTES } from '../src/server/routes.js';
import { addGrant, createUser } from '../src/auth/users.js';
import { accountsFixture, CLI, PASSWORD, PRINCIPALS, type AccountsFixture, type Principal } from './auth-fixture.js';
import { fixture } from './helpers.js';
import { ORIGIN, signIn, type Agent } from './http.js';

type Who = 'anyone' | 'public' | 'signed_in' | Principal[] | { A: Principal[]; B: Principal[] };

const ALL_SIGNED: Principal[] = [...PRINCIPALS];
const ADMIN: Principal[] = ['admin'];

/** Who may use each route — the expectation, written here by hand from the issue. */
const EXPECT: Record<string, Who> = {
  'GET /api/health': 'anyone',
  'GET /api/templates': 'anyone',
  'GET /api/template/:version': 'anyone',
  'POST /api/parse': 'public',
  'POST /api/export': 'public',
  'GET /api/corpus': 'public',
  'GET /api/reports': 'public',
  'GET /api/reports/:id': 'public',
  'GET /api/bodies': 'public',
  'GET /api/bodies/:id': 'public',
  'GET /api/dashboard': 'public',
  'GET /api/compare': 'public',
  'GET /api/compare/pairs': 'public',
  'POST /api/auth/login': 'anyone',
  'GET /api/auth/me': 'anyone',
  'POST /api/auth/logout': 'signed_in',
  'POST /api/auth/password': 'signed_in',
  'GET /api/users': ADMIN,
  'POST /api/users': ADMIN,
  'GET /api/users/:id': ADMIN,
  'POST /api/users/:id/disable': ADMIN,
  'POST /api/users/:id/enable': ADMIN,
  'POST /api/users/:id/password': ADMIN,
  'POST /api/users/:id/grants': ADMIN,
  'DELETE /api/users/:id/grants/:grant': ADMIN,
  'GET /api/audit': ADMIN,
  'GET /api/audit/export': ADMIN,
  'GET /api/office/bodies/:body': { A: ['registrarA', 'reviewerA', 'superiorCity', 'superiorPD'], B: ['superiorCity', 'superiorPD'] },
  'GET /api/office/bodies/:body/register': { A: ['registrarA', 'superiorPD'], B: ['superiorPD'] },
  'POST /api/office/bodies/:body/register': { A: ['registrarA'], B: [] },
  'GET /api/office/bodies/:body/register/export': { A: ['registrarA', 'superiorPD'], B: ['superiorPD'] },
  'GET /api/office/bodies/:body/register/counts': { A: ['registrarA', 'reviewerA', 'superiorCity', 'superiorPD'], B: ['superiorCity', 'superiorPD'] },
  'GET /api/office/bodies/:body/drafts': { A: ['reviewerA', 'superiorCity', 'superiorPD'], B: ['superiorCity', 'superiorPD'] },
  'POST /api/office/bodies/:body/drafts': { A: ['reviewerA'], B: [] },
};

interface Sample {
  path: string;
  body?: unknown;
  /** The route's own answer when access is granted. */
  ok: number;
}

/** Routes that end or replace the caller's session: called last, each with a fresh session. */
const LAST = new Set(['POST /api/auth/login', 'POST /api/auth/logout', 'POST /api/auth/password']);

describe('every route × every role', () => {
  let fx: AccountsFixture;
  let target = 0;
  let grantToRevoke = 0;
  let corpusBody = 0;
  let created = 0;
  let round = 0;
  const newPasswords = new Map<string, string>();

  before(async () => {
    fx = await accountsFixture();
    const t = await createUser(fx.db, CLI, { name: 'target', password: PASSWORD });
    target = t.id;
    corpusBody = Number((await fx.db.query<{ body_id: number }>('select body_id from reports where id = $1', [fx.reportId]))[0].body_id);
  });
  after(async () => fx?.close());

  const sample = (key: string, principal: Principal, body: number): Sample => {
    const seed = fixture('corpus', 'input', 'seed001-chaoyang-2021.txt').toString('utf8');
    const r = fx.reportId;
    const b = `/api/office/bodies/${body}`;
    const samples: Record<string, Sample> = {
      'GET /api/health': { path: '/api/health', ok: 200 },
      'GET /api/templates': { path: '/api/templates', ok: 200 },
      'GET /api/template/:version': { path: '/api/template/2021', ok: 200 },
      'POST /api/parse': { path: '/api/parse', body: { text: seed }, ok: 200 },
      'POST /api/export': { path: '/api/export?format=csv', body: { schema: 'gongkai/report@1', source: {}, meta: { template: '2021' }, tables: {}, findings: [] }, ok: 200 },
      'GET /api/corpus': { path: '/api/corpus', ok: 200 },
      'GET /api/reports': { path: '/api/reports', ok: 200 },
      'GET /api/reports/:id': { path: `/api/reports/${r}`, ok: 200 },
      'GET /api/bodies': { path: '/api/bodies', ok: 200 },
      'GET /api/bodies/:id': { path: `/api/bodies/${corpusBody}`, ok: 200 },
      'GET /api/dashboard': { path: '/api/dashboard', ok: 200 },
      'GET /api/compare': { path: `/api/compare?a=${r}&b=${r}`, ok: 200 },
      'GET /api/compare/pairs': { path: '/api/compare/pairs', ok: 200 },
      'POST /api/auth/login': { path: '/api/auth/login', body: { name: principal === 'anonymous' ? 'nobody' : principal, password: newPasswords.get(principal === 'anonymous' ? 'nobody' : principal) ?? PASSWORD }, ok: 200 },
      'GET /api/auth/me': { path: '/api/auth/me', ok: 200 },
      'POST /api/auth/logout': { path: '/api/auth/logout', body: {}, ok: 200 },
      'POST /api/auth/password': { path: '/api/auth/password', body: { current: newPasswords.get(principal) ?? PASSWORD, password: `Rotated-${round}-${PASSWORD}` }, ok: 200 },
      'GET /api/users': { path: '/api/users', ok: 200 },
      'POST /api/users': { path: '/api/users', body: { name: `made-${principal}-${created}`, password: PASSWORD }, ok: 201 },
      'GET /api/users/:id': { path: `/api/users/${target}`, ok: 200 },
      'POST /api/users/:id/disable': { path: `/api/users/${target}/disable`, body: {}, ok: 200 },
      'POST /api/users/:id/enable': { path: `/api/users/${target}/enable`, body: {}, ok: 200 },
      'POST /api/users/:id/password': { path: `/api/users/${target}/password`, body: { password: `${PASSWORD}-reset` }, ok: 200 },
      'POST /api/users/:id/grants': { path: `/api/users/${target}/grants`, body: { role: 'researcher' }, ok: 201 },
      'DELETE /api/users/:id/grants/:grant': { path: `/api/users/${target}/grants/${grantToRevoke}`, ok: 200 },
      'GET /api/audit': { path: '/api/audit', ok: 200 },
      'GET /api/audit/export': { path: '/api/audit/export?format=csv', ok: 200 },
      'GET /api/office/bodies/:body': { path: b, ok: 200 },
      'GET /api/office/bodies/:body/register': { path: `${b}/register`, ok: 501 },
      'POST /api/office/bodies/:body/register': { path: `${b}/register`, body: {}, ok: 501 },
      'GET /api/office/bodies/:body/register/export': { path: `${b}/register/export`, ok: 501 },
      'GET /api/office/bodies/:body/register/counts': { path: `${b}/register/counts`, ok: 501 },
      'GET /api/office/bodies/:body/drafts': { path: `${b}/drafts`, ok: 501 },
      'POST /api/office/bodies/:body/drafts': { path: `${b}/drafts`, body: {}, ok: 501 },
    };
    const s = samples[key];
    assert.ok(s, `no sample request for ${key}: add one to test/access.test.ts`);
    return s;
  };

  function allowed(who: Who, p: Principal, which: 'A' | 'B' | 'C' | 'none', publicCorpus: boolean): boolean {
    if (who === 'anyone') return true;
    if (who === 'public') return publicCorpus || p !== 'anonymous';
    if (who === 'signed_in') return p !== 'anonymous';
    if (Array.isArray(who)) return who.includes(p);
    return which === 'A' ? who.A.includes(p) : which === 'B' ? who.B.includes(p) : false;
  }

  async function walk(publicCorpus: boolean) {
    round++;
    grantToRevoke = (await addGrant(fx.db, CLI, target, { role: 'researcher' })).grants.at(-1)!.id;
    const app = createApp({ store: fx.db, auth: { publicCorpus } });
    const agents = new Map<Principal, Agent>();
    const agentOf = async (p: Principal, fresh = false): Promise<Agent | null> => {
      if (p === 'anonymous') return null;
      if (fresh || !agents.has(p)) agents.set(p, await signIn(app, p, newPasswords.get(p) ?? PASSWORD));
      return agents.get(p)!;
    };
    const call = async (p: Principal, method: string, s: Sample, agent: Agent | null) => {
      const init: RequestInit = { method, ...(s.body !== undefined ? { body: JSON.stringify(s.body), headers: { 'content-type': 'application/json' } } : {}) };
      if (agent) return agent.request(s.path, init);
      const headers = new Headers(init.headers);
      if (method !== 'GET') headers.set('origin', ORIGIN);
      return app.request(s.path, { ...init, headers });
    };
    const principals: Principal[] = ['anonymous', ...ALL_SIGNED];
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    const ordered = [...keys.filter((k) => !LAST.has(k)), ...keys.filter((k) => LAST.has(k))];
    const failures: string[] = [];
    let calls = 0;
    for (const key of ordered) {
      const who = EXPECT[key];
      assert.ok(who !== undefined, `${key} has no expectation in test/access.test.ts`);
      const [method] = key.split(' ');
      const scoped = key.includes(':body');
      const targets: ['A' | 'B' | 'C' | 'none', number][] = scoped ? [['A', fx.bodies.A], ['B', fx.bodies.B], ['C', fx.bodies.C], ['none', 999_999]] : [['none', 0]];
      for (const p of principals) {
        for (const [which, bodyId] of targets) {
          const s = sample(key, p, bodyId);
          const agent = await agentOf(p, LAST.has(key));
          const res = await call(p, method, s, agent);
          calls++;
          const may = allowed(who, p, which, publicCorpus);
          const expect = may ? [s.ok] : p === 'anonymous' ? [401] : [403];
          if (!expect.includes(res.status)) failures.push(`${key} as ${p}${scoped ? ` on body ${which}` : ''}: ${res.status} (expected ${expect.join('/')}) ${(await res.text()).slice(0, 160)}`);
          else if (!may) {
            const { error } = (await res.json()) as { error: { code: string; message: string } };
            assert.ok(['sign_in_required', 'forbidden', 'out_of_scope'].includes(error.code), `${key} as ${p}: ${error.code}`);
            assert.match(error.message, /^[\u4e00-\u9fff].* \/ [A-Za-z]/, 'Chinese first, English beside');
          }
          if (key === 'POST /api/users' && res.status === 201) created++;
          if (key === 'POST /api/auth/password' && res.status === 200) newPasswords.set(p, `Rotated-${round}-${PASSWORD}`);
          if (key === 'POST /api/auth/logout') agents.delete(p);
        }
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    return calls;
  }

  test('every route in the table has an expectation here, and nothing else is expected', () => {
    const keys = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    assert.deepEqual([...keys].filter((k) => !(k in EXPECT)), []);
    assert.deepEqual(Object.keys(EXPECT).filter((k) => !keys.has(k)), []);
  });

  test('every /api route the app registers is declared in routes.ts', () => {
    const app = createApp();
    const declared = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    const registered = app.routes.filter((r) => r.path.startsWith('/api') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    assert.ok(registered.length >= ROUTES.length);
    for (const k of registered) assert.ok(declared.has(k), k);
  });

  test('web/openapi.json documents every route with the access the table declares', async () => {
    const doc = (await (await createApp().request('/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-access'?: string }>> };
    for (const r of ROUTES) {
      const op = doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      assert.ok(op, `documented: ${r.method} ${r.path}`);
      const want = r.access.kind === 'capability' ? `capability:${r.access.capability}` : r.access.kind;
      assert.equal(op['x-access'], want, `${r.method} ${r.path}`);
    }
  });

  test('public corpus: each route with each role and anonymous', async () => {
    const calls = await walk(true);
    assert.ok(calls > 300, `${calls} calls`);
  });

  test('GONGKAI_PUBLIC_CORPUS=0: the corpus and the checker need a sign-in too', async () => {
    await walk(false);
  });
});
