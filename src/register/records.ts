// The register's records (spec register.md §1): `gongkai/application@1` and `gongkai/case@1`, as
// zod schemas, and the reading of a JSON Lines file of them. A bad line is refused with its line
// number and a message in Chinese and English; a message never repeats the value of a personal
// field (applicant name, ID number, contact).
//
// The allowed applicant types, outcomes and case kinds/results are not typed here: they are the
// column and row keys of the template description (src/template), which the counting fills.

import { z } from 'zod';
import { TEMPLATES, dataRowsOf, outcomeRowsOf } from '../template/index.js';
import { dayNumber } from './calendar.js';

export const APPLICATION_SCHEMA = 'gongkai/application@1';
export const CASE_SCHEMA = 'gongkai/case@1';

const templates = Object.values(TEMPLATES);
const uniq = (xs: string[]) => [...new Set(xs)];

/** Applicant types: the applicant columns of table 三 (its total left out). */
export const APPLICANT_TYPES = uniq(templates.flatMap((t) => t.tables.requests.columns.filter((c) => !c.isTotal).map((c) => c.key)));
/** Outcomes: the outcome rows of table 三 of every version (2021 has the finest). */
export const OUTCOMES = uniq(templates.flatMap((t) => outcomeRowsOf(t.tables.requests).filter((r) => !r.absorbs).map((r) => r.key)));
/** Case kinds: the groups (rows) of table 四. */
export const CASE_KINDS = uniq(templates.flatMap((t) => dataRowsOf(t.tables.review_litigation).map((r) => r.key)));
/** Case results: the outcome columns of table 四 (its total and pending left out). */
export const CASE_RESULTS = uniq(templates.flatMap((t) => t.tables.review_litigation.columns.filter((c) => !c.isTotal && !c.tally).map((c) => c.key)));

export const CHANNELS = ['online', 'letter', 'in_person', 'fax', 'email', 'other'] as const;
export const EVENT_KINDS = [
  'correction_requested', 'correction_received', 'consultation_started', 'consultation_ended',
  'extended', 'fee_notice', 'fee_paid', 'answered', 'withdrawn',
] as const;
/** The applicant's personal data (spec §6): never in a log, an error message or a counts-only export. */
export const PERSONAL_FIELDS = ['name', 'id_number', 'contact'] as const;

const enumOf = <T extends string>(xs: readonly T[]) => z.enum(xs as [T, ...T[]]);
const isoDate = z.string().refine((s) => dayNumber(s) !== null, { message: 'not_a_date' });
const note = z.string().optional();

const base = { date: isoDate, note };
const EventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('correction_requested') }),
  z.strictObject({ ...base, kind: z.literal('correction_received') }),
  z.strictObject({ ...base, kind: z.literal('consultation_started'), with: z.enum(['third_party', 'agency']).optional() }),
  z.strictObject({ ...base, kind: z.literal('consultation_ended') }),
  z.strictObject({ ...base, kind: z.literal('extended'), approved_by: z.string().optional() }),
  z.strictObject({ ...base, kind: z.literal('fee_notice'), amount: z.number().nonnegative().optional(), method: z.enum(['piece', 'volume']).optional(), pages: z.number().int().nonnegative().optional() }),
  z.strictObject({ ...base, kind: z.literal('fee_paid') }),
  z.strictObject({ ...base, kind: z.literal('answered'), outcome: enumOf(OUTCOMES) }),
  z.strictObject({ ...base, kind: z.literal('withdrawn') }),
]);

export const ApplicationSchema = z.strictObject({
  schema: z.literal(APPLICATION_SCHEMA).optional(),
  id: z.string().min(1),
  body: z.string().min(1),
  received: isoDate,
  channel: enumOf(CHANNELS).optional(),
  applicant: z.strictObject({
    type: enumOf(APPLICANT_TYPES),
    name: z.string().optional(),
    id_number: z.string().optional(),
    contact: z.string().optional(),
  }),
  request: z.string().optional(),
  events: z.array(EventSchema).optional(),
});

export const CaseSchema = z.strictObject({
  schema: z.literal(CASE_SCHEMA).optional(),
  id: z.string().min(1),
  body: z.string().min(1),
  kind: enumOf(CASE_KINDS),
  filed: isoDate,
  application: z.string().optional(),
  concluded: isoDate.nullable().optional(),
  result: enumOf(CASE_RESULTS).nullable().optional(),
});

