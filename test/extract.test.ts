// Tables built from the template data: extra rows, the 2019-style (六) row in a 2021 table,
// blank totals, absent tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReport } from '../src/parse.js';
import { TEMPLATES } from '../src/template/index.js';

const T = TEMPLATES['2021'].tables.requests;

/** A pipes-form 2021 report whose table 三 rows come from `row(key)` (null = leave the row out). */
function report(row: (key: string) => string | null, extra = ''): string {
  const lines: string[] = [];
  for (const r of T.rows) {
    const v = row(r.key);
    if (v === null) continue;
    lines.push(`${r.numbering}${r.label} | ${v}`);
    if (extra && r.key === 'denied_administrative_query') lines.push(extra);
  }
  return ['某某市某某局2021年政府信息公开工作年度报告', '一、总体情况', '二、主动公开政府信息情况', '信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数', '三、收到和处理政府信息公开申请情况',
    ...lines, '四、政府信息公开行政复议、行政诉讼情况', '结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计', '0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0',
    '五、存在的主要问题及改进情况', '无', '六、其他需要报告的事项', '无'].join('\n');
}
const zeros = '0 | 0 | 0 | 0 | 0 | 0 | 0 |';
const values: Record<string, string> = {
  new_received: '3 | 0 | 0 | 0 | 0 | 0 | 3 |', granted: '1 | 0 | 0 | 0 | 0 | 0 | 1 |', denied_state_secret: '2 | 0 | 0 | 0 | 0 | 0 | 2 |',
  total: '3 | 0 | 0 | 0 | 0 | 0 | 3 |',
};

test('an added 小计 row is kept as an extra row, not mapped, and checked against its group', () => {
  const r = parseReport(report((k) => (T.rows.find((x) => x.key === k)!.group ? '' : values[k] ?? zeros), '小计 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |'));
  assert.equal(r.tables.requests!.denied_administrative_query.natural_person.value, 0);
  assert.equal(r.tables.requests!.denied_administrative_query.natural_person.status, 'read');
  assert.ok(r.extra_rows?.some((x) => x.label === '小计' && x.values.join() === '5,0,0,0,0,0,5'));
  assert.ok(r.findings.some((f) => f.rule === 'table.extra_row'));
  const sub = r.findings.find((f) => f.rule === 'requests.extra_subtotal');
  assert.ok(sub, 'the 小计 of 5 against the (三) members summing to 2 is reported');
  assert.equal(r.tables.requests!.total.total.value, 3);
  assert.ok(!r.findings.some((f) => f.rule === 'requests.results_sum'));
});

test('a 2021 table with the 2019 single (六)其他处理 row: sub-rows 0 where it is 0, undecided where not', () => {
  const r = parseReport(report((k) => {
    if (k === 'other') return '1 | 0 | 0 | 0 | 0 | 0 | 1 |';
    if (k === 'other_no_correction' || k === 'other_no_fee' || k === 'other_other') return null;
    if (k === 'total') return '4 | 0 | 0 | 0 | 0 | 0 | 4 |';
    if (k === 'new_received') return '4 | 0 | 0 | 0 | 0 | 0 | 4 |';
    return T.rows.find((x) => x.key === k)!.group ? '' : values[k] ?? zeros;
  }));
  const req = r.tables.requests!;
  for (const m of ['other_no_correction', 'other_no_fee', 'other_other']) {
    assert.deepEqual([req[m].commercial.value, req[m].commercial.status], [0, 'inferred']);
    assert.equal(req[m].natural_person.status, 'ambiguous');
    assert.ok(req[m].natural_person.candidates!.includes(1) && req[m].natural_person.candidates!.includes(0));
  }
  assert.ok(r.findings.some((f) => f.rule === 'template.other_single_row'));
  // the column sums still hold with the group row in place of its members
  assert.ok(!r.findings.some((f) => f.rule === 'requests.results_sum'));
  assert.equal(req.total.natural_person.value, 4);
});

test('a blank 总计 in the pipes form beside non-zero parts is inferred; a blank beside zeros is 0', () => {
  const r = parseReport(report((k) => {
    if (k === 'granted') return '1 | 0 | 0 | 0 | 0 | 0 | |';
    return T.rows.find((x) => x.key === k)!.group ? '' : values[k] ?? zeros;
  }).replace('1.属于国家秘密 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |', '1.属于国家秘密 | 2 | - | - | - | - | - | 2 |'));
  const req = r.tables.requests!;
  assert.deepEqual([req.granted.total.value, req.granted.total.status], [1, 'inferred']);
  assert.deepEqual([req.denied_state_secret.commercial.value, req.denied_state_secret.commercial.status], [0, 'blank']);
});

test('an added 法人或其他组织 subtotal column is found by the arithmetic, dropped and checked', () => {
  const rows = T.rows.filter((r) => !r.group);
  const vals = (k: string): number[] => (k === 'new_received' || k === 'total' ? [2, 1, 0, 0, 0, 1, 4] : k === 'granted' ? [2, 1, 0, 0, 0, 1, 4] : [0, 0, 0, 0, 0, 0, 0]);
  // the subtotal (commercial … other) printed after 其他, before 总计; one row has it wrong
  const text = report((k) => {
    if (T.rows.find((x) => x.key === k)!.group) return '';
    const v = vals(k);
    const sub = k === 'granted' ? 3 : v.slice(1, 6).reduce((a, b) => a + b, 0);
    return [...v.slice(0, 6), sub, v[6]].join(' | ') + ' |';
  });
  const r = parseReport(text);
  const req = r.tables.requests!;
  assert.deepEqual(['natural_person', 'commercial', 'other', 'total'].map((c) => req.new_received[c].value), [2, 1, 1, 4]);
  assert.equal(req.granted.total.value, 4);
  assert.ok(r.findings.some((f) => f.rule === 'table.extra_column'));
  const sub = r.findings.find((f) => f.rule === 'requests.extra_subtotal');
  assert.ok(sub && sub.cells.includes('requests.granted.commercial'), 'the wrong subtotal of granted is reported');
  assert.equal(rows.length, 25);
});

test('table 四 with its whole header and no number after it is 15 blank cells; a heading with prose only is absent', () => {
  const base = report((k) => (T.rows.find((x) => x.key === k)!.group ? '' : values[k] ?? zeros));
  const line = '0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0';
  for (const empty of [' |  |  |  |  |  |  |  |  |  |  |  |  |  |  | ', '      ', '- - - - - - - - - - - - - - -']) {
    const r = parseReport(base.replace(line, empty));
    const t = r.tables.review_litigation;
    assert.ok(t, JSON.stringify(empty));
    const cells = Object.values(t).flatMap((row) => Object.values(row));
    assert.equal(cells.length, 15);
    assert.ok(cells.every((c) => c.value === 0 && c.status === 'blank'), JSON.stringify(empty));
  }
  // the table pasted as a picture: the heading and a sentence, no header
  const pic = parseReport(base.replace('结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计', '本年度行政复议、行政诉讼情况见下图。').replace(line, ''));
  assert.equal(pic.tables.review_litigation, null);
  assert.ok(pic.findings.some((f) => f.rule === 'table.absent'));
});
