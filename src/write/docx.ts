// .docx in the layout of the official template (国办公开办函〔2021〕30号, the document
// ../shared/spec/official-template-2021.docx): A4 with its margins; tables centred, 9,740 twips
// wide, fixed layout, single 1 pt borders, merged header cells (w:gridSpan, w:vMerge), 10 pt 宋体
// with the 第二十条 captions of table 二 shaded as the template shades them. The prose follows
// the usual style of government documents: title 方正小标宋简体 二号, headings 黑体 三号,
// sub-headings 楷体_GB2312, body 仿宋_GB2312 三号 with a two-character indent and a fixed 28 pt
// line. Fonts a machine lacks fall back through the font table (w:altName and the GB2312
// charset) to the fonts every Chinese Windows, WPS and LibreOffice install has.

import {
  AlignmentType, BorderStyle, Document, LineRuleType, Packer, Paragraph, ShadingType, Table, TableCell,
  TableLayoutType, TableRow, TextRun, VerticalAlign, WidthType, type IBorderOptions,
} from 'docx';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { MARK_LEGEND, startColumns, TABLE_ABSENT_TEXT, type DocTable, type GridCell, type ReportDocument } from './document.js';

/** Page of the reference document (twips): A4, 1440 top and bottom, 1800 left and right. */
const PAGE = { width: 11906, height: 16838, margin: { top: 1440, bottom: 1440, left: 1800, right: 1800, header: 851, footer: 992 } };
const TABLE_WIDTH = 9740;

/** Fonts as the documents name them, each with what it falls back to where it is not installed. */
export const FONTS = {
  title: { name: '方正小标宋简体', fallback: '宋体' },
  heading: { name: '黑体', fallback: 'SimHei' },
  subheading: { name: '楷体_GB2312', fallback: '楷体' },
  body: { name: '仿宋_GB2312', fallback: '仿宋' },
  table: { name: '宋体', fallback: 'SimSun' },
  latin: { name: 'Times New Roman', fallback: 'Liberation Serif' },
} as const;

type FontRole = keyof typeof FONTS;

const run = (text: string, role: FontRole, halfPoints: number, extra: { bold?: boolean; highlight?: 'yellow' } = {}) =>
  new TextRun({ text, font: { ascii: FONTS.latin.name, hAnsi: FONTS.latin.name, eastAsia: FONTS[role].name, cs: FONTS.latin.name }, size: halfPoints, ...extra });

/** 二号 22 pt, 三号 16 pt, 10 pt in the tables (the reference's w:sz 20). */
const SIZE = { title: 44, text: 32, table: 20 };
const LINE = { line: 560, lineRule: LineRuleType.EXACT };

const border: IBorderOptions = { style: BorderStyle.SINGLE, size: 8, color: '000000' };
const BORDERS = { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border };

function bodyParagraph(text: string): Paragraph {
  return new Paragraph({ children: [run(text, 'body', SIZE.text)], indent: { firstLine: 640 }, spacing: LINE, alignment: AlignmentType.JUSTIFIED });
}

/** Column widths (twips): data columns equal; a nested label block (table 三) narrow outer columns and a wide last one. */
function columnWidths(t: DocTable): number[] {
  const last = t.rows[t.rows.length - 1];
  let labelCols = 0;
  for (const c of last) if (c.kind !== 'data') labelCols += c.colspan ?? 1;
  if (labelCols <= 1) return equal(t.columns, TABLE_WIDTH);
  const dataCols = t.columns - labelCols;
  const dataWidth = Math.round(TABLE_WIDTH * 0.49 / dataCols);
  const labelWidth = TABLE_WIDTH - dataWidth * dataCols;
  const outer = Math.round(labelWidth * 0.17);
  return [...Array(labelCols - 1).fill(outer), labelWidth - outer * (labelCols - 1), ...Array(dataCols).fill(dataWidth)];
}

function equal(n: number, total: number): number[] {
  const each = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? total - each * (n - 1) : each));
}

function cellOf(c: GridCell, width: number): TableCell {
  return new TableCell({
    children: [new Paragraph({
      children: [run(c.text, 'table', SIZE.table, c.mark ? { highlight: 'yellow' } : {})],
      alignment: c.align === 'left' ? AlignmentType.LEFT : AlignmentType.CENTER,
    })],
    ...(c.colspan && c.colspan > 1 ? { columnSpan: c.colspan } : {}),
    ...(c.rowspan && c.rowspan > 1 ? { rowSpan: c.rowspan } : {}),
    width: { size: width, type: WidthType.DXA },
    verticalAlign: VerticalAlign.CENTER,
    margins: { left: 57, right: 57 },
    ...(c.kind === 'caption' ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'C6D9F1' } } : {}),
  });
}

