// The rule registry (src/template/rules.ts): declarations, the one evaluator, rendering of
// findings from their parameters, and that no rule id is made up anywhere else.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  columnsOf, crossYearEquations, EQUATIONS, evaluate, finding, findingText, holds, implausibleJump, isRuleId, renderMessage, renderText, RULES, severityOf,
  TABLE_KEYS, TEMPLATE_VERSIONS, TEMPLATES, TOLERANCE, type RuleId,
} from '../src/template/index.js';
import { parseReport, STAGES } from '../src/parse.js';
import { generateReport, mulberry32, TEXT_FORMS } from '../src/generate/report.js';
import { fixture, FIXTURES } from './helpers.js';

const SRC = join(FIXTURES, '..', '..', 'src');

function cellExists(version: '2019' | '2021', path: string): boolean {
  const [tk, row, col] = path.split('.');
  if (!(TABLE_KEYS as readonly string[]).includes(tk)) return false;
  const table = TEMPLATES[version].tables[tk as (typeof TABLE_KEYS)[number]];
  const r = table.rows.find((x) => x.key === row && !x.group);
  return !!r && columnsOf(table, r).some((c) => c.key === col);
}

test('every equation of a report binds cells the template has', () => {
  for (const v of TEMPLATE_VERSIONS) {
    assert.ok(TEMPLATES[v].rules.length > 0);
    for (const rule of TEMPLATES[v].rules) {
      assert.ok(isRuleId(rule.id), rule.id);
      for (const t of rule.terms) assert.ok(cellExists(v, t.cell), `${v} ${rule.id}: ${t.cell}`);
      if (rule.totalCell) assert.ok(rule.terms.some((t) => t.cell === rule.totalCell && t.coef === 1), `${rule.id}: total cell not a term`);
    }
  }
});

test('the equations come in the order the checks report them: row totals, then column by column (七) total and balance, then table 四', () => {
  const ids = TEMPLATES['2021'].rules.map((r) => r.id);
  const rows = TEMPLATES['2021'].tables.requests.rows.filter((r) => !r.group).length;
  assert.deepEqual(ids.slice(0, rows), Array(rows).fill('requests.row_total'));
  assert.deepEqual(ids.slice(rows, rows + 4), ['requests.results_sum', 'requests.balance', 'requests.results_sum', 'requests.balance']);
  assert.deepEqual(ids.slice(-3), Array(3).fill('review_litigation.group_total'));
  assert.equal(ids.length, rows + 2 * 7 + 3);
  assert.equal(TEMPLATES['2021'].rules[0].statement, '本年新收政府信息公开申请数量：总计 = 各类申请人之和 / total = sum of applicant columns');
});

test('the cross-year equations bind cells of both years and apply to the right pairs of versions', () => {
  const tables = { 2019: TEMPLATES['2019'].tables, 2021: TEMPLATES['2021'].tables };
  const ids = (a: string, b: string) => [...new Set(crossYearEquations(tables, a, b).map((x) => x.id))];
  assert.deepEqual(ids('2021', '2021'), ['requests.carry_continuity', 'active.in_force_continuity']);
  assert.deepEqual(ids('2019', '2019'), ['requests.carry_continuity', 'active.items_continuity']);
  assert.deepEqual(ids('2021', '2019'), ['requests.carry_continuity']);
  assert.deepEqual(ids('pre2019', '2021'), []);
  for (const { eq } of crossYearEquations(tables, '2021', '2021')) {
    for (const t of eq.terms) assert.ok(cellExists('2021', t.cell), t.cell);
  }
  const inForce = crossYearEquations(tables, '2021', '2021').filter((x) => x.id === 'active.in_force_continuity').map((x) => x.eq.params.row);
  assert.deepEqual(inForce, ['regulations', 'normative_documents']);
});

test('the evaluator: both sides, a tolerance for decimals summed in floating point, nothing said about undecided cells', () => {
  const terms = [{ cell: 'a', coef: 1 }, { cell: 'b', coef: -1 }, { cell: 'c', coef: -1 }];
  assert.deepEqual(evaluate(terms, (c) => ({ a: 5, b: 2, c: 3 })[c]), { lhs: 5, rhs: 5, difference: 0, holds: true });
  assert.deepEqual(evaluate(terms, (c) => ({ a: 6, b: 2, c: 3 })[c]), { lhs: 6, rhs: 5, difference: 1, holds: false });
  assert.equal(evaluate(terms, (c) => ({ a: 6, b: 2 } as Record<string, number>)[c]), null);
  assert.equal(evaluate([{ cell: 'x', coef: 1 }, { cell: 'y', coef: -1 }, { cell: 'z', coef: -1 }], (c) => ({ x: 0.3, y: 0.1, z: 0.2 })[c])!.holds, true);
  assert.equal(holds(TOLERANCE / 2), true);
  assert.equal(holds(1e-6), false);
  // a term of the year before reads the other report
  const cross = evaluate(EQUATIONS['requests.carry_continuity'].bind(TEMPLATES['2021'].tables)[0].terms, (cell, year) => (year === -1 ? 4 : 3));
  assert.deepEqual(cross, { lhs: 3, rhs: 4, difference: -1, holds: false });
});

