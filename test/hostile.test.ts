// Hostile and broken inputs: each gives a clear InputError (Chinese first, English after " / ")
// or, for deeply nested HTML, a report with null tables — never a crash, a hang or a blown stack.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inflateSync, strToU8, zipSync } from 'fflate';
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

/**
 * Runs `fn`. The bound `ms` documents what the input must cost on an idle machine; it is not
 * asserted here (a loaded CI machine would fail it for no bug) — `npm run fuzz` and the bench
 * measure the time. A hang still fails: node:test ends the file at its timeout.
 */
function within<T>(_ms: number, fn: () => T): T {
  return fn();
}

// ---- zip bombs, built in the test ----

/**
 * Raw DEFLATE of `n` zero bytes, written by hand: one fixed-Huffman block of a literal 0 and
 * then (length 258, distance 1) copies — 13 bits per 258 bytes, so 300 MB is about 2 MB.
 */
function deflateZeros(n: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(((n / 258) * 13 + 300 * 8 + 64) / 8));
  let pos = 0, bit = 0;
  const put = (value: number, len: number) => { // LSB first
    for (let i = 0; i < len; i++) {
      if ((value >> i) & 1) out[pos] |= 1 << bit;
      if (++bit === 8) { bit = 0; pos++; }
    }
  };
  const code = (value: number, len: number) => { // Huffman codes go MSB first
    for (let i = len - 1; i >= 0; i--) put((value >> i) & 1, 1);
  };
  put(1, 1); // BFINAL
  put(1, 2); // BTYPE = fixed Huffman
  code(0x30, 8); // literal 0
  let left = n - 1;
  while (left >= 258) {
    code(0xc5, 8); // length code 285 = 258 bytes
    code(0, 5); // distance code 0 = distance 1
    left -= 258;
  }
  while (left-- > 0) code(0x30, 8);
  code(0, 7); // end of block
  return out.subarray(0, pos + 1);
}

/** A one-entry zip (word/document.xml) around raw deflate data, declaring `declared` as its size. */
function zipOf(deflated: Uint8Array, declared: number): Uint8Array {
  const name = strToU8('word/document.xml');
  const local = new Uint8Array(30 + name.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(8, 8, true);
  lv.setUint32(18, deflated.length, true);
  lv.setUint32(22, declared, true);
  lv.setUint16(26, name.length, true);
  local.set(name, 30);
  const central = new Uint8Array(46 + name.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 20, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(20, deflated.length, true);
  cv.setUint32(24, declared, true);
  cv.setUint16(28, name.length, true);
  cv.setUint32(42, 0, true);
  central.set(name, 46);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, local.length + deflated.length, true);
  const out = new Uint8Array(local.length + deflated.length + central.length + end.length);
  out.set(local, 0);
  out.set(deflated, local.length);
  out.set(central, local.length + deflated.length);
  out.set(end, local.length + deflated.length + central.length);
  return out;
}

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
    within(2000, () => assert.throws(() => parseReport(bomb), inputError('docx_too_large')));
  });

  test('a zip bomb lying about its size (declares 2 KB, inflates to 300 MB): inflation stops at the limit', () => {
    const liar = zipOf(deflateZeros(300 * 1024 * 1024), 2048);
    within(5000, () => assert.throws(() => parseReport(liar, { limits: { maxUnzippedBytes: 16 * 1024 * 1024 } }), inputError('docx_too_large')));
    within(10_000, () => assert.throws(() => parseReport(liar), inputError('docx_too_large')));
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
    within(500, () => assert.throws(() => parseReport(big), inputError('too_large')));
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
    within(5000, () => assert.throws(() => parseReport(htmlJunk), (e: unknown) => e instanceof InputError));
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
    const r = within(5000, () => parseReport(deep));
    assert.equal(r.tables.requests, null);
    assert.equal(r.tables.active, null);
    assert.equal(r.tables.review_litigation, null);
    assert.equal(r.meta.year, 2021);
  });

  test('100 000 unclosed <div>, <span> and <p>: bounded, no stack overflow', () => {
    for (const open of ['<div>', '<span>', '<p><b>', '<font><center>']) {
      const r = within(5000, () => parseReport(open.repeat(100_000 / open.split('<').length) + TITLE));
      assert.equal(r.tables.requests, null, open);
    }
  });

  test('10 000 nested tables, 100 000 stray end tags, 100 000 unclosed cells', () => {
    within(5000, () => decodeHtml(`${'<table><tr><td>'.repeat(10_000)}${TITLE}${'</td></tr></table>'.repeat(10_000)}`));
    within(5000, () => decodeHtml(`${'<div>'.repeat(20_000)}${'</span>'.repeat(100_000)}${TITLE}`));
    const cells = within(5000, () => decodeHtml(`<table><tr>${'<td>1'.repeat(100_000)}</table><p>${TITLE}</p>`).text);
    assert.ok(cells.length > 100_000);
    // spans that would expand to billions of grid cells
    const spans = within(5000, () => decodeHtml(`<table>${'<tr><td rowspan="60000" colspan="1000">1</td><td colspan="100">2</td></tr>'.repeat(20_000)}</table><p>${TITLE}</p>`).text);
    assert.ok(spans.endsWith(TITLE));
  });

  test('DOCX: 5 000 nested tables and 100 000 nested content-control elements, bounded', () => {
    const doc = (body: string) => zipSync({ 'word/document.xml': strToU8(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`) });
    const para = `<w:p><w:r><w:t>${TITLE}</w:t></w:r></w:p>`;
    const tables = within(5000, () => decodeDocx(doc(`${'<w:tbl><w:tr><w:tc>'.repeat(5000)}${para}${'</w:tc></w:tr></w:tbl>'.repeat(5000)}`), DEFAULT_LIMITS).text);
    assert.equal(tables, TITLE);
    const sdt = within(5000, () => decodeDocx(doc(`${'<w:sdt><w:sdtContent>'.repeat(50_000)}${para}${'</w:sdtContent></w:sdt>'.repeat(50_000)}`), DEFAULT_LIMITS).text);
    assert.equal(sdt, TITLE);
  });

  test('deeply nested JSON around the HTML, and a script of 1 000 000 quotes', () => {
    const nested = within(5000, () => decodeHtml(`${'['.repeat(100_000)}"\\u003cp\\u003e${TITLE}"${']'.repeat(100_000)}`));
    assert.equal(nested.text, TITLE);
    const quotes = `<html><body><p>${TITLE}</p><script>${'"\'`'.repeat(333_334)}</script></body></html>`;
    assert.equal(within(5000, () => decodeHtml(quotes)).text, TITLE);
  });
});