function tableOf(t: DocTable): (Paragraph | Table)[] {
  const widths = columnWidths(t);
  const starts = startColumns(t);
  const rows = t.rows.map((line, r) => new TableRow({
    cantSplit: true,
    tableHeader: r < t.headerRows,
    // A cell is as wide as the grid columns it covers.
    children: line.map((c, i) => cellOf(c, widths.slice(starts[r][i], starts[r][i] + (c.colspan ?? 1)).reduce((a, b) => a + b, 0))),
  }));
  const table = new Table({
    rows, columnWidths: widths, width: { size: TABLE_WIDTH, type: WidthType.DXA }, layout: TableLayoutType.FIXED,
    alignment: AlignmentType.CENTER, borders: BORDERS,
  });
  const notes = t.notes.length ? [MARK_LEGEND, ...t.notes].map((n) => new Paragraph({ children: [run(n, 'body', SIZE.table * 1.2)] })) : [];
  return [table, ...notes];
}

export async function renderDocx(doc: ReportDocument): Promise<Uint8Array> {
  const children: (Paragraph | Table)[] = [
    new Paragraph({ children: [run(doc.title, 'title', SIZE.title)], alignment: AlignmentType.CENTER, spacing: { after: 400, line: 700, lineRule: LineRuleType.EXACT } }),
    ...doc.preamble.map((p) => bodyParagraph(p.text)),
  ];
  for (const s of doc.sections) {
    children.push(new Paragraph({ children: [run(s.heading, 'heading', SIZE.text)], indent: { firstLine: 640 }, spacing: LINE }));
    for (const p of s.paragraphs) {
      children.push(p.subheading
        ? new Paragraph({ children: [run(p.text, 'subheading', SIZE.text)], indent: { firstLine: 640 }, spacing: LINE })
        : bodyParagraph(p.text));
    }
    if (s.table === null) children.push(bodyParagraph(TABLE_ABSENT_TEXT));
    else if (s.table) children.push(...tableOf(s.table));
  }
  for (const line of [doc.signature.agency, doc.signature.date]) {
    if (line) children.push(new Paragraph({ children: [run(line, 'body', SIZE.text)], alignment: AlignmentType.RIGHT, spacing: LINE, indent: { right: 640 } }));
  }
  const document = new Document({
    creator: 'Gongkai', title: doc.title,
    styles: { default: { document: { run: { font: { ascii: FONTS.latin.name, hAnsi: FONTS.latin.name, eastAsia: FONTS.body.name }, size: SIZE.text } } } },
    sections: [{ properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: PAGE.margin } }, children }],
  });
  return withFontFallbacks(await Packer.toBuffer(document));
}

/**
 * The font table names every East Asian font with its fallback (w:altName) and the GB2312
 * character set, so Word, WPS and LibreOffice substitute a Chinese font of the same kind on a
 * machine without it instead of a Latin default.
 */
function withFontFallbacks(bytes: Uint8Array): Uint8Array {
  const files = unzipSync(bytes);
  const entries = Object.values(FONTS).map((f) => {
    const cjk = /[^\x00-\x7f]/.test(f.name);
    return `<w:font w:name="${f.name}"><w:altName w:val="${f.fallback}"/><w:charset w:val="${cjk ? '86' : '00'}"/><w:family w:val="${cjk ? 'modern' : 'roman'}"/><w:pitch w:val="${cjk ? 'fixed' : 'variable'}"/></w:font>`;
  }).join('');
  const path = 'word/fontTable.xml';
  const existing = files[path] ? strFromU8(files[path]) : null;
  const xml = existing && existing.includes('</w:fonts>')
    ? existing.replace(/<w:font w:name="[^"]*"(?:\/>|>[\s\S]*?<\/w:font>)/g, '').replace('</w:fonts>', `${entries}</w:fonts>`)
    : `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${entries}</w:fonts>`;
  files[path] = strToU8(xml);
  if (!existing) {
    // A font table part the package did not write needs its relationship and content type.
    const rels = 'word/_rels/document.xml.rels';
    files[rels] = strToU8(strFromU8(files[rels]).replace('</Relationships>', '<Relationship Id="rIdGongkaiFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/></Relationships>'));
    const types = '[Content_Types].xml';
    files[types] = strToU8(strFromU8(files[types]).replace('</Types>', '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/></Types>'));
  }
  return zipSync(files, { level: 6 });
}
