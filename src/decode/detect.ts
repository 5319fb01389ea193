// Format detection by content (magic bytes and markup), never by file extension.

import type { SourceFormat } from './types.js';

export type DetectedFormat = SourceFormat | 'doc' | 'zip' | 'binary';

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

export function detectFormat(bytes: Uint8Array): DetectedFormat {
  // %PDF may follow a little junk (some servers prepend bytes): look in the first 1 KB.
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const probe = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64 * 1024))).toString('latin1');
    return probe.includes('word/') || probe.includes('[Content_Types].xml') ? 'docx' : 'zip';
  }
  // OLE2 compound file: legacy Word 97 .doc (or .xls …)
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'doc';
  const sample = Buffer.from(bytes.subarray(0, 4096)).toString('latin1').toLowerCase();
  if (/<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|table[\s>]|div[\s>]|p[\s>]|meta\s)/.test(sample)) return 'html';
  // HTML stored inside a JSON or JavaScript string: escaped tags
  if (/\\u003c(table|div|p|html)|<\\\/(td|p|div)>|\\"[^"]{0,40}<(table|td|p)/i.test(sample)) return 'html';
  return 'text';
}
