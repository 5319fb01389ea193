// Finding constructors: every message a person reads, Chinese first, English after " / ".
// Labels come from the template data, never spelled here.

import type { Finding, Span, TemplateKey } from '../types.js';
import { TEMPLATES, type TableKey } from '../template/index.js';

const TABLE_NAMES: Record<TableKey, string> = {
  active: `二、${TEMPLATES['2021'].tables.active.heading}`,
  requests: `三、${TEMPLATES['2021'].tables.requests.heading}`,
  review_litigation: `四、${TEMPLATES['2021'].tables.review_litigation.heading}`,
};

export function tableName(key: TableKey): string {
  return TABLE_NAMES[key];
}

export const msg = {
  tableAbsent: (table: TableKey, region: Span | null): Finding => ({
    rule: 'table.absent', severity: 'warning',
    message: `未找到表格「${TABLE_NAMES[table]}」（可能以图片或附件发布），该表数值为空 / table not found in the text (image or attachment?): its cells are null`,
    cells: [], ...(region ? { span: region } : {}),
  }),
  sectionMissing: (heading: string): Finding => ({
    rule: 'section.missing', severity: 'warning',
    message: `缺少章节「${heading}」 / section missing: ${heading}`, cells: [],
  }),
  rowMissing: (table: TableKey, row: string): Finding => ({
    rule: 'table.row_missing', severity: 'warning',
    message: `表格「${TABLE_NAMES[table]}」缺少行 ${row} / row not found in the source`, cells: [`${table}.${row}`],
  }),
  groupHasNumbers: (table: TableKey, row: string, span: Span): Finding => ({
    rule: 'table.group_has_numbers', severity: 'info',
    message: `分组标题行 ${row} 带有数字（模板中该行不填数），已忽略 / a group heading row carries numbers; ignored`,
    cells: [`${table}.${row}`], span,
  }),
  lineUnreadable: (table: TableKey, cells: string[]): Finding => ({
    rule: 'table.row_unreadable', severity: 'warning',
    message: `该行数字多于模板列数，无法对应到单元格 / the row has more numbers than the template has columns`, cells,
  }),
  columnMajor: (table: TableKey, rows: string[]): Finding => ({
    rule: 'table.column_major', severity: 'info',
    message: `表格「${TABLE_NAMES[table]}」的数字按列导出（先列出所有行名，再逐列列出数字），已按列还原 / numbers were extracted column by column; rebuilt by columns`,
    cells: rows.map((r) => `${table}.${r}`),
  }),
  extraColumn: (table: TableKey, index: number): Finding => ({
    rule: 'table.extra_column', severity: 'info',
    message: `表格「${TABLE_NAMES[table]}」多出一列（第 ${index + 1} 列数字，如“法人或其他组织”小计），已核对但不计入模板单元格 / an extra column (e.g. an organisation subtotal) was found, checked and not mapped`,
    cells: [],
  }),
  layoutNotRowwise: (table: TableKey): Finding => ({
    rule: 'table.layout_not_rowwise', severity: 'warning',
    message: `表格「${TABLE_NAMES[table]}」的数字不是逐行排列（可能按列导出），无法逐行对应的单元格标为缺失 / numbers are not laid out row by row (column-major extraction?): rows without numbers are missing`,
    cells: [],
  }),
  evidenceUsed: (table: TableKey, cells: string[]): Finding => ({
    rule: 'solve.prose_evidence', severity: 'info',
    message: `表格「${TABLE_NAMES[table]}」中数字连写、仅凭勾稽关系无法唯一拆分，已参照正文中的数字确定 / run-together digits the arithmetic left open were settled by figures stated in the prose`,
    cells,
  }),
  singleOtherRow: (table: TableKey, group: string, members: string[]): Finding => ({
    rule: 'template.other_single_row', severity: 'warning',
    message: `2021版表格中“(六)其他处理”仍按2019版填为一行：为0的列其三个细分项推定为0，非0的列无法拆分 / the 2021 table prints the 2019 single (六) row: its sub-rows are 0 where it is 0, undecidable elsewhere`,
    cells: members.map((m) => `${table}.${m}`),
  }),
  extraRow: (table: TableKey, label: string, after: string, span: Span): Finding => ({
    rule: 'table.extra_row', severity: 'info',
    message: `表格中有模板以外的行「${label}」（位于 ${after} 之后），已保留但不计入模板单元格 / a row not in the template, kept but not mapped`,
    cells: [], span,
  }),
  extraSubtotal: (table: TableKey, label: string, column: string, value: number, sum: number, cells: string[], span?: Span): Finding => ({
    rule: `${table}.extra_subtotal`, severity: 'warning',
    message: `模板以外的「${label}」在“${column}”为 ${value}，而所属各项之和为 ${sum} / an added subtotal does not equal the sum of its members`,
    cells, ...(span ? { span } : {}),
  }),
  searchBudget: (table: TableKey): Finding => ({
    rule: 'solve.budget', severity: 'warning',
    message: `表格「${TABLE_NAMES[table]}」的数字组合过多，未能全部判定，相关单元格标为存疑 / too many readings to decide: cells left ambiguous`,
    cells: [],
  }),
  ambiguousCells: (table: TableKey, cells: string[]): Finding => ({
    rule: 'cell.ambiguous', severity: 'warning',
    message: `${cells.length} 个单元格无法从原文确定（数字连写或空格缺失），已列出候选值 / ${cells.length} cell(s) the source does not decide; candidates listed`,
    cells,
  }),
  ruleBroken: (rule: string, severity: Finding['severity'], statement: string, detail: string, cells: string[], span?: Span): Finding => ({
    rule, severity, message: `勾稽关系不成立：${statement.split(' / ')[0]}（${detail}） / rule broken: ${statement.split(' / ')[1] ?? ''} (${detail})`,
    cells, ...(span ? { span } : {}),
  }),
  blankTotal: (cell: string, value: number, span?: Span): Finding => ({
    rule: `${cell.split('.')[0]}.blank_total`, severity: 'info',
    message: `合计单元格为空，按分项之和补为 ${value} / empty total cell restored from its parts as ${value}`,
    cells: [cell], ...(span ? { span } : {}),
  }),
  negative: (cell: string, value: number, span?: Span): Finding => ({
    rule: `${cell.split('.')[0]}.non_negative_integer`, severity: 'error',
    message: `数量应为非负整数，读到 ${value} / a count must be a non-negative integer, read ${value}`,
    cells: [cell], ...(span ? { span } : {}),
  }),
  feesConverted: (cell: string, yuan: number, wan: number, span?: Span): Finding => ({
    rule: 'active.fees_unit', severity: 'warning',
    message: `收费金额按“元”填写（${yuan} 元），已换算为 ${wan} 万元 / fee amount written in 元, converted to 万元`,
    cells: [cell], ...(span ? { span } : {}),
  }),
  procurementUnit: (cell: string, unit: string | undefined, span?: Span): Finding => ({
    rule: 'active.procurement_unit', severity: unit ? 'info' : 'warning',
    message: unit
      ? `采购总金额单位为“${unit}”（模板未规定单位） / procurement amount unit as written: ${unit}`
      : `采购总金额未注明单位（模板未规定单位），无法确定是元还是万元 / procurement amount has no unit`,
    cells: [cell], ...(span ? { span } : {}),
  }),
  templateFromYear: (template: TemplateKey, year: number): Finding => ({
    rule: 'template.inferred_from_year', severity: 'info',
    message: `正文中没有表格标志，按报告年度 ${year} 推定为 ${template} 版模板 / no table markers: template inferred from the year`,
    cells: [],
  }),
  templateUnknown: (): Finding => ({
    rule: 'template.unknown', severity: 'warning',
    message: '无法判断模板版本（无表格标志，也无报告年度） / template version unknown', cells: [],
  }),
  templateMixed: (chosen: TemplateKey, counts: Record<string, number>): Finding => ({
    rule: 'template.mixed', severity: 'warning',
    message: `表格同时含有2019版和2021版的标志（2019: ${counts['2019']}，2021: ${counts['2021']}），按 ${chosen} 版读取 / markers of both template versions`,
    cells: [],
  }),
  templateYearMismatch: (template: TemplateKey, expected: string, year: number): Finding => ({
    rule: 'template.year_mismatch', severity: 'warning',
    message: `${year} 年度报告应使用 ${expected} 版模板，实际使用 ${template} 版 / the ${year} report should use the ${expected} template, uses ${template}`,
    cells: [],
  }),
  pre2019: (): Finding => ({
    rule: 'template.pre2019', severity: 'info',
    message: '2019年以前格式的报告：旧统计表不对应新模板的单元格，表格置为空 / pre-2019 report: its old statistics table does not map onto the template keys',
    cells: [],
  }),
  notAReport: (): Finding => ({
    rule: 'input.not_a_report', severity: 'error',
    message: '这不像一份政府信息公开工作年度报告（找不到章节或表格） / this does not look like an annual report', cells: [],
  }),
  yearUnknown: (): Finding => ({
    rule: 'meta.year_unknown', severity: 'warning',
    message: '无法确定报告年度 / the year reported on could not be determined', cells: [],
  }),
  encodingDamaged: (replaced: number): Finding => ({
    rule: 'encoding.damaged', severity: 'warning',
    message: `文本中有 ${replaced} 处字节不是有效的 UTF-8（文件局部损坏），已替换为 �，其余内容照常读取 / ${replaced} invalid UTF-8 byte sequence(s) (local damage) replaced by �; the rest was read as usual`,
    cells: [],
  }),
  mojibakeBudget: (): Finding => ({
    rule: 'normalize.mojibake_budget', severity: 'warning',
    message: '乱码过多，只修复了前面的部分，其余乱码保持原样 / too much mojibake: only the first runs were repaired, the rest is left as it stands',
    cells: [],
  }),
};
