// parseReport: bytes → decoded text → normalised text → sections → template tables → findings.
// Each stage is a pure function in its own folder; this file only composes them.

import { createHash } from 'node:crypto';
import type { Cell, Fact, Finding, Report, Span, TableCells, TemplateKey } from './types.js';
import type { NormalizedText } from './normalize/normalize.js';
import { InputError } from './types.js';
import { normalizeText } from './normalize/index.js';
import { detectFormat } from './decode/detect.js';
import { DEFAULT_LIMITS, type DecodeLimits, type DecodedDocument } from './decode/types.js';
import { decodeBytes, decodeDocx, decodeHtml, decodeLegacyDoc, decodePdf } from './decode/index.js';
import { decodePdfIsolated } from './decode/pdf-worker.js';
import { isMainThread } from 'node:worker_threads';
import { locateSections, type SectionHit } from './locate/sections.js';
import { detectVersion } from './locate/version.js';
import { extractMeta } from './meta/meta.js';
import { placeOf } from './meta/division.js';
import { extractTables } from './extract/tables.js';
import { checkNarrative, checkRules } from './check/rules.js';
import { extractFacts } from './narrative/index.js';
import { finding, isTemplateVersion, type CellPath, TABLE_KEYS, TEMPLATE_SECTIONS, TEMPLATES, versionForYear, type TableKey } from './template/index.js';

export interface ParseOptions {
  /** Shown in `source.path`. */
  path?: string;
  /** Keep the normalised text in the report (`report.text`), for display of spans. */
  includeText?: boolean;
  /** Largest input accepted, in bytes (default 50 MB). */
  maxBytes?: number;
  /** Other decoding limits (pages, unzipped size, time, OCR). */
  limits?: Partial<DecodeLimits>;
}

export const DEFAULT_MAX_BYTES = DEFAULT_LIMITS.maxBytes;

const EMPTY_TABLES: Report['tables'] = { active: null, requests: null, review_litigation: null };

/**
 * A title that marks a text as an annual report even when its sections were not found: the title
 * words (…政府信息公开工作年度报告) ending a line or set off by a space (a heading may follow on
 * a flattened page). Prose that only mentions such a report (…年度报告。, …年度报告编写要求的通知)
 * is not one.
 */
const REPORT_TITLE = /(?:政府信息公开|政务公开|信息公开)[^\n。]{0,10}年度?报告[)）]*(?:[ \t\u3000]|\n|$)/;

/**
 * Parse a report given as bytes or text, synchronously: plain text (any encoding), HTML and
 * DOCX. PDF needs the asynchronous `parseDocument`.
 */
export function parseReport(input: Uint8Array | string, options: ParseOptions = {}): Report {
  const limits = limitsOf(options);
  if (typeof input === 'string') {
    checkSize(Buffer.byteLength(input), limits.maxBytes);
    const bytes = Buffer.from(input, 'utf8');
    const format = detectFormat(bytes);
    if (format === 'html') return parseDecoded(decodeHtml(bytes), bytes, options);
    return parseDecoded({ format: 'text', encoding: 'utf-8', text: input }, bytes, options);
  }
  checkSize(input.byteLength, limits.maxBytes);
  const format = detectFormat(input);
  if (format === 'pdf') throw new InputError('PDF 需要异步解析：请用 parseDocument / PDF input needs parseDocument (async)', 'async_needed');
  return parseDecoded(decodeSync(input, format, limits), input, options);
}

/** Parse a report in any supported form (text, HTML, DOCX, PDF). */
export async function parseDocument(input: Uint8Array, options: ParseOptions = {}): Promise<Report> {
  const limits = limitsOf(options);
  checkSize(input.byteLength, limits.maxBytes);
  const format = detectFormat(input);
  // On the main thread pdf.js runs in a thread of its own with a hard deadline (it can block for
  // minutes and reject in the background); a worker thread is already owned by a pool that does so.
  const pdf = isMainThread ? decodePdfIsolated : decodePdf;
  const decoded = format === 'pdf' ? await pdf(input, limits) : decodeSync(input, format, limits);
  return parseDecoded(decoded, input, options);
}

function limitsOf(options: ParseOptions): DecodeLimits {
  return { ...DEFAULT_LIMITS, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}), ...(options.limits ?? {}) };
}

function checkSize(size: number, maxBytes: number) {
  if (size > maxBytes) {
    throw new InputError(`文件过大（${(size / 1048576).toFixed(1)} MB，超过 ${(maxBytes / 1048576).toFixed(0)} MB 上限） / input too large (limit ${(maxBytes / 1048576).toFixed(0)} MB)`, 'too_large');
  }
}

