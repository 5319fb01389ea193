// The register over HTTP (issue #15): what a registrar does — add an application, request a
// correction, see the due date move — and what the others may see of it: the superior without
// `personal_data` gets the counts but no names, the audit log holds the change without the
// applicant's personal data, and a date outside the holiday calendar is a clear 400.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { createApp } from '../src/server/app.js';
import { listAudit } from '../src/auth/audit.js';
import { accountsFixture, PASSWORD, type AccountsFixture } from './auth-fixture.js';
import { signIn, type Agent } from './http.js';

describe('register API', () => {
  let fx: AccountsFixture;
  let registrar: Agent;
  let superiorCity: Agent;
  let reviewer: Agent;
  let base = '';

  before(async () => {
    fx = await accountsFixture({ withReport: false });
    const app = createApp({ store: fx.db });
    registrar = await signIn(app, 'registrarA', PASSWORD);
    superiorCity = await signIn(app, 'superiorCity', PASSWORD);
    reviewer = await signIn(app, 'reviewerA', PASSWORD);
    base = `/api/office/bodies/${fx.bodies.A}/register`;
  });
  after(async () => fx?.close());

  const post = (a: Agent, path: string, body: unknown) => a.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  test('add an application, request a correction: the due date moves and the steps say why', async () => {
    const res = await post(registrar, `${base}?on=2026-03-02`, { id: 'Q-1', received: '2026-03-02', applicant: { type: 'natural_person', name: '李四', contact: '13800000000' }, request: '某道路改造批复' });
    assert.equal(res.status, 201, await res.clone().text());
    const first = (await res.json()) as { clock: { due: string } };
    // 2026-03-02 is a Monday; March has no holiday: the 20th working day after is Monday 03-30
    assert.equal(first.clock.due, '2026-03-30');

    const again = await post(registrar, base, { id: 'Q-1', received: '2026-03-02', applicant: { type: 'commercial' } });
    assert.equal(again.status, 409);

    let r = await post(registrar, `${base}/applications/Q-1/events?on=2026-03-04`, { date: '2026-03-03', kind: 'correction_requested' });
    assert.equal(r.status, 201);
    const waiting = (await r.json()) as { clock: { due: string | null; stopped: string } };
    assert.equal(waiting.clock.due, null);
    assert.equal(waiting.clock.stopped, 'correction');

    r = await post(registrar, `${base}/applications/Q-1/events?on=2026-03-05`, { date: '2026-03-05', kind: 'correction_received' });
    const corrected = (await r.json()) as { clock: { due: string; steps: string[] } };
    // the period restarts from the correction: 20 working days after Thursday 03-05
    assert.equal(corrected.clock.due, '2026-04-02');
    assert.ok(corrected.clock.steps.some((s) => s.includes('收到补正') && s.includes('2026-04-02')), corrected.clock.steps.join('\n'));

    const rec = (await (await registrar.request(`${base}/applications/Q-1?on=2026-03-05`)).json()) as { clock: { due: string }; history: { version: number }[]; application: { applicant: { name: string } } };
    assert.equal(rec.clock.due, '2026-04-02');
    assert.deepEqual(rec.history.map((h) => h.version), [1, 2, 3]);
    assert.equal(rec.application.applicant.name, '李四');
  });

  test('an event out of order is refused and nothing changes', async () => {
    const r = await post(registrar, `${base}/applications/Q-1/events`, { date: '2026-03-02', kind: 'extended' });
    assert.equal(r.status, 400);
    const { error } = (await r.json()) as { error: { message: string } };
    assert.match(error.message, /顺序.* \/ /);
    const rec = (await (await registrar.request(`${base}/applications/Q-1?on=2026-03-05`)).json()) as { history: unknown[] };
    assert.equal(rec.history.length, 3);
  });

  test('the list filters; due this week; a date outside the calendar is a 400 with a message', async () => {
    await post(registrar, base, { id: 'Q-2', received: '2026-03-02', applicant: { type: 'commercial' }, events: [{ date: '2026-03-20', kind: 'answered', outcome: 'granted' }] });
    const list = async (q: string) => ((await (await registrar.request(`${base}?on=2026-03-27&${q}`)).json()) as { items: { id: string }[] }).items.map((x) => x.id);
    assert.deepEqual(await list(''), ['Q-1', 'Q-2']);
    assert.deepEqual(await list('state=open'), ['Q-1']);
    assert.deepEqual(await list('outcome=granted'), ['Q-2']);
    assert.deepEqual(await list('applicant_type=natural_person'), ['Q-1']);
    assert.deepEqual(await list('year=2025'), []);
    assert.deepEqual(await list('due_soon=1'), []);
    assert.equal((await registrar.request(`${base}?state=closed`)).status, 400);

    const due = (await (await registrar.request(`${base}/due?on=2026-03-30`)).json()) as { week: { to: string }; items: { id: string; due: string }[] };
    assert.equal(due.week.to, '2026-04-05');
    assert.deepEqual(due.items.map((x) => [x.id, x.due]), [['Q-1', '2026-04-02']]);

    const out = await registrar.request(`${base}?on=2031-01-06`);
    assert.equal(out.status, 400);
    const { error } = (await out.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'outside_calendar');
    assert.match(error.message, /日历.* \/ .*calendar/);
  });

  test('tables 三 and 四 with the ids behind each cell; no names for those without personal data', async () => {
    for (const who of [registrar, reviewer, superiorCity]) {
      const res = await who.request(`${base}/counts?year=2026`);
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.ok(!text.includes('李四') && !text.includes('13800000000'), 'no personal data in the counts');
      const t = JSON.parse(text) as { template: string; requests: Record<string, Record<string, number>>; trace: Record<string, string[]> };
      assert.equal(t.template, '2021');
      assert.equal(t.requests.new_received.total, 2);
      assert.deepEqual(t.trace['requests.new_received.natural_person'], ['Q-1']);
      assert.deepEqual(t.trace['requests.granted.commercial'], ['Q-2']);
    }
    // the superior of the city has no personal_data: it cannot read the register itself
    assert.equal((await superiorCity.request(`${base}?on=2026-03-27`)).status, 403);
    assert.equal((await superiorCity.request(`${base}/applications/Q-1?on=2026-03-27`)).status, 403);
  });

  test('export: personal data only when asked, and every export audited', async () => {
    const plain = await registrar.request(`${base}/export?format=jsonl`);
    const lines = await plain.text();
    assert.ok(lines.includes('"Q-1"') && !lines.includes('李四'));
    const full = await registrar.request(`${base}/export?format=xlsx&personal=1`);
    assert.equal(full.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await full.arrayBuffer()) as unknown as ArrayBuffer);
    const cells = wb.worksheets[0].getSheetValues().flat().map(String);
    assert.ok(cells.includes('李四') && cells.includes('Q-1'));
    const actions = (await listAudit(fx.db, { body_id: fx.bodies.A })).map((r) => r.action);
    assert.ok(actions.includes('personal_data.export') && actions.includes('register.export'));
  });

  test('every change is in the audit log, with before/after and without the applicant\'s personal data', async () => {
    const rows = (await listAudit(fx.db, { body_id: fx.bodies.A })).filter((r) => r.action.startsWith('register.') && r.subject_id === 'Q-1');
    assert.deepEqual(rows.map((r) => r.action).reverse(), ['register.create', 'register.event', 'register.event']);
    assert.ok(rows.every((r) => r.actor_name === 'registrarA'));
    const text = JSON.stringify(rows);
    assert.ok(!text.includes('李四') && !text.includes('13800000000'));
    const last = rows[0] as { before: { events?: unknown[] }; after: { events: unknown[] } };
    assert.equal(last.before.events?.length, 1);
    assert.equal(last.after.events.length, 2);
  });
});
