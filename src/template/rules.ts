// The rule registry: every rule and finding id the project reports, declared once, as data —
// its severity, the stage that decides it, the cells it binds (an equation over template cells,
// or over two consecutive years' cells), and its message as Chinese and English templates over
// named parameters. `finding()` builds the JSON a report carries (`message` rendered from
// `params`); `evaluate()` is the one evaluator, with the one tolerance, that the checks
// (src/check), the cross-year corpus checks (src/store/checks.ts), the aggregates and the
// solver's pruning use. A rule id written anywhere else is a reference to a declaration here
// (the `RuleId` type makes a typo a compile error).

import type { Finding, Severity, Span, TemplateKey } from '../types.js';
import { isTemplateVersion, type ColumnDef, type LinearRule, type RowDef, type TableDef, type TableKey, type TemplateVersion } from './model.js';
import { cellPath, outcomeRowsOf, TABLES_2021, tableName, type CellPath } from './tables.js';

/** |difference| below this is equality: values are decimal numbers read from text, summed in floating point. */
export const TOLERANCE = 1e-9;

/** Which stage decides a rule: where to look for the code that evaluates it. */
export type RuleStage = 'decode' | 'normalize' | 'parse' | 'extract' | 'solve' | 'check' | 'corpus';

/** Message parameters: the values a message is rendered from (keys and numbers, never labels). */
export type Params = Record<string, unknown>;

interface Declaration<P extends Params> {
  severity: Severity | ((p: P) => Severity);
  stage: RuleStage;
  zh: (p: P) => string;
  en: (p: P) => string;
}

/** A term of an equation: coefficient × a cell, in the report of the year `year` (0 this year, −1 the year before). */
export interface Term { cell: string; coef: number; year?: 0 | -1 }

/** One instance of an equation rule over concrete cells, with the parameters of its statement. */
export interface BoundEquation<P extends Params = Params> {
  params: P;
  terms: Term[];
  /** The cell that is the "total" of the equation: a blank there may be inferred from the others. */
  totalCell?: string;
}

/** A rule that is a linear equation, sum(coef × cell) = 0. Its finding says which side is which. */
interface EquationDeclaration<P extends Params> {
  severity: Severity;
  stage: RuleStage;
  /**
   * The order the solver and the checks see a report's equations in (findings come out in it):
   * by pass, and within a pass the declarations' equations taken in turn (column by column).
   */
  pass?: number;
  /** Template versions whose cells it binds (cross-year: both reports of the pair). */
  templates: readonly TemplateVersion[];
  /** The statement of the equation, Chinese and English. */
  statement: { zh: (p: P) => string; en: (p: P) => string };
  /** The equations the rule stands for in a template (one per row, per column …). */
  bind: (tables: Record<TableKey, TableDef>) => BoundEquation<P>[];
}

const decl = <P extends Params>(d: Declaration<P>) => d;
const equation = <P extends Params>(d: EquationDeclaration<P>) => d;

// ---- helpers the declarations share (labels come from the template description) ----

const dataRows = (t: TableDef): RowDef[] => t.rows.filter((r) => !r.group);
const partColumns = (cols: readonly ColumnDef[]) => cols.filter((c) => !c.isTotal);
const fmt = (n: number) => String(Math.round(n * 1e6) / 1e6);
const rowLabelOf = (t: TableDef, key: string) => t.rows.find((r) => r.key === key)?.label ?? key;
const columnLabelOf = (t: TableDef, key: string) => t.columns.find((c) => c.key === key)?.label ?? key;

// Labels of table 三 in the corpus messages: both versions share its columns and the rows named here.
const requestRowLabel = (key: string) => rowLabelOf(TABLES_2021.requests, key);
const requestColumnLabel = (key: string) => columnLabelOf(TABLES_2021.requests, key);

// ---- equations of one report (spec §6.1, §6.2) ----

