// The same report in every published form — the official 2021 template (Word) filled in, and
// LibreOffice's HTML and PDF of it (test/fixtures/docx/make.mjs) — gives the same cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../src/parse.js';
import { fixture, wrongCells } from './helpers.js';

const truth = JSON.parse(fixture('docx', 'report-2021.truth.json').toString('utf8')) as { agency: string; year: number; template: string; cells: Record<string, number> };

for (const [form, format] of [['docx', 'docx'], ['html', 'html'], ['pdf', 'pdf']] as const) {
  test(`report-2021.${form}: every cell of the filled official template, meta, format`, async () => {
    const r = await parseDocument(fixture('docx', `report-2021.${form}`), { path: `report-2021.${form}` });
    assert.equal(r.source.format, format);
    assert.equal(r.meta.template, truth.template);
    assert.equal(r.meta.year, truth.year);
    assert.equal(r.meta.agency, truth.agency);
    assert.deepEqual(wrongCells(r, Object.entries(truth.cells)).slice(0, 8), []);
    if (form === 'pdf') assert.ok(Object.values(r.tables.requests!.new_received).every((c) => typeof c.page === 'number' && c.box?.length === 4));
  });
}
