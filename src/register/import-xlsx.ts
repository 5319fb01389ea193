// Importing an office's own 台账 workbook (.xlsx, exceljs). Offices name their columns as they
// like, under merged header rows: the header block is found, each column's heading (its parent
// headings joined in) is matched to a field of the record — a guessed mapping the user previews,
// corrects and saves as a file for next time — and every row is turned into a record and checked
// like a JSON Lines line (records.ts). One bad row refuses the file: the errors name the row and
// the column, never a personal value, and nothing is returned to store.
//
// The outcome written in Chinese (予以公开, 部分公开, 不予公开-属于国家秘密 …) is matched to the
// outcome rows of the template description (their labels, variants and group headings), and the
// applicant type to its columns: no label of the template is typed here.

import ExcelJS from 'exceljs';
import { TEMPLATES, outcomeRowsOf, type RowDef } from '../template/index.js';
import { dayNumber, isoOf } from './calendar.js';
import { CHANNELS, EVENT_KINDS, validateApplication, validateCase, type Application, type Case, type RegisterEvent } from './records.js';

export const MAPPING_SCHEMA = 'gongkai/register-mapping@1';

/** The fields a column can fill. Event fields hold the date of that event. */
export const FIELDS = [
  'id', 'body', 'received', 'channel', 'applicant.type', 'applicant.name', 'applicant.id_number', 'applicant.contact', 'request',
  'correction_requested', 'correction_received', 'consultation_started', 'consultation_ended', 'consultation_with', 'extended',
  'fee_notice', 'fee_amount', 'fee_paid', 'answered', 'outcome', 'withdrawn', 'other_events', 'note',
] as const;
export type Field = (typeof FIELDS)[number];

/** Chinese names of the fields, for the preview, errors and the exported workbook's headers. */
export const FIELD_NAMES: Record<Field, string> = {
  id: '登记号', body: '受理机关', received: '收到申请日期', channel: '申请方式', 'applicant.type': '申请人类型',
  'applicant.name': '申请人姓名（名称）', 'applicant.id_number': '证件号码', 'applicant.contact': '联系方式', request: '申请内容',
  correction_requested: '告知补正日期', correction_received: '收到补正日期', consultation_started: '征求意见日期',
  consultation_ended: '意见反馈日期', consultation_with: '征求意见对象', extended: '延期答复日期', fee_notice: '收费通知日期',
  fee_amount: '收费金额（元）', fee_paid: '缴费日期', answered: '答复日期', outcome: '答复结果', withdrawn: '撤回日期',
  other_events: '其他事件（JSON）', note: '备注',
};

const PERSONAL = new Set<Field>(['applicant.name', 'applicant.id_number', 'applicant.contact']);

/**
 * How office headings name each field, most specific first. Fields are assigned in this order
 * (contact before channel: 联系方式 is not 申请方式; 告知补正 before 补正).
 */
const HEADING_PATTERNS: [Field, RegExp[]][] = [
  ['id', [/登记号|登记编号|受理编号|受理号|申请编号|流水号/, /编号/, /^序号$/]],
  ['body', [/受理机关|办理机关|收到申请的机关|^机关(名称)?$|^单位(名称)?$/]],
  ['applicant.contact', [/联系方式|联系电话|电话|手机|通讯地址|联系地址|邮箱/]],
  ['applicant.id_number', [/证件号|身份证|统一社会信用代码/]],
  ['applicant.type', [/申请人(信息)?(类型|类别|性质)|^(类型|类别)$/]],
  ['applicant.name', [/申请人(信息)?(姓名|名称)|^姓名$|^名称$|^申请人$/]],
  ['received', [/收到(申请)?(的)?(日期|时间)|收到申请之日|收件日期|受理日期|登记日期|申请日期|申请时间/]],
  ['channel', [/申请(方式|渠道|途径)|提交方式|来源渠道|^渠道$|^方式$/]],
  ['request', [/申请(公开)?(的)?(内容|事项)|所需(政府)?信息|内容描述|^内容$/]],
  ['correction_requested', [/(告知|通知|要求)补正|补正告知/]],
  ['correction_received', [/补正/]],
  ['consultation_with', [/(征求意见|征询)对象/]],
  ['consultation_started', [/征求意见(开始|发出)?(日期|时间)|征询(开始)?(日期|时间)|征求.*意见/]],
  ['consultation_ended', [/意见(反馈|回复|答复|收到)|征询结束|征求意见结束/]],
  ['extended', [/延期|延长/]],
  ['fee_notice', [/收费通知/]],
  ['fee_paid', [/缴费|缴纳|付费/]],
  ['fee_amount', [/收费金额|费用|金额/]],
  ['outcome', [/答复(结果|类型|情况|方式|意见)|办理结果|处理结果|办理情况|处理决定/]],
  ['answered', [/答复(日期|时间)|办结(日期|时间)|出具答复/]],
  ['withdrawn', [/撤回/]],
  ['other_events', [/其他事件/]],
  ['note', [/备注/]],
];