test('year-on-year jumps: ×10 from at least 30, or from 100 or more to 0', () => {
  assert.equal(implausibleJump(5, 50), true);
  assert.equal(implausibleJump(2, 20), false);
  assert.equal(implausibleJump(120, 0), true);
  assert.equal(implausibleJump(0, 99), false);
  assert.equal(implausibleJump(40, 80), false);
});

test('messages are rendered from the parameters, Chinese first, English after " / " (the contract\'s text, unchanged)', () => {
  const f = finding('requests.balance', { column: '自然人', lhs: 10, rhs: 9 }, ['requests.new_received.natural_person'], [3, 9]);
  assert.deepEqual(f, {
    rule: 'requests.balance', severity: 'error',
    message: '勾稽关系不成立：自然人列：第一项 + 第二项 = 第三项 + 第四项（10 ≠ 9） / rule broken: new + carried over = total + carried forward (10 ≠ 9)',
    cells: ['requests.new_received.natural_person'], span: [3, 9], params: { column: '自然人', lhs: 10, rhs: 9 },
  });
  assert.equal(renderText('table.absent', { table: 'requests' }, 'zh'), '未找到表格「三、收到和处理政府信息公开申请情况」（可能以图片或附件发布），该表数值为空');
  assert.equal(severityOf('active.procurement_unit', { unit: '元' }), 'info');
  assert.equal(severityOf('active.procurement_unit', {}), 'warning');
  assert.equal(renderMessage('corpus.year_missing', { body: '某区', year: 2022, first: 2020, last: 2024 }), '某区：有 2020—2024 年的报告，缺少 2022 年的报告 / 某区: no report for 2022 (has 2020–2024)');
  assert.equal(findingText(f, 'zh'), '勾稽关系不成立：自然人列：第一项 + 第二项 = 第三项 + 第四项（10 ≠ 9）');
  assert.equal(findingText(f), f.message);
  assert.equal(findingText({ rule: 'requests.balance', message: 'stored text' }), 'stored text');
  assert.equal(isRuleId('requests.balance'), true);
  assert.equal(isRuleId('requests.balanse'), false);
});

test('every finding of the fixtures and of generated reports is declared, with its message and severity rendered from its params', () => {
  const inputs: Buffer[] = [];
  for (const name of readdirSync(join(FIXTURES, 'corpus', 'input'))) inputs.push(fixture('corpus', 'input', name));
  for (const name of readdirSync(join(FIXTURES, 'html'))) if (name.endsWith('.html')) inputs.push(fixture('html', name));
  for (const form of TEXT_FORMS) {
    const rng = mulberry32(7 + form.length);
    for (let i = 0; i < 6; i++) inputs.push(Buffer.from(generateReport(rng, { form, size: i % 2 ? 'small' : 'large', blankShare: i / 6 }).text));
  }
  const seen = new Set<string>();
  for (const bytes of inputs) {
    let report;
    try { report = parseReport(bytes); } catch { continue; }
    for (const f of report.findings) {
      assert.ok(isRuleId(f.rule), `undeclared rule ${f.rule}`);
      const id = f.rule as RuleId;
      assert.ok(f.params, `${f.rule}: no params`);
      assert.equal(f.message, renderMessage(id, f.params as never));
      assert.equal(f.severity, severityOf(id, f.params as never));
      seen.add(f.rule);
    }
  }
  assert.ok(seen.size >= 5, `only ${[...seen].join(', ')}`);
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('rule ids and severities are declared in src/template/rules.ts only (elsewhere they are references)', () => {
  const offenders: string[] = [];
  for (const file of sourceFiles(SRC)) {
    if (file.endsWith(join('template', 'rules.ts'))) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(rule|severity|id):\s*[`'"]([a-z_]+\.[a-z_.]+|error|warning|info)[`'"]/g)) offenders.push(`${file}: ${m[0]}`);
    for (const m of text.matchAll(/`\$\{[^}]+\}\.(blank_total|non_negative_integer|extra_subtotal|row_total)`/g)) offenders.push(`${file}: ${m[0]}`);
  }
  assert.deepEqual(offenders, []);
  // and every declared finding has both texts
  for (const [id, d] of Object.entries(RULES)) {
    assert.equal(typeof d.zh, 'function', id);
    assert.equal(typeof d.en, 'function', id);
  }
});

test('the parse stages: a declared list, whose outputs put together are the report', () => {
  assert.deepEqual(STAGES.map((s) => s.name), ['normalize', 'locate', 'template', 'narrative', 'tables', 'money units', 'ocr', 'provenance', 'checks']);
  const bytes = fixture('corpus', 'input', readdirSync(join(FIXTURES, 'corpus', 'input')).sort()[0]);
  const report = parseReport(bytes);
  let ctx: Parameters<(typeof STAGES)[number]['run']>[0] = { decoded: { format: 'text', encoding: 'utf-8', text: bytes.toString('utf8') }, options: {} };
  const findings = [];
  for (const stage of STAGES) {
    const before = JSON.stringify(ctx);
    const { findings: produced, ...out } = stage.run(ctx);
    assert.equal(JSON.stringify(ctx), before, `${stage.name} changed its input`);
    ctx = { ...ctx, ...out };
    findings.push(...(produced ?? []));
  }
  assert.deepEqual(findings, report.findings);
  assert.deepEqual(ctx.tables, report.tables);
});
