// The tables and sections of the two national templates as data (spec/template.md §2–§5,
// output.md "Keys"): rows, columns, labels and variants. The equations they imply are in
// rules.ts; versions.ts puts both together per template version.

import type { ColumnDef, RowDef, SectionDef, TableDef, TableKey } from './model.js';

const SECTIONS = [
  { key: 'overview', number: '一', heading: '总体情况', variants: ['概述', '基本情况', '基本工作情况'] },
  { key: 'active', number: '二', heading: '主动公开政府信息情况', variants: [] },
  { key: 'requests', number: '三', heading: '收到和处理政府信息公开申请情况', variants: ['收到和处理政府信息公开申请', '依申请公开政府信息情况'] },
  {
    key: 'review_litigation', number: '四', heading: '政府信息公开行政复议、行政诉讼情况',
    variants: ['因政府信息公开工作被申请行政复议、提起行政诉讼情况', '因政府信息公开工作被申请行政复议提起行政诉讼情况', '政府信息公开行政复议及行政诉讼情况', '行政复议、行政诉讼情况'],
  },
  {
    key: 'problems', number: '五', heading: '存在的主要问题及改进情况',
    variants: ['政府信息公开工作存在的主要问题及改进情况', '存在的主要问题和改进情况', '存在问题及改进情况', '存在的主要问题及改进措施', '工作存在的主要问题及改进情况'],
  },
  { key: 'other_matters', number: '六', heading: '其他需要报告的事项', variants: ['其他需要说明的事项', '需要说明的事项', '其他事项'] },
] as const satisfies readonly SectionDef[];

// ---- Section 三: requests (identical columns in both versions) ----

const REQUEST_COLUMNS = [
  { key: 'natural_person', label: '自然人', parent: '申请人情况' },
  { key: 'commercial', label: '商业企业', parent: '法人或其他组织' },
  { key: 'research', label: '科研机构', parent: '法人或其他组织' },
  { key: 'social_welfare', label: '社会公益组织', parent: '法人或其他组织' },
  { key: 'legal_service', label: '法律服务机构', parent: '法人或其他组织' },
  { key: 'other', label: '其他', parent: '法人或其他组织' },
  { key: 'total', label: '总计', parent: '申请人情况', isTotal: true },
] as const satisfies readonly ColumnDef[];

const requestRowsCommonHead = [
  { key: 'new_received', tally: 'received', numbering: '一、', label: '本年新收政府信息公开申请数量', variants: ['本年新收政府信息公开申请', '本年新收申请数量'] },
  { key: 'carried_over', tally: 'open_at_start', numbering: '二、', label: '上年结转政府信息公开申请数量', variants: ['上年结转政府信息公开申请', '上年结转申请数量'] },
  { key: 'results', numbering: '三、', label: '本年度办理结果', group: true },
  { key: 'granted', numbering: '(一)', label: '予以公开', parent: 'results' },
  {
    key: 'partially_granted', numbering: '(二)', label: '部分公开(区分处理的,只计这一情形,不计其他情形)', parent: 'results',
    variants: ['部分公开'],
  },
  { key: 'denied', numbering: '(三)', label: '不予公开', group: true, parent: 'results' },
  { key: 'denied_state_secret', numbering: '1.', label: '属于国家秘密', parent: 'denied' },
  { key: 'denied_law_forbidden', numbering: '2.', label: '其他法律行政法规禁止公开', parent: 'denied', variants: ['其他法律行政止公开', '其他法律、行政法规禁止公开'] },
  { key: 'denied_three_safeties', numbering: '3.', label: '危及“三安全一稳定”', parent: 'denied', variants: ['危及"三安全一稳定"', '危及三安全一稳定'] },
  { key: 'denied_third_party', numbering: '4.', label: '保护第三方合法权益', parent: 'denied' },
  { key: 'denied_internal_affairs', numbering: '5.', label: '属于三类内部事务信息', parent: 'denied' },
  { key: 'denied_process_info', numbering: '6.', label: '属于四类过程性信息', parent: 'denied' },
  { key: 'denied_law_enforcement_file', numbering: '7.', label: '属于行政执法案卷', parent: 'denied' },
  { key: 'denied_administrative_query', numbering: '8.', label: '属于行政查询事项', parent: 'denied' },
  { key: 'unable', numbering: '(四)', label: '无法提供', group: true, parent: 'results' },
  { key: 'unable_not_held', numbering: '1.', label: '本机关不掌握相关政府信息', parent: 'unable' },
  { key: 'unable_need_creation', numbering: '2.', label: '没有现成信息需要另行制作', parent: 'unable' },
  { key: 'unable_unclear_after_correction', numbering: '3.', label: '补正后申请内容仍不明确', parent: 'unable' },
  { key: 'not_processed', numbering: '(五)', label: '不予处理', group: true, parent: 'results' },
  { key: 'not_processed_petition', numbering: '1.', label: '信访举报投诉类申请', parent: 'not_processed' },
  { key: 'not_processed_duplicate', numbering: '2.', label: '重复申请', parent: 'not_processed' },
  { key: 'not_processed_publication', numbering: '3.', label: '要求提供公开出版物', parent: 'not_processed' },
  { key: 'not_processed_mass_repeated', numbering: '4.', label: '无正当理由大量反复申请', parent: 'not_processed' },
  {
    key: 'not_processed_confirm_reissue', numbering: '5.', label: '要求行政机关确认或重新出具已获取信息', parent: 'not_processed',
    variants: ['要求行政机关确认或重新出具已获取的信息'],
  },
] as const satisfies readonly RowDef[];