function decodeSync(bytes: Uint8Array, format: ReturnType<typeof detectFormat>, limits: DecodeLimits): DecodedDocument {
  switch (format) {
    case 'html': return decodeHtml(bytes);
    case 'docx': return decodeDocx(bytes, limits);
    case 'doc': return decodeLegacyDoc(bytes, limits);
    case 'zip': throw new InputError('这是一个 ZIP 压缩包，不是报告文件；请解压后分别解析 / a ZIP archive, not a report: unpack it first', 'zip');
    case 'pdf': throw new InputError('PDF 需要异步解析 / PDF needs parseDocument', 'async_needed');
    default: {
      const d = decodeBytes(bytes);
      return { format: 'text', encoding: d.encoding, text: d.text, ...(d.replaced ? { findings: [finding('encoding.damaged', { replaced: d.replaced })] } : {}) };
    }
  }
}

/**
 * What the stages of the text pipeline share: the input, and what each stage before has produced.
 * A stage reads the context and returns only what it produced; findings are kept per stage, in
 * the order of the stages, and nothing changes a cell once the checks have read it.
 */
interface Context {
  readonly decoded: DecodedDocument;
  readonly options: ParseOptions;
  normalized?: NormalizedText;
  sections?: SectionHit[];
  meta?: ReturnType<typeof extractMeta>;
  template?: TemplateKey;
  facts?: Fact[];
  tables?: Report['tables'];
  extraRows?: NonNullable<Report['extra_rows']>;
}

type Produced = Omit<Context, 'decoded' | 'options'> & { findings?: Finding[] };

interface Stage {
  /** What the stage is, for people reading the pipeline and its tests. */
  name: string;
  run: (ctx: Context) => Produced;
}

/** A value an earlier stage produced; its absence is a bug in the order of STAGES. */
function need<K extends keyof Context>(ctx: Context, key: K): NonNullable<Context[K]> {
  const v = ctx[key];
  if (v === undefined || v === null) throw new Error(`parse stage order: ${String(key)} is needed before it is produced`);
  return v as NonNullable<Context[K]>;
}

/** The text pipeline, stage by stage (docs/architecture.md). */
export const STAGES: readonly Stage[] = [
  {
    name: 'normalize',
    run: (ctx) => {
      const normalized = normalizeText(ctx.decoded.text);
      return { normalized, findings: normalized.mojibakeStopped ? [finding('normalize.mojibake_budget', {})] : [] };
    },
  },
  { name: 'locate', run: locateStage },
  { name: 'template', run: templateStage },
  { name: 'narrative', run: (ctx) => ({ facts: extractFacts(need(ctx, 'normalized').text, Object.values(tableRegions(need(ctx, 'sections'))).filter((r): r is Span => r !== null)) }) },
  { name: 'tables', run: tablesStage },
  { name: 'money units', run: moneyUnitsStage },
  // OCR'd digits are never certain: before the checks, so that the findings describe the final statuses.
  { name: 'ocr', run: (ctx) => (ctx.decoded.ocr ? { tables: ocrUncertain(need(ctx, 'tables')) } : {}) },
  { name: 'provenance', run: (ctx) => (ctx.decoded.boxes?.length ? { tables: withBoxes(need(ctx, 'tables'), ctx.decoded.boxes, need(ctx, 'normalized').toOriginal) } : {}) },
  { name: 'checks', run: checksStage },
];

/** The text pipeline on a decoded document. */
export function parseDecoded(decoded: DecodedDocument, bytes: Uint8Array, options: ParseOptions = {}): Report {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (decoded.text.trim() === '' && !(decoded.findings ?? []).length) throw new InputError('文件为空 / the input is empty', 'empty');
  let ctx: Context = { decoded, options };
  const findings: Finding[] = [...(decoded.findings ?? [])];
  for (const stage of STAGES) {
    const { findings: produced, ...out } = stage.run(ctx);
    ctx = { ...ctx, ...out };
    if (produced) findings.push(...produced);
  }
  return assembleReport(ctx, findings, sha256);
}

/** Sections, metadata and the template version; an input that is not a report ends here. */
function locateStage(ctx: Context): Produced {
  const { text } = need(ctx, 'normalized');
  const sections = locateSections(text, TEMPLATE_SECTIONS);
  const meta = extractMeta(text);
  const found = new Set(sections.map((s) => s.key));
  const findings: Finding[] = [];
  for (const def of TEMPLATE_SECTIONS) if (!found.has(def.key)) findings.push(finding('section.missing', { heading: `${def.number}、${def.heading}` }));
  if (meta.year === null) findings.push(finding('meta.year_unknown', {}));
  return { sections, meta, findings };
}