export const EQUATIONS = {
  'requests.row_total': equation({
    severity: 'error', stage: 'check', pass: 1, templates: ['2019', '2021'],
    statement: { zh: (p: { row: string }) => `${p.row}：总计 = 各类申请人之和`, en: () => 'total = sum of applicant columns' },
    bind: (t) => dataRows(t.requests).map((row) => rowTotal(t.requests, row)),
  }),
  'requests.results_sum': equation({
    severity: 'error', stage: 'check', pass: 2, templates: ['2019', '2021'],
    statement: { zh: (p: { column: string }) => `${p.column}列：(七)总计 = 各办理结果之和`, en: () => '(七) total = sum of the outcome rows' },
    bind: (t) => {
      const results = outcomeRowsOf(t.requests);
      return t.requests.columns.map((c) => ({
        params: { column: c.label },
        totalCell: cellPath('requests', 'total', c.key),
        terms: [{ cell: cellPath('requests', 'total', c.key), coef: 1 }, ...results.map((r) => ({ cell: cellPath('requests', r.key, c.key), coef: -1 }))],
      }));
    },
  }),
  'requests.balance': equation({
    severity: 'error', stage: 'check', pass: 2, templates: ['2019', '2021'],
    statement: { zh: (p: { column: string }) => `${p.column}列：第一项 + 第二项 = 第三项 + 第四项`, en: () => 'new + carried over = total + carried forward' },
    bind: (t) => t.requests.columns.map((c) => ({
      params: { column: c.label },
      terms: [
        { cell: cellPath('requests', 'new_received', c.key), coef: 1 }, { cell: cellPath('requests', 'carried_over', c.key), coef: 1 },
        { cell: cellPath('requests', 'total', c.key), coef: -1 }, { cell: cellPath('requests', 'carried_forward', c.key), coef: -1 },
      ],
    })),
  }),
  'review_litigation.group_total': equation({
    severity: 'error', stage: 'check', pass: 3, templates: ['2019', '2021'],
    statement: { zh: (p: { group: string }) => `${p.group}：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结`, en: () => 'total = sum of outcomes' },
    bind: (t) => t.review_litigation.rows.map((g) => ({
      params: { group: g.label },
      totalCell: cellPath('review_litigation', g.key, 'total'),
      terms: [
        { cell: cellPath('review_litigation', g.key, 'total'), coef: 1 },
        ...partColumns(t.review_litigation.columns).map((c) => ({ cell: cellPath('review_litigation', g.key, c.key), coef: -1 })),
      ],
    })),
  }),

  // ---- across years (spec §6.3): this year's report (year 0) against the year before's (−1) ----

  'requests.carry_continuity': equation({
    severity: 'warning', stage: 'corpus', templates: ['2019', '2021'],
    statement: { zh: (p: { column: string }) => `${p.column}：上年结转（本年） = 结转下年度继续办理（上年）`, en: () => 'carried over = last year\'s carried forward' },
    bind: (t) => t.requests.columns.map((c) => ({
      params: { column: c.key },
      terms: [{ cell: cellPath('requests', 'carried_over', c.key), coef: 1, year: 0 }, { cell: cellPath('requests', 'carried_forward', c.key), coef: -1, year: -1 }],
    })),
  }),
  'active.in_force_continuity': equation({
    severity: 'info', stage: 'corpus', templates: ['2021'],
    statement: { zh: (p: { row: string }) => `${p.row}：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止`, en: () => 'in force = last year\'s in force + issued − repealed' },
    bind: (t) => rowsWithColumns(t.active, ['in_force', 'issued', 'repealed']).map((row) => ({
      params: { row: row.key },
      terms: [
        { cell: cellPath('active', row.key, 'in_force'), coef: -1, year: 0 }, { cell: cellPath('active', row.key, 'in_force'), coef: 1, year: -1 },
        { cell: cellPath('active', row.key, 'issued'), coef: 1, year: 0 }, { cell: cellPath('active', row.key, 'repealed'), coef: -1, year: 0 },
      ],
    })),
  }),
  'active.items_continuity': equation({
    severity: 'info', stage: 'corpus', templates: ['2019'],
    statement: { zh: (p: { row: string }) => `${p.row}：上一年项目数量 = 上年的上一年项目数量 + 上年增/减`, en: () => 'previous items = last year\'s previous items + change' },
    bind: (t) => rowsWithColumns(t.active, ['prev_items', 'change']).map((row) => ({
      params: { row: row.key },
      terms: [
        { cell: cellPath('active', row.key, 'prev_items'), coef: -1, year: 0 }, { cell: cellPath('active', row.key, 'prev_items'), coef: 1, year: -1 },
        { cell: cellPath('active', row.key, 'change'), coef: 1, year: -1 },
      ],
    })),
  }),
} as const;

export type EquationId = keyof typeof EQUATIONS;