const requestRowsTail = [
  { key: 'total', numbering: '(七)', label: '总计', parent: 'results', isTotal: true },
  { key: 'carried_forward', tally: 'open_at_end', numbering: '四、', label: '结转下年度继续办理', variants: ['结转下年度办理'] },
] as const satisfies readonly RowDef[];

const REQUEST_ROWS_2021 = [
  ...requestRowsCommonHead,
  { key: 'other', numbering: '(六)', label: '其他处理', group: true, parent: 'results' },
  {
    key: 'other_no_correction', numbering: '1.', parent: 'other',
    label: '申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请',
    variants: ['申请人无正当理由逾期不补正,行政机关不再处理其政府信息公开申请', '申请人无正当理由逾期不补正'],
  },
  {
    key: 'other_no_fee', numbering: '2.', parent: 'other',
    label: '申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请',
    variants: ['申请人逾期未按收费通知要求缴纳费用,行政机关不再处理其政府信息公开申请', '申请人逾期未按收费通知要求缴纳费用'],
  },
  { key: 'other_other', numbering: '3.', label: '其他', parent: 'other' },
  ...requestRowsTail,
] as const satisfies readonly RowDef[];

const REQUEST_ROWS_2019 = [
  ...requestRowsCommonHead,
  // In 2019 （六）其他处理 is one data row.
  { key: 'other_other', numbering: '(六)', label: '其他处理', parent: 'results', absorbs: ['other_no_correction', 'other_no_fee', 'other_other'] },
  ...requestRowsTail,
] as const satisfies readonly RowDef[];

// ---- Section 四: review and litigation (identical in both versions) ----

const OUTCOME_COLUMNS = [
  { key: 'maintained', label: '结果维持' },
  { key: 'corrected', label: '结果纠正' },
  { key: 'other', label: '其他结果' },
  { key: 'pending', label: '尚未审结', tally: 'pending' },
  { key: 'total', label: '总计', isTotal: true },
] as const satisfies readonly ColumnDef[];

const REVIEW_LITIGATION = {
  key: 'review_litigation', groupHeaders: ['行政复议', '行政诉讼'],
  headingNumber: '四',
  heading: '政府信息公开行政复议、行政诉讼情况',
  singleLine: true,
  plausibleMax: 10_000,
  columns: OUTCOME_COLUMNS,
  rows: [
    { key: 'review', label: '行政复议' },
    { key: 'litigation_direct', label: '未经复议直接起诉', parent: '行政诉讼' },
    { key: 'litigation_after_review', label: '复议后起诉', parent: '行政诉讼' },
  ],
} as const satisfies TableDef;

// ---- Section 二: active disclosure ----

const col = <K extends string>(key: K, label: string, extra: Omit<ColumnDef, 'key' | 'label'> = {}) => ({ key, label, ...extra });

const ACTIVE_2021 = {
  key: 'active', headingNumber: '二', heading: '主动公开政府信息情况', columns: [], labelHeader: '信息内容',
  rows: [
    { key: 'regulations', label: '规章', caption: '第二十条第(一)项', columns: [col('issued', '本年制发件数'), col('repealed', '本年废止件数'), col('in_force', '现行有效件数')] },
    { key: 'normative_documents', label: '行政规范性文件', caption: '第二十条第(一)项', variants: ['规范性文件'], columns: [col('issued', '本年制发件数'), col('repealed', '本年废止件数'), col('in_force', '现行有效件数')] },
    { key: 'licensing', label: '行政许可', caption: '第二十条第(五)项', columns: [col('decisions', '本年处理决定数量')] },
    { key: 'penalty', label: '行政处罚', caption: '第二十条第(六)项', columns: [col('decisions', '本年处理决定数量')] },
    { key: 'coercion', label: '行政强制', caption: '第二十条第(六)项', columns: [col('decisions', '本年处理决定数量')] },
    { key: 'fees', label: '行政事业性收费', caption: '第二十条第(八)项', columns: [col('amount', '本年收费金额(单位:万元)', { money: true, unit: '万元' })] },
  ],
} as const satisfies TableDef;

