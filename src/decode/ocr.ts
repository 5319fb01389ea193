// OCR of scanned PDFs (no text layer), only when the user asks for it (limits.ocr) and the tools
// are installed: poppler's `pdftoppm` renders the pages, `tesseract` with `chi_sim` reads them.
// Both are Debian packages (poppler-utils, tesseract-ocr, tesseract-ocr-chi-sim); Node has no
// maintained pure-JS renderer + Chinese OCR of comparable quality, hence the external commands.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecodeLimits } from './types.js';

export function ocrAvailable(): { ok: boolean; missing: string[] } {
  const missing: string[] = [];
  const has = (cmd: string, args: string[]) => {
    try {
      return spawnSync(cmd, args, { timeout: 5000 }).status === 0;
    } catch {
      return false;
    }
  };
  if (!has('pdftoppm', ['-v'])) missing.push('pdftoppm (poppler-utils)');
  const langs = spawnSync('tesseract', ['--list-langs'], { timeout: 5000, encoding: 'utf8' });
  if (langs.status !== 0) missing.push('tesseract (tesseract-ocr)');
  else if (!`${langs.stdout}${langs.stderr}`.split(/\s+/).includes('chi_sim')) missing.push('chi_sim (tesseract-ocr-chi-sim)');
  return { ok: missing.length === 0, missing };
}

/** The pages' text by OCR, pages joined by newlines; null when the tools fail. */
export function ocrPdf(bytes: Uint8Array, pages: number, limits: DecodeLimits): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'gongkai-ocr-'));
  const deadline = Date.now() + limits.timeoutMs;
  try {
    writeFileSync(join(dir, 'in.pdf'), bytes);
    const last = Math.min(pages, limits.maxPages);
    const render = spawnSync('pdftoppm', ['-r', '300', '-gray', '-png', '-l', String(last), join(dir, 'in.pdf'), join(dir, 'p')], { timeout: limits.timeoutMs });
    if (render.status !== 0) return null;
    const images = readdirSync(dir).filter((f) => f.startsWith('p') && f.endsWith('.png')).sort();
    const texts: string[] = [];
    for (const img of images) {
      const left = deadline - Date.now();
      if (left <= 0) return null;
      // psm 3 (automatic layout): table cells come out one per line, a form the parser reads
      const r = spawnSync('tesseract', [join(dir, img), 'stdout', '-l', 'chi_sim', '--psm', '3'], { timeout: left, encoding: 'utf8', maxBuffer: 32 << 20 });
      if (r.status !== 0) return null;
      // tesseract puts spaces between Chinese characters: drop them, keep those between digits
      texts.push(r.stdout.replace(/(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])/g, ''));
    }
    return texts.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
