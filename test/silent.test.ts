// No silent error in any form (issue 11, items 1–3): a total inferred from undecided parts, an
// exotic reading that balances, numbers past exact integers, ambiguous cells without candidates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReport } from '../src/parse.js';
import { valueItems } from '../src/locate/tokens.js';
import { solveTable } from '../src/solve/table.js';
import type { LinearRule } from '../src/template/index.js';
import type { Cell, Report } from '../src/types.js';

const fixture = readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'corpus', 'input', 'seed001-chaoyang-2021.txt'), 'utf8');
const ROW = '2.其他法律行政法规禁止公开1000001';
const COLS = ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_service', 'other', 'total'];

/** The dev report with one row of table 三 replaced. */
function withRow(values: string): Report {
  const text = fixture.replace(ROW, `2.其他法律行政法规禁止公开${values}`);
  assert.notEqual(text, fixture);
  return parseReport(text);
}
const rowCells = (r: Report): Cell[] => COLS.map((c) => r.tables.requests!.denied_law_forbidden[c]);
const confident = (c: Cell) => c.status === 'read' || c.status === 'blank' || c.status === 'inferred';

/** Every ambiguous cell lists candidates, or a finding naming it says why none could be listed. */
function assertCandidatesOrReason(r: Report) {
  for (const [t, rows] of Object.entries(r.tables)) {
    for (const [row, cols] of Object.entries(rows ?? {})) {
      for (const [col, cell] of Object.entries(cols)) {
        if (cell.status !== 'ambiguous' || cell.candidates?.length) continue;
        const path = `${t}.${row}.${col}`;
        const why = r.findings.some((f) => f.cells.includes(path) && ['cell.not_a_count', 'table.row_unreadable', 'cell.implausible'].includes(f.rule))
          || r.findings.some((f) => f.rule === 'solve.budget');
        assert.ok(why, `${path}: ambiguous, no candidates, no finding says why`);
      }
    }
  }
}

test('as many digits as cells, breaking the row total: ambiguous, one digit per cell first, the break reported', () => {
  for (const run of ['   8100008', '   6100000']) {
    const r = withRow(run);
    const cells = rowCells(r);
    assert.ok(cells.every((c) => c.status === 'ambiguous'), `${run}: ${JSON.stringify(cells)}`);
    assert.deepEqual(cells.map((c) => c.candidates?.[0]), [...run.trim()].map(Number));
    const broken = r.findings.find((f) => f.rule === 'requests.row_total' && f.cells.includes('requests.denied_law_forbidden.total'));
    assert.ok(broken, `${run}: the source's break is reported`);
    assert.match(broken.message, new RegExp([...run.trim()].join('/')));
    assertCandidatesOrReason(r);
  }
});

test('a count far beyond any one body publishes is not taken from damaged text', () => {
  // 10000001 set off by spaces: one digit per cell does not apply (8 digits, 7 cells); as one
  // cell with its neighbours dropped it balances, but 10,000,001 applications is no evidence
  const r = withRow('   10000001');
  const cells = rowCells(r);
  assert.ok(cells.every((c) => !confident(c) || (c.value as number) <= 100_000), JSON.stringify(cells));
  assert.ok(r.findings.some((f) => f.rule === 'cell.implausible' && f.cells.includes('requests.denied_law_forbidden.total')));
  assertCandidatesOrReason(r);
});

test('a large count corroborated by the numbers written beside it is read', () => {
  const r = withRow(' 76613 20467 42185 0 1 139266');
  // research's blank was dropped with its separator: where is open, the written total is not
  assert.equal(r.tables.requests!.denied_law_forbidden.total.value, 139266);
  assert.equal(r.tables.requests!.denied_law_forbidden.total.status, 'read');
});

test('a number past exact integers is refused with a finding, never stored rounded', () => {
  for (const values of [' | 123456789012345678901 | | | | | | |', ` ${'1'.repeat(400)}`]) {
    const r = withRow(values);
    const cells = rowCells(r);
    assert.ok(cells.every((c) => c.status === 'ambiguous' && c.value === null), JSON.stringify(cells));
    const f = r.findings.find((x) => x.rule === 'cell.not_a_count');
    assert.ok(f, 'finding cell.not_a_count');
    assert.ok(f.cells.includes('requests.denied_law_forbidden.total'));
    assert.match(f.message, /不是数量/);
    // nothing unsafe anywhere in the report, and no null presented as read
    for (const rows of Object.values(r.tables)) for (const cols of Object.values(rows ?? {})) for (const c of Object.values(cols)) {
      if (c.value !== null) assert.ok(Number.isFinite(c.value) && Math.abs(c.value) <= Number.MAX_SAFE_INTEGER);
      else assert.ok(!confident(c));
      for (const v of c.candidates ?? []) assert.ok(Number.isSafeInteger(v) || !Number.isInteger(v));
    }
    assertCandidatesOrReason(r);
    const amb = r.findings.find((x) => x.rule === 'cell.ambiguous' && x.cells.includes('requests.denied_law_forbidden.total'));
    assert.ok(amb && !/已列出候选值 \//.test(amb.message), 'the ambiguity finding does not claim candidates it has not listed');
  }
});

test('solver output check: a blank total is not inferred from parts the solutions place differently', () => {
  // three outcome cells and a total; "8 8 -": the dash is the blank total, one outcome blank was
  // dropped with its separator — every placement sums to 16, but which cells hold the 8s is open
  const cells = ['t.g.a', 't.g.b', 't.g.c', 't.g.total'];
  const rule: LinearRule = {
    id: 't.total', severity: 'error', statement: '总计 / total', totalCell: 't.g.total',
    terms: [{ cell: 't.g.total', coef: 1 }, { cell: 't.g.a', coef: -1 }, { cell: 't.g.b', coef: -1 }, { cell: 't.g.c', coef: -1 }],
  };
  const text = ' 8 8 -';
  const out = solveTable([{ cells, items: valueItems(text, 0, text.length) }], [rule]);
  assert.equal(out.cells.get('t.g.a')!.status, 'ambiguous');
  const total = out.cells.get('t.g.total')!;
  assert.equal(total.status, 'ambiguous', JSON.stringify(total));
  assert.equal(total.candidates?.[0], 16);
});