/** The declarations in order, with their parameter types erased (each binds and renders its own). */
const equationList = () => Object.entries(EQUATIONS) as unknown as [EquationId, EquationDeclaration<Params>][];

function rowTotal(table: TableDef, row: RowDef): BoundEquation<{ row: string }> {
  const total = table.columns.find((c) => c.isTotal)!;
  return {
    params: { row: row.label },
    totalCell: cellPath(table.key, row.key, total.key),
    terms: [{ cell: cellPath(table.key, row.key, total.key), coef: 1 }, ...partColumns(table.columns).map((c) => ({ cell: cellPath(table.key, row.key, c.key), coef: -1 }))],
  };
}

function rowsWithColumns(table: TableDef, keys: string[]): RowDef[] {
  return table.rows.filter((r) => keys.every((k) => (r.columns ?? table.columns).some((c) => c.key === k)));
}

/**
 * The row-total equation of one row of table 三 as a LinearRule: the solver needs it for a group
 * row read in place of its members (a 2019-style （六） row in a 2021 table).
 */
export function requestsRowTotal(table: TableDef, row: RowDef): LinearRule {
  return linearRule('requests.row_total', rowTotal(table, row));
}

/** A bound equation of one report as the LinearRule the solver and the checks read. */
function linearRule(id: EquationId, eq: BoundEquation): LinearRule {
  const d = EQUATIONS[id];
  const p = eq.params as never;
  return {
    id, severity: d.severity,
    statement: `${d.statement.zh(p)} / ${d.statement.en(p)}`,
    params: eq.params,
    terms: eq.terms.map((t) => ({ cell: t.cell, coef: t.coef })),
    ...(eq.totalCell ? { totalCell: eq.totalCell } : {}),
  };
}

/** Every equation of one report that a template's tables imply (spec §6.1, §6.2), in declaration order. */
export function equationsOf(version: TemplateVersion, tables: Record<TableKey, TableDef>): LinearRule[] {
  const passes = new Map<number, LinearRule[][]>();
  for (const [id, d] of equationList()) {
    if (d.stage !== 'check' || !d.templates.includes(version)) continue;
    const pass = passes.get(d.pass ?? 0) ?? [];
    pass.push(d.bind(tables).map((eq) => linearRule(id, eq)));
    passes.set(d.pass ?? 0, pass);
  }
  const out: LinearRule[] = [];
  for (const [, lists] of [...passes].sort((a, b) => a[0] - b[0])) {
    const longest = Math.max(...lists.map((l) => l.length));
    for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  }
  return out;
}

/** The cross-year equations (spec §6.3) that apply to a pair of reports of these template versions. */
export function crossYearEquations(tables: Record<TemplateVersion, Record<TableKey, TableDef>>, current: string, previous: string) {
  const out: { id: EquationId; eq: BoundEquation }[] = [];
  if (!isTemplateVersion(current) || !isTemplateVersion(previous)) return out;
  for (const [id, d] of equationList()) {
    // both reports of the pair must be of a version the rule binds (bound on this year's cells)
    if (d.stage !== 'corpus' || !d.templates.includes(current) || !d.templates.includes(previous)) continue;
    for (const eq of d.bind(tables[current])) out.push({ id, eq });
  }
  return out;
}

/** An equation evaluated: both sides (the positive and the negated negative terms) and whether it holds. */
export interface Evaluation { lhs: number; rhs: number; difference: number; holds: boolean }

/**
 * The one evaluator: the value of every term (undefined when the cell is not decided) → the
 * equation's two sides, or null when a cell is undecided (nothing can be said then).
 */
export function evaluate(terms: readonly Term[], valueOf: (cell: string, year: 0 | -1) => number | undefined): Evaluation | null {
  let difference = 0, lhs = 0, rhs = 0;
  for (const t of terms) {
    const v = valueOf(t.cell, t.year ?? 0);
    if (v === undefined) return null;
    difference += t.coef * v;
    if (t.coef > 0) lhs += v; else rhs += v;
  }
  return { lhs, rhs, difference, holds: holds(difference) };
}

/** Whether a difference is zero within the tolerance. */
export function holds(difference: number): boolean {
  return Math.abs(difference) < TOLERANCE;
}

// ---- jumps between years (a predicate, not an equation) ----

