// PDF: the .docx converted by LibreOffice (`soffice --headless --convert-to pdf`) when it is
// installed — the same document, laid out by a word processor rather than by hand-written PDF
// code. A profile of its own per run (a LibreOffice already open for the user, or a second
// conversion, must not block it) and a time limit; without LibreOffice a clear refusal.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSoffice } from '../decode/docx.js';
import { InputError } from '../types.js';
import { renderDocx } from './docx.js';
import type { ReportDocument } from './document.js';

export const PDF_TIMEOUT_MS = 120_000;

export async function renderPdf(doc: ReportDocument, timeoutMs = PDF_TIMEOUT_MS): Promise<Uint8Array> {
  const soffice = findSoffice();
  if (!soffice) throw new InputError('生成 PDF 需要 LibreOffice（soffice），未安装：请安装 libreoffice-writer，或输出 .docx 后另存为 PDF / PDF output needs LibreOffice (soffice): install it, or render .docx and save it as PDF', 'no_soffice');
  const dir = await mkdtemp(join(tmpdir(), 'gongkai-pdf-'));
  try {
    await writeFile(join(dir, 'report.docx'), await renderDocx(doc));
    const code = await new Promise<number | 'timeout'>((resolve) => {
      const child = spawn(soffice, [
        `-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--norestore', '--nolockcheck',
        '--convert-to', 'pdf', '--outdir', dir, join(dir, 'report.docx'),
      ], { stdio: 'ignore' });
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve('timeout'); }, timeoutMs);
      child.on('error', () => { clearTimeout(timer); resolve(-1); });
      child.on('exit', (c) => { clearTimeout(timer); resolve(c ?? -1); });
    });
    if (code === 'timeout') throw new InputError(`LibreOffice 生成 PDF 超时（${Math.round(timeoutMs / 1000)} 秒） / LibreOffice timed out making the PDF`, 'pdf_timeout');
    try {
      return await readFile(join(dir, 'report.pdf'));
    } catch {
      throw new InputError(`LibreOffice 未能生成 PDF（退出码 ${code}） / LibreOffice did not produce the PDF (exit ${code})`, 'pdf_failed');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