const items2019 = [col('prev_items', '上一年项目数量'), col('change', '本年增/减', { signed: true }), col('decisions', '处理决定数量')] as const;
const ACTIVE_2019 = {
  key: 'active', headingNumber: '二', heading: '主动公开政府信息情况', columns: [], labelHeader: '信息内容',
  rows: [
    { key: 'regulations', label: '规章', caption: '第二十条第(一)项', columns: [col('made', '本年新制作数量'), col('published', '本年新公开数量'), col('total_published', '对外公开总数量')] },
    { key: 'normative_documents', label: '规范性文件', caption: '第二十条第(一)项', variants: ['行政规范性文件'], columns: [col('made', '本年新制作数量'), col('published', '本年新公开数量'), col('total_published', '对外公开总数量')] },
    { key: 'licensing', label: '行政许可', caption: '第二十条第(五)项', columns: items2019 },
    { key: 'other_services', label: '其他对外管理服务事项', caption: '第二十条第(五)项', columns: items2019 },
    { key: 'penalty', label: '行政处罚', caption: '第二十条第(六)项', columns: items2019 },
    { key: 'coercion', label: '行政强制', caption: '第二十条第(六)项', columns: items2019 },
    { key: 'fees', label: '行政事业性收费', caption: '第二十条第(八)项', columns: [col('prev_items', '上一年项目数量'), col('change', '本年增/减', { signed: true })] },
    { key: 'procurement', label: '政府集中采购', caption: '第二十条第(九)项', columns: [col('items', '采购项目数量'), col('amount', '采购总金额', { money: true })] },
  ],
} as const satisfies TableDef;


export const ORG_PARENT = '法人或其他组织';

function requestsTable(rows: readonly RowDef[]): TableDef {
  return {
    key: 'requests', headingNumber: '三', heading: '收到和处理政府信息公开申请情况', columns: REQUEST_COLUMNS, rows,
    note: '(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)',
    groupHeaders: ['申请人情况', ORG_PARENT],
    plausibleMax: 100_000,
  };
}

/** The three tables of each version. */
export const TABLES_2019: Record<TableKey, TableDef> = { active: ACTIVE_2019, requests: requestsTable(REQUEST_ROWS_2019), review_litigation: REVIEW_LITIGATION };
export const TABLES_2021: Record<TableKey, TableDef> = { active: ACTIVE_2021, requests: requestsTable(REQUEST_ROWS_2021), review_litigation: REVIEW_LITIGATION };

/** The six sections of a report, in order. */
export { SECTIONS as TEMPLATE_SECTIONS };

/** A table's name as people read it: its section number and heading (二、主动公开政府信息情况). */
export function tableName(key: TableKey): string {
  return `${TABLES_2021[key].headingNumber}、${TABLES_2021[key].heading}`;
}

// ---- Keys as literal types: a typo in a row, column or cell path is a compile error ----

type DataRowOf<R> = R extends { group: true } ? never : R;
type ActiveRow = (typeof ACTIVE_2019.rows | typeof ACTIVE_2021.rows)[number];
type RequestRow = DataRowOf<(typeof REQUEST_ROWS_2019 | typeof REQUEST_ROWS_2021)[number]>;
type ReviewRow = (typeof REVIEW_LITIGATION.rows)[number];
/** `table.row.column` of every cell a row has: its own columns, else the table's. */
type CellsOf<T extends string, R, D extends readonly { key: string }[]> = R extends { key: infer K extends string; columns: readonly (infer C)[] }
  ? C extends { key: infer CK extends string } ? `${T}.${K}.${CK}` : never
  : R extends { key: infer K extends string } ? `${T}.${K}.${D[number]['key']}` : never;

/** A data row's key, in either version. */
export type RowKey = ActiveRow['key'] | RequestRow['key'] | ReviewRow['key'];
/** A column's key, in either version. */
export type ColumnKey = CellPath extends `${string}.${string}.${infer C}` ? C : never;
/** The path of a template cell (`requests.new_received.total`), in either version. */
export type CellPath = CellsOf<'active', ActiveRow, []> | CellsOf<'requests', RequestRow, typeof REQUEST_COLUMNS> | CellsOf<'review_litigation', ReviewRow, typeof OUTCOME_COLUMNS>;

/** The one place a cell path is put together from keys read off the description. */
export function cellPath(table: TableKey, row: string, column: string): CellPath {
  return `${table}.${row}.${column}` as CellPath;
}

/**
 * The template cell each narrative fact kind restates (output.md "Narrative facts"): the totals
 * of table 三's balance, and every cell of table 四 as `<group>_<outcome>`. Kinds about
 * litigation in general (litigation_total …) restate no single cell.
 */
export const FACT_CELLS: Readonly<Record<string, CellPath>> = {
  requests_received: 'requests.new_received.total',
  carried_over: 'requests.carried_over.total',
  requests_answered: 'requests.total.total',
  carried_forward: 'requests.carried_forward.total',
  ...Object.fromEntries(REVIEW_LITIGATION.rows.flatMap((g) => OUTCOME_COLUMNS.map((c) => [`${g.key}_${c.key}`, cellPath('review_litigation', g.key, c.key)]))),
};

/** The outcome rows of table 三: data rows under 三、本年度办理结果, its total left out. */
export function outcomeRowsOf(requests: TableDef): RowDef[] {
  return requests.rows.filter((r) => !r.group && r.parent !== undefined && !r.isTotal);
}
