// The part every writer shares: a `gongkai/report@1` JSON (checked) → one document model — title,
// preamble, the six sections of the template with their prose, the three tables as grids of the
// template's layout filled with the report's cells, the signature — and the list of cells the
// report does not decide. The .docx, HTML and text writers only draw this model, so what a
// document says is decided once, here, from the template description (src/template/).

import { z } from 'zod';
import { InputError, type Cell, type Report, type TemplateVersion } from '../types.js';
import { columnsOf, isTemplateVersion, TABLE_KEYS, TEMPLATES, versionForYear, type TableKey, type TemplateDef } from '../template/index.js';
import { displayText, templateLayout, type LayoutCell, type TableLayout } from './layout.js';

// ---- input ----

const spanSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
const cellSchema = z.object({
  value: z.number().finite().nullable(),
  status: z.enum(['read', 'blank', 'inferred', 'ambiguous', 'missing']),
  candidates: z.array(z.number().finite()).optional(),
  unit: z.string().optional(),
}).passthrough();
const tableSchema = z.record(z.string(), z.record(z.string(), cellSchema)).nullable().optional();

/** What a writer reads: the report contract, plus optional section texts (drafts write them). */
export const renderInputSchema = z.object({
  schema: z.literal('gongkai/report@1'),
  meta: z.object({
    agency: z.string().nullable().optional(),
    year: z.number().int().nullable().optional(),
    published: z.string().nullable().optional(),
    template: z.string().optional(),
  }).passthrough(),
  tables: z.object({ active: tableSchema, requests: tableSchema, review_litigation: tableSchema }).passthrough(),
  /** Sections as `parse` gives them (spans into `text`), or with their body `text` written out. */
  sections: z.array(z.object({
    key: z.string(),
    text: z.string().optional(),
    body: spanSchema.optional(),
    span: spanSchema.optional(),
    subheadings: z.array(z.object({ text: z.string() }).passthrough()).optional(),
  }).passthrough()).optional(),
  /** Text before section 一 (the report's opening paragraph). */
  preamble: z.string().optional(),
  /** The normalised text the spans point into (`parse --json --text`). */
  text: z.string().optional(),
}).passthrough();

export type RenderInput = z.infer<typeof renderInputSchema>;

/** Reads and checks a render input; a bad one is an InputError naming what is wrong (never a crash). */
export function readRenderInput(json: string): RenderInput {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new InputError(`不是有效的 JSON：${(err as Error).message} / not valid JSON`, 'json');
  }
  const parsed = renderInputSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.') || '(根 / root)';
    throw new InputError(`不是 gongkai/report@1 报告 JSON：${where} ${issue.message} / not a gongkai/report@1 report JSON: ${where}: ${issue.message}`, 'schema');
  }
  const input = parsed.data;
  versionOf(input); // the version must be known before anything is drawn
  checkCells(input);
  return input;
}

/** The template the report is drawn in: its own, else the one its year calls for. */
export function versionOf(input: RenderInput): TemplateVersion {
  const t = input.meta.template;
  if (isTemplateVersion(t)) return t;
  const y = input.meta.year;
  if (typeof y === 'number') {
    const v = versionForYear(y);
    if (v !== 'pre2019') return v;
  }
  throw new InputError('无法确定报告模板（meta.template 须为 2019 或 2021，或给出 2019 年以后的年度） / template unknown: meta.template must be 2019 or 2021, or meta.year 2019 or later', 'template');
}

/** Every cell must be one the template has, and a confident status must carry a number. */
function checkCells(input: RenderInput): void {
  const def = TEMPLATES[versionOf(input)];
  for (const key of TABLE_KEYS) {
    const cells = input.tables[key];
    if (!cells) continue;
    const table = def.tables[key];
    for (const [rowKey, cols] of Object.entries(cells)) {
      const row = table.rows.find((r) => r.key === rowKey && !r.group);
      if (!row) throw new InputError(`${tableTitle(def, key)}：模板 ${def.version} 没有行「${rowKey}」 / the ${def.version} template has no row ${key}.${rowKey}`, 'schema');
      for (const [colKey, cell] of Object.entries(cols)) {
        const col = columnsOf(table, row).find((c) => c.key === colKey);
        if (!col) throw new InputError(`${tableTitle(def, key)} · ${displayText(row.label)}：没有列「${colKey}」 / no column ${key}.${rowKey}.${colKey}`, 'schema');
        const confident = cell.status === 'read' || cell.status === 'blank' || cell.status === 'inferred';
        if (confident && cell.value === null) {
          throw new InputError(`${tableTitle(def, key)} · ${displayText(row.label)} · ${displayText(col.label)}：状态为确定但没有数值 / a ${cell.status} cell without a value (${key}.${rowKey}.${colKey})`, 'schema');
        }
      }
    }
  }
}

// ---- the document model ----

export { TABLE_KEYS };

export type CellMark = 'ambiguous' | 'missing';

