// The two national templates (spec/template.md §1–§8): each version's tables (tables.ts), the
// equations they imply (rules.ts), and the markers that tell the versions apart.
// 2019: 国办公开办函〔2019〕60号; 2021: 国办公开办函〔2021〕30号.

import type { ColumnDef, RowDef, TableDef, TemplateDef } from './model.js';
import type { TemplateVersion } from '../types.js';
import { TEMPLATE_SECTIONS as SECTIONS, TABLES_2019, TABLES_2021 } from './tables.js';
import { equationsOf } from './rules.js';

export { ORG_PARENT, outcomeRowsOf, tableName, TEMPLATE_SECTIONS } from './tables.js';

const dataRows = (t: TableDef) => t.rows.filter((r) => !r.group);

function makeTemplate(version: TemplateVersion): TemplateDef {
  const tables = version === '2021' ? TABLES_2021 : TABLES_2019;
  return {
    version,
    instrument: version === '2021' ? '国办公开办函〔2021〕30号' : '国办公开办函〔2019〕60号',
    years: version === '2021' ? [2021, null] : [2019, 2020],
    sections: SECTIONS,
    tables,
    rules: equationsOf(version, tables),
    strongMarkers: version === '2021'
      ? ['本年制发件数', '本年废止件数', '现行有效件数', '本年处理决定数量', '本年收费金额', '申请人无正当理由逾期不补正', '逾期未按收费通知要求缴纳费用']
      : ['本年新制作数量', '本年新公开数量', '对外公开总数量', '上一年项目数量', '本年增/减', '采购项目数量', '采购总金额', '政府集中采购', '第二十条第(九)项'],
    mediumMarkers: version === '2021' ? ['行政规范性文件'] : ['其他对外管理服务事项'],
  };
}

export const TEMPLATES: Record<TemplateVersion, TemplateDef> = { 2019: makeTemplate('2019'), 2021: makeTemplate('2021') };

/** Markers shared by both post-2019 templates (tables present, not pre-2019). */
export const POST2019_MARKERS = ['勾稽关系', '第二十条第(一)项', '本年度办理结果', '结转下年度继续办理', '未经复议直接起诉', '本年新收政府信息公开申请'];
/** Markers of the pre-2019 统计表 (spec §9); count only without post-2019 table markers. */
export const PRE2019_MARKERS = ['统计指标', '指标名称', '计量单位', '同意公开答复数', '否决公开答复', '不同意公开', '依申请公开政府信息情况', '收费及减免', '举报投诉数量', '政府信息公开专项经费', '回应解读情况'];

/**
 * Report headings and table markers that tell a web page's article from its frame (simplified;
 * the HTML decoder maps traditional forms before matching): the six section headings as the
 * sections are commonly worded, and table words only a report's tables print.
 */
export const ARTICLE_MARKERS: readonly RegExp[] = [
  /(?:^|[一二三四五六七八九十][、.．]|[(（]一[)）])总体情况/,
  /主动公开政府信息情况/,
  /收到和处理政府信息公开申请/,
  /行政复议[、，,及和]?(?:提起)?行政诉讼|政府信息公开行政复议/,
  /存在的主要问题|存在问题及改进|主要问题及改进/,
  /其他需要报告的事项/,
  /本年新收政府信息公开申请/,
  /本年度办理结果/,
  /结转下年度/,
  /未经复议直接起诉/,
  /第二十条第[(（]?[一五六八九]/,
  /依申请公开政府信息情况/,
];

/** Version the report year calls for (spec §1). */
export function versionForYear(year: number): TemplateVersion | 'pre2019' {
  if (year <= 2018) return 'pre2019';
  return year <= 2020 ? '2019' : '2021';
}

/** Data rows (rows that carry numbers) of a table. */
export function dataRowsOf(table: TableDef): RowDef[] {
  return dataRows(table);
}

/** Columns of a row: its own, or the table's. */
export function columnsOf(table: TableDef, row: RowDef): readonly ColumnDef[] {
  return row.columns ?? table.columns;
}

/**
 * The words the template prints (section headings, row and column labels, group headers; not
 * the variants, which include misprints), as plain runs of Chinese characters: report
 * vocabulary for the mojibake repair.
 */
export function templateWords(): string[] {
  const out = new Set<string>();
  const add = (s: string | undefined) => { if (s && /^[\u4e00-\u9fa5]{2,}$/.test(s)) out.add(s); };
  for (const t of Object.values(TEMPLATES)) {
    for (const s of t.sections) add(s.heading);
    for (const table of Object.values(t.tables)) {
      add(table.heading);
      (table.groupHeaders ?? []).forEach(add);
      for (const c of table.columns) add(c.label);
      for (const r of table.rows) { add(r.label); for (const c of r.columns ?? []) add(c.label); }
    }
  }
  return [...out];
}
