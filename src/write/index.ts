// Writers: a report JSON → the report as a document (.docx, HTML, plain text; PDF through
// LibreOffice), drawn from one document model (document.ts) so every format says the same thing.

import { buildDocument, type RenderInput, type ReportDocument } from './document.js';
import { renderDocx } from './docx.js';
import { renderHtml } from './html.js';
import { renderPdf } from './pdf.js';
import { renderText } from './text.js';

export { buildDocument, readRenderInput, type RenderInput, type ReportDocument, type UndecidedCell } from './document.js';
export { renderDocx } from './docx.js';
export { renderHtml } from './html.js';
export { renderText } from './text.js';
export { renderPdf } from './pdf.js';

export const FORMATS = ['docx', 'html', 'text', 'pdf'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** Formats that are bytes, not text (never written to a terminal). */
export const BINARY_FORMATS: ReadonlySet<OutputFormat> = new Set(['docx', 'pdf']);

/** The document in one format: bytes for .docx and PDF, UTF-8 text for the others. */
export async function renderDocument(doc: ReportDocument, format: OutputFormat, opts: RenderOptions = {}): Promise<Uint8Array> {
  if (format === 'docx') return renderDocx(doc);
  if (format === 'pdf') return renderPdf(doc);
  return Buffer.from(format === 'html' ? renderHtml(doc, opts) : renderText(doc), 'utf8');
}

export interface RenderOptions {
  /** HTML: only the content of <body>, for a CMS's source view. */
  fragment?: boolean;
}

/** A report, its JSON checked by readRenderInput (bad input is an InputError before anything is drawn) → the document and its bytes. */
export async function renderReport(input: RenderInput, format: OutputFormat, opts: RenderOptions = {}): Promise<{ doc: ReportDocument; bytes: Uint8Array }> {
  const doc = buildDocument(input);
  return { doc, bytes: await renderDocument(doc, format, opts) };
}