/** Jump thresholds: ×JUMP_RATIO with the larger at least JUMP_MIN; from JUMP_FROM_ZERO or more to 0 (or back). */
export const JUMP_RATIO = 10;
export const JUMP_MIN = 30;
export const JUMP_FROM_ZERO = 100;
/** The cell whose year-on-year jump is checked. */
export const JUMP_CELL: CellPath = 'requests.new_received.total';
export function implausibleJump(before: number, now: number): boolean {
  const lo = Math.min(before, now), hi = Math.max(before, now);
  return (lo > 0 && hi >= lo * JUMP_RATIO && hi >= JUMP_MIN) || (lo === 0 && hi >= JUMP_FROM_ZERO);
}

// ---- every finding, with its message ----

// `reading`: the values a damaged line was read as, when the break is the source's own (8/1/0/0/0/0/8)
const brokenDetail = (p: Params) => `${p.reading ? `${p.reading}：` : ''}${p.lhs} ≠ ${p.rhs}`;
const ruleBrokenZh = (id: EquationId) => (p: Params) => `勾稽关系不成立：${EQUATIONS[id].statement.zh(p as never)}（${brokenDetail(p)}）`;
const ruleBrokenEn = (id: EquationId) => (p: Params) => `rule broken: ${EQUATIONS[id].statement.en(p as never)} (${brokenDetail(p)})`;
const brokenEquation = (id: EquationId) => decl<Params>({ severity: EQUATIONS[id].severity, stage: 'check', zh: ruleBrokenZh(id), en: ruleBrokenEn(id) });

const blankTotal = decl({
  severity: 'info', stage: 'check',
  zh: (p: { value: number }) => `合计单元格为空，按分项之和补为 ${p.value}`,
  en: (p: { value: number }) => `empty total cell restored from its parts as ${p.value}`,
});
const nonNegativeInteger = decl({
  severity: 'error', stage: 'check',
  zh: (p: { value: number }) => `数量应为非负整数，读到 ${p.value}`,
  en: (p: { value: number }) => `a count must be a non-negative integer, read ${p.value}`,
});
const extraSubtotal = decl({
  severity: 'warning', stage: 'extract',
  zh: (p: { label: string; column: string; value: number; sum: number }) => `模板以外的「${p.label}」在“${p.column}”为 ${p.value}，而所属各项之和为 ${p.sum}`,
  en: () => 'an added subtotal does not equal the sum of its members',
});

type Year2 = { body: string; year: number };
const listZh = (xs: unknown[]) => xs.join('、');

