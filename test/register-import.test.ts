// Importing an office workbook (merged header rows, Chinese headings, serial and text dates,
// outcomes in Chinese, one bad row) and exporting back to .xlsx and JSON Lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './helpers.js';
import { fixedOfficeWorkbook, makeOfficeWorkbook, WORKBOOK_BODY } from './register-workbook.js';
import { applicantTypeOf, checkMapping, ImportError, importWorkbook, outcomeOf, parseDate, previewText } from '../src/register/import-xlsx.js';
import { outcomeWording, toJsonLines, toWorkbook } from '../src/register/export.js';
import { OUTCOMES, parseRegisterLines } from '../src/register/records.js';

const FIXTURE = join(FIXTURES, 'register', 'qinghe-2025.xlsx');

async function officeWorkbook(): Promise<Uint8Array> {
  if (!existsSync(FIXTURE)) writeFileSync(FIXTURE, await makeOfficeWorkbook());
  return new Uint8Array(readFileSync(FIXTURE));
}

test('outcomes as offices write them map to the rows of table 三; every outcome round-trips through its wording', () => {
  assert.equal(outcomeOf('予以公开'), 'granted');
  assert.equal(outcomeOf('部分公开'), 'partially_granted');
  assert.equal(outcomeOf('不予公开-属于国家秘密'), 'denied_state_secret');
  assert.equal(outcomeOf('不予公开（属于国家秘密）'), 'denied_state_secret');
  assert.equal(outcomeOf('属于国家秘密'), 'denied_state_secret');
  assert.equal(outcomeOf('无法提供—本机关不掌握相关政府信息'), 'unable_not_held');
  assert.equal(outcomeOf('不予处理：重复申请'), 'not_processed_duplicate');
  assert.equal(outcomeOf('申请人撤回'), 'withdrawn');
  assert.equal(outcomeOf('同意'), null);
  assert.equal(outcomeOf('其他'), 'other_other');
  for (const o of OUTCOMES) assert.equal(outcomeOf(outcomeWording(o)), o, o);
  assert.equal(applicantTypeOf('法人或其他组织-商业企业'), 'commercial');
  assert.equal(applicantTypeOf('自然人'), 'natural_person');
  assert.equal(applicantTypeOf('外星人'), null);
});

test('dates: Excel serials, date cells and the text spellings offices use; impossible dates refused', () => {
  assert.equal(parseDate(45663), '2025-01-06');
  assert.equal(parseDate(new Date('2025-03-03T00:00:00Z')), '2025-03-03');
  for (const s of ['2025-04-07', '2025/4/7', '2025年4月7日', '2025.4.7', '20250407', ' 2025 年 4 月 7 日 ']) assert.equal(parseDate(s), '2025-04-07', s);
  for (const s of ['2025-02-30', '2025-13-01', '昨天', '45663.5']) assert.equal(parseDate(s), null, s);
});

test('the office workbook with a bad row is refused whole, naming the row and column, never the ID number', async () => {
  const bytes = await officeWorkbook();
  await assert.rejects(importWorkbook(bytes, { body: WORKBOOK_BODY }), (e: unknown) => {
    assert.ok(e instanceof ImportError);
    assert.deepEqual([...new Set(e.problems.map((p) => p.row))], [11]);
    assert.match(e.message, /第 11 行（C 列「收到申请日期」）：不是日期/);
    assert.match(e.message, /第 11 行（N 列「办理情况\/答复结果」）：答复结果「同意」不是表三的办理结果之一/);
    assert.ok(!e.message.includes('110101199912311234') && !e.message.includes('钱某') && !e.message.includes('13900000009'));
    return true;
  });
});

