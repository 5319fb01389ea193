// A scanned PDF (an image, no text layer): refused politely by default; with OCR (when poppler
// and tesseract with chi_sim are installed) read, every number only a candidate, never certain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../src/parse.js';
import { ocrAvailable } from '../src/decode/ocr.js';
import { fixture } from './helpers.js';

const scanned = fixture('pdf', 'scanned-table.pdf');

test('scanned PDF without OCR: no-text-layer finding, tables null', async () => {
  const r = await parseDocument(scanned, { path: 'scanned-table.pdf' });
  assert.ok(r.findings.some((f) => f.rule === 'pdf.no_text_layer'));
  assert.equal(r.tables.requests, null);
  assert.equal(r.tables.active, null);
});

const tools = ocrAvailable();
test('scanned PDF with OCR: cells are candidates marked ocr, never confident', { skip: tools.ok ? false : `OCR tools missing: ${tools.missing.join(', ')}` }, async () => {
  const r = await parseDocument(scanned, { path: 'scanned-table.pdf', limits: { ocr: true } });
  assert.ok(r.findings.some((f) => f.rule === 'pdf.ocr'));
  let seen = 0;
  for (const table of Object.values(r.tables)) {
    for (const row of Object.values(table ?? {})) {
      for (const cell of Object.values(row)) {
        assert.ok(!['read', 'inferred', 'blank'].includes(cell.status), JSON.stringify(cell));
        if (cell.ocr) seen++;
      }
    }
  }
  assert.ok(seen > 0, 'some cells were read by OCR');
  // the checks ran on the final statuses: every undecided cell is listed as such, and no rule is
  // reported broken or a blank total restored on cells the report no longer treats as certain
  const listed = new Set(r.findings.filter((f) => f.rule === 'cell.ambiguous').flatMap((f) => f.cells));
  for (const [tk, table] of Object.entries(r.tables)) {
    for (const [rk, row] of Object.entries(table ?? {})) {
      for (const [ck, cell] of Object.entries(row)) if (cell.status === 'ambiguous') assert.ok(listed.has(`${tk}.${rk}.${ck}`), `${tk}.${rk}.${ck} not listed`);
    }
  }
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error' || /blank_total$/.test(f.rule)), []);
});
