// The solver: readings of one line, and the choice across lines by the template's equations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { valueItems } from '../src/locate/tokens.js';
import { enumerateReadings } from '../src/solve/readings.js';
import { solveTable } from '../src/solve/table.js';
import type { LinearRule } from '../src/template/index.js';

const items = (s: string, opts = {}) => valueItems(s, 0, s.length, opts);
const ROW_TOTAL = [{ cols: [6, 0, 1, 2, 3, 4, 5], coefs: [1, -1, -1, -1, -1, -1, -1], totalCol: 6 }];

test('tokens: separators, pipes, blank marks, decimals, dates in headers', () => {
  assert.deepEqual(items(' 15 1 016 ').map((i) => i.kind === 'num' && i.digits), ['15', '1', '016']);
  const pipes = items(' | 5 | | 3 | - | 0 | ||');
  // empty cells after the last number may be padding: optional (o)
  assert.deepEqual(pipes.map((i) => (i.kind === 'num' ? i.digits : i.optional ? 'o' : 'B')), ['5', 'B', '3', 'B', '0', 'o', 'o']);
  assert.deepEqual(items('96171.6', { allowDecimal: true }).map((i) => i.kind === 'num' && i.decimal), [true]);
  assert.deepEqual(items('96171.6').map((i) => i.kind === 'num' && i.digits), ['96171', '6']);
  assert.deepEqual(items('(指2019年事项数) 12').map((i) => i.kind === 'num' && i.digits), ['12']);
  assert.deepEqual(items('无法提供 无 3').map((i) => (i.kind === 'num' ? i.digits : 'B')), ['B', '3']);
});

test('readings: no leading zeros, so 0000000 is seven zeros and only that', () => {
  const r = enumerateReadings(items('0000000'), 7, [], { strict: true, budget: 1e5 });
  assert.equal(r.readings.length, 1);
  assert.deepEqual(r.readings[0].values, [0, 0, 0, 0, 0, 0, 0]);
});

test('readings: a row total prunes run-together splits (633000066)', () => {
  const r = enumerateReadings(items('633000066'), 7, ROW_TOTAL, { strict: true, budget: 1e5 });
  assert.ok(r.readings.length >= 1);
  assert.ok(r.readings.every((x) => x.values[6] === x.values.slice(0, 6).reduce((a, b) => a + b, 0)));
  assert.ok(r.readings.some((x) => x.values.join() === '63,3,0,0,0,0,66'));
});

test('readings: dropped blanks are filled, a blank total is inferred from its parts', () => {
  const r = enumerateReadings(items(' 8 0 0 0 0'), 7, ROW_TOTAL, { strict: true, budget: 1e5 });
  const withInferred = r.readings.find((x) => x.status[6] === 'inferred');
  assert.ok(withInferred);
  assert.equal(withInferred.values[6], 8);
});

test('readings: trailing empty pipe cells fill the row when needed and are padding otherwise', () => {
  const one = enumerateReadings(items('3 | | | | | | |'), 7, [], { strict: true, budget: 1e5 });
  assert.equal(one.readings.length, 1);
  assert.deepEqual(one.readings[0].values, [3, 0, 0, 0, 0, 0, 0]);
  const full = enumerateReadings(items('1 | 2 | 3 | | |'), 3, [], { strict: true, budget: 1e5 });
  assert.deepEqual(full.readings.map((r) => r.values), [[1, 2, 3]]);
});

test('readings: more numbers than cells gives no reading', () => {
  const r = enumerateReadings(items('1 2 3 4'), 3, [], { strict: true, budget: 1e5 });
  assert.equal(r.readings.length, 0);
  assert.equal(r.exhausted, false);
});

test('readings: the budget stops the search and says so', () => {
  const r = enumerateReadings(items('123456789123456789123456789'), 15, [], { strict: true, budget: 50 });
  assert.equal(r.exhausted, true);
});

