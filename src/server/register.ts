// The register of one body over HTTP (issue #15), mounted at /api/office with the other office
// routes: the list with its filters, one application with its timeline and its due date explained
// step by step, adding an application or an event (the clock recomputed at once), what falls due
// this week, the year's tables 三 and 四 with the ids behind each cell, and the export. Access is
// declared in routes.ts (register.read / write / export / counts, body-scoped): the personal data
// of applicants goes only to a caller whose grant covers it (guard.ts, auth/scope.ts).
//
// The route's `:body` is a body of the store (bodies.id); the register keys its records by the
// body's name (register.md §1 `body`), so the handlers read the name once and use it for both.
//
// Every change is written with its audit row in one transaction (RegisterStore.saveApplication):
// the audit row carries the record before and after WITHOUT the applicant's personal data (the
// audit log is read by administrators, who see no body's data by being administrators); the full
// before/after stays in register_history.

import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { audit, type Actor } from '../auth/audit.js';
import { CalendarError, calendarYears, day, isIsoDate } from '../register/calendar.js';
import { clockOf, type ClockState } from '../register/clock.js';
import { countTables } from '../register/count.js';
import { toJsonLines, toWorkbook } from '../register/export.js';
import { APPLICANT_TYPES, OUTCOMES, closing, validateApplication, withoutPersonal, type Application } from '../register/records.js';
import { RegisterStore } from '../register/store.js';
import { HttpError } from './errors.js';
import { declare, needStore, sessionOf } from './guard.js';

const BASE = '/api/office';

/** Today in China (UTC+8): the register's dates are Beijing dates. */
function todayIso(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

const calendarRefusal = (err: CalendarError) => new HttpError(400, 'outside_calendar', err.message);

/** Runs `f`, answering a date outside the holiday calendar as a clear 400 rather than a 500. */
async function withCalendar<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof CalendarError) throw calendarRefusal(err);
    throw err;
  }
}

function dateParam(c: Context, name: string): string {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return todayIso(c.get('auth').now());
  if (!isIsoDate(raw)) throw new HttpError(400, 'bad_date', `${name} 应为 YYYY-MM-DD 格式的日期 / ${name} must be a date (YYYY-MM-DD)`);
  return raw;
}

function yearParam(c: Context, fallback: number | null): number | null {
  const raw = c.req.query('year');
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{4}$/.test(raw)) throw new HttpError(400, 'bad_year', 'year 应为四位年份 / year must be a four-digit year');
  return Number(raw);
}

async function bodyName(c: Context): Promise<{ id: number; name: string }> {
  const id = Number(c.req.param('body'));
  const [row] = await needStore(c).query<{ name: string }>('select name from bodies where id = $1', [id]);
  // authorize() already refused a body outside the caller's scope, so the body exists
  if (!row) throw new HttpError(404, 'no_body', '没有这个机关 / no such body');
  return { id, name: row.name };
}

const actorOf = (c: Context): Actor => {
  const s = sessionOf(c);
  return { id: s.user.id, name: s.user.name, address: c.get('address') };
};

async function jsonOf(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new HttpError(400, 'bad_json', '请求体不是有效的 JSON / the body is not valid JSON');
  }
}

/** One line of the list: what the register page shows, the clock as of `on`. */
function listItem(a: Application, k: ClockState) {
  const close = closing(a);
  return {
    id: a.id, received: a.received, channel: a.channel ?? null, applicant: a.applicant, request: a.request ?? null,
    state: k.state, outcome: close && !close.withdrawn ? close.outcome : null, closed: close?.date ?? null,
    due: k.due, late: k.late, due_soon: k.due_soon, working_days_left: k.working_days_left, stopped: k.stopped, flags: k.flags,
  };
}