export interface ColumnMapping {
  /** Column letter (A, B, …). */
  column: string;
  /** The heading as the workbook writes it (parent headings joined with /). */
  heading: string;
  field: Field | null;
}

export interface Mapping {
  schema: typeof MAPPING_SCHEMA;
  sheet: string;
  /** First and last header row (1-based); data starts below. */
  header_rows: [number, number];
  columns: ColumnMapping[];
}

export interface ImportProblem {
  /** 1-based worksheet row; 0 for problems of the whole file. */
  row: number;
  /** Column letter and its heading. */
  column?: string;
  heading?: string;
  message: string;
}

export class ImportError extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map(problemLine).slice(0, 50).join('\n') + (problems.length > 50 ? `\n……共 ${problems.length} 处 / ${problems.length} in all` : ''));
    this.name = 'ImportError';
  }
}

export function problemLine(p: ImportProblem): string {
  if (p.row === 0) return p.message;
  return `第 ${p.row} 行${p.column ? `（${p.column} 列「${p.heading ?? ''}」）` : ''}：${p.message} / row ${p.row}${p.column ? `, column ${p.column}` : ''}`;
}

// ---------------------------------------------------------------- reading cells

const norm = (s: string) => s.replace(/[\s\u3000]+/g, '');

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('').trim();
    if ('text' in v && typeof v.text === 'string') return v.text.trim();
    if ('result' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('error' in v) return '';
  }
  return String(v).trim();
}

function cellValue(v: ExcelJS.CellValue): string | number | Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'number') return v;
  if (typeof v === 'object' && 'result' in v) return cellValue((v as { result?: ExcelJS.CellValue }).result ?? null);
  const t = cellText(v);
  return t === '' ? null : t;
}

