// Fixed-width text (pdftotext -layout) and markdown from PDF converters (issue 11, items 4–5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReport } from '../src/parse.js';
import { generateReport, mulberry32 } from '../src/generate/report.js';
import { alignByColumns } from '../src/locate/columns.js';
import { valueItems } from '../src/locate/tokens.js';
import type { Report } from '../src/types.js';

type CellOut = { value: number | null; status: string };
const cellOf = (r: Report, path: string): CellOut => {
  const [t, row, col] = path.split('.');
  return (r.tables as unknown as Record<string, Record<string, Record<string, CellOut>>>)[t][row][col];
};
const requestCells = (cells: Record<string, number>) => Object.keys(cells).filter((p) => p.startsWith('requests.'));

test('fixed-width: numbers placed by their columns, blanks as spaces, where the same text without positions is undecided', () => {
  // every zero cell blank: a row is a few numbers in a wide line of spaces
  const g = generateReport(mulberry32(1), { form: 'fixed', size: 'medium', blankShare: 1, version: '2021' });
  const line = g.text.split('\n').find((l) => l.startsWith('(七)总计'))!;
  assert.match(line, / {20,}/, 'the row has runs of spaces where its blank cells are');
  const r = parseReport(g.text);
  for (const path of requestCells(g.cells)) {
    const c = cellOf(r, path);
    assert.equal(c.value, g.cells[path], `${path}: ${JSON.stringify(c)}`);
  }
  // the same numbers with the runs of spaces collapsed: no positions, the solver can only guess
  const collapsed = parseReport(g.text.replace(/ {2,}/g, ' '));
  assert.ok(requestCells(g.cells).some((p) => cellOf(collapsed, p).status === 'ambiguous'));
});

test('fixed-width: a row off its columns makes the alignment inconsistent: read as before, never placed wrong', () => {
  const g = generateReport(mulberry32(20261204), { form: 'fixed', size: 'medium', blankShare: 1, version: '2021' });
  const lines = g.text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('(一)予以公开'));
  lines[i] = lines[i].replace('予以公开', '予以公开   '); // three columns to the right
  const r = parseReport(lines.join('\n'));
  for (const path of requestCells(g.cells)) {
    const c = cellOf(r, path);
    if (c.status !== 'ambiguous') assert.equal(c.value, g.cells[path], `${path}: ${JSON.stringify(c)}`);
  }
});

test('column positions: a header one space apart and a lone number under it are no evidence', () => {
  const text = '信息内容 上一年项目数量 本年增/减\n行政事业性收费  7\n';
  const from = text.indexOf('行政事业性收费');
  const items = valueItems(text, from, text.length);
  assert.equal(alignByColumns(text, [{ items, labelStart: from }], 2, ['上一年项目数量', '本年增/减']), null);
  // padded like a layout, two numbers under their labels: placed
  const laid = '信息内容          上一年项目数量     本年增/减\n行政事业性收费                 3             0\n';
  const at = laid.indexOf('行政事业性收费');
  const placed = alignByColumns(laid, [{ items: valueItems(laid, at, laid.length), labelStart: at }], 2, ['上一年项目数量', '本年增/减']);
  assert.deepEqual(placed?.[0].map((it) => (it.kind === 'num' ? it.digits : '_')), ['3', '0']);
});

test('markdown: rule rows, generic block headers and page numbers inside a table are not cells', () => {
  const g = generateReport(mulberry32(7), { form: 'pipes', size: 'small', blankShare: 0.3, version: '2021' });
  const base = parseReport(g.text);
  const rows = g.text.split('\n');
  const at = rows.findIndex((l) => l.startsWith('(一)予以公开'));
  // a converter cut the table here: a page number, a new block under a generic header
  rows.splice(at, 0, '12', '| 列1 | 列2 | 列3 | 列4 | 列5 | 列6 | 列7 | 列8 |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  const r = parseReport(rows.join('\n'));
  const seen = (c: CellOut) => [c.value, c.status];
  for (const path of requestCells(g.cells)) assert.deepEqual(seen(cellOf(r, path)), seen(cellOf(base, path)), path);
  for (const path of requestCells(g.cells)) assert.equal(cellOf(r, path).value, g.cells[path], path);
});

test('table 四 as a bare line of 15 numbers, its header lost: read when the group totals prove it, else absent', () => {
  const g = generateReport(mulberry32(5), { form: 'spaces', size: 'large', blankShare: 0, version: '2021' });
  const lines = g.text.split('\n');
  const h = lines.findIndex((l) => l.startsWith('四、政府'));
  assert.match(lines[h + 1], /行政复议/);
  lines.splice(h + 1, 1); // the header was a picture
  const r = parseReport(lines.join('\n'));
  assert.ok(r.tables.review_litigation, 'table 四 read');
  for (const path of Object.keys(g.cells).filter((p) => p.startsWith('review_litigation.'))) {
    assert.equal(cellOf(r, path).value, g.cells[path], path);
  }
  // the same line with one total off: no proof it is the table
  const nums = lines[h + 1].trim().split(/\s+/).map(Number);
  nums[4] += 1;
  lines[h + 1] = ` ${nums.join(' ')}`;
  const broken = parseReport(lines.join('\n'));
  assert.equal(broken.tables.review_litigation, null);
  assert.ok(broken.findings.some((f) => f.rule === 'table.absent' && f.message.includes('四、')));
});
