// parseReport: bytes → decoded text → normalised text → sections → template tables → findings.
// Each stage is a pure function in its own folder; this file only composes them.

import { createHash } from 'node:crypto';
import type { Cell, Finding, Report, Span, TableCells, TemplateKey } from './types.js';
import { InputError } from './types.js';
import { decodeBytes, normalizeText } from './normalize/index.js';
import { locateSections, type SectionHit } from './locate/sections.js';
import { detectVersion } from './locate/version.js';
import { extractMeta } from './meta/meta.js';
import { extractTables } from './extract/tables.js';
import { checkRules } from './check/rules.js';
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
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

const EMPTY_TABLES: Report['tables'] = { active: null, requests: null, review_litigation: null };

/** Title words that mark a text as an annual report even when its sections were not found. */
const REPORT_TITLE = /(政府信息公开|政务公开|信息公开)[^\n]{0,10}年度?报告/;

export function parseReport(input: Uint8Array | string, options: ParseOptions = {}): Report {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = typeof input === 'string' ? input.length * 3 : input.byteLength;
  if (size > maxBytes && (typeof input !== 'string' || Buffer.byteLength(input) > maxBytes)) {
    throw new InputError(`文件过大（超过 ${Math.round(maxBytes / 1048576)} MB 上限） / input too large (limit ${Math.round(maxBytes / 1048576)} MB)`, 'too_large');
  }
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const decoded = typeof input === 'string' ? { text: input, encoding: 'utf-8' } : decodeBytes(input);
  if (decoded.text.trim() === '') throw new InputError('文件为空 / the input is empty', 'empty');
  const norm = normalizeText(decoded.text);
  const text = norm.text;

  const findings: Finding[] = [];
  const template0 = TEMPLATES['2021'];
  const sections = locateSections(text, template0.sections);
  const meta = extractMeta(text);
  const found = new Map(sections.map((s) => [s.key, s] as const));

  const tableSections = sections.filter((s) => s.key === 'active' || s.key === 'requests' || s.key === 'review_litigation');
  const tableText = tableSections.length
    ? text.slice(Math.min(...tableSections.map((s) => s.heading[0])), Math.max(...tableSections.map((s) => s.body[1])))
    : text;
  const version = detectVersion(tableText, meta.year);

  if (sections.length < 2 && version.basis !== 'markers' && version.basis !== 'mixed' && !REPORT_TITLE.test(text.slice(0, 4000)) && !REPORT_TITLE.test(text.slice(-1000))) {
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
  const regions = tableRegions(found);
  if (template === 'pre2019') {
    findings.push(msg.pre2019());
  } else if (template === '2019' || template === '2021') {
    const extracted = extractTables(text, template, regions);
    tables = extracted.tables;
    findings.push(...extracted.findings);
    if (tables.active) findings.push(...moneyUnits(text, tables.active));
    findings.push(...checkRules(TEMPLATES[template], tables));
  }

  const exclude = Object.values(regions).filter((r): r is Span => r !== null);
  const facts = extractFacts(text, exclude);

  const report: Report = {
    schema: 'gongkai/report@1',
    source: { path: options.path ?? null, sha256, format: 'text', encoding: decoded.encoding },
    meta: { agency: meta.agency, year: meta.year, published: meta.published, template },
    tables,
    narrative: { facts },
    findings,
  };
  if (norm.repairs.length) {
    (report as Report & { repairs?: unknown }).repairs = norm.repairs.slice(0, 200);
  }
  if (options.includeText) report.text = text;
  return report;
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
