// The whole text pipeline on real reports (copies of the dev corpus with their hand-checked truth).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReport } from '../src/parse.js';
import { cellAt, fixture, truth, truthCells, wrongCells } from './helpers.js';

const parse = (name: string) => parseReport(fixture('corpus', 'input', `${name}.txt`), { path: `${name}.txt` });

for (const name of ['seed000-rongchang-2022', 'seed001-chaoyang-2021', 'seed002-benge-2023']) {
  test(`${name}: every truth cell right, meta right`, () => {
    const t = truth(name);
    const r = parse(name);
    assert.equal(r.schema, 'gongkai/report@1');
    assert.equal(r.meta.template, t.template);
    assert.equal(r.meta.year, t.year);
    if (t.published) assert.equal(r.meta.published, t.published);
    assert.deepEqual(wrongCells(r, truthCells(t)), []);
  });
}

test('seed000 names no agency (我办): agency is null', () => {
  assert.equal(parse('seed000-rongchang-2022').meta.agency, null);
});

test('seed002: agency from the title after a page-header date line', () => {
  assert.equal(parse('seed002-benge-2023').meta.agency, '蚌峨乡人民政府');
});

test('seed001: 行政规范性文件 623129 is ambiguous with the real readings among the candidates', () => {
  const r = parse('seed001-chaoyang-2021');
  for (const col of ['issued', 'repealed', 'in_force'] as const) {
    const c = cellAt(r, `active.normative_documents.${col}`)!;
    assert.equal(c.status, 'ambiguous');
    assert.equal(c.value, null);
    assert.ok((c.candidates ?? []).length >= 2);
  }
  assert.ok(r.findings.some((f) => f.rule === 'cell.ambiguous' && f.cells.includes('active.normative_documents.issued')));
});

test('seed001: the blank 总计 of 3.其他 is inferred from its parts, with an info finding', () => {
  const r = parse('seed001-chaoyang-2021');
  const c = cellAt(r, 'requests.other_other.total')!;
  assert.equal(c.status, 'inferred');
  assert.equal(c.value, 8);
  assert.ok(r.findings.some((f) => f.rule === 'requests.blank_total' && f.cells[0] === 'requests.other_other.total'));
});

test('seed001: run-together digits are split by the arithmetic (633000066 → 63 3 0 0 0 0 66)', () => {
  const r = parse('seed001-chaoyang-2021');
  const row = ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_service', 'other', 'total'].map((c) => cellAt(r, `requests.new_received.${c}`)!.value);
  assert.deepEqual(row, [63, 3, 0, 0, 0, 0, 66]);
});

for (const name of ['seed003-panyu-2021', 'seed004-linshu-2019']) {
  test(`${name}: tables absent are null, with findings, and the template comes from the year`, () => {
    const t = truth(name);
    const r = parse(name);
    assert.equal(r.tables.requests, null);
    assert.equal(r.tables.review_litigation, null);
    assert.equal(r.tables.active, null);
    assert.equal(r.meta.template, t.template);
    assert.equal(r.meta.year, t.year);
    assert.ok(r.findings.some((f) => f.rule === 'table.absent'));
    assert.ok(r.findings.some((f) => f.rule === 'template.inferred_from_year'));
  });
}

test('seed004: agency and publication date from the page header', () => {
  const r = parse('seed004-linshu-2019');
  assert.equal(r.meta.agency, '临沭县人民政府');
  assert.equal(r.meta.published, '2020-01-23');
});

test('column-major extraction (all labels, then each column, page by page) is rebuilt by the row totals', () => {
  const name = 'huaian-city-2024-columns';
  const r = parse(name);
  const t = truth(name);
  assert.deepEqual(wrongCells(r, truthCells(t)), []);
  assert.ok(r.findings.some((f) => f.rule === 'table.column_major'));
});

test('a column-major block whose arithmetic cannot tell the layout is left missing, never guessed', () => {
  // the same report with table 三 removed: table 二 alone has no arithmetic to prove the layout
  const src = fixture('corpus', 'input', 'huaian-city-2024-columns.txt').toString('utf8');
  const cut = src.slice(0, src.indexOf('三、收到和处理')) + src.slice(src.indexOf('四、政府信息公开行政复议'));
  const r = parseReport(cut);
  for (const col of ['issued', 'repealed', 'in_force']) {
    const c = r.tables.active!.regulations[col];
    assert.ok(!['read', 'blank', 'inferred'].includes(c.status), `${col}: ${JSON.stringify(c)}`);
  }
});

test('spec §10 reference (上海市人民政府办公厅 2019, pipes, 总计 left empty in result rows): every figure, blank totals inferred', () => {
  const r = parseReport(fixture('shanghai-2019-reference.txt'));
  assert.equal(r.meta.template, '2019');
  const req = r.tables.requests!;
  const row = (k: string) => ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_service', 'other', 'total'].map((c) => req[k][c].value);
  assert.deepEqual(row('new_received'), [821, 35, 0, 0, 2, 1, 859]);
  assert.deepEqual(row('carried_over'), [18, 0, 0, 0, 0, 0, 18]);
  assert.deepEqual(row('granted'), [258, 12, 0, 0, 1, 1, 272]);
  assert.equal(req.granted.total.status, 'inferred');
  assert.deepEqual(row('unable_not_held'), [252, 12, 0, 0, 1, 0, 265]);
  assert.deepEqual(row('total'), [767, 35, 0, 0, 2, 1, 805]);
  assert.deepEqual(row('carried_forward'), [72, 0, 0, 0, 0, 0, 72]);
  const rl = r.tables.review_litigation!;
  assert.deepEqual(['maintained', 'corrected', 'other', 'pending', 'total'].map((c) => rl.review[c].value), [5, 0, 0, 2, 7]);
  assert.deepEqual(['maintained', 'corrected', 'other', 'pending', 'total'].map((c) => rl.litigation_direct[c].value), [8, 0, 0, 1, 9]);
  assert.equal(r.tables.active!.procurement.amount.value, 251000);
  assert.equal(r.tables.active!.procurement.amount.unit, '元');
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
  assert.equal(r.findings.filter((f) => f.rule === 'requests.blank_total').length, 11);
});