export interface GridCell {
  text: string;
  kind: LayoutCell['kind'];
  colspan?: number;
  rowspan?: number;
  /** A data cell the report does not decide: drawn marked, never as a number. */
  mark?: CellMark;
  /** Numbers and totals are centred; labels of rows are left-aligned. */
  align: 'left' | 'center';
}

export interface DocTable {
  key: TableKey;
  columns: number;
  headerRows: number;
  rows: GridCell[][];
  /** Notes under the table: which cells are undecided and what they may be. */
  notes: string[];
}

export interface Paragraph {
  text: string;
  /** A sub-heading ((一)主动公开 …) rather than body text. */
  subheading?: boolean;
}

export interface DocSection {
  key: string;
  /** `一、总体情况` */
  heading: string;
  paragraphs: Paragraph[];
  /** The section's table; `null` when the report does not contain it; absent for prose sections. */
  table?: DocTable | null;
}

export interface UndecidedCell {
  path: string;
  /** Where a person finds it: table, row and column as the template prints them. */
  place: string;
  status: CellMark;
  candidates: number[];
}

export interface ReportDocument {
  version: TemplateVersion;
  title: string;
  preamble: Paragraph[];
  sections: DocSection[];
  signature: { agency: string | null; date: string | null };
  undecided: UndecidedCell[];
}

/** How an undecided cell is drawn. Not a digit, not a blank marker (—, /, 0): never a number. */
export const MARK_TEXT: Record<CellMark, string> = { ambiguous: '?', missing: '缺' };

/** The legend printed under a table with undecided cells (document text: Chinese, as the report is). */
export const MARK_LEGEND = `注：“${MARK_TEXT.ambiguous}”为原报告无法确定的数字，“${MARK_TEXT.missing}”为原报告缺失的数字。`;

function tableTitle(def: TemplateDef, key: TableKey): string {
  return `${def.tables[key].headingNumber}、${displayText(def.tables[key].heading)}`;
}

/** A confident cell's number as written in the template's column (money keeps its decimals). */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

/** The place of a cell for people: 表 › 行 › 列, from the template's labels. */
export function cellPlace(def: TemplateDef, key: TableKey, rowKey: string, colKey: string): string {
  const table = def.tables[key];
  const row = table.rows.find((r) => r.key === rowKey)!;
  const col = columnsOf(table, row).find((c) => c.key === colKey)!;
  const rowLabel = displayText(`${row.numbering ?? ''}${row.label}`);
  const group = row.parent && table.singleLine ? `${displayText(row.parent)} · ` : '';
  return `${tableTitle(def, key)} · ${group}${rowLabel} · ${displayText(col.label)}`;
}

function fillTable(def: TemplateDef, layout: TableLayout, cells: Report['tables']['active'], undecided: UndecidedCell[]): DocTable {
  const notes: string[] = [];
  const rows = layout.rows.map((line) => line.map((c): GridCell => {
    const span = { ...(c.colspan ? { colspan: c.colspan } : {}), ...(c.rowspan ? { rowspan: c.rowspan } : {}) };
    if (c.kind !== 'data') return { text: c.text ?? '', kind: c.kind, ...span, align: c.kind === 'label' || c.kind === 'corner' ? 'left' : 'center' };
    const cell: Cell | undefined = cells?.[c.row!]?.[c.column!];
    if (cell && cell.value !== null && (cell.status === 'read' || cell.status === 'blank' || cell.status === 'inferred')) {
      // A money column the template gives no unit (2019 采购总金额) shows the unit the report wrote;
      // where the template has a unit the value is already in it (元 converted to 万元).
      const unit = c.money && !c.unit && typeof cell.unit === 'string' && /^万?元$/.test(cell.unit) ? cell.unit : '';
      return { text: formatValue(cell.value) + unit, kind: 'data', ...span, align: 'center' };
    }
    const status: CellMark = cell?.status === 'ambiguous' ? 'ambiguous' : 'missing';
    const candidates = status === 'ambiguous' ? [...(cell?.candidates ?? [])] : [];
    const place = cellPlace(def, layout.key, c.row!, c.column!);
    undecided.push({ path: c.cell!, place, status, candidates });
    notes.push(noteFor(status, place, candidates));
    return { text: MARK_TEXT[status], kind: 'data', ...span, mark: status, align: 'center' };
  }));
  return { key: layout.key, columns: layout.columns, headerRows: layout.headerRows, rows, notes };
}

// The note names the cell by its place but gives the candidates in words, not beside a row label:
// a row label followed by figures would read as a table row to anyone (and to Gongkai's reader).
function noteFor(status: CellMark, place: string, candidates: number[]): string {
  const where = place.split(' · ').slice(1).map((s) => `“${s}”`).join('');
  if (status === 'missing') return `${where}：原报告缺失，须补填`;
  return `${where}：原报告无法确定，须核实`;
}