const letter = (col: number): string => {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

// ---------------------------------------------------------------- the mapping

/**
 * Each field to the first free column its most specific pattern matches (登记号 before 序号). A
 * column's own heading decides first; its group headings joined in only when that says nothing
 * (类型 under 申请人信息).
 */
function assignFields(hs: { heading: string; child: string }[]): (Field | null)[] {
  const out: (Field | null)[] = hs.map(() => null);
  const done = new Set<Field>();
  const texts = [hs.map((h) => norm(h.child)), hs.map((h) => norm(h.heading).replace(/\//g, ''))];
  for (const pass of texts) {
    for (const [field, patterns] of HEADING_PATTERNS) {
      if (done.has(field)) continue;
      found: for (const p of patterns) {
        for (let i = 0; i < hs.length; i++) {
          if (out[i] === null && pass[i] && p.test(pass[i])) {
            out[i] = field;
            done.add(field);
            break found;
          }
        }
      }
    }
  }
  return out;
}

function sheetOf(wb: ExcelJS.Workbook, name?: string): ExcelJS.Worksheet {
  const ws = name ? wb.getWorksheet(name) : wb.worksheets.find((w) => w.actualRowCount > 0);
  if (!ws) throw new ImportError([{ row: 0, message: name ? `工作簿中没有名为「${name}」的工作表 / no sheet named ${name}` : '工作簿是空的 / the workbook is empty' }]);
  return ws;
}

/** Headings of each column over the header rows (merged cells give their value to every cell they cover). */
function headings(ws: ExcelJS.Worksheet, first: number, last: number): { heading: string; child: string }[] {
  const out: { heading: string; child: string }[] = [];
  for (let c = 1; c <= ws.columnCount; c++) {
    const parts: string[] = [];
    for (let r = first; r <= last; r++) {
      const t = cellText(ws.getCell(r, c).value);
      if (t && parts[parts.length - 1] !== t) parts.push(t);
    }
    out.push({ heading: parts.join('/'), child: parts[parts.length - 1] ?? '' });
  }
  return out;
}

/** Finds the header block and guesses each column's field. */
export function guessMapping(ws: ExcelJS.Worksheet): Mapping {
  const scan = Math.min(ws.rowCount, 12);
  let best = 0, bestRow = 0;
  for (let r = 1; r <= scan; r++) {
    const score = assignFields(headings(ws, r, r)).filter(Boolean).length;
    if (score > best) {
      best = score;
      bestRow = r;
    }
  }
  if (best < 2) throw new ImportError([{ row: 0, message: '前 12 行中找不到表头（如 登记号、收到申请日期、申请人类型） / no header row found in the first 12 rows' }]);
  // A row above with group headings (申请人信息 over 姓名 | 类型) belongs to the header; a title row
  // (one value across the sheet) or an empty row does not.
  let first = bestRow;
  while (first > 1) {
    const texts = headings(ws, first - 1, first - 1).map((h) => h.child).filter(Boolean);
    const distinct = new Set(texts);
    const isTitle = distinct.size === 1 && texts.length >= Math.max(2, ws.columnCount * 0.6);
    if (!texts.length || isTitle || distinct.size === 1 && texts.length === 1 && ws.columnCount > 2) break;
    first--;
  }
  const hs = headings(ws, first, bestRow);
  const fields = assignFields(hs);
  const columns: ColumnMapping[] = hs.map((h, i) => ({ column: letter(i + 1), heading: h.heading, field: fields[i] }));
  return { schema: MAPPING_SCHEMA, sheet: ws.name, header_rows: [first, bestRow], columns };
}

/** Checks a mapping read from a file (the user may have edited it). */
export function checkMapping(m: unknown): Mapping {
  const bad = (why: string) => new ImportError([{ row: 0, message: `映射文件有误：${why} / bad mapping file: ${why}` }]);
  if (!m || typeof m !== 'object') throw bad('不是 JSON 对象');
  const x = m as Partial<Mapping>;
  if (x.schema !== MAPPING_SCHEMA) throw bad(`schema 应为 ${MAPPING_SCHEMA}`);
  if (!Array.isArray(x.header_rows) || x.header_rows.length !== 2 || !x.header_rows.every((n) => Number.isInteger(n) && n >= 1)) throw bad('header_rows');
  if (!Array.isArray(x.columns)) throw bad('columns');
  const seen = new Set<string>();
  for (const c of x.columns) {
    if (!c || typeof c.column !== 'string' || !/^[A-Z]{1,3}$/.test(c.column)) throw bad('column');
    if (c.field !== null && !(FIELDS as readonly string[]).includes(c.field as string)) throw bad(`未知字段 ${String(c.field)}`);
    if (c.field && seen.has(c.field)) throw bad(`字段 ${c.field} 对应了两列`);
    if (c.field) seen.add(c.field);
  }
  return { schema: MAPPING_SCHEMA, sheet: typeof x.sheet === 'string' ? x.sheet : '', header_rows: x.header_rows as [number, number], columns: x.columns };
}

// ---------------------------------------------------------------- values

/** Excel's day 0 of the 1900 date system (serial 1 = 1900-01-01, with Lotus's 1900-02-29). */
const EXCEL_EPOCH = dayNumber('1899-12-30')!;

export function parseDate(v: string | number | Date): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1 || v > 2958465) return null;
    return isoOf(EXCEL_EPOCH + v);
  }
  const s = norm(v);
  if (/^\d{5}$/.test(s)) return parseDate(Number(s));
  const m = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$/.exec(s);
  if (!m) return null;
  const iso = `${m[1]}-${(m[2] ?? m[4]).padStart(2, '0')}-${(m[3] ?? m[5]).padStart(2, '0')}`;
  return dayNumber(iso) === null ? null : iso;
}

const punct = (s: string) => norm(s).replace(/^[(（]?[一二三四五六七八九十\d]+[)）.、．]?/, '').replace(/[-—－_:：、，,。.()（）“”"'‘’\[\]【】/]/g, '');

interface Named { key: string; names: string[] }

function outcomeNames(): Named[] {
  const t = TEMPLATES[2021].tables.requests;
  const byKey = new Map(t.rows.map((r) => [r.key, r] as const));
  return outcomeRowsOf(t).map((r: RowDef) => {
    const own = [r.label, ...(r.variants ?? [])].map(punct);
    const group = r.parent ? byKey.get(r.parent) : undefined;
    const grouped = group?.group ? own.map((n) => punct(group.label) + n) : [];
    return { key: r.key, names: [...own, ...grouped, r.key] };
  });
}
const OUTCOME_NAMES = outcomeNames();
/** Office wordings of a withdrawal (not a row of the template: it counts under （六）3. 其他). */
const WITHDRAWN_WORDS = ['撤回', '申请人撤回', '主动撤回', '撤回申请'];

/** The outcome key a Chinese outcome names, 'withdrawn', or null. */
export function outcomeOf(text: string): string | null {
  const t = punct(text);
  if (!t) return null;
  if (WITHDRAWN_WORDS.includes(t)) return 'withdrawn';
  const exact = OUTCOME_NAMES.filter((o) => o.names.includes(t) || o.names.includes(text.trim()));
  if (exact.length === 1) return exact[0].key;
  // A longer office wording around one row's label (不予公开（属于国家秘密）的): unique containment.
  const within = OUTCOME_NAMES.filter((o) => o.names.some((n) => n.length >= 4 && t.includes(n)));
  if (within.length === 1) return within[0].key;
  const longest = within.map((o) => ({ o, len: Math.max(...o.names.filter((n) => t.includes(n)).map((n) => n.length)) })).sort((a, b) => b.len - a.len);
  if (longest.length > 1 && longest[0].len > longest[1].len) return longest[0].o.key;
  return null;
}

const APPLICANT_WORDS: Record<string, string> = { 个人: 'natural_person', 公民: 'natural_person', 企业: 'commercial', 公司: 'commercial', 律师事务所: 'legal_service', 律所: 'legal_service', 高校: 'research', 科研院所: 'research', 公益组织: 'social_welfare' };

export function applicantTypeOf(text: string): string | null {
  const t = punct(text);
  const cols = TEMPLATES[2021].tables.requests.columns.filter((c) => !c.isTotal);
  const hit = cols.find((c) => c.key === text.trim() || punct(c.label) === t || (c.parent && punct(c.parent + c.label) === t) || (t.length > c.label.length && t.endsWith(punct(c.label)) && c.label !== '其他'));
  if (hit) return hit.key;
  if (APPLICANT_WORDS[t]) return APPLICANT_WORDS[t];
  if (t === '其他' || t.endsWith('其他组织其他')) return 'other';
  return null;
}

const CHANNEL_WORDS: Record<string, (typeof CHANNELS)[number]> = {
  网络: 'online', 网上: 'online', 在线: 'online', 网站: 'online', 互联网: 'online', 网上申请: 'online', 在线申请: 'online', 政府网站: 'online',
  信函: 'letter', 邮寄: 'letter', 来信: 'letter', 信件: 'letter', 当面: 'in_person', 现场: 'in_person', 当面提交: 'in_person', 窗口: 'in_person',
  传真: 'fax', 电子邮件: 'email', 邮件: 'email', 电子邮箱: 'email', email: 'email', 其他: 'other',
};

export function channelOf(text: string): string | null {
  const t = punct(text).toLowerCase();
  if ((CHANNELS as readonly string[]).includes(t)) return t;
  return CHANNEL_WORDS[t] ?? null;
}

// ---------------------------------------------------------------- rows to records

export interface ImportOptions {
  /** The body for rows without a 受理机关 column (or with it empty). */
  body?: string;
  mapping?: Mapping;
  sheet?: string;
}

export interface ImportResult {
  mapping: Mapping;
  applications: Application[];
  /** Worksheet row of each application. */
  rows: number[];
  /** Review and litigation cases, from a sheet named 复议诉讼 in the layout the export writes. */
  cases: Case[];
}

const EVENT_ORDER = new Map(EVENT_KINDS.map((k, i) => [k, i] as const));
const DATE_FIELDS: Partial<Record<Field, RegisterEvent['kind']>> = {
  correction_requested: 'correction_requested', correction_received: 'correction_received', consultation_started: 'consultation_started',
  consultation_ended: 'consultation_ended', extended: 'extended', fee_notice: 'fee_notice', fee_paid: 'fee_paid', withdrawn: 'withdrawn',
};

export async function loadWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw new ImportError([{ row: 0, message: '不是可读的 .xlsx 工作簿 / not a readable .xlsx workbook' }]);
  }
  return wb;
}

/** Reads every data row of the workbook into applications; any bad row refuses the whole file. */
export async function importWorkbook(bytes: Uint8Array, opts: ImportOptions = {}): Promise<ImportResult> {
  const wb = await loadWorkbook(bytes);
  const ws = sheetOf(wb, opts.mapping?.sheet || opts.sheet);
  const mapping = opts.mapping ?? guessMapping(ws);
  const col = new Map<Field, { index: number; letter: string; heading: string }>();
  for (const c of mapping.columns) {
    if (!c.field) continue;
    let index = 0;
    for (const ch of c.column) index = index * 26 + ch.charCodeAt(0) - 64;
    col.set(c.field, { index, letter: c.column, heading: c.heading || FIELD_NAMES[c.field] });
  }
  const problems: ImportProblem[] = [];
  for (const need of ['id', 'received', 'applicant.type'] as Field[]) {
    if (!col.has(need)) problems.push({ row: 0, message: `没有对应「${FIELD_NAMES[need]}」的列，请在映射中指定 / no column for ${need}: set it in the mapping` });
  }
  if (!col.has('body') && !opts.body) problems.push({ row: 0, message: '没有「受理机关」列：请用 --body 给出机关名称 / no body column: give --body' });
  if (problems.length) throw new ImportError(problems);

  const applications: Application[] = [];
  const rows: number[] = [];
  const seen = new Map<string, number>();
  for (let r = mapping.header_rows[1] + 1; r <= ws.rowCount; r++) {
    const get = (f: Field) => {
      const c = col.get(f);
      return c ? cellValue(ws.getCell(r, c.index).value) : null;
    };
    if ([...col.keys()].every((f) => get(f) === null)) continue; // an empty row
    const rowProblems: ImportProblem[] = [];
    const where = (f: Field) => ({ row: r, column: col.get(f)!.letter, heading: col.get(f)!.heading });
    const text = (f: Field) => {
      const v = get(f);
      return v === null ? undefined : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).trim() || undefined;
    };
    const date = (f: Field): string | undefined => {
      const v = get(f);
      if (v === null) return undefined;
      const d = parseDate(v);
      if (!d) rowProblems.push({ ...where(f), message: `不是日期（可写 2025-03-14、2025/3/14、2025年3月14日 或 Excel 日期） / not a date${PERSONAL.has(f) ? '' : `（${String(v).slice(0, 30)}）`}` });
      return d ?? undefined;
    };
    const events: RegisterEvent[] = [];
    for (const [f, kind] of Object.entries(DATE_FIELDS) as [Field, RegisterEvent['kind']][]) {
      if (!col.has(f)) continue;
      const d = date(f);
      if (!d) continue;
      const e = { date: d, kind } as RegisterEvent;
      if (kind === 'consultation_started' && col.has('consultation_with')) {
        const w = text('consultation_with');
        if (w) {
          const withKey = /第三方|申请人以外/.test(w) ? 'third_party' : /机关|部门|单位/.test(w) ? 'agency' : null;
          if (!withKey) rowProblems.push({ ...where('consultation_with'), message: '征求意见对象应为「第三方」或「其他机关」 / consultation with: third party or agency' });
          else (e as { with?: string }).with = withKey;
        }
      }
      if (kind === 'fee_notice' && col.has('fee_amount')) {
        const v = get('fee_amount');
        const amount = typeof v === 'number' ? v : v === null ? undefined : Number(String(v).replace(/元$/, ''));
        if (amount !== undefined && (!Number.isFinite(amount) || amount < 0)) rowProblems.push({ ...where('fee_amount'), message: '收费金额应为非负数 / fee amount must be a non-negative number' });
        else if (amount !== undefined) (e as { amount?: number }).amount = amount;
      }
      events.push(e);
    }
    const outcomeText = text('outcome');
    const answered = col.has('answered') ? date('answered') : undefined;
    if (outcomeText) {
      const o = outcomeOf(outcomeText);
      if (!o) rowProblems.push({ ...where('outcome'), message: `答复结果「${outcomeText.slice(0, 40)}」不是表三的办理结果之一（如 予以公开、部分公开、不予公开-属于国家秘密、无法提供-本机关不掌握相关政府信息） / not an outcome of table 三` });
      else if (!answered) rowProblems.push({ ...where('outcome'), message: '有答复结果却没有答复日期 / an outcome without the date of the answer' });
      else if (o === 'withdrawn') {
        if (!events.some((e) => e.kind === 'withdrawn')) events.push({ date: answered, kind: 'withdrawn' });
      } else events.push({ date: answered, kind: 'answered', outcome: o } as RegisterEvent);
    } else if (answered) rowProblems.push({ ...where('answered'), message: '有答复日期却没有答复结果 / a date of answer without the outcome' });
    const extra = text('other_events');
    if (extra) {
      try {
        const more = JSON.parse(extra);
        if (!Array.isArray(more)) throw new Error('not an array');
        events.push(...(more as RegisterEvent[]));
      } catch {
        rowProblems.push({ ...where('other_events'), message: '其他事件应为 JSON 数组 / other events must be a JSON array' });
      }
    }
    events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : EVENT_ORDER.get(a.kind)! - EVENT_ORDER.get(b.kind)!));

    const typeText = text('applicant.type');
    const type = typeText ? applicantTypeOf(typeText) : null;
    if (typeText && !type) rowProblems.push({ ...where('applicant.type'), message: `申请人类型「${typeText.slice(0, 20)}」不是表三的申请人类别（自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他） / unknown applicant type` });
    const channelText = text('channel');
    const channel = channelText ? channelOf(channelText) : undefined;
    if (channelText && !channel) rowProblems.push({ ...where('channel'), message: `申请方式「${channelText.slice(0, 20)}」不明（网络、信函、当面、传真、电子邮件、其他） / unknown channel` });
    const received = date('received');
    const id = text('id');
    if (!id) rowProblems.push({ ...where('id'), message: '缺少登记号 / missing id' });
    if (!received && get('received') === null) rowProblems.push({ ...where('received'), message: '缺少收到申请日期 / missing date received' });
    if (!typeText) rowProblems.push({ ...where('applicant.type'), message: '缺少申请人类型 / missing applicant type' });
    if (rowProblems.length) {
      problems.push(...rowProblems);
      continue;
    }
    const record: Record<string, unknown> = {
      id, body: text('body') ?? opts.body, received,
      ...(channel ? { channel } : {}),
      applicant: { type, ...(text('applicant.name') ? { name: text('applicant.name') } : {}), ...(text('applicant.id_number') ? { id_number: text('applicant.id_number') } : {}), ...(text('applicant.contact') ? { contact: text('applicant.contact') } : {}) },
      ...(text('request') ? { request: text('request') } : {}),
      events,
    };
    const v = validateApplication(record);
    if (!v.ok) {
      problems.push({ row: r, message: v.message });
      continue;
    }
    const key = `${v.value.body}\u0000${v.value.id}`;
    if (seen.has(key)) {
      problems.push({ ...where('id'), message: `登记号 ${v.value.id} 与第 ${seen.get(key)} 行重复 / duplicate id (row ${seen.get(key)})` });
      continue;
    }
    seen.set(key, r);
    applications.push(v.value);
    rows.push(r);
  }
  const cases = readCases(wb, problems);
  if (problems.length) throw new ImportError(problems);
  return { mapping, applications, rows, cases };
}

