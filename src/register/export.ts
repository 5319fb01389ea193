// The register out again: JSON Lines of the spec (spec register.md §1) and an .xlsx workbook in
// the layout the importer reads (one column per field; the headings are FIELD_NAMES, so that an
// exported workbook imports back unchanged). Personal data (spec §6) is left out unless asked for.

import ExcelJS from 'exceljs';
import { TEMPLATES, outcomeRowsOf } from '../template/index.js';
import { CASE_HEADINGS, CASE_SHEET, FIELD_NAMES, FIELDS, type Field } from './import-xlsx.js';
import { applicationLine, caseLine, withoutPersonal, type Application, type Case, type RegisterEvent } from './records.js';

export interface ExportOptions {
  /** Include applicant names, ID numbers and contacts (default: counts-only fields). */
  personal?: boolean;
}

export function toJsonLines(applications: Application[], cases: Case[], opts: ExportOptions = {}): string {
  const lines = [...applications.map((a) => applicationLine(opts.personal ? a : withoutPersonal(a))), ...cases.map(caseLine)];
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** The Chinese wording of an outcome as offices write it: group heading - row label (不予公开-属于国家秘密). */
export function outcomeWording(key: string): string {
  const t = TEMPLATES[2021].tables.requests;
  const row = outcomeRowsOf(t).find((r) => r.key === key);
  if (!row) return key;
  const group = t.rows.find((r) => r.key === row.parent && r.group);
  const label = row.variants?.find((v) => v.length < row.label.length && row.label.startsWith(v)) ?? row.label;
  return group ? `${group.label}-${label}` : label;
}

const applicantLabel = (type: string) => TEMPLATES[2021].tables.requests.columns.find((c) => c.key === type)?.label ?? type;
const CHANNEL_LABELS: Record<string, string> = { online: '网络', letter: '信函', in_person: '当面', fax: '传真', email: '电子邮件', other: '其他' };
const SINGLE_EVENT_FIELDS: Field[] = ['correction_requested', 'correction_received', 'consultation_started', 'consultation_ended', 'extended', 'fee_notice', 'fee_paid', 'withdrawn'];

/** One worksheet row of an application; events that do not fit one column each go to 其他事件. */
export function applicationRow(a: Application, personal: boolean): Partial<Record<Field, string | number | Date>> {
  const row: Partial<Record<Field, string | number | Date>> = {
    id: a.id, body: a.body, received: asDate(a.received), 'applicant.type': applicantLabel(a.applicant.type),
  };
  if (a.channel) row.channel = CHANNEL_LABELS[a.channel];
  if (personal) {
    if (a.applicant.name) row['applicant.name'] = a.applicant.name;
    if (a.applicant.id_number) row['applicant.id_number'] = a.applicant.id_number;
    if (a.applicant.contact) row['applicant.contact'] = a.applicant.contact;
  }
  if (a.request) row.request = a.request;
  const extra: RegisterEvent[] = [];
  for (const e of a.events ?? []) {
    if (e.kind === 'answered') {
      if (row.answered || e.note) extra.push(e);
      else {
        row.answered = asDate(e.date);
        row.outcome = outcomeWording(e.outcome);
      }
      continue;
    }
    const f = e.kind as Field;
    const simple = Object.keys(e).every((k) => k === 'date' || k === 'kind' || (k === 'with' && f === 'consultation_started') || (k === 'amount' && f === 'fee_notice'));
    if (!SINGLE_EVENT_FIELDS.includes(f) || row[f] !== undefined || !simple) {
      extra.push(e);
      continue;
    }
    row[f] = asDate(e.date);
    if (e.kind === 'consultation_started' && e.with) row.consultation_with = e.with === 'third_party' ? '第三方' : '其他机关';
    if (e.kind === 'fee_notice' && e.amount !== undefined) row.fee_amount = e.amount;
  }
  if (extra.length) row.other_events = JSON.stringify(extra);
  return row;
}

const asDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

export async function toWorkbook(applications: Application[], cases: Case[], opts: ExportOptions = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'gongkai';
  const fields = FIELDS.filter((f) => opts.personal || !['applicant.name', 'applicant.id_number', 'applicant.contact'].includes(f));
  const ws = wb.addWorksheet('申请登记');
  ws.addRow(fields.map((f) => FIELD_NAMES[f])).font = { bold: true };
  for (const a of applications) {
    const row = applicationRow(a, !!opts.personal);
    ws.addRow(fields.map((f) => row[f] ?? null));
  }
  fields.forEach((f, i) => {
    const c = ws.getColumn(i + 1);
    c.width = Math.max(10, FIELD_NAMES[f].length * 2 + 2);
    if (['received', 'answered', ...SINGLE_EVENT_FIELDS].includes(f)) c.numFmt = 'yyyy-mm-dd';
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const cs = wb.addWorksheet(CASE_SHEET);
  cs.addRow([...CASE_HEADINGS]).font = { bold: true };
  const kindLabel = (k: string) => TEMPLATES[2021].tables.review_litigation.rows.find((r) => r.key === k)?.label ?? k;
  const resultLabel = (k: string) => TEMPLATES[2021].tables.review_litigation.columns.find((c) => c.key === k)?.label ?? k;
  for (const c of cases) cs.addRow([c.id, c.body, kindLabel(c.kind), asDate(c.filed), c.application ?? null, c.concluded ? asDate(c.concluded) : null, c.result ? resultLabel(c.result) : null]);
  for (const i of [4, 6]) cs.getColumn(i).numFmt = 'yyyy-mm-dd';
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
