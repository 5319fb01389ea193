// parseReport: bytes → decoded text → normalised text → sections → template tables → findings.
// Each stage is a pure function in its own folder; this file only composes them.

import { createHash } from 'node:crypto';
import type { Cell, Fact, Finding, Report, Span, TableCells, TemplateKey } from './types.js';
import { InputError } from './types.js';
import { normalizeText } from './normalize/index.js';
import { detectFormat } from './decode/detect.js';
import { DEFAULT_LIMITS, type DecodeLimits, type DecodedDocument } from './decode/types.js';
import { decodeBytes, decodeDocx, decodeHtml, decodeLegacyDoc, decodePdf } from './decode/index.js';
import { locateSections, type SectionHit } from './locate/sections.js';
import { detectVersion } from './locate/version.js';
import { extractMeta } from './meta/meta.js';
import { placeOf } from './meta/division.js';
import { extractTables } from './extract/tables.js';
import { checkNarrative, checkRules } from './check/rules.js';
import { msg } from './check/messages.js';
import { extractFacts } from './narrative/index.js';
import { TEMPLATES, versionForYear, type TableKey } from './template/index.js';

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

/** Title words that mark a text as an annual report even when its sections were not found. */
const REPORT_TITLE = /(政府信息公开|政务公开|信息公开)[^\n]{0,10}年度?报告/;

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
  const decoded = format === 'pdf' ? await decodePdf(input, limits) : decodeSync(input, format, limits);
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
      return { format: 'text', encoding: d.encoding, text: d.text };
    }
  }
}

/** The text pipeline on a decoded document. */
export function parseDecoded(decoded: DecodedDocument, bytes: Uint8Array, options: ParseOptions = {}): Report {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (decoded.text.trim() === '' && !(decoded.findings ?? []).length) throw new InputError('文件为空 / the input is empty', 'empty');
  const norm = normalizeText(decoded.text);
  const text = norm.text;

  const findings: Finding[] = [...(decoded.findings ?? [])];
  const template0 = TEMPLATES['2021'];
  const sections = locateSections(text, template0.sections);
  const meta = extractMeta(text);
  const found = new Map(sections.map((s) => [s.key, s] as const));

  const tableSections = sections.filter((s) => s.key === 'active' || s.key === 'requests' || s.key === 'review_litigation');
  const tableText = tableSections.length
    ? text.slice(Math.min(...tableSections.map((s) => s.heading[0])), Math.max(...tableSections.map((s) => s.body[1])))
    : text;
  const version = detectVersion(tableText, meta.year);

  const noTextLayer = (decoded.findings ?? []).some((f) => f.rule === 'pdf.no_text_layer');
  if (!noTextLayer && sections.length < 2 && version.basis !== 'markers' && version.basis !== 'mixed' && !REPORT_TITLE.test(text.slice(0, 4000)) && !REPORT_TITLE.test(text.slice(-1000))) {
    throw new InputError('这不是政府信息公开工作年度报告：找不到报告的章节、表格或标题 / not an annual report: no sections, tables or title found', 'not_a_report');
  }

  for (const def of template0.sections) if (!found.has(def.key)) findings.push(msg.sectionMissing(`${def.number}、${def.heading}`));
  if (meta.year === null) findings.push(msg.yearUnknown());

  let template: TemplateKey = version.template;
  if (version.basis === 'year' && meta.year !== null && template !== 'pre2019') findings.push(msg.templateFromYear(template, meta.year));
  if (version.basis === 'mixed') findings.push(msg.templateMixed(template, version.counts));
  if (template === 'unknown') findings.push(msg.templateUnknown());
  if (meta.year !== null && (version.basis === 'markers' || version.basis === 'mixed')) {
    const expected = versionForYear(meta.year);
    if (expected !== template) findings.push(msg.templateYearMismatch(template, expected, meta.year));
  }

  let tables: Report['tables'] = EMPTY_TABLES;
  const extraRows: NonNullable<Report['extra_rows']> = [];
  const regions = tableRegions(found);
  const exclude = Object.values(regions).filter((r): r is Span => r !== null);
  const facts = extractFacts(text, exclude);
  if (template === 'pre2019') {
    findings.push(msg.pre2019());
  } else if (template === '2019' || template === '2021') {
    const extracted = extractTables(text, template, regions, evidenceFrom(facts));
    tables = extracted.tables;
    findings.push(...extracted.findings);
    if (extracted.extraRows.length) extraRows.push(...extracted.extraRows);
    if (tables.active) findings.push(...moneyUnits(text, tables.active));
    findings.push(...checkRules(TEMPLATES[template], tables));
    findings.push(...checkNarrative(tables, facts));
  }

  const report: Report = {
    schema: 'gongkai/report@1',
    source: { path: options.path ?? null, sha256, format: decoded.format, encoding: decoded.encoding },
    meta: { agency: meta.agency, year: meta.year, published: meta.published, template, ...placeMeta(meta.agency, text) },
    tables,
    narrative: { facts },
    findings,
  };
  if (norm.repairs.length) {
    (report as Report & { repairs?: unknown }).repairs = norm.repairs.slice(0, 200);
  }
  report.sections = sections.map((sec) => ({
    key: sec.key,
    heading: text.slice(sec.heading[0], sec.heading[1]),
    span: sec.heading,
    body: sec.body,
    subheadings: sec.key === 'overview' || sec.key === 'problems' ? subheadings(text, sec.body) : [],
  }));
  if (extraRows.length) report.extra_rows = extraRows;
  // OCR'd digits are never certain: the reading is kept as the sole candidate, never as a value.
  if (decoded.ocr) {
    for (const table of Object.values(report.tables)) {
      for (const row of Object.values(table ?? {})) {
        for (const [k, cell] of Object.entries(row)) {
          if (cell.status === 'read' || cell.status === 'inferred' || cell.status === 'blank') row[k] = { value: null, status: 'ambiguous', candidates: [cell.value as number], ocr: true, ...(cell.span ? { span: cell.span } : {}) };
          else if (cell.status === 'ambiguous') cell.ocr = true;
        }
      }
    }
  }
  if (decoded.boxes?.length) attachBoxes(report.tables, decoded.boxes, norm.toOriginal);
  if (options.includeText) report.text = text;
  return report;
}

