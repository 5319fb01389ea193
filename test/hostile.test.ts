// Hostile and broken inputs: each gives a clear InputError (Chinese first, English after " / ")
// or, for deeply nested HTML, a report with null tables — never a crash, a hang or a blown stack.
// No wall-clock limits here (the CI machine is loaded): that nothing hangs is the fuzz harness's
// deadline (test/fuzz.test.ts, bench/fuzz), its times are in the README.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inflateSync, strToU8, zipSync } from 'fflate';
import { deflateZeros, zipOf } from '../bench/fuzz/zip-bomb.js';
import { parseDocument, parseReport } from '../src/parse.js';
import { detectFormat } from '../src/decode/detect.js';
import { DEFAULT_LIMITS } from '../src/decode/types.js';
import { decodeDocx } from '../src/decode/docx.js';
import { decodeHtml } from '../src/decode/html.js';
import { InputError } from '../src/types.js';
import { fixture } from './helpers.js';

/** An InputError with this code and a bilingual message. */
const inputError = (code: string) => (e: unknown) => {
  assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, /[\u4e00-\u9fff].* \/ [A-Za-z]/, 'message is Chinese first, English after " / "');
  return true;
};


describe('DOCX and ZIP', () => {
  test('the hand-made deflate stream is real: it inflates to its zeros, and the zip around it opens', () => {
    assert.deepEqual(inflateSync(deflateZeros(100_000)), new Uint8Array(100_000));
    // 100 000 zero bytes are no XML: read without complaint, and no text in them
    assert.throws(() => decodeDocx(zipOf(deflateZeros(100_000), 100_000), DEFAULT_LIMITS), inputError('empty'));
  });

  test('a "DOCX" that is not a zip: PK header then text', () => {
    const fake = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from('word/document.xml 这不是压缩包 '.repeat(20))]);
    assert.equal(detectFormat(fake), 'docx');
    assert.throws(() => parseReport(fake), inputError('docx_broken'));
  });

  test('a real DOCX cut short, and one with its deflate data scrambled', async () => {
    const good = fixture('docx', 'gov-2021.docx');
    assert.throws(() => parseReport(good.subarray(0, Math.floor(good.length * 0.6))), inputError('docx_broken'));
    await assert.rejects(parseDocument(good.subarray(0, 4096)), inputError('docx_broken'));
    // cut before the first word/ entry name, it is a zip like any other (detect.ts)
    assert.throws(() => parseReport(good.subarray(0, 200)), inputError('zip'));
    // a deflate stream starting with the reserved block type (BTYPE = 11) never inflates
    const reserved = new Uint8Array(50_000);
    reserved.set(randomBytes(50_000));
    reserved[0] = 0x07;
    assert.throws(() => parseReport(zipOf(reserved, 1_000_000)), inputError('docx_broken'));
  });

  test('a zip bomb declaring 300 MB: refused from its directory, before inflating (default limits)', () => {
    const bomb = zipOf(deflateZeros(300 * 1024 * 1024), 300 * 1024 * 1024);
    assert.ok(bomb.length < 3 * 1024 * 1024, `${bomb.length} bytes`);
    assert.throws(() => parseReport(bomb), inputError('docx_too_large'));
  });

  test('a zip bomb lying about its size (declares 2 KB, inflates to 300 MB): inflation stops at the limit', () => {
    const liar = zipOf(deflateZeros(300 * 1024 * 1024), 2048);
    assert.throws(() => parseReport(liar, { limits: { maxUnzippedBytes: 16 * 1024 * 1024 } }), inputError('docx_too_large'));
    assert.throws(() => parseReport(liar), inputError('docx_too_large'));
  });

  test('many entries whose declared sizes add up past the limit; fflate\'s own bomb (64 MB of zeros)', () => {
    const files: Record<string, Uint8Array> = { 'word/document.xml': strToU8('<w:document/>') };
    for (let i = 0; i < 30; i++) files[`word/media/image${i}.bin`] = new Uint8Array(1024 * 1024);
    assert.throws(() => parseReport(zipSync(files, { level: 1 }), { limits: { maxUnzippedBytes: 20 * 1024 * 1024 } }), inputError('docx_too_large'));
    const bomb = zipSync({ 'word/document.xml': new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
    assert.throws(() => parseReport(bomb, { limits: { maxUnzippedBytes: 16 * 1024 * 1024 } }), inputError('docx_too_large'));
  });

  test('a zip that is not a report', () => {
    assert.throws(() => parseReport(zipSync({ 'a.txt': strToU8('hello') })), inputError('zip'));
  });
});