export const RULES = {
  // decode
  'pdf.page_unreadable': decl({
    severity: 'warning', stage: 'decode',
    zh: (p: { pages: number[] }) => `第 ${listZh(p.pages)} 页无法读取，已跳过`,
    en: (p: { pages: number[] }) => `page(s) ${p.pages.join(', ')} could not be read and were skipped`,
  }),
  'pdf.no_text_layer': decl({
    severity: 'warning', stage: 'decode',
    zh: (p: { garbled: boolean }) => (p.garbled ? '该 PDF 的文字层无法解码（字体缺少编码映射），无法读取表格' : '该 PDF 没有文字层（扫描件），无法读取表格'),
    en: (p: { garbled: boolean }) => (p.garbled ? 'the PDF text layer cannot be decoded (fonts without a Unicode map)' : 'the PDF has no text layer (scanned)'),
  }),
  'pdf.ocr': decl({
    severity: 'warning', stage: 'decode',
    zh: () => '表格由文字识别（OCR）读出，数字可能识别有误，请对照原件核对',
    en: () => 'read by OCR: numbers may be misrecognised, check them against the original',
  }),
  'pdf.pages_without_text': decl({
    severity: 'info', stage: 'decode',
    zh: (p: { pages: number[] }) => `第 ${listZh(p.pages)} 页没有文字层（可能是图片），其中的内容无法读取`,
    en: (p: { pages: number[] }) => `page(s) ${p.pages.join(', ')} have no text layer (images?)`,
  }),
  'pdf.ocr_unavailable': decl({
    severity: 'info', stage: 'decode',
    zh: (p: { missing: string }) => `无法进行文字识别（OCR）：缺少 ${p.missing}`,
    en: (p: { missing: string }) => `OCR unavailable: missing ${p.missing}`,
  }),

  // the report as a whole
  'section.missing': decl({
    severity: 'warning', stage: 'parse',
    zh: (p: { heading: string }) => `缺少章节「${p.heading}」`,
    en: (p: { heading: string }) => `section missing: ${p.heading}`,
  }),
  'meta.year_unknown': decl({ severity: 'warning', stage: 'parse', zh: () => '无法确定报告年度', en: () => 'the year reported on could not be determined' }),
  'template.inferred_from_year': decl({
    severity: 'info', stage: 'parse',
    zh: (p: { template: TemplateKey; year: number }) => `正文中没有表格标志，按报告年度 ${p.year} 推定为 ${p.template} 版模板`,
    en: () => 'no table markers: template inferred from the year',
  }),
  'template.unknown': decl({ severity: 'warning', stage: 'parse', zh: () => '无法判断模板版本（无表格标志，也无报告年度）', en: () => 'template version unknown' }),
  'template.mixed': decl({
    severity: 'warning', stage: 'parse',
    zh: (p: { chosen: TemplateKey; counts: Record<string, number> }) => `表格同时含有2019版和2021版的标志（2019: ${p.counts['2019']}，2021: ${p.counts['2021']}），按 ${p.chosen} 版读取`,
    en: () => 'markers of both template versions',
  }),
  'template.year_mismatch': decl({
    severity: 'warning', stage: 'parse',
    zh: (p: { template: TemplateKey; expected: string; year: number }) => `${p.year} 年度报告应使用 ${p.expected} 版模板，实际使用 ${p.template} 版`,
    en: (p: { template: TemplateKey; expected: string; year: number }) => `the ${p.year} report should use the ${p.expected} template, uses ${p.template}`,
  }),
  'template.pre2019': decl({
    severity: 'info', stage: 'parse',
    zh: () => '2019年以前格式的报告：旧统计表不对应新模板的单元格，表格置为空',
    en: () => 'pre-2019 report: its old statistics table does not map onto the template keys',
  }),
  'input.not_a_report': decl({
    severity: 'error', stage: 'parse',
    zh: () => '这不像一份政府信息公开工作年度报告（找不到章节或表格）', en: () => 'this does not look like an annual report',
  }),

  // tables: extraction
  'table.absent': decl({
    severity: 'warning', stage: 'extract',
    zh: (p: { table: TableKey }) => `未找到表格「${tableName(p.table)}」（可能以图片或附件发布），该表数值为空`,
    en: () => 'table not found in the text (image or attachment?): its cells are null',
  }),
  'table.row_missing': decl({
    severity: 'warning', stage: 'extract',
    zh: (p: { table: TableKey; row: string }) => `表格「${tableName(p.table)}」缺少行 ${p.row}`,
    en: () => 'row not found in the source',
  }),
  'table.group_has_numbers': decl({
    severity: 'info', stage: 'extract',
    zh: (p: { row: string }) => `分组标题行 ${p.row} 带有数字（模板中该行不填数），已忽略`,
    en: () => 'a group heading row carries numbers; ignored',
  }),
  'table.row_unreadable': decl({
    severity: 'warning', stage: 'extract',
    zh: () => '该行数字多于模板列数，无法对应到单元格', en: () => 'the row has more numbers than the template has columns',
  }),
  'table.column_major': decl({
    severity: 'info', stage: 'extract',
    zh: (p: { table: TableKey }) => `表格「${tableName(p.table)}」的数字按列导出（先列出所有行名，再逐列列出数字），已按列还原`,
    en: () => 'numbers were extracted column by column; rebuilt by columns',
  }),
  'table.extra_column': decl({
    severity: 'info', stage: 'extract',
    zh: (p: { table: TableKey; index: number }) => `表格「${tableName(p.table)}」多出一列（第 ${p.index + 1} 列数字，如“法人或其他组织”小计），已核对但不计入模板单元格`,
    en: () => 'an extra column (e.g. an organisation subtotal) was found, checked and not mapped',
  }),
  'table.layout_not_rowwise': decl({
    severity: 'warning', stage: 'extract',
    zh: (p: { table: TableKey }) => `表格「${tableName(p.table)}」的数字不是逐行排列（可能按列导出），无法逐行对应的单元格标为缺失`,
    en: () => 'numbers are not laid out row by row (column-major extraction?): rows without numbers are missing',
  }),
  'table.extra_row': decl({
    severity: 'info', stage: 'extract',
    zh: (p: { label: string; after: string }) => `表格中有模板以外的行「${p.label}」（位于 ${p.after} 之后），已保留但不计入模板单元格`,
    en: () => 'a row not in the template, kept but not mapped',
  }),
  'template.other_single_row': decl({
    severity: 'warning', stage: 'extract',
    zh: () => '2021版表格中“(六)其他处理”仍按2019版填为一行：为0的列其三个细分项推定为0，非0的列无法拆分',
    en: () => 'the 2021 table prints the 2019 single (六) row: its sub-rows are 0 where it is 0, undecidable elsewhere',
  }),
  'requests.extra_subtotal': extraSubtotal,
  'active.extra_subtotal': extraSubtotal,
  'review_litigation.extra_subtotal': extraSubtotal,

  // normalize
  'encoding.damaged': decl({
    severity: 'warning', stage: 'normalize',
    zh: (p: { replaced: number }) => `文本中有 ${p.replaced} 处字节不是有效的 UTF-8（文件局部损坏），已替换为 �，其余内容照常读取`,
    en: (p: { replaced: number }) => `${p.replaced} invalid UTF-8 byte sequence(s) (local damage) replaced by �; the rest was read as usual`,
  }),
  'normalize.mojibake_budget': decl({
    severity: 'warning', stage: 'normalize',
    zh: () => '乱码过多，只修复了前面的部分，其余乱码保持原样',
    en: () => 'too much mojibake: only the first runs were repaired, the rest is left as it stands',
  }),

  // tables: the solver
  'solve.prose_evidence': decl({
    severity: 'info', stage: 'solve',
    zh: (p: { table: TableKey }) => `表格「${tableName(p.table)}」中数字连写、仅凭勾稽关系无法唯一拆分，已参照正文中的数字确定`,
    en: () => 'run-together digits the arithmetic left open were settled by figures stated in the prose',
  }),
  'solve.budget': decl({
    severity: 'warning', stage: 'solve',
    zh: (p: { table: TableKey }) => `表格「${tableName(p.table)}」的数字组合过多，未能全部判定，相关单元格标为存疑`,
    en: () => 'too many readings to decide: cells left ambiguous',
  }),

  // checks on the final cells
  'requests.row_total': brokenEquation('requests.row_total'),
  'requests.results_sum': brokenEquation('requests.results_sum'),
  'requests.balance': brokenEquation('requests.balance'),
  'review_litigation.group_total': brokenEquation('review_litigation.group_total'),
  'requests.blank_total': blankTotal,
  'active.blank_total': blankTotal,
  'review_litigation.blank_total': blankTotal,
  'requests.non_negative_integer': nonNegativeInteger,
  'active.non_negative_integer': nonNegativeInteger,
  'review_litigation.non_negative_integer': nonNegativeInteger,
  'cell.ambiguous': decl({
    severity: 'warning', stage: 'check',
    zh: (p: { count: number; withoutCandidates: number }) => (p.withoutCandidates === 0
      ? `${p.count} 个单元格无法从原文确定（数字连写或空格缺失），已列出候选值`
      : `${p.count} 个单元格无法从原文确定，其中 ${p.withoutCandidates} 个无法列出候选值（原因见本表的其他提示）`),
    en: (p: { count: number; withoutCandidates: number }) => (p.withoutCandidates === 0
      ? `${p.count} cell(s) the source does not decide; candidates listed`
      : `${p.count} cell(s) the source does not decide; ${p.withoutCandidates} without candidates (the table's other findings say why)`),
  }),
  // a run of digits beyond exact integers (Number.MAX_SAFE_INTEGER) is never stored rounded
  'cell.not_a_count': decl({
    severity: 'error', stage: 'solve',
    zh: (p: { table: TableKey; digits: string }) => `表格「${tableName(p.table)}」中的数字 ${p.digits.length > 24 ? `${p.digits.slice(0, 12)}…（共 ${p.digits.length} 位）` : p.digits} 超出可精确表示的整数范围，不是数量，已拒绝读取；该行单元格无候选值`,
    en: (p: { table: TableKey; digits: string }) => `a ${p.digits.length}-digit number is beyond exact integers and cannot be a count: refused, the row's cells have no candidates`,
  }),
  // a damaged row that reads only as counts beyond the table's plausibleMax
  'cell.implausible': decl({
    severity: 'warning', stage: 'solve',
    zh: (p: { table: TableKey; limit: number }) => `表格「${tableName(p.table)}」该行数字的分隔已丢失，只能读成超过 ${p.limit} 的数量（远超单个机关公布过的数值），未予采用，单元格标为存疑`,
    en: (p: { table: TableKey; limit: number }) => `the row's separators were lost and it reads only as counts above ${p.limit}, far beyond any one body publishes: not taken, cells ambiguous`,
  }),
  'active.fees_unit': decl({
    severity: 'warning', stage: 'check',
    zh: (p: { yuan: number; wan: number }) => `收费金额按“元”填写（${p.yuan} 元），已换算为 ${p.wan} 万元`,
    en: () => 'fee amount written in 元, converted to 万元',
  }),
  'active.procurement_unit': decl({
    severity: (p: { unit?: string }) => (p.unit ? 'info' : 'warning'), stage: 'check',
    zh: (p: { unit?: string }) => (p.unit ? `采购总金额单位为“${p.unit}”（模板未规定单位）` : '采购总金额未注明单位（模板未规定单位），无法确定是元还是万元'),
    en: (p: { unit?: string }) => (p.unit ? `procurement amount unit as written: ${p.unit}` : 'procurement amount has no unit'),
  }),
  'narrative.mismatch': decl({
    severity: 'warning', stage: 'check',
    zh: (p: { text: string; stated: number; table: number }) => `正文称「${p.text}」（${p.stated}），表格中为 ${p.table}`,
    en: (p: { stated: number; table: number }) => `the prose states ${p.stated}, the table ${p.table}`,
  }),

  // across reports (spec §6.3 and the corpus's own)
  'requests.carry_continuity': decl({
    severity: EQUATIONS['requests.carry_continuity'].severity, stage: 'corpus',
    zh: (p: Year2 & { differ: { column: string; now: number; before: number }[] }) =>
      `${p.body}：${p.year}年“${requestRowLabel('carried_over')}”与${p.year - 1}年“${requestRowLabel('carried_forward')}”不一致（${p.differ.map((x) => `${requestColumnLabel(x.column)} ${fmt(x.now)} ≠ ${fmt(x.before)}`).join('，')}）`,
    en: (p: Year2 & { differ: { column: string; now: number; before: number }[] }) =>
      `${p.body}: ${p.year} carried over ≠ ${p.year - 1} carried forward (${p.differ.map((x) => `${x.column} ${fmt(x.now)} ≠ ${fmt(x.before)}`).join(', ')})`,
  }),
  'active.in_force_continuity': decl({
    severity: EQUATIONS['active.in_force_continuity'].severity, stage: 'corpus',
    zh: (p: Year2 & { row: string; label: string; now: number; before: number; issued: number; repealed: number }) =>
      `${p.body}：${p.label}现行有效件数 ${p.year}年 ${fmt(p.now)} ≠ ${p.year - 1}年 ${fmt(p.before)} + 本年制发 ${fmt(p.issued)} − 本年废止 ${fmt(p.repealed)}`,
    en: (p: Year2 & { row: string; now: number; before: number; issued: number; repealed: number }) =>
      `${p.row} in force ${p.year}: ${fmt(p.now)} ≠ ${fmt(p.before)} + ${fmt(p.issued)} issued − ${fmt(p.repealed)} repealed`,
  }),
  'active.items_continuity': decl({
    severity: EQUATIONS['active.items_continuity'].severity, stage: 'corpus',
    zh: (p: Year2 & { row: string; label: string; now: number; before: number; change: number }) =>
      `${p.body}：${p.label}上一年项目数量 ${p.year}年 ${fmt(p.now)} ≠ ${p.year - 1}年 ${fmt(p.before)} + 本年增/减 ${fmt(p.change)}`,
    en: (p: Year2 & { row: string; now: number; before: number; change: number }) =>
      `${p.row} previous items ${p.year}: ${fmt(p.now)} ≠ ${fmt(p.before)} + change ${fmt(p.change)}`,
  }),
  'corpus.implausible_jump': decl({
    severity: 'warning', stage: 'corpus',
    zh: (p: Year2 & { before: number; now: number }) => `${p.body}：${requestRowLabel('new_received')}从${p.year - 1}年的 ${fmt(p.before)} 件变为${p.year}年的 ${fmt(p.now)} 件，变化异常，请核对`,
    en: (p: Year2 & { before: number; now: number }) => `${p.body}: applications received went from ${fmt(p.before)} (${p.year - 1}) to ${fmt(p.now)} (${p.year})`,
  }),
  'corpus.duplicate_report': decl({
    severity: 'warning', stage: 'corpus',
    zh: (p: { copies: { path: string; body: string | null; year: number | null }[] }) =>
      `同一份报告以不同文件存了 ${p.copies.length} 次，表格数字完全相同：${p.copies.map((c) => `${c.path}（${c.body ?? '未识别机关'} ${c.year ?? '?'}年）`).join('、')}`,
    en: (p: { copies: { path: string }[] }) => `the same tables filed ${p.copies.length} times under different files: ${p.copies.map((c) => c.path).join(', ')}`,
  }),
  'corpus.several_reports': decl({
    severity: 'info', stage: 'corpus',
    zh: (p: Year2 & { paths: string[] }) => `${p.body}：${p.year}年有 ${p.paths.length} 份内容不同的报告（${p.paths.join('、')}），跨年度检查只用其中一份`,
    en: (p: Year2 & { paths: string[] }) => `${p.paths.length} different reports for ${p.year}; the cross-year checks use one`,
  }),
  'corpus.year_missing': decl({
    severity: 'info', stage: 'corpus',
    zh: (p: Year2 & { first: number; last: number }) => `${p.body}：有 ${p.first}—${p.last} 年的报告，缺少 ${p.year} 年的报告`,
    en: (p: Year2 & { first: number; last: number }) => `${p.body}: no report for ${p.year} (has ${p.first}–${p.last})`,
  }),
} as const;

