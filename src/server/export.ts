// Exports of a parsed report: CSV in long form (table,row,column,value,status,candidates) and an
// XLSX workbook with the tables in the template's layout (src/layout/), the metadata and
// the findings. Only cells the template defines are written, whatever else a posted report holds.

import ExcelJS from 'exceljs';
import type { Cell, CellStatus, Report, TemplateVersion } from '../types.js';
import { cellPaths, formatCell, isStatus, placeGrid, STATUS, templateLayout } from '../layout/index.js';

const SEVERITY_LABEL = { error: '错误 error', warning: '警告 warning', info: '提示 info' } as const;

export function templateOf(report: Report): TemplateVersion | null {
  const t = report.meta?.template;
  return t === '2019' || t === '2021' ? t : null;
}

/** The cell at `table.row.column`, when the report holds a well-formed one. */
export function cellAt(report: Report, table: string, row: string, column: string): Cell | undefined {
  const t = (report.tables as Record<string, Report['tables']['active']>)[table];
  const cell = t?.[row]?.[column];
  if (!cell || typeof cell !== 'object' || !isStatus(cell.status)) return undefined;
  return cell;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const candidatesOf = (cell: Cell): number[] => formatCell(cell).candidates;

/** CSV, long form, one line per template cell present in the report (RFC 4180, CRLF). */
export function reportToCsv(report: Report): string {
  const lines = ['table,row,column,value,status,candidates'];
  const version = templateOf(report);
  if (version) {
    for (const p of cellPaths(version)) {
      const cell = cellAt(report, p.table, p.row, p.column);
      if (!cell) continue;
      const value = num(cell.value);
      lines.push([p.table, p.row, p.column, value === null ? '' : String(value), cell.status, candidatesOf(cell).join(';')].join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}

/** Cell → what the sheet shows: a number when the value is known, else a marked text. */
function shown(cell: Cell | undefined): string | number {
  if (!cell) return '';
  const look = formatCell(cell, { maxCandidates: 4 });
  if (look.status === 'ambiguous') return look.text;
  return look.status === 'missing' || look.value === null ? '缺' : look.value;
}

const FILL: Partial<Record<CellStatus, string>> = { inferred: 'FFDDEFFB', ambiguous: 'FFFFE9A8', missing: 'FFFBD5D5' };
const FONT: Partial<Record<CellStatus, string>> = { blank: 'FF8A8A8A', missing: 'FFB42318' };
const thin = { style: 'thin' as const, color: { argb: 'FF9AA3AE' } };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };

/** Sheet names: at most 31 characters, none of []:*?/\ . */
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

export async function reportToXlsx(report: Report): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'gongkai';
  const m = report.meta;
  const source = report.source && typeof report.source === 'object' ? report.source : ({} as Partial<Report['source']>);

  const info = wb.addWorksheet('报告 Report');
  info.columns = [{ width: 22 }, { width: 80 }];
  const meta: [string, unknown][] = [
    ['机关 agency', m.agency], ['年度 year', m.year], ['发布日期 published', m.published], ['模板 template', m.template],
    ['层级 level', m.level], ['地区 region', m.region], ['区划代码 division code', m.division_code],
    ['文件 file', source.path], ['格式 format', source.format], ['SHA-256', source.sha256],
  ];
  for (const [k, v] of meta) info.addRow([k, v === null || v === undefined ? '' : String(v)]);
  info.getColumn(1).font = { bold: true };
  info.addRow([]);
  const fh = info.addRow(['发现的问题 findings']);
  fh.font = { bold: true, size: 12 };
  const findings = (Array.isArray(report.findings) ? report.findings : []).filter((f) => f && typeof f === 'object');
  const order = { error: 0, warning: 1, info: 2 } as const;
  for (const f of [...findings].sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3))) {
    const row = info.addRow([SEVERITY_LABEL[f.severity] ?? String(f.severity), `${String(f.message ?? '')}\n[${String(f.rule ?? '')}] ${Array.isArray(f.cells) ? f.cells.join(', ') : ''}`]);
    row.alignment = { wrapText: true, vertical: 'top' };
  }

  const version = templateOf(report);
  if (version) {
    for (const t of templateLayout(version).tables) {
      const ws = wb.addWorksheet(sheetName(t.title));
      const table = report.tables?.[t.key];
      ws.getCell(1, 1).value = t.title;
      ws.getCell(1, 1).font = { bold: true, size: 13 };
      const top = 3;
      if (!table) {
        ws.getCell(top, 1).value = '原文中没有此表（可能以图片或附件发布） / table absent from the source';
        continue;
      }
      for (const { r, c, cell } of placeGrid(t.rows)) {
        const row = top + r, col = 1 + c;
        const rs = cell.rowspan ?? 1, cs = cell.colspan ?? 1;
        if (rs > 1 || cs > 1) ws.mergeCells(row, col, row + rs - 1, col + cs - 1);
        const x = ws.getCell(row, col);
        x.border = BORDER;
        x.alignment = { vertical: 'middle', horizontal: cell.kind === 'data' ? 'right' : cell.kind === 'label' || cell.kind === 'group' ? 'left' : 'center', wrapText: true, ...(cell.vertical ? { textRotation: 'vertical' as const } : {}) };
        if (cell.kind !== 'data') {
          x.value = cell.text ?? '';
          if (cell.kind === 'head' || cell.kind === 'caption' || cell.kind === 'corner') {
            x.font = { bold: cell.kind !== 'corner', size: cell.kind === 'corner' ? 9 : 10 };
            x.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF1F3F5' } };
          }
          continue;
        }
        const v = cellAt(report, t.key, cell.row!, cell.column!);
        x.value = shown(v);
        if (v) {
          if (FILL[v.status]) x.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[v.status]! } };
          if (FONT[v.status]) x.font = { color: { argb: FONT[v.status]! } };
          if (v.status !== 'read') x.note = `${STATUS[v.status].long} ${STATUS[v.status].en}` + (v.status === 'ambiguous' ? `：${candidatesOf(v).join(' / ')}` : '');
        }
        if (cell.money && typeof x.value === 'number') x.numFmt = '0.######';
      }
      // Column widths: label columns wide, number columns narrow.
      const labelCols = new Set(placeGrid(t.rows).filter((p) => p.cell.kind === 'label' || p.cell.kind === 'group').map((p) => p.c));
      for (let c = 0; c < t.columns; c++) ws.getColumn(c + 1).width = labelCols.has(c) ? (t.key === 'active' ? 18 : c === 0 && t.columns > 9 ? 6 : 16) : 11;
      const legend = top + t.rows.length + 1;
      ws.getCell(legend, 1).value = '图例：黄色=存疑（?候选值） 蓝色=推算 红色“缺”=原文缺失 灰色=空白按 0 / legend: yellow ambiguous, blue inferred, red missing, grey blank';
      ws.getCell(legend, 1).font = { size: 9, color: { argb: 'FF666666' } };
    }
  }

  const cells = wb.addWorksheet('单元格 Cells');
  cells.addRow(['table', 'row', 'column', 'value', 'status', 'candidates']).font = { bold: true };
  if (version) {
    for (const p of cellPaths(version)) {
      const cell = cellAt(report, p.table, p.row, p.column);
      if (cell) cells.addRow([p.table, p.row, p.column, num(cell.value), cell.status, candidatesOf(cell).join(';')]);
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A posted report is used only if it has the contract's outline. */
export function looksLikeReport(x: unknown): x is Report {
  if (!x || typeof x !== 'object') return false;
  const r = x as Partial<Report>;
  return r.schema === 'gongkai/report@1' && !!r.meta && typeof r.meta === 'object' && !!r.tables && typeof r.tables === 'object';
}