const ListFilter = z.object({
  state: z.enum(['open', 'answered', 'withdrawn']).optional(),
  due_soon: z.enum(['1', 'true']).optional(),
  late: z.enum(['1', 'true']).optional(),
  applicant_type: z.enum(APPLICANT_TYPES as [string, ...string[]]).optional(),
  outcome: z.enum(OUTCOMES as [string, ...string[]]).optional(),
});

/** The application a request names, or 404. */
async function applicationOf(c: Context, store: RegisterStore, body: string): Promise<Application> {
  const id = c.req.param('id') ?? '';
  const a = await store.application(body, id);
  if (!a) throw new HttpError(404, 'no_application', '没有这条登记 / no such application in this register');
  return a;
}

/** Monday..Sunday of the week of `on` (ISO weeks, as offices plan theirs). */
function weekOf(onIso: string): { from: string; to: string } {
  const d = new Date(`${onIso}T00:00:00Z`);
  const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000);
  const sunday = new Date(monday.getTime() + 6 * 86_400_000);
  return { from: monday.toISOString().slice(0, 10), to: sunday.toISOString().slice(0, 10) };
}

export function registerRoutes(api: Hono): void {
  const storeOf = (c: Context) => new RegisterStore(needStore(c));

  declare(api, BASE, 'GET', '/bodies/:body/register', async (c) => {
    const { name } = await bodyName(c);
    const parsed = ListFilter.safeParse(c.req.query());
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
      throw new HttpError(400, 'bad_filter', `筛选条件有误：${fields} / invalid filter: ${fields}`);
    }
    const f = parsed.data;
    const year = yearParam(c, null);
    const on = dateParam(c, 'on');
    const apps = await storeOf(c).applications({ body: name });
    return withCalendar(() => {
      const d = day(on);
      const items = [];
      for (const a of apps) {
        if (year !== null && !a.received.startsWith(`${year}-`)) continue;
        if (f.applicant_type && a.applicant.type !== f.applicant_type) continue;
        const k = clockOf(a, d);
        const item = listItem(a, k);
        if (f.state && item.state !== f.state) continue;
        if (f.outcome && item.outcome !== f.outcome) continue;
        if (f.due_soon && !item.due_soon) continue;
        if (f.late && !item.late) continue;
        items.push(item);
      }
      return c.json({ body: name, on, calendar: calendarYears(), items });
    });
  });

  declare(api, BASE, 'POST', '/bodies/:body/register', async (c) => {
    const { id: bodyId, name } = await bodyName(c);
    const raw = await jsonOf(c);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, 'bad_request', '请求体应为一条申请记录 / the body must be one application record');
    // the body is the route's: a registrar cannot file into another body's register
    const v = validateApplication({ ...(raw as Record<string, unknown>), body: name });
    if (!v.ok) throw new HttpError(400, 'bad_record', v.message);
    const a = v.value;
    const store = storeOf(c);
    const actor = actorOf(c);
    // its dates must be inside the calendar before anything is written
    const clock = await withCalendar(() => clockOf(a, day(dateParam(c, 'on')), { explain: true }));
    await store.saveApplication(a, actor.name!, async (q, before) => {
      // thrown inside the transaction: nothing of the new record is kept
      if (before) throw new HttpError(409, 'exists', `登记号 ${a.id} 已存在 / application ${a.id} already exists`);
      await audit(q, actor, { action: 'register.create', subject_kind: 'application', subject_id: a.id, body_id: bodyId, before: null, after: withoutPersonal(a) });
    });
    return c.json({ application: a, clock }, 201);
  });

  declare(api, BASE, 'GET', '/bodies/:body/register/due', async (c) => {
    const { name } = await bodyName(c);
    const on = dateParam(c, 'on');
    const week = weekOf(on);
    const apps = await storeOf(c).applications({ body: name });
    return withCalendar(() => {
      const d = day(on);
      const items = apps
        .map((a) => listItem(a, clockOf(a, d)))
        // open, and due by Sunday of this week (late ones included: they are the most urgent)
        .filter((x) => x.state === 'open' && x.due !== null && x.due <= week.to)
        .sort((x, y) => (x.due! < y.due! ? -1 : x.due! > y.due! ? 1 : x.id < y.id ? -1 : 1));
      const stopped = apps.map((a) => listItem(a, clockOf(a, d))).filter((x) => x.state === 'open' && x.stopped !== null);
      return c.json({ body: name, on, week, calendar: calendarYears(), items, stopped });
    });
  });

  declare(api, BASE, 'GET', '/bodies/:body/register/applications/:id', async (c) => {
    const { name } = await bodyName(c);
    const store = storeOf(c);
    const a = await applicationOf(c, store, name);
    const on = dateParam(c, 'on');
    const history = (await store.historyOf('application', name, a.id)).map((h) => ({ version: h.version, action: h.action, actor: h.actor, at: h.at }));
    return withCalendar(() => c.json({ application: a, on, clock: clockOf(a, day(on), { explain: true }), history, calendar: calendarYears() }));
  });

  declare(api, BASE, 'POST', '/bodies/:body/register/applications/:id/events', async (c) => {
    const { id: bodyId, name } = await bodyName(c);
    const store = storeOf(c);
    const current = await applicationOf(c, store, name);
    const event = await jsonOf(c);
    if (!event || typeof event !== 'object' || Array.isArray(event)) throw new HttpError(400, 'bad_request', '请求体应为一个办理事项 / the body must be one event');
    const v = validateApplication({ ...current, events: [...(current.events ?? []), event] });
    if (!v.ok) throw new HttpError(400, 'bad_event', v.message);
    const next = v.value;
    const actor = actorOf(c);
    const clock = await withCalendar(() => clockOf(next, day(dateParam(c, 'on')), { explain: true }));
    await store.saveApplication(next, actor.name!, async (q, before) => {
      await audit(q, actor, { action: 'register.event', subject_kind: 'application', subject_id: next.id, body_id: bodyId, before: before ? withoutPersonal(before) : null, after: withoutPersonal(next) });
    });
    return c.json({ application: next, clock }, 201);
  });

  declare(api, BASE, 'GET', '/bodies/:body/register/counts', async (c) => {
    const { name } = await bodyName(c);
    const year = yearParam(c, Number(todayIso(c.get('auth').now()).slice(0, 4)))!;
    const store = storeOf(c);
    const [apps, cases] = [await store.applications({ body: name }), await store.cases({ body: name })];
    // Counting needs no working days, but the ids behind each cell are application ids, never names.
    const r = countTables(apps, cases, year);
    return c.json({ body: name, ...r.tables, trace: Object.fromEntries(r.trace), findings: r.findings });
  });

  declare(api, BASE, 'GET', '/bodies/:body/register/export', async (c) => {
    const { id: bodyId, name } = await bodyName(c);
    const format = c.req.query('format') ?? 'xlsx';
    if (format !== 'xlsx' && format !== 'jsonl') throw new HttpError(400, 'bad_format', 'format 应为 xlsx 或 jsonl / format must be xlsx or jsonl');
    const personal = ['1', 'true'].includes(c.req.query('personal') ?? '');
    const store = storeOf(c);
    const [apps, cases] = [await store.applications({ body: name }), await store.cases({ body: name })];
    const actor = actorOf(c);
    // an export of personal data is itself a change to who holds it: audited before it is sent
    await audit(needStore(c), actor, { action: personal ? 'personal_data.export' : 'register.export', subject_kind: 'register', subject_id: name, body_id: bodyId, after: { format, applications: apps.length, cases: cases.length } });
    const file = `register-${bodyId}.${format}`;
    if (format === 'jsonl') {
      return c.body(toJsonLines(apps, cases, { personal }), 200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Disposition': `attachment; filename="${file}"` });
    }
    const bytes = await toWorkbook(apps, cases, { personal });
    return c.body(bytes as unknown as ArrayBuffer, 200, {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Content-Disposition': `attachment; filename="${file}"`,
    });
  });
}