/** PDF provenance: the page and box of each cell read, found through the normalised → decoded offset map. */
function attachBoxes(tables: Report['tables'], boxes: NonNullable<DecodedDocument['boxes']>, toOriginal: Int32Array) {
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
  for (const table of Object.values(tables)) {
    if (!table) continue;
    for (const row of Object.values(table)) {
      for (const cell of Object.values(row)) {
        if (!cell.span) continue;
        const hit = find(toOriginal[cell.span[0]]);
        if (hit) {
          cell.page = hit.box.page;
          cell.box = [hit.box.x, hit.box.y, hit.box.w, hit.box.h].map((v) => Math.round(v * 10) / 10) as [number, number, number, number];
        }
      }
    }
  }
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

function tableRegions(found: Map<SectionHit['key'], SectionHit>): Record<TableKey, Span | null> {
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
function moneyUnits(text: string, active: TableCells): Finding[] {
  const out: Finding[] = [];
  const unitAfter = (c: Cell) => {
    if (!c.span) return undefined;
    const after = text.slice(c.span[1], c.span[1] + 3).trimStart();
    return after.startsWith('万元') ? '万元' : after.startsWith('元') ? '元' : undefined;
  };
  const fee = active.fees?.amount;
  if (fee && fee.value !== null && (fee.status === 'read')) {
    if (unitAfter(fee) === '元') {
      const wan = Math.round((fee.value / 10000) * 1e6) / 1e6;
      out.push(msg.feesConverted('active.fees.amount', fee.value, wan, fee.span));
      active.fees.amount = { ...fee, value: wan, unit: '元' };
    }
  }
  const proc = active.procurement?.amount;
  if (proc && proc.value !== null && proc.status === 'read' && proc.value !== 0) {
    const unit = unitAfter(proc);
    if (unit) proc.unit = unit;
    out.push(msg.procurementUnit('active.procurement.amount', unit, proc.span));
  }
  return out;
}
