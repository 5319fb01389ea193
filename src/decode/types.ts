// What every decoder produces: text the text pipeline reads (tables as one line per row, cells
// separated by " | " so real cell boundaries are strong separators for the solver), and for
// PDFs where each piece of text sits on the page.

import type { Finding } from '../types.js';

export type SourceFormat = 'text' | 'html' | 'pdf' | 'docx';

export interface Box {
  /** 1-based page number. */
  page: number;
  /** PDF user-space units, origin top-left of the page. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DecodedDocument {
  format: SourceFormat;
  /** Character encoding of the bytes (text/HTML), or the container's ('binary' for PDF/DOCX). */
  encoding: string;
  text: string;
  /** Text spans [start, end) of `text` with the page box they came from (PDF). */
  boxes?: { start: number; end: number; box: Box }[];
  /** Facts about the document itself (no text layer, OCR used, …). */
  findings?: Finding[];
  pages?: number;
  /** The text came from OCR: every number read from it is less certain. */
  ocr?: boolean;
  /** A PDF without a usable text layer (scanned, or fonts without a Unicode map): read by OCR or not at all. */
  noTextLayer?: boolean;
}

export interface DecodeLimits {
  /** Largest input in bytes (default 50 MB). */
  maxBytes: number;
  /** Most PDF pages read (default 500). */
  maxPages: number;
  /** Largest uncompressed size of a DOCX's parts (default 200 MB): zip bombs. */
  maxUnzippedBytes: number;
  /** Wall-clock time per document in ms (default 60 s). */
  timeoutMs: number;
  /** Run OCR (tesseract chi_sim) on PDFs without a text layer, when tesseract is installed. */
  ocr: boolean;
}

export const DEFAULT_LIMITS: DecodeLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxPages: 500,
  maxUnzippedBytes: 200 * 1024 * 1024,
  timeoutMs: 60_000,
  ocr: false,
};