/** The template version (spec §8) from the table sections' markers, else the year. */
function templateStage(ctx: Context): Produced {
  const { text } = need(ctx, 'normalized');
  const sections = need(ctx, 'sections'), meta = need(ctx, 'meta');
  const tableSections = sections.filter((s) => s.key === 'active' || s.key === 'requests' || s.key === 'review_litigation');
  const tableText = tableSections.length
    ? text.slice(Math.min(...tableSections.map((s) => s.heading[0])), Math.max(...tableSections.map((s) => s.body[1])))
    : text;
  const version = detectVersion(tableText, meta.year);
  if (!ctx.decoded.noTextLayer && sections.length < 2 && version.basis !== 'markers' && version.basis !== 'mixed' && !REPORT_TITLE.test(text.slice(0, 4000)) && !REPORT_TITLE.test(text.slice(-1000))) {
    throw new InputError('这不是政府信息公开工作年度报告：找不到报告的章节、表格或标题 / not an annual report: no sections, tables or title found', 'not_a_report');
  }
  const template: TemplateKey = version.template;
  const findings: Finding[] = [];
  if (version.basis === 'year' && meta.year !== null && template !== 'pre2019') findings.push(finding('template.inferred_from_year', { template, year: meta.year }));
  if (version.basis === 'mixed') findings.push(finding('template.mixed', { chosen: template, counts: version.counts }));
  if (template === 'unknown') findings.push(finding('template.unknown', {}));
  if (meta.year !== null && (version.basis === 'markers' || version.basis === 'mixed')) {
    const expected = versionForYear(meta.year);
    if (expected !== template) findings.push(finding('template.year_mismatch', { template, expected, year: meta.year }));
  }
  return { template, findings };
}

/** The template's tables (null where absent), extra rows kept aside. */
function tablesStage(ctx: Context): Produced {
  const template = need(ctx, 'template');
  if (template === 'pre2019') return { tables: EMPTY_TABLES, findings: [finding('template.pre2019', {})] };
  if (!isTemplateVersion(template)) return { tables: EMPTY_TABLES };
  const extracted = extractTables(need(ctx, 'normalized').text, template, tableRegions(need(ctx, 'sections')), evidenceFrom(need(ctx, 'facts')));
  return { tables: extracted.tables, extraRows: extracted.extraRows, findings: extracted.findings };
}

function moneyUnitsStage(ctx: Context): Produced {
  const tables = need(ctx, 'tables');
  if (!tables.active) return {};
  const units = moneyUnits(need(ctx, 'normalized').text, tables.active);
  return { tables: { ...tables, active: units.active }, findings: units.findings };
}

/** The template's rules on the final cells, and the prose against the tables. */
function checksStage(ctx: Context): Produced {
  const template = need(ctx, 'template');
  if (!isTemplateVersion(template)) return {};
  const tables = need(ctx, 'tables');
  return { findings: [...checkRules(TEMPLATES[template], tables), ...checkNarrative(tables, need(ctx, 'facts'))] };
}

function assembleReport(ctx: Context, findings: Finding[], sha256: string): Report {
  const { decoded, options } = ctx;
  const norm = need(ctx, 'normalized'), meta = need(ctx, 'meta');
  const text = norm.text;
  const report: Report = {
    schema: 'gongkai/report@1',
    source: { path: options.path ?? null, sha256, format: decoded.format, encoding: decoded.encoding },
    meta: { agency: meta.agency, year: meta.year, published: meta.published, template: need(ctx, 'template'), ...placeMeta(meta.agency, text) },
    tables: need(ctx, 'tables'),
    narrative: { facts: need(ctx, 'facts') },
    findings,
  };
  if (norm.repairs.length) report.repairs = norm.repairs.slice(0, 200);
  report.sections = need(ctx, 'sections').map((sec) => ({
    key: sec.key,
    heading: text.slice(sec.heading[0], sec.heading[1]),
    span: sec.heading,
    body: sec.body,
    subheadings: sec.key === 'overview' || sec.key === 'problems' ? subheadings(text, sec.body) : [],
  }));
  if (ctx.extraRows?.length) report.extra_rows = ctx.extraRows;
  if (options.includeText) report.text = text;
  return report;
}

/** OCR'd digits are never certain: a reading is kept as the sole candidate, never as a value. */
function ocrUncertain(tables: Report['tables']): Report['tables'] {
  const out = { ...tables };
  for (const key of TABLE_KEYS) {
    const table = tables[key];
    if (!table) continue;
    out[key] = Object.fromEntries(Object.entries(table).map(([row, cols]) => [row, Object.fromEntries(Object.entries(cols).map(([k, cell]) => {
      if (cell.status === 'read' || cell.status === 'inferred' || cell.status === 'blank') return [k, { value: null, status: 'ambiguous', candidates: [cell.value as number], ocr: true, ...(cell.span ? { span: cell.span } : {}) }];
      return [k, cell.status === 'ambiguous' ? { ...cell, ocr: true } : cell];
    }))]));
  }
  return out;
}