/** The grid column each cell starts at, row by row (slots covered by a cell spanning down from above are skipped). */
export function startColumns(table: DocTable): number[][] {
  const covered: boolean[][] = table.rows.map(() => Array<boolean>(table.columns).fill(false));
  return table.rows.map((line, r) => {
    let c = 0;
    return line.map((cell) => {
      while (c < table.columns && covered[r][c]) c++;
      const start = c;
      const rs = cell.rowspan ?? 1;
      const cs = cell.colspan ?? 1;
      for (let i = 0; i < rs && r + i < covered.length; i++) for (let j = 0; j < cs && c + j < table.columns; j++) covered[r + i][c + j] = true;
      c += cs;
      return start;
    });
  });
}

// ---- prose ----

const SUBHEADING = /^[(（][一二三四五六七八九十]+[)）]\S{1,30}$/;
const DATE_LINE = /^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$/;

const FULL_WIDTH: Record<string, string> = { '(': '（', ')': '）', ',': '，', ':': '：', ';': '；' };
const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”《》]/;

/**
 * Parsed text keeps ASCII punctuation (the reader folds full-width forms); a Chinese document
 * prints it full-width. Only punctuation touching Chinese text changes: 1,234 and 027-1234 stay.
 */
export function chinesePunctuation(s: string): string {
  return s.replace(/[(),:;]/g, (ch, i: number) => (CJK.test(s[i - 1] ?? '') || CJK.test(s[i + 1] ?? '') ? FULL_WIDTH[ch] : ch));
}

/**
 * Characters no document may hold: C0 controls but tab and newline, U+FFFE/U+FFFF and lone
 * surrogates are not allowed in XML (a .docx with one does not open) and mean nothing in HTML.
 */
export function cleanText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}

function paragraphsOf(text: string, subheadings: Set<string>): Paragraph[] {
  return cleanText(text).split(/\n+/).map((l) => l.trim()).filter(Boolean)
    .map((line) => (subheadings.has(line) || SUBHEADING.test(line) ? { text: chinesePunctuation(line), subheading: true } : { text: chinesePunctuation(line) }));
}

/** The body text of each prose section: written out (`text`), or cut from the parsed text by its span. */
function sectionTexts(input: RenderInput): Map<string, { text: string; subheadings: Set<string> }> {
  const out = new Map<string, { text: string; subheadings: Set<string> }>();
  for (const s of input.sections ?? []) {
    const subheadings = new Set((s.subheadings ?? []).map((h) => h.text.trim()));
    if (typeof s.text === 'string') out.set(s.key, { text: s.text, subheadings });
    // A table section's parsed body is the table itself: it is drawn from the cells instead.
    else if (s.body && input.text && !(TABLE_KEYS as readonly string[]).includes(s.key)) out.set(s.key, { text: input.text.slice(s.body[0], s.body[1]), subheadings });
  }
  return out;
}

function preambleOf(input: RenderInput): string {
  if (typeof input.preamble === 'string') return input.preamble;
  const first = (input.sections ?? []).map((s) => s.span?.[0]).filter((n): n is number => typeof n === 'number').sort((a, b) => a - b)[0];
  if (!input.text || first === undefined) return '';
  // The parsed text starts with the report's title line; the title is drawn from meta.
  return input.text.slice(0, first).split('\n').filter((l, i) => !(i === 0 && l.includes('年度报告'))).join('\n');
}

function formatDate(iso: string | null | undefined): string | null {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : null;
}

/** The report → the document every writer draws. Pure. */
export function buildDocument(input: RenderInput): ReportDocument {
  const version = versionOf(input);
  const def = TEMPLATES[version];
  const layouts = new Map(templateLayout(version).tables.map((t) => [t.key, t] as const));
  const agency = input.meta.agency ? cleanText(input.meta.agency).trim() || null : null;
  const year = input.meta.year ?? null;
  const date = formatDate(input.meta.published);
  const texts = sectionTexts(input);
  const undecided: UndecidedCell[] = [];
  const sections: DocSection[] = def.sections.map((s) => {
    const body = texts.get(s.key);
    let paragraphs = body ? paragraphsOf(body.text, body.subheadings) : [];
    if (s.key === def.sections[def.sections.length - 1].key) {
      // The signature (body, date) ends the parsed text of the last section; it is drawn from meta.
      while (paragraphs.length && (DATE_LINE.test(paragraphs[paragraphs.length - 1].text) || paragraphs[paragraphs.length - 1].text === agency)) paragraphs = paragraphs.slice(0, -1);
    }
    const section: DocSection = { key: s.key, heading: `${s.number}、${displayText(s.heading)}`, paragraphs };
    if ((TABLE_KEYS as readonly string[]).includes(s.key)) {
      const key = s.key as TableKey;
      const cells = input.tables[key] as Report['tables']['active'] | undefined;
      section.table = cells ? fillTable(def, layouts.get(key)!, cells, undecided) : null;
    }
    return section;
  });
  return {
    version,
    title: `${agency ?? ''}${year !== null ? `${year}年` : ''}政府信息公开工作年度报告`,
    preamble: paragraphsOf(preambleOf(input), new Set()),
    sections,
    signature: { agency, date },
    undecided,
  };
}

/** Said where a table is absent, in place of the table. */
export const TABLE_ABSENT_TEXT = '（本报告未提供此表）';