// A two-row table with a column rule: a = b (per column), rows of two cells.
const rules: LinearRule[] = [0, 1].map((c) => ({
  id: 't.col', severity: 'error', statement: 'a = b / a = b',
  terms: [{ cell: `t.a.c${c}`, coef: 1 }, { cell: `t.b.c${c}`, coef: -1 }],
}));

test('table: the cross-row equation decides a run-together row', () => {
  const res = solveTable([
    { cells: ['t.a.c0', 't.a.c1'], items: items('12 3') },
    { cells: ['t.b.c0', 't.b.c1'], items: items('123') },
  ], rules);
  assert.deepEqual([res.cells.get('t.b.c0')!.value, res.cells.get('t.b.c1')!.value], [12, 3]);
  assert.equal(res.cells.get('t.b.c0')!.status, 'read');
});

test('table: cells no equation decides are ambiguous with candidates, never guessed', () => {
  const res = solveTable([{ cells: ['t.x.c0', 't.x.c1', 't.x.c2'], items: items('623129') }], []);
  for (const c of ['t.x.c0', 't.x.c1', 't.x.c2']) {
    const cell = res.cells.get(c)!;
    assert.equal(cell.status, 'ambiguous');
    assert.equal(cell.value, null);
    assert.ok(cell.candidates!.length > 1);
  }
});

test('table: cleanly separated cells are read as written even when the source arithmetic is wrong', () => {
  const res = solveTable([
    { cells: ['t.a.c0', 't.a.c1'], items: items('5 3') },
    { cells: ['t.b.c0', 't.b.c1'], items: items('5 4') },
  ], rules);
  assert.equal(res.cells.get('t.b.c1')!.value, 4);
  assert.equal(res.cells.get('t.b.c1')!.status, 'read');
  assert.equal(res.cells.get('t.a.c1')!.value, 3);
});

test('readings: a lone number touching its label is one run that fills every cell; set off by spaces it may be one cell', () => {
  const values = (s: string) => enumerateReadings(items(s), 3, [], { strict: true, budget: 1e5 }).readings.map((r) => r.values.join(','));
  // 行政规范性文件623129 — separators lost, every cell there: splits only
  assert.ok(!values('197').some((v) => v.split(',').filter((x) => x === '0').length === 2));
  assert.ok(values('197').includes('1,9,7'));
  // 行政规范性文件   197 — separators kept: 197 in any one cell, the others dropped blanks, or the run
  const spaced = values('   197 ');
  for (const v of ['197,0,0', '0,197,0', '0,0,197', '1,9,7']) assert.ok(spaced.includes(v), v);
  // never a mix of both stories (a split number beside a dropped blank)
  assert.ok(!spaced.includes('19,7,0') && !spaced.includes('0,19,7'));
});

test('readings: a run-together money row splits integer cells off the front of the decimal amount (4191.5 → 4 | 191.5)', () => {
  const r = enumerateReadings(items('4191.5', { allowDecimal: true }), 2, [], { strict: true, budget: 1e5 });
  assert.deepEqual(r.readings.map((x) => x.values.join('|')).sort(), ['4|191.5', '41|91.5', '419|1.5'].sort());
});

test('tokens: empty pipe cells on the next label\'s line belong to that row, not this one', () => {
  const s = ' |  |  |  |  |  |  | 0 |\n |  | 4.保护';
  const its = valueItems(s, 0, s.indexOf('4.保护'));
  assert.deepEqual(its.map((i) => (i.kind === 'num' ? i.digits : 'B')), ['B', 'B', 'B', 'B', 'B', 'B', '0']);
  const r = enumerateReadings(its, 7, ROW_TOTAL, { strict: true, budget: 1e5 });
  assert.equal(r.readings.length, 1);
  assert.deepEqual(r.readings[0].status, ['blank', 'blank', 'blank', 'blank', 'blank', 'blank', 'read']);
});