/** The preview the user checks before importing: the mapping and the first rows, personal data hidden. */
export function previewText(result: { mapping: Mapping; applications: Application[] }, n = 5): string {
  const lines = [`工作表 / sheet「${result.mapping.sheet}」，表头第 ${result.mapping.header_rows[0]}–${result.mapping.header_rows[1]} 行 / header rows`];
  for (const c of result.mapping.columns) {
    lines.push(`  ${c.column}「${c.heading || '（空）'}」 → ${c.field ? `${FIELD_NAMES[c.field]} (${c.field})` : '不导入 / ignored'}`);
  }
  lines.push(`共 ${result.applications.length} 件申请 / applications；前 ${Math.min(n, result.applications.length)} 件 / first ones:`);
  for (const a of result.applications.slice(0, n)) {
    const personal = PERSONAL_KEYS.filter((k) => a.applicant[k]).length;
    lines.push(`  ${a.id}  ${a.received}  ${a.applicant.type}${personal ? `  （个人信息 ${personal} 项，已隐藏 / personal data hidden）` : ''}  ${(a.events ?? []).map((e) => `${e.date} ${e.kind}${e.kind === 'answered' ? ':' + e.outcome : ''}`).join('；')}`);
  }
  return lines.join('\n');
}
const PERSONAL_KEYS = ['name', 'id_number', 'contact'] as const;

