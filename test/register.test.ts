// The register (spec register.md): the clock, the counting of tables 三 and 四, fees, the records,
// and the command line of spec §7 exactly, on files the tests make.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from './helpers.js';
import { addWorkingDays, calendarYears, CalendarError, day, isoOf, workingDaysBetween } from '../src/register/calendar.js';
import { clockOf } from '../src/register/clock.js';
import { countTables } from '../src/register/count.js';
import { monthlyRanks, pieceFee, volumeFee } from '../src/register/fees.js';
import { parseRegisterLines, type Application } from '../src/register/records.js';
import { TEMPLATES, dataRowsOf } from '../src/template/index.js';

const BIN = join(FIXTURES, '..', '..', 'bin', 'gongkai.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'gk-register-'));
let n = 0;
function file(lines: unknown[]): string {
  const f = join(dir, `r${n++}.jsonl`);
  writeFileSync(f, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return f;
}
const BODY = '示例市青禾区人民政府办公室';
const app = (id: string, received: string, events: unknown[] = [], type = 'natural_person'): Application =>
  ({ schema: 'gongkai/application@1', id, body: BODY, received, applicant: { type }, events } as Application);
const on = (s: string) => day(s);

// ---------------------------------------------------------------- calendar and clock

test('the spec worked example: received Friday 2025-09-26 is due 2025-10-30 (调休 Sundays count, the National Day week does not)', () => {
  assert.equal(isoOf(addWorkingDays(day('2025-09-26'), 20)), '2025-10-30');
  assert.equal(isoOf(addWorkingDays(day('2025-09-26'), 1)), '2025-09-28');
  assert.equal(isoOf(addWorkingDays(day('2025-09-26'), 4)), '2025-10-09');
  const s = clockOf(app('a', '2025-09-26'), on('2025-10-09'));
  assert.deepEqual([s.due, s.state, s.late, s.working_days_left, s.flags], ['2025-10-30', 'open', false, 16, []]);
});

test('working days left: 0 on the due day, counted from a weekend, negative once past', () => {
  const a = app('a', '2025-09-26');
  assert.equal(clockOf(a, on('2025-10-30')).working_days_left, 0);
  assert.equal(clockOf(a, on('2025-10-30')).due_soon, true);
  assert.equal(clockOf(a, on('2025-10-25')).working_days_left, 4); // a Saturday: 27, 28, 29, 30
  const past = clockOf(a, on('2025-11-03'));
  assert.equal(past.working_days_left, -2); // 10-31 and 11-03
  assert.equal(past.late, true);
  assert.equal(workingDaysBetween(day('2025-11-03'), day('2025-10-30')), -2);
});

test('the spec record: correction restarts the period, consultation and fee waits are not counted, one extension', () => {
  const a = app('2025-017', '2025-03-14', [
    { date: '2025-03-18', kind: 'correction_requested', note: '请说明文件名称' },
    { date: '2025-03-25', kind: 'correction_received' },
  ]);
  // 20 working days after 03-25, over 清明 (04-04 … 04-06).
  assert.equal(clockOf(a, on('2025-03-30')).due, '2025-04-23');
  assert.equal(clockOf(a, on('2025-03-20')).due, null, 'waiting for the correction: the clock is stopped');
  assert.equal(clockOf(a, on('2025-03-20')).stopped, 'correction');
  a.events!.push({ date: '2025-03-26', kind: 'consultation_started', with: 'third_party' }, { date: '2025-04-10', kind: 'consultation_ended' });
  assert.equal(clockOf(a, on('2025-04-01')).due, null, 'in consultation: stopped');
  // 11 working days (03-26 … 04-10 inclusive) added; 04-27 is a 调休 Sunday, 05-01 … 05-05 劳动节.
  assert.equal(clockOf(a, on('2025-04-11')).due, '2025-05-12');
  a.events!.push({ date: '2025-04-20', kind: 'extended', approved_by: '办公室主任' });
  // 20 more, over 端午 (05-31 … 06-02).
  assert.equal(clockOf(a, on('2025-04-21')).due, '2025-06-10');
  a.events!.push({ date: '2025-05-06', kind: 'fee_notice', amount: 100 }, { date: '2025-05-08', kind: 'fee_paid' });
  assert.equal(clockOf(a, on('2025-05-07')).stopped, 'fee');
  assert.equal(clockOf(a, on('2025-05-09')).due, '2025-06-13');
  assert.equal(clockOf(a, on('2025-05-09'), { feePausesClock: false }).due, '2025-06-10');
  a.events!.push({ date: '2025-05-12', kind: 'answered', outcome: 'granted' });
  const done = clockOf(a, on('2025-12-01'));
  assert.deepEqual([done.due, done.state, done.late, done.working_days_left, done.flags], ['2025-06-13', 'answered', false, null, []]);
});

test('irregularities: a late correction request, a second extension, an extension after the due date', () => {
  // The 7th working day after 09-26 is 10-13.
  const lateCorr = clockOf(app('a', '2025-09-26', [{ date: '2025-10-14', kind: 'correction_requested' }]), on('2025-10-20'));
  assert.deepEqual(lateCorr.flags, ['late_correction_request']);
  assert.deepEqual(clockOf(app('a', '2025-09-26', [{ date: '2025-10-13', kind: 'correction_requested' }]), on('2025-10-20')).flags, []);
  const twice = clockOf(app('a', '2025-09-26', [{ date: '2025-10-20', kind: 'extended' }, { date: '2025-11-20', kind: 'extended' }]), on('2025-11-21'));
  assert.deepEqual(twice.flags, ['repeated_extension']);
  assert.equal(twice.due, isoOf(addWorkingDays(day('2025-10-30'), 20)), 'only the first extension moves the due date');
  const late = clockOf(app('a', '2025-09-26', [{ date: '2025-11-03', kind: 'extended' }, { date: '2025-11-20', kind: 'answered', outcome: 'granted' }]), on('2025-12-01'));
  assert.deepEqual([late.due, late.late, late.flags], ['2025-10-30', true, ['late_extension']]);
});

test('closed while waiting for a correction has no due date; a withdrawal closes the clock', () => {
  const nc = clockOf(app('a', '2025-09-26', [{ date: '2025-09-29', kind: 'correction_requested' }, { date: '2025-11-20', kind: 'answered', outcome: 'other_no_correction' }]), on('2025-12-01'));
  assert.deepEqual([nc.due, nc.state, nc.late], [null, 'answered', false]);
  const w = clockOf(app('a', '2025-09-26', [{ date: '2025-10-10', kind: 'withdrawn' }]), on('2025-12-01'));
  assert.deepEqual([w.due, w.state, w.late, w.working_days_left], ['2025-10-30', 'withdrawn', false, null]);
  // A consultation still running at the close counts up to the close.
  const c = clockOf(app('a', '2025-09-26', [{ date: '2025-10-27', kind: 'consultation_started' }, { date: '2025-11-04', kind: 'answered', outcome: 'granted' }]), on('2025-12-01'));
  assert.equal(c.due, isoOf(addWorkingDays(day('2025-10-30'), 7)));
  assert.equal(c.late, false);
});

test('a date outside the calendar is an error, never a guess', () => {
  const [first, last] = calendarYears();
  assert.ok(first <= 2019 && last >= 2025);
  assert.throws(() => day(`${first - 1}-06-01`), CalendarError);
  assert.throws(() => clockOf(app('a', `${last}-12-20`), on(`${last}-12-21`)), (e: Error) => e instanceof CalendarError && /超出节假日日历/.test(e.message));
});

// ---------------------------------------------------------------- counting

const register2024_2025 = [
  app('o1', '2023-12-20', [{ date: '2024-01-10', kind: 'answered', outcome: 'granted' }]),
  app('o2', '2024-12-20', [{ date: '2025-01-10', kind: 'answered', outcome: 'partially_granted' }], 'commercial'),
  app('o3', '2024-12-27'),
  app('n1', '2025-02-10', [{ date: '2025-03-01', kind: 'answered', outcome: 'denied_state_secret' }], 'research'),
  app('n2', '2025-03-10', [{ date: '2025-03-11', kind: 'withdrawn' }]),
  app('n3', '2025-04-10', [{ date: '2025-04-11', kind: 'fee_notice', amount: 100 }, { date: '2025-05-11', kind: 'answered', outcome: 'other_no_fee' }], 'legal_service'),
  app('n4', '2025-12-29'),
];

test('table 三: each row from its predicate, each cell traced to its applications, every template rule holds', () => {
  const r = countTables(register2024_2025, [], 2025);
  const q = r.tables.requests;
  assert.equal(r.tables.template, '2021');
  assert.deepEqual(Object.keys(q), dataRowsOf(TEMPLATES[2021].tables.requests).map((x) => x.key));
  assert.equal(q.new_received.total, 4);
  assert.equal(q.carried_over.total, 2);
  assert.equal(q.carried_over.commercial, 1);
  assert.equal(q.partially_granted.commercial, 1);
  assert.equal(q.denied_state_secret.research, 1);
  assert.equal(q.other_other.natural_person, 1, 'withdrawn counts in （六）3. 其他');
  assert.equal(q.other_no_fee.legal_service, 1);
  assert.equal(q.total.total, 4);
  assert.equal(q.carried_forward.total, 2);
  assert.deepEqual(r.trace.get('requests.carried_forward.natural_person')?.sort(), ['n4', 'o3']);
  assert.deepEqual(r.trace.get('requests.carried_over.total')?.sort(), ['o2', 'o3']);
  assert.deepEqual(r.findings, []);
});

test('carried over in Y is carried forward in Y−1; the 2019 template sums the three 其他 rows in one', () => {
  const y24 = countTables(register2024_2025, [], 2024);
  const y25 = countTables(register2024_2025, [], 2025);
  assert.deepEqual(y25.tables.requests.carried_over, y24.tables.requests.carried_forward);
  const old = countTables(register2024_2025, [], 2025, { template: '2019' });
  assert.equal(old.tables.template, '2019');
  assert.equal(old.tables.requests.other_no_fee, undefined);
  assert.equal(old.tables.requests.other_other.total, 2);
  assert.deepEqual(old.findings, []);
  assert.equal(countTables([], [], 2020).tables.template, '2019');
});

test('table 四: concluded in the year by result, still open as pending, concluded earlier not again', () => {
  const cases = [
    { id: 'c1', body: BODY, kind: 'review', filed: '2025-02-01', concluded: '2025-05-01', result: 'maintained' },
    { id: 'c2', body: BODY, kind: 'litigation_direct', filed: '2024-11-01', concluded: null, result: null },
    { id: 'c3', body: BODY, kind: 'review', filed: '2024-02-01', concluded: '2024-05-01', result: 'corrected' },
    { id: 'c4', body: BODY, kind: 'litigation_after_review', filed: '2025-12-01', concluded: '2026-01-05', result: 'other' },
  ] as const;
  const r = countTables([], cases as never, 2025);
  assert.deepEqual(r.tables.review_litigation.review, { maintained: 1, corrected: 0, other: 0, pending: 0, total: 1 });
  assert.deepEqual(r.tables.review_litigation.litigation_direct, { maintained: 0, corrected: 0, other: 0, pending: 1, total: 1 });
  assert.deepEqual(r.tables.review_litigation.litigation_after_review, { maintained: 0, corrected: 0, other: 0, pending: 1, total: 1 });
  assert.deepEqual(r.trace.get('review_litigation.review.maintained'), ['c1']);
  assert.deepEqual(r.findings, []);
});

// ---------------------------------------------------------------- fees

test('fees: 按件 tiers per applicant per month, 按量 tiers per page', () => {
  assert.deepEqual([1, 10, 11, 30, 31, 40, 41, 50, 51].map(pieceFee), [0, 0, 100, 100, 200, 200, 300, 300, 400]);
  assert.deepEqual([0, 30, 31, 100, 101, 200, 201].map(volumeFee), [0, 0, 10, 700, 720, 2700, 2740]);
  const p = (id: string, received: string, idn: string) => ({ ...app(id, received), applicant: { type: 'natural_person', id_number: idn } } as Application);
  const ranks = monthlyRanks([p('x2', '2025-03-05', 'A'), p('x1', '2025-03-01', 'A'), p('y1', '2025-03-02', 'B'), p('x3', '2025-04-01', 'A')]);
  assert.deepEqual(['x1', 'x2', 'y1', 'x3'].map((id) => ranks.get(`${BODY}\u0000${id}`)), [1, 2, 1, 1]);
});

// ---------------------------------------------------------------- records

test('bad records are refused with the line, in Chinese and English, never echoing personal data', () => {
  const text = [
    JSON.stringify({ schema: 'gongkai/application@1' }),
    JSON.stringify(app('ok', '2025-01-02')),
    JSON.stringify({ ...app('k', '2025-01-02'), colour: 'red' }),
    JSON.stringify(app('o', '2025-01-02', [{ date: '2025-01-03', kind: 'answered', outcome: 'approved' }])),
    JSON.stringify(app('b', '2025-01-02', [{ date: '2025-01-01', kind: 'answered', outcome: 'granted' }])),
    JSON.stringify(app('t', '2025-01-02', [{ date: '2025-01-03', kind: 'answered', outcome: 'granted' }, { date: '2025-01-04', kind: 'answered', outcome: 'granted' }])),
    JSON.stringify(app('c', '2025-01-02', [{ date: '2025-01-03', kind: 'correction_received' }])),
    JSON.stringify(app('d', '2025-02-30')),
    JSON.stringify({ ...app('p', '2025-01-02'), applicant: { type: 'natural_person', id_number: 110101199001011234 } }),
    JSON.stringify(app('r', '2025-01-02', [{ date: '2025-01-05', kind: 'extended' }, { date: '2025-01-04', kind: 'fee_notice' }])),
    '{not json',
    JSON.stringify({ ...app('e', '2025-01-02'), channel: '', request: '' }),
  ].join('\n');
  const r = parseRegisterLines(text);
  assert.deepEqual(r.applications.map((a) => a.id), ['ok', 'e']);
  assert.deepEqual(r.errors.map((e) => e.line), [3, 4, 5, 6, 7, 8, 9, 10, 11]);
  for (const e of r.errors) assert.match(e.message, /[\u4e00-\u9fff].* \/ [a-z]/i);
  assert.match(r.errors[0].message, /colour/);
  assert.match(r.errors[2].message, /早于收到申请/);
  assert.ok(!r.errors[6].message.includes('110101199001011234'));
});

// ---------------------------------------------------------------- the command line (spec §7)

test('CLI table: the spec output, every row of the version, integers; 2019 with --template', () => {
  const f = file(register2024_2025);
  const r = run(['register', 'table', '--year', '2025', f]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['schema', 'year', 'template', 'requests', 'review_litigation']);
  assert.equal(out.schema, 'gongkai/register-tables@1');
  assert.equal(out.year, 2025);
  assert.equal(out.template, '2021');
  for (const row of dataRowsOf(TEMPLATES[2021].tables.requests)) for (const c of TEMPLATES[2021].tables.requests.columns) assert.ok(Number.isInteger(out.requests[row.key][c.key]), `${row.key}.${c.key}`);
  assert.equal(out.requests.carried_over.total, 2);
  const old = JSON.parse(run(['register', 'table', '--year', '2025', '--template', '2019', f]).stdout);
  assert.equal(old.template, '2019');
  assert.deepEqual(Object.keys(old.requests), dataRowsOf(TEMPLATES[2019].tables.requests).map((x) => x.key));
});

test('CLI due: one line per application in file order, the states of spec §7', () => {
  const f = file([
    { schema: 'gongkai/application@1' },
    { id: 'ex', body: BODY, received: '2025-09-26', applicant: { type: 'natural_person' } },
    { id: 'wait', body: BODY, received: '2025-09-26', applicant: { type: 'natural_person' }, events: [{ date: '2025-09-29', kind: 'correction_requested' }] },
    { id: 'late', body: BODY, received: '2025-09-26', applicant: { type: 'commercial' }, events: [{ date: '2025-10-14', kind: 'correction_requested' }, { date: '2025-10-15', kind: 'correction_received' }, { date: '2025-11-03', kind: 'extended' }, { date: '2025-11-03', kind: 'extended' }] },
    { id: 'done', body: BODY, received: '2025-09-26', applicant: { type: 'natural_person' }, events: [{ date: '2025-11-03', kind: 'answered', outcome: 'granted' }] },
    { id: 'gone', body: BODY, received: '2025-09-26', applicant: { type: 'natural_person' }, events: [{ date: '2025-10-09', kind: 'withdrawn' }] },
  ]);
  const r = run(['register', 'due', '--on', '2025-11-03', f]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), ['ex', 'wait', 'late', 'done', 'gone']);
  assert.deepEqual(Object.keys(lines[0]), ['id', 'due', 'state', 'late', 'working_days_left', 'flags']);
  assert.deepEqual(lines[0], { id: 'ex', due: '2025-10-30', state: 'open', late: true, working_days_left: -2, flags: [] });
  assert.deepEqual(lines[1], { id: 'wait', due: null, state: 'open', late: false, working_days_left: null, flags: [] });
  // Corrected on 10-15 (Wed): due 20 working days later, 11-12; extended on 11-03 → +20; again the same day: flagged.
  assert.equal(lines[2].due, isoOf(addWorkingDays(day('2025-11-12'), 20)));
  assert.deepEqual(lines[2].flags, ['late_correction_request', 'repeated_extension']);
  assert.deepEqual(lines[3], { id: 'done', due: '2025-10-30', state: 'answered', late: true, working_days_left: null, flags: [] });
  assert.deepEqual(lines[4], { id: 'gone', due: '2025-10-30', state: 'withdrawn', late: false, working_days_left: null, flags: [] });
  const explained = run(['register', 'due', '--on', '2025-11-03', '--explain', f]).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.match(explained[2].steps.join('\n'), /收到补正，期限重新计算[\s\S]*延期 20 个工作日[\s\S]*再次延期/);
});

test('CLI fee prints the amount', () => {
  assert.deepEqual(JSON.parse(run(['register', 'fee', '--method', 'piece', '--count', '41']).stdout), { amount: 300 });
  assert.deepEqual(JSON.parse(run(['register', 'fee', '--method', 'volume', '--count', '120']).stdout), { amount: 1100 });
  assert.equal(run(['register', 'fee', '--method', 'weight', '--count', '1']).status, 2);
});

test('CLI: bad input exits 2 with the line number and prints nothing on stdout', () => {
  const bad = file([{ schema: 'gongkai/application@1' }, app('a', '2025-01-02'), { id: 'b', body: BODY, received: 'yesterday', applicant: { type: 'natural_person' } }]);
  const r = run(['register', 'table', '--year', '2025', bad]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /:3: .*received.*不是 YYYY-MM-DD/);
  const missing = run(['register', 'due', '--on', '2025-01-02', join(dir, 'nope.jsonl')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /无法读取文件/);
  const [, last] = calendarYears();
  const outside = run(['register', 'due', '--on', `${last}-12-30`, file([app('z', `${last}-12-20`)])]);
  assert.equal(outside.status, 2);
  assert.match(outside.stderr, /超出节假日日历的范围/);
  assert.equal(run(['register', 'table', '--year', 'x', bad]).status, 2);
  assert.equal(run(['register', 'frobnicate']).status, 2);
});

test('a report written from the register and read back by the parser gives the same tables 三 and 四', async () => {
  const { generateReport, mulberry32 } = await import('../src/generate/report.js');
  const { parseReport } = await import('../src/parse.js');
  const cases = [{ id: 'c1', body: BODY, kind: 'review', filed: '2025-02-01', concluded: '2025-05-01', result: 'corrected' }] as never;
  for (const template of ['2021', '2019'] as const) {
    const year = template === '2021' ? 2025 : 2020;
    const shifted = register2024_2025.map((a) => template === '2021' ? a : ({ ...a, received: a.received.replace(/^202[345]/, (y) => String(+y - 5)), events: a.events!.map((e) => ({ ...e, date: e.date.replace(/^202[345]/, (y) => String(+y - 5)) })) }) as Application);
    const r = countTables(shifted, template === '2021' ? cases : [], year, { template });
    const cells: Record<string, number> = {};
    for (const t of ['requests', 'review_litigation'] as const) for (const [row, cols] of Object.entries(r.tables[t])) for (const [col, v] of Object.entries(cols)) cells[`${t}.${row}.${col}`] = v;
    const g = generateReport(mulberry32(7), { version: template, year, form: 'pipes', blankShare: 0, agency: BODY, cells });
    const report = parseReport(g.text);
    for (const [path, v] of Object.entries(cells)) {
      const [t, row, col] = path.split('.');
      const cell = report.tables[t as 'requests']![row][col];
      assert.deepEqual([path, cell.value, cell.status], [path, v, 'read']);
    }
  }
});