export type RuleId = keyof typeof RULES;
type Decl<R extends RuleId> = (typeof RULES)[R];
export type ParamsOf<R extends RuleId> = Parameters<Decl<R>['zh']>[0] extends undefined ? Record<string, never> : Parameters<Decl<R>['zh']>[0];

/** Whether a string is a declared rule id (a finding read back from storage, a route parameter …). */
export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}

/** The severity a rule has with these parameters. */
export function severityOf<R extends RuleId>(rule: R, params: ParamsOf<R>): Severity {
  const s = RULES[rule].severity as Severity | ((p: unknown) => Severity);
  return typeof s === 'function' ? s(params) : s;
}

/** A finding's text in one language, rendered from its parameters. */
export function renderText<R extends RuleId>(rule: R, params: ParamsOf<R>, lang: 'zh' | 'en'): string {
  return (RULES[rule][lang] as (p: unknown) => string)(params);
}

/** The contract's `message`: Chinese first, English after " / ". */
export function renderMessage<R extends RuleId>(rule: R, params: ParamsOf<R>): string {
  return `${renderText(rule, params, 'zh')} / ${renderText(rule, params, 'en')}`;
}

/** A finding of a report: `{rule, severity, message, cells, span?, params}`, the message rendered from the params. */
export function finding<R extends RuleId>(rule: R, params: ParamsOf<R>, cells: string[] = [], span?: Span): Finding {
  return { rule, severity: severityOf(rule, params), message: renderMessage(rule, params), cells, ...(span ? { span } : {}), params: params as Params };
}