/** PDF provenance: the page and box of each cell read, found through the normalised → decoded offset map. */
function withBoxes(tables: Report['tables'], boxes: NonNullable<DecodedDocument['boxes']>, toOriginal: Int32Array): Report['tables'] {
  const sorted = [...boxes].sort((a, b) => a.start - b.start);
  const find = (offset: number) => {
    let lo = 0, hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].end <= offset) lo = mid + 1;
      else if (sorted[mid].start > offset) hi = mid - 1;
      else return sorted[mid];
    }
    return undefined;
  };
  const out = { ...tables };
  for (const key of TABLE_KEYS) {
    const table = tables[key];
    if (!table) continue;
    out[key] = Object.fromEntries(Object.entries(table).map(([row, cols]) => [row, Object.fromEntries(Object.entries(cols).map(([k, cell]) => {
      const hit = cell.span ? find(toOriginal[cell.span[0]]) : undefined;
      if (!hit) return [k, cell];
      const box = [hit.box.x, hit.box.y, hit.box.w, hit.box.h].map((v) => Math.round(v * 10) / 10) as [number, number, number, number];
      return [k, { ...cell, page: hit.box.page, box }];
    }))]));
  }
  return out;
}

/** Sub-headings (一)…(十) at the start of a line inside a section body, up to their first full stop. */
function subheadings(text: string, body: Span): { text: string; span: Span }[] {
  const out: { text: string; span: Span }[] = [];
  const re = /(?:^|\n)[ \t]*(\([一二三四五六七八九十]\)[^\n。.:：]{1,30})/g;
  const part = text.slice(body[0], body[1]);
  for (const m of part.matchAll(re)) {
    const start = body[0] + (m.index ?? 0) + m[0].indexOf(m[1]);
    out.push({ text: m[1].trim(), span: [start, start + m[1].trim().length] });
  }
  return out;
}

function placeMeta(agency: string | null, text: string) {
  const p = placeOf(agency, text.slice(0, 3000));
  return { level: p.level, region: p.region, division_code: p.code };
}

/** Cells the prose states exactly once (a figure stated twice with different values decides nothing). */
function evidenceFrom(facts: Fact[]): Map<string, number> {
  const byCell = new Map<string, Set<number>>();
  for (const f of facts) if (f.cell) byCell.set(f.cell, (byCell.get(f.cell) ?? new Set()).add(f.value));
  const out = new Map<string, number>();
  for (const [cell, values] of byCell) if (values.size === 1) out.set(cell, [...values][0]);
  return out;
}

function tableRegions(sections: SectionHit[]): Record<TableKey, Span | null> {
  const found = new Map(sections.map((s) => [s.key, s] as const));
  return {
    active: found.get('active')?.body ?? null,
    requests: found.get('requests')?.body ?? null,
    review_litigation: found.get('review_litigation')?.body ?? null,
  };
}

/**
 * Money written with a unit other than the template's: the 2021 fee amount is in 万元; a value
 * followed by 元 is converted (÷10000) and reported. The 2019 procurement amount has no unit in
 * the template: the unit written is recorded, a missing unit is reported.
 */
const FEE_CELL: CellPath = 'active.fees.amount';
const PROCUREMENT_CELL: CellPath = 'active.procurement.amount';

function moneyUnits(text: string, active: TableCells): { active: TableCells; findings: Finding[] } {
  const findings: Finding[] = [];
  const unitAfter = (c: Cell) => {
    if (!c.span) return undefined;
    const after = text.slice(c.span[1], c.span[1] + 3).trimStart();
    return after.startsWith('万元') ? '万元' : after.startsWith('元') ? '元' : undefined;
  };
  let out = active;
  const fee = active.fees?.amount;
  if (fee && fee.value !== null && (fee.status === 'read')) {
    if (unitAfter(fee) === '元') {
      const wan = Math.round((fee.value / 10000) * 1e6) / 1e6;
      findings.push(finding('active.fees_unit', { yuan: fee.value, wan }, [FEE_CELL], fee.span));
      out = { ...out, fees: { ...out.fees, amount: { ...fee, value: wan, unit: '元' } } };
    }
  }
  const proc = active.procurement?.amount;
  if (proc && proc.value !== null && proc.status === 'read' && proc.value !== 0) {
    const unit = unitAfter(proc);
    if (unit) out = { ...out, procurement: { ...out.procurement, amount: { ...proc, unit } } };
    findings.push(finding('active.procurement_unit', unit ? { unit } : {}, [PROCUREMENT_CELL], proc.span));
  }
  return { active: out, findings };
}
