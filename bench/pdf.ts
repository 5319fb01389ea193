// PDF decoding speed: the decoder alone (pdf.js text layer + drawing, lines and tables rebuilt),
// without the text pipeline. Wired into the bench runner elsewhere.
import { readFileSync } from 'node:fs';
import { decodePdf } from '../src/decode/pdf.js';
import { DEFAULT_LIMITS } from '../src/decode/types.js';

/**
 * Decodes each file once and returns the pages decoded and the wall-clock seconds spent (pages /
 * seconds is the throughput). Files that fail to decode count their time but no pages.
 */
export async function benchPdf(files: string[]): Promise<{ pages: number; seconds: number }> {
  let pages = 0;
  let ns = 0n;
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    const start = process.hrtime.bigint();
    try {
      const d = await decodePdf(bytes, DEFAULT_LIMITS);
      pages += d.pages ?? 0;
    } catch {
      // a broken file: its time counts, its pages do not
    }
    ns += process.hrtime.bigint() - start;
  }
  return { pages, seconds: Number(ns) / 1e9 };
}