/**
 * A decoder's finding. Decoders have always written `cells` before `message`; the key order is
 * kept so that the report JSON stays byte-identical.
 */
export function decodeFinding<R extends RuleId>(rule: R, params: ParamsOf<R>): Finding {
  return { rule, severity: severityOf(rule, params), cells: [], message: renderMessage(rule, params), params: params as Params };
}

/** The per-table family a rule id belongs to (`requests.blank_total` …), for checks that run over every table. */
export const TABLE_RULES = {
  blank_total: { active: 'active.blank_total', requests: 'requests.blank_total', review_litigation: 'review_litigation.blank_total' },
  non_negative_integer: { active: 'active.non_negative_integer', requests: 'requests.non_negative_integer', review_litigation: 'review_litigation.non_negative_integer' },
  extra_subtotal: { active: 'active.extra_subtotal', requests: 'requests.extra_subtotal', review_litigation: 'review_litigation.extra_subtotal' },
} as const satisfies Record<string, Record<TableKey, RuleId>>;

/**
 * What people read for a finding: rendered from its params when it has them (a finding read back
 * from storage carries only its message, which is then shown whole), in both languages or one.
 */
export function findingText(f: Pick<Finding, 'rule' | 'message' | 'params'>, lang?: 'zh' | 'en'): string {
  if (f.params && isRuleId(f.rule)) {
    const params = f.params as never;
    return lang ? renderText(f.rule, params, lang) : renderMessage(f.rule, params);
  }
  return f.message;
}
