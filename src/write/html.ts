// HTML to paste into a government website's CMS: headings, paragraphs and plain <table> markup
// with rowspan/colspan and border attributes (CMS editors strip classes and style sheets, keep
// these). No script, no style sheet, no image, no external asset; every text escaped.

import { MARK_LEGEND, TABLE_ABSENT_TEXT, type DocTable, type GridCell, type ReportDocument } from './document.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const PARA = 'text-indent:2em;line-height:1.8';

function cellHtml(c: GridCell, header: boolean): string {
  const tag = header ? 'th' : 'td';
  const attrs = [c.colspan && c.colspan > 1 ? ` colspan="${c.colspan}"` : '', c.rowspan && c.rowspan > 1 ? ` rowspan="${c.rowspan}"` : '', ` align="${c.align}"`].join('');
  // An undecided cell is marked for the eye (<mark>) as well as by its sign; the notes say why.
  const text = escapeHtml(c.text);
  return `<${tag}${attrs}>${c.mark ? `<mark>${text}</mark>` : text}</${tag}>`;
}

function tableHtml(t: DocTable): string {
  const lines = ['<table border="1" cellspacing="0" cellpadding="4" width="100%" style="border-collapse:collapse">'];
  t.rows.forEach((row, i) => {
    // Captions of table 二 (第二十条第(一)项) and the header rows are headings of the columns.
    const header = i < t.headerRows || row.every((c) => c.kind === 'caption' || c.kind === 'head' || c.kind === 'corner');
    lines.push(`<tr>${row.map((c) => cellHtml(c, header)).join('')}</tr>`);
  });
  lines.push('</table>');
  if (t.notes.length) lines.push(...[MARK_LEGEND, ...t.notes].map((n) => `<p>${escapeHtml(n)}</p>`));
  return lines.join('\n');
}

/**
 * A whole page, or with `fragment` only what goes inside <body> — what a CMS's source view takes
 * (a pasted <html>/<head> would end up inside the site's own page).
 */
export function renderHtml(doc: ReportDocument, opts: { fragment?: boolean } = {}): string {
  const out = [`<h1 style="text-align:center">${escapeHtml(doc.title)}</h1>`];
  for (const p of doc.preamble) out.push(`<p style="${PARA}">${escapeHtml(p.text)}</p>`);
  for (const s of doc.sections) {
    out.push(`<h2>${escapeHtml(s.heading)}</h2>`);
    for (const p of s.paragraphs) out.push(p.subheading ? `<h3>${escapeHtml(p.text)}</h3>` : `<p style="${PARA}">${escapeHtml(p.text)}</p>`);
    if (s.table === null) out.push(`<p>${escapeHtml(TABLE_ABSENT_TEXT)}</p>`);
    else if (s.table) out.push(tableHtml(s.table));
  }
  if (doc.signature.agency) out.push(`<p style="text-align:right">${escapeHtml(doc.signature.agency)}</p>`);
  if (doc.signature.date) out.push(`<p style="text-align:right">${escapeHtml(doc.signature.date)}</p>`);
  if (opts.fragment) return out.join('\n') + '\n';
  return ['<!DOCTYPE html>', '<html lang="zh-CN">', `<head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title></head>`, '<body>', ...out, '</body>', '</html>'].join('\n') + '\n';
}
