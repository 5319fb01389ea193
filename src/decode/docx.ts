// DOCX → text for the text pipeline, read from the OOXML directly (fflate unzips, htmlparser2
// reads the XML): paragraphs as lines, tables as one line per row with " | " between cells,
// w:gridSpan (colspan) as empty filler cells, w:vMerge continuation cells empty (rowspan).
// mammoth's HTML drops vMerge, so it would lose the merged group labels' structure.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { Parser } from 'htmlparser2';
import { InputError } from '../types.js';
import type { DecodedDocument, DecodeLimits } from './types.js';

function unzipDocument(bytes: Uint8Array, limits: DecodeLimits): string {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(file) {
        const wanted = file.name === 'word/document.xml';
        if (!wanted) return false;
        total += file.originalSize;
        if (file.originalSize > limits.maxUnzippedBytes || total > limits.maxUnzippedBytes) {
          throw new InputError(`DOCX 解压后过大（超过 ${Math.round(limits.maxUnzippedBytes / 1048576)} MB），可能是压缩炸弹 / the DOCX inflates past the limit (zip bomb?)`, 'docx_too_large');
        }
        return true;
      },
    });
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('DOCX 文件已损坏，无法解压 / the DOCX is broken (not a valid zip)', 'docx_broken');
  }
  const doc = files['word/document.xml'];
  if (!doc) throw new InputError('DOCX 中没有正文（word/document.xml） / no word/document.xml in the DOCX', 'docx_broken');
  if (doc.length > limits.maxUnzippedBytes) throw new InputError('DOCX 正文过大 / the DOCX body is too large', 'docx_too_large');
  return Buffer.from(doc).toString('utf8');
}

interface TCell { text: string; span: number; merge: 'none' | 'restart' | 'continue' }

export function decodeDocx(bytes: Uint8Array, limits: DecodeLimits): DecodedDocument {
  const xml = unzipDocument(bytes, limits);
  const out: string[] = [];
  let para = '';
  // nested tables: a stack; text inside a nested table joins its enclosing cell
  const tables: { rows: TCell[][]; cell: TCell | null }[] = [];
  const parser = new Parser({
    onopentag(name, attrs) {
      const t = tables[tables.length - 1];
      switch (name) {
        case 'w:tbl':
          if (t?.cell) return;
          tables.push({ rows: [], cell: null });
          return;
        case 'w:tr':
          if (t && !t.cell) t.rows.push([]);
          return;
        case 'w:tc':
          if (t && !t.cell) {
            if (!t.rows.length) t.rows.push([]);
            t.cell = { text: '', span: 1, merge: 'none' };
            t.rows[t.rows.length - 1].push(t.cell);
          }
          return;
        case 'w:gridspan':
          if (t?.cell) t.cell.span = Math.min(100, Number(attrs['w:val']) || 1);
          return;
        case 'w:vmerge':
          if (t?.cell) t.cell.merge = attrs['w:val'] === 'restart' ? 'restart' : 'continue';
          return;
        case 'w:tab':
          if (t?.cell) t.cell.text += ' '; else para += '\t';
          return;
        case 'w:br':
        case 'w:cr':
          if (!t?.cell) { out.push(para); para = ''; }
          return;
      }
    },
    ontext(text) {
      // only w:t holds text; XML whitespace between elements is dropped by the trim below
      const t = tables[tables.length - 1];
      if (!/\S/.test(text)) return;
      if (t?.cell) t.cell.text += text;
      else para += text;
    },
    onclosetag(name) {
      const t = tables[tables.length - 1];
      if (name === 'w:p') {
        if (t?.cell) { if (/\d$/.test(t.cell.text)) t.cell.text += ' '; return; }
        out.push(para);
        para = '';
      } else if (name === 'w:tc' && t?.cell) {
        t.cell.text = t.cell.text.replace(/\s+/g, ' ').trim();
        t.cell = null;
      } else if (name === 'w:tbl' && t && !t.cell) {
        tables.pop();
        for (const row of t.rows) {
          const cells: string[] = [];
          for (const c of row) {
            cells.push(c.merge === 'continue' ? '' : c.text);
            for (let i = 1; i < c.span; i++) cells.push('');
          }
          out.push(`${cells.join(' | ')} |`);
        }
      }
    },
  }, { xmlMode: true, decodeEntities: true, lowerCaseTags: true });
  parser.write(xml);
  parser.end();
  if (para) out.push(para);
  const text = out.map((l) => l.replace(/[ \t]+/g, ' ').trim()).filter((l, i, a) => l !== '' || (i > 0 && a[i - 1] !== '')).join('\n');
  if (text.trim() === '') throw new InputError('DOCX 中没有文字 / the DOCX has no text', 'empty');
  return { format: 'docx', encoding: 'binary', text };
}

/** Word 97 .doc: converted with LibreOffice when it is installed, else refused with what to do. */
export function decodeLegacyDoc(bytes: Uint8Array, limits: DecodeLimits): DecodedDocument {
  const probe = spawnSync('soffice', ['--version'], { timeout: 10_000 });
  if (probe.error || probe.status !== 0) {
    throw new InputError('不支持旧版 .doc 文件：请用 Word/WPS 另存为 .docx 或 PDF，或安装 LibreOffice 后重试 / legacy .doc is not supported without LibreOffice: save it as .docx or PDF', 'doc_unsupported');
  }
  const dir = mkdtempSync(join(tmpdir(), 'gongkai-doc-'));
  try {
    writeFileSync(join(dir, 'in.doc'), bytes);
    const run = spawnSync('soffice', ['--headless', '--convert-to', 'docx', '--outdir', dir, join(dir, 'in.doc')], { timeout: limits.timeoutMs });
    const produced = readdirSync(dir).find((f) => f.endsWith('.docx'));
    if (run.status !== 0 || !produced) throw new InputError('LibreOffice 无法转换该 .doc 文件 / LibreOffice could not convert the .doc', 'doc_broken');
    return { ...decodeDocx(readFileSync(join(dir, produced)), limits), format: 'docx' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