test('merged header rows are read as one heading per column; the guessed mapping and the preview', async () => {
  const fixed = await fixedOfficeWorkbook(await officeWorkbook());
  const r = await importWorkbook(fixed, { body: WORKBOOK_BODY });
  assert.deepEqual(r.mapping.header_rows, [2, 3]);
  const field = (col: string) => r.mapping.columns.find((c) => c.column === col)?.field;
  assert.deepEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O'].map(field), [
    null, 'id', 'received', 'channel', 'applicant.name', 'applicant.type', 'applicant.id_number', 'applicant.contact', 'request',
    'correction_requested', 'correction_received', 'extended', 'answered', 'outcome', 'note',
  ]);
  assert.equal(r.mapping.columns[4].heading, '申请人信息/姓名');
  const preview = previewText(r);
  assert.match(preview, /E「申请人信息\/姓名」 → 申请人姓名/);
  assert.ok(!preview.includes('王某某') && !preview.includes('110101199001011234'), 'the preview hides personal data');
  // A saved mapping, edited (the 序号 column ignored as guessed), reads the same.
  const again = await importWorkbook(fixed, { body: WORKBOOK_BODY, mapping: checkMapping(JSON.parse(JSON.stringify(r.mapping))) });
  assert.deepEqual(again.applications, r.applications);
  assert.throws(() => checkMapping({ ...r.mapping, columns: [{ column: 'A', heading: '', field: 'colour' }] }), ImportError);
});

test('each row becomes the record it says: dates of every spelling, outcomes, corrections, extension, withdrawal, open', async () => {
  const r = await importWorkbook(await fixedOfficeWorkbook(await officeWorkbook()), { body: WORKBOOK_BODY });
  const by = new Map(r.applications.map((a) => [a.id, a]));
  assert.equal(r.applications.length, 8);
  assert.deepEqual(by.get('QH-2025-001'), {
    id: 'QH-2025-001', body: WORKBOOK_BODY, received: '2025-01-06', channel: 'online',
    applicant: { type: 'natural_person', name: '王某某', id_number: '110101199001011234', contact: '13800000001' },
    request: '2024年财政预算执行情况', events: [{ date: '2025-01-20', kind: 'answered', outcome: 'granted' }],
  });
  const two = by.get('QH-2025-002')!;
  assert.equal(two.received, '2025-02-10');
  assert.equal(two.applicant.type, 'commercial');
  assert.deepEqual(two.events!.map((e) => [e.date, e.kind]), [['2025-02-12', 'correction_requested'], ['2025-02-20', 'correction_received'], ['2025-03-10', 'answered']]);
  assert.deepEqual(by.get('QH-2025-003')!.events!.map((e) => e.kind), ['extended', 'answered']);
  assert.equal(by.get('QH-2025-003')!.received, '2025-03-03');
  assert.equal(by.get('QH-2025-004')!.received, '2025-04-07');
  assert.equal(by.get('QH-2025-005')!.received, '2025-05-12');
  assert.deepEqual(by.get('QH-2025-006')!.events, [{ date: '2025-06-05', kind: 'withdrawn' }]);
  assert.deepEqual(by.get('QH-2025-007')!.events, []);
  assert.equal(by.get('QH-2025-008')!.received, '2025-02-28');
});

test('export to .xlsx imports back to the same records; without --with-personal no personal data', async () => {
  const r = await importWorkbook(await fixedOfficeWorkbook(await officeWorkbook()), { body: WORKBOOK_BODY });
  r.applications[2].events!.unshift({ date: '2025-03-05', kind: 'consultation_started', with: 'third_party' }, { date: '2025-03-20', kind: 'consultation_ended' });
  r.applications[2].events!.splice(3, 0, { date: '2025-04-01', kind: 'extended', note: '再次延期' });
  const cases = [
    { id: '复议-1', body: WORKBOOK_BODY, kind: 'review', filed: '2025-06-02', application: 'QH-2025-003', concluded: '2025-08-01', result: 'maintained' },
    { id: '诉讼-1', body: WORKBOOK_BODY, kind: 'litigation_after_review', filed: '2025-09-02', concluded: null, result: null },
  ] as const;
  const xlsx = await toWorkbook(r.applications, cases as never, { personal: true });
  const back = await importWorkbook(xlsx);
  assert.deepEqual(back.mapping.header_rows, [1, 1]);
  assert.deepEqual(back.applications, r.applications);
  assert.deepEqual(back.cases, cases);
  const bare = await importWorkbook(await toWorkbook(r.applications, []));
  assert.ok(bare.applications.every((a) => Object.keys(a.applicant).join() === 'type'));
  const jsonl = toJsonLines(r.applications, []);
  assert.ok(!jsonl.includes('王某某') && !jsonl.includes('110101199001011234'));
  assert.equal(parseRegisterLines(jsonl).applications.length, 8);
});