describe('size, emptiness, garbage', () => {
  test('a 60 MB input is refused by its size before any decoding (sync and async)', async () => {
    const big = new Uint8Array(60 * 1024 * 1024);
    big.set(Buffer.from('<html><body>'), 0);
    assert.throws(() => parseReport(big), inputError('too_large'));
    await assert.rejects(parseDocument(big), inputError('too_large'));
    const bigZip = new Uint8Array(60 * 1024 * 1024);
    bigZip.set(Buffer.from('PK\x03\x04word/'), 0);
    assert.throws(() => parseReport(bigZip), inputError('too_large'));
  });

  test('empty HTML: no bytes, only whitespace, only markup, only scripts', () => {
    assert.throws(() => decodeHtml(''), inputError('empty'));
    assert.throws(() => decodeHtml(Buffer.from('  \n\t ')), inputError('empty'));
    for (const html of ['<html><head></head><body></body></html>', '<html><body><script>var a = 1;</script><style>p{}</style><div>   </div></body></html>', '<!DOCTYPE html><html><body><table><tr><td></td></tr></table></body></html>']) {
      assert.throws(() => parseReport(Buffer.from(html)), inputError('empty'), html);
    }
  });

  test('binary garbage, with and without an HTML or zip header', async () => {
    const junk = randomBytes(200_000);
    assert.throws(() => parseReport(junk), (e: unknown) => e instanceof InputError);
    await assert.rejects(parseDocument(junk), (e: unknown) => e instanceof InputError);
    // (kept small: src/normalize grows superlinearly on random CJK — 62k chars 0.8 s, 245k chars 5.4 s)
    const htmlJunk = Buffer.concat([Buffer.from('<html><body><p>'), randomBytes(60_000)]);
    assert.throws(() => parseReport(htmlJunk), (e: unknown) => e instanceof InputError);
    const zipJunk = Buffer.concat([Buffer.from('PK\x03\x04[Content_Types].xml'), randomBytes(100_000)]);
    assert.throws(() => parseReport(zipJunk), inputError('docx_broken'));
  });

  test('an HTML page that is not a report', () => {
    assert.throws(() => parseReport(Buffer.from('<html><body><div class="nav">首页</div><p>今天天气晴朗，气温二十度。</p></body></html>')), inputError('not_a_report'));
  });
});

describe('deep and pathological markup', () => {
  const TITLE = '某某县人民政府2021年政府信息公开工作年度报告 一、总体情况';

  test('100 000 nested <div>: parsed in bounded time, a report with null tables', () => {
    const deep = '<div>'.repeat(100_000) + TITLE + '</div>'.repeat(100_000);
    const r = parseReport(deep);
    assert.equal(r.tables.requests, null);
    assert.equal(r.tables.active, null);
    assert.equal(r.tables.review_litigation, null);
    assert.equal(r.meta.year, 2021);
  });

  test('100 000 unclosed <div>, <span> and <p>: bounded, no stack overflow', () => {
    for (const open of ['<div>', '<span>', '<p><b>', '<font><center>']) {
      const r = parseReport(open.repeat(100_000 / open.split('<').length) + TITLE);
      assert.equal(r.tables.requests, null, open);
    }
  });

  test('10 000 nested tables, 100 000 stray end tags, 100 000 unclosed cells', () => {
    decodeHtml(`${'<table><tr><td>'.repeat(10_000)}${TITLE}${'</td></tr></table>'.repeat(10_000)}`);
    decodeHtml(`${'<div>'.repeat(20_000)}${'</span>'.repeat(100_000)}${TITLE}`);
    const cells = decodeHtml(`<table><tr>${'<td>1'.repeat(100_000)}</table><p>${TITLE}</p>`).text;
    assert.ok(cells.length > 100_000);
    // spans that would expand to billions of grid cells
    const spans = decodeHtml(`<table>${'<tr><td rowspan="60000" colspan="1000">1</td><td colspan="100">2</td></tr>'.repeat(20_000)}</table><p>${TITLE}</p>`).text;
    assert.ok(spans.endsWith(TITLE));
  });

  test('DOCX: 5 000 nested tables and 100 000 nested content-control elements, bounded', () => {
    const doc = (body: string) => zipSync({ 'word/document.xml': strToU8(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`) });
    const para = `<w:p><w:r><w:t>${TITLE}</w:t></w:r></w:p>`;
    const tables = decodeDocx(doc(`${'<w:tbl><w:tr><w:tc>'.repeat(5000)}${para}${'</w:tc></w:tr></w:tbl>'.repeat(5000)}`), DEFAULT_LIMITS).text;
    assert.equal(tables, TITLE);
    const sdt = decodeDocx(doc(`${'<w:sdt><w:sdtContent>'.repeat(50_000)}${para}${'</w:sdtContent></w:sdt>'.repeat(50_000)}`), DEFAULT_LIMITS).text;
    assert.equal(sdt, TITLE);
  });

  test('deeply nested JSON around the HTML, and a script of 1 000 000 quotes', () => {
    const nested = decodeHtml(`${'['.repeat(100_000)}"\\u003cp\\u003e${TITLE}"${']'.repeat(100_000)}`);
    assert.equal(nested.text, TITLE);
    const quotes = `<html><body><p>${TITLE}</p><script>${'"\'`'.repeat(333_334)}</script></body></html>`;
    assert.equal(decodeHtml(quotes).text, TITLE);
  });
});
