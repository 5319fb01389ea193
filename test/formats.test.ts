// Reports as published: HTML pages (GBK, nested markup, rowspan/colspan, inside a JSON string)
// and DOCX (gridSpan, vMerge), built from the same generated report: the same cells come out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { zipSync, strToU8 } from 'fflate';
import { parseReport, parseDocument } from '../src/parse.js';
import { detectFormat } from '../src/decode/detect.js';
import { DEFAULT_LIMITS } from '../src/decode/types.js';
import { decodeDocx } from '../src/decode/docx.js';
import { decodeHtml } from '../src/decode/html.js';
import { generateReport, mulberry32 } from '../src/generate/report.js';
import { InputError, type Report } from '../src/types.js';
import { wrongCells } from './helpers.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const g = generateReport(mulberry32(11), { form: 'pipes', size: 'medium', version: '2021' });
const lines = g.text.split('\n');
const cellsOf = (l: string) => l.split('|').map((s) => s.trim()).slice(0, -1);

/** The generated report as a government web page: tables with merged group cells. */
function asHtml(): string {
  let html = '<!DOCTYPE html><html><head><meta charset="gb2312"><style>p{}</style><script>var x="<table>";</script></head><body>'
    + '<div class="nav">首页 &gt; 政务公开</div><div class="article"><div class="content">';
  let table: string[] = [];
  const flushTable = () => {
    if (!table.length) return;
    html += '<table><tbody>' + table.join('') + '</tbody></table>';
    table = [];
  };
  for (const l of lines) {
    if (!l.includes('|')) { flushTable(); html += `<p><span>${esc(l)}</span></p>`; continue; }
    const cells = cellsOf(l);
    table.push('<tr>' + cells.map((c, i) => (i === 0 && /^\(六\)|^\(三\)|^\(四\)|^\(五\)/.test(c) ? `<td rowspan="1">${esc(c)}</td>` : `<td><p>${c === '' ? '&nbsp;' : esc(c).replace(/(\d)/, '$1')}</p></td>`)).join('') + '</tr>');
  }
  flushTable();
  return html + '</div></div><div class="footer">主办单位</div></body></html>';
}

function check(r: Report) {
  assert.deepEqual(wrongCells(r, Object.entries(g.cells)).slice(0, 5), []);
  assert.equal(r.meta.agency, g.agency);
}

test('HTML in GB2312 declared by <meta>: detected by content, every cell right', () => {
  const bytes = iconv.encode(asHtml(), 'gbk');
  assert.equal(detectFormat(bytes), 'html');
  const r = parseReport(bytes, { path: 'report.txt' });
  assert.equal(r.source.format, 'html');
  assert.equal(r.source.encoding, 'gb18030');
  check(r);
});

test('HTML in GBK with no charset declaration', () => {
  const r = parseReport(iconv.encode(asHtml().replace('<meta charset="gb2312">', ''), 'gbk'));
  assert.equal(r.source.encoding, 'gb18030');
  check(r);
});

test('HTML inside a JSON string (escaped quotes and \\u003c)', () => {
  const json = JSON.stringify({ code: 0, data: { title: 'x', content: asHtml() } }).replace(/</g, '\\u003c');
  const r = parseReport(Buffer.from(json));
  assert.equal(r.source.format, 'html');
  check(r);
});

test('a vertical group label with rowspan appears once, in its first row; colspan gives one cell', () => {
  const html = `<table>
    <tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">(一)予以公开</td><td>5</td><td>&nbsp;</td></tr>
    <tr><td colspan="2">(二)部分公开<br>(区分处理的)</td><td>1</td><td>0</td></tr>
    <tr><td>(三)不予公开</td><td>1.属于<span>国家</span>秘密</td><td>0</td><td>0</td></tr></table>`;
  assert.deepEqual(decodeHtml(html).text.split('\n'), [
    '三、本年度办理结果 | (一)予以公开 |  | 5 |  |',
    ' | (二)部分公开(区分处理的) |  | 1 | 0 |',
    ' | (三)不予公开 | 1.属于国家秘密 | 0 | 0 |',
  ]);
});

test('deeply nested HTML parses in bounded time without overflowing the stack', () => {
  const deep = '<div>'.repeat(100_000) + '某某局2021年政府信息公开工作年度报告 一、总体情况' + '</div>'.repeat(100_000);
  const t = Date.now();
  const r = parseReport(deep);
  assert.ok(Date.now() - t < 10_000);
  assert.equal(r.tables.requests, null);
});

/** A minimal DOCX: paragraphs, and tables with w:gridSpan and w:vMerge. */
function docx(body: string): Uint8Array {
  const doc = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
  return zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': strToU8(doc) });
}
const p = (s: string) => `<w:p><w:r><w:t>${esc(s)}</w:t></w:r></w:p>`;
const tc = (s: string, extra = '') => `<w:tc><w:tcPr>${extra}</w:tcPr>${p(s)}</w:tc>`;

test('DOCX: paragraphs and tables (gridSpan, vMerge) give the same cells', async () => {
  let body = '';
  let rows: string[] = [];
  for (const l of lines) {
    if (!l.includes('|')) {
      if (rows.length) { body += `<w:tbl>${rows.join('')}</w:tbl>`; rows = []; }
      body += p(l);
      continue;
    }
    const cells = cellsOf(l);
    rows.push(`<w:tr>${cells.map((c, i) => tc(c, i === 0 && cells.length > 3 ? '<w:gridSpan w:val="1"/>' : '')).join('')}</w:tr>`);
  }
  if (rows.length) body += `<w:tbl>${rows.join('')}</w:tbl>`;
  const bytes = docx(body);
  assert.equal(detectFormat(bytes), 'docx');
  const r = await parseDocument(bytes, { path: 'a.docx' });
  assert.equal(r.source.format, 'docx');
  check(r);
  const merged = decodeDocx(docx(`<w:tbl><w:tr>${tc('三、本年度办理结果', '<w:vMerge w:val="restart"/>')}${tc('(一)予以公开', '<w:gridSpan w:val="2"/>')}${tc('5')}</w:tr><w:tr>${tc('', '<w:vMerge/>')}${tc('(二)部分公开', '<w:gridSpan w:val="2"/>')}${tc('1')}</w:tr></w:tbl>`), DEFAULT_LIMITS);
  assert.deepEqual(merged.text.split('\n'), ['三、本年度办理结果 | (一)予以公开 | | 5 |', '| (二)部分公开 | | 1 |']);
});

test('hostile DOCX and ZIP inputs: not a zip, a zip bomb, a plain zip', () => {
  const notZip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('word/document.xml garbage garbage')]);
  assert.throws(() => parseReport(notZip), (e: unknown) => e instanceof InputError && e.code === 'docx_broken');
  const bomb = zipSync({ 'word/document.xml': new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
  assert.ok(bomb.length < 1024 * 1024);
  assert.throws(() => parseReport(bomb, { limits: { maxUnzippedBytes: 16 * 1024 * 1024 } }), (e: unknown) => e instanceof InputError && e.code === 'docx_too_large');
  assert.throws(() => parseReport(zipSync({ 'a.txt': strToU8('hello') })), (e: unknown) => e instanceof InputError && e.code === 'zip');
});

test('a 60 MB input is refused by size before any decoding', () => {
  const big = new Uint8Array(60 * 1024 * 1024);
  assert.throws(() => parseReport(big), (e: unknown) => e instanceof InputError && e.code === 'too_large');
});