export type RegisterEvent = z.infer<typeof EventSchema>;
export type EventKind = RegisterEvent['kind'];
export type Application = z.infer<typeof ApplicationSchema>;
export type Case = z.infer<typeof CaseSchema>;
export type RegisterRecord = { schema: typeof APPLICATION_SCHEMA; record: Application } | { schema: typeof CASE_SCHEMA; record: Case };

/** A refused record: where it is and why, in Chinese and English; never a personal value. */
export interface RecordError {
  line: number;
  message: string;
}

// ---------------------------------------------------------------- validation

/** An empty string is the same as absent (spec §1): drop them, recursively. */
function dropEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropEmpty);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== '') out[k] = dropEmpty(x);
    return out;
  }
  return v;
}

const isPersonalPath = (path: PropertyKey[]) => path[0] === 'applicant' && (PERSONAL_FIELDS as readonly string[]).includes(String(path[1]));

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String).join('.') || '(记录 record)';
  let value: unknown = input;
  for (const k of issue.path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
  const shown = isPersonalPath(issue.path) ? '' : value === undefined ? '' : `（${JSON.stringify(value).slice(0, 60)}）`;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${path === '(记录 record)' ? '' : path + '：'}未知的字段 ${issue.keys.join(', ')} / unknown key(s) ${issue.keys.join(', ')}`;
    case 'invalid_value':
      return `${path}${shown} 不是允许的值（${issue.values.map(String).join(', ')}） / ${path}: not one of the allowed values`;
    case 'invalid_union':
      return `${path}：事件种类不明（允许 ${EVENT_KINDS.join(', ')}） / ${path}: unknown event kind`;
    case 'invalid_type':
      return value === undefined
        ? `缺少必填字段 ${path} / missing required field ${path}`
        : `${path}${shown} 类型不对，应为 ${issue.expected} / ${path}: expected ${issue.expected}`;
    case 'too_small':
      return `${path} 不能为空或为负 / ${path} is empty or negative`;
    default:
      if (issue.message === 'not_a_date') return `${path}${shown} 不是 YYYY-MM-DD 格式的日期 / ${path} is not a date (YYYY-MM-DD)`;
      return `${path}${shown} 不合规定 / ${path} is invalid`;
  }
}

/** Checks that no schema can express (spec §1): order, answers, corrections. Null when sound. */
export function eventProblem(app: Application): string | null {
  const events = app.events ?? [];
  const received = dayNumber(app.received)!;
  let prev = -Infinity;
  let closed = false;
  let correctionPending = false;
  let consulting = false;
  let feePending = false;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const d = dayNumber(e.date)!;
    const where = `events[${i}]（${e.kind}，${e.date}）`;
    if (d < received) return `${where} 早于收到申请之日 ${app.received} / event before the application was received`;
    if (d < prev) return `${where} 日期顺序颠倒（事件须按日期排列） / events out of date order`;
    if (closed) return `${where} 在答复或撤回之后 / event after the answer or withdrawal (an application has one answer)`;
    prev = d;
    switch (e.kind) {
      case 'correction_requested':
        correctionPending = true;
        break;
      case 'correction_received':
        if (!correctionPending) return `${where} 收到补正，但之前没有补正告知 / correction received without a request for it`;
        correctionPending = false;
        break;
      case 'consultation_started':
        if (consulting) return `${where} 征求意见尚未结束又开始 / consultation started twice`;
        consulting = true;
        break;
      case 'consultation_ended':
        if (!consulting) return `${where} 征求意见结束，但之前没有开始 / consultation ended without a start`;
        consulting = false;
        break;
      case 'fee_notice':
        feePending = true;
        break;
      case 'fee_paid':
        if (!feePending) return `${where} 缴费，但之前没有收费通知 / fee paid without a fee notice`;
        feePending = false;
        break;
      case 'answered':
      case 'withdrawn':
        closed = true;
        break;
      default:
        break;
    }
  }
  return null;
}

export function validateApplication(input: unknown): { ok: true; value: Application } | { ok: false; message: string } {
  const cleaned = dropEmpty(input);
  const r = ApplicationSchema.safeParse(cleaned);
  if (!r.success) return { ok: false, message: r.error.issues.slice(0, 3).map((i) => describeIssue(i, cleaned)).join('；') };
  const problem = eventProblem(r.data);
  return problem ? { ok: false, message: problem } : { ok: true, value: r.data };
}

export function validateCase(input: unknown): { ok: true; value: Case } | { ok: false; message: string } {
  const cleaned = dropEmpty(input);
  const r = CaseSchema.safeParse(cleaned);
  if (!r.success) return { ok: false, message: r.error.issues.slice(0, 3).map((i) => describeIssue(i, cleaned)).join('；') };
  const c = r.data;
  if (c.concluded && !c.result) return { ok: false, message: '已审结（concluded）却没有结果（result） / concluded without a result' };
  if (!c.concluded && c.result) return { ok: false, message: '有结果（result）却没有审结日期（concluded） / a result without a conclusion date' };
  if (c.concluded && dayNumber(c.concluded)! < dayNumber(c.filed)!) return { ok: false, message: `审结日期 ${c.concluded} 早于立案日期 ${c.filed} / concluded before filed` };
  return { ok: true, value: c };
}

// ---------------------------------------------------------------- JSON Lines

export interface ParsedRegister {
  applications: Application[];
  cases: Case[];
  /** 1-based line number of each application / case, same order. */
  applicationLines: number[];
  caseLines: number[];
  errors: RecordError[];
}

/** Reads JSON Lines of applications and cases (spec §1); every bad line is an error with its number. */
export function parseRegisterLines(text: string): ParsedRegister {
  const out: ParsedRegister = { applications: [], cases: [], applicationLines: [], caseLines: [], errors: [] };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let fileSchema: string | undefined;
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const n = i + 1;
    if (!line) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      out.errors.push({ line: n, message: '不是合法的 JSON / not valid JSON' });
      continue;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      out.errors.push({ line: n, message: '每行应为一个 JSON 对象 / each line must be a JSON object' });
      continue;
    }
    const rec = obj as Record<string, unknown>;
    const keys = Object.keys(rec);
    if (keys.length === 1 && keys[0] === 'schema') {
      if (rec.schema !== APPLICATION_SCHEMA && rec.schema !== CASE_SCHEMA) {
        out.errors.push({ line: n, message: `未知的 schema（应为 ${APPLICATION_SCHEMA} 或 ${CASE_SCHEMA}） / unknown schema` });
      } else fileSchema = rec.schema as string;
      continue;
    }
    const kind = (rec.schema as string | undefined) ?? fileSchema;
    if (kind !== APPLICATION_SCHEMA && kind !== CASE_SCHEMA) {
      out.errors.push({ line: n, message: kind === undefined ? `没有 schema：请在该行或文件首行写明 ${APPLICATION_SCHEMA} 或 ${CASE_SCHEMA} / no schema on the line or in a header line` : `未知的 schema（应为 ${APPLICATION_SCHEMA} 或 ${CASE_SCHEMA}） / unknown schema` });
      continue;
    }
    const v = kind === APPLICATION_SCHEMA ? validateApplication(rec) : validateCase(rec);
    if (!v.ok) {
      out.errors.push({ line: n, message: v.message });
      continue;
    }
    const key = `${kind}\u0000${v.value.body}\u0000${v.value.id}`;
    const first = seen.get(key);
    if (first !== undefined) {
      out.errors.push({ line: n, message: `登记号 ${v.value.id} 与第 ${first} 行重复 / duplicate id (first on line ${first})` });
      continue;
    }
    seen.set(key, n);
    if (kind === APPLICATION_SCHEMA) {
      out.applications.push(v.value as Application);
      out.applicationLines.push(n);
    } else {
      out.cases.push(v.value as Case);
      out.caseLines.push(n);
    }
  }
  return out;
}

/** The record with its kind, as one line of JSON Lines. */
export function applicationLine(a: Application): string {
  const { schema: _kind, ...rest } = a;
  return JSON.stringify({ schema: APPLICATION_SCHEMA, ...rest });
}
export function caseLine(c: Case): string {
  const { schema: _kind, ...rest } = c;
  return JSON.stringify({ schema: CASE_SCHEMA, ...rest });
}

/** The application without the applicant's personal data (spec §6: counts-only exports). */
export function withoutPersonal(a: Application): Application {
  return { ...a, applicant: { type: a.applicant.type } };
}

/** The date an application was closed (answered or withdrawn), and how; null while open. */
export function closing(a: Application): { date: string; outcome: string; withdrawn: boolean } | null {
  const events = a.events;
  if (!events) return null;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.kind === 'answered') return { date: e.date, outcome: e.outcome, withdrawn: false };
    if (e.kind === 'withdrawn') return { date: e.date, outcome: WITHDRAWN_OUTCOME, withdrawn: true };
  }
  return null;
}

/** **[decision]** spec §3: a withdrawn application counts in （六）3. 其他. */
export const WITHDRAWN_OUTCOME = 'other_other';