// ---------------------------------------------------------------- cases

/** The sheet of review and litigation cases, and its headings, as export.ts writes them. */
export const CASE_SHEET = '复议诉讼';
export const CASE_HEADINGS = ['案件编号', '受理机关', '类别', '立案日期', '涉及申请', '审结日期', '结果'] as const;

/** Cases of the 复议诉讼 sheet (kinds and results by the labels of table 四); none when there is no such sheet. */
function readCases(wb: ExcelJS.Workbook, problems: ImportProblem[]): Case[] {
  const ws = wb.getWorksheet(CASE_SHEET);
  if (!ws) return [];
  const t = TEMPLATES[2021].tables.review_litigation;
  const heads = CASE_HEADINGS.map((_, i) => cellText(ws.getCell(1, i + 1).value));
  if (heads.some((h, i) => h !== CASE_HEADINGS[i])) {
    problems.push({ row: 0, message: `工作表「${CASE_SHEET}」的表头应为 ${CASE_HEADINGS.join('、')} / the cases sheet has other headings` });
    return [];
  }
  const out: Case[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const v = CASE_HEADINGS.map((_, i) => cellValue(ws.getCell(r, i + 1).value));
    if (v.every((x) => x === null)) continue;
    const where = (i: number) => ({ row: r, column: letter(i + 1), heading: `${CASE_SHEET}/${CASE_HEADINGS[i]}` });
    const date = (i: number) => (v[i] === null ? null : parseDate(v[i]!));
    const kindText = v[2] === null ? '' : punct(String(v[2]));
    const kind = t.rows.find((x) => x.key === kindText || punct(x.label) === kindText)?.key;
    const resultText = v[6] === null ? '' : punct(String(v[6]));
    const result = resultText ? t.columns.find((c) => !c.isTotal && !c.tally && (c.key === resultText || punct(c.label) === resultText))?.key : null;
    const rowProblems: ImportProblem[] = [];
    if (!kind) rowProblems.push({ ...where(2), message: '类别应为 行政复议、未经复议直接起诉 或 复议后起诉 / unknown case kind' });
    if (result === undefined) rowProblems.push({ ...where(6), message: '结果应为 结果维持、结果纠正 或 其他结果 / unknown case result' });
    for (const i of [3, 5]) if (v[i] !== null && !date(i)) rowProblems.push({ ...where(i), message: '不是日期 / not a date' });
    if (rowProblems.length) {
      problems.push(...rowProblems);
      continue;
    }
    const c = validateCase({
      id: v[0] === null ? '' : String(v[0]), body: v[1] === null ? '' : String(v[1]), kind, filed: date(3) ?? '',
      ...(v[4] !== null ? { application: String(v[4]) } : {}), concluded: date(5), result: result ?? null,
    });
    if (!c.ok) problems.push({ row: r, heading: CASE_SHEET, message: c.message });
    else out.push(c.value);
  }
  return out;
}
