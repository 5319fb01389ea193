// The normalise stage: decoding bytes, character forms, traditional → simplified, pinyin,
// mojibake, cruft — and the offset map back to the original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import fc from 'fast-check';
import { decodeBytes } from '../src/decode/index.js';
import { findMojibake, normalizeText } from '../src/normalize/index.js';
import { InputError } from '../src/types.js';
import { fixture } from './helpers.js';

const seed003 = fixture('corpus', 'input', 'seed003-panyu-2021.txt').toString('utf8');
const seed004 = fixture('corpus', 'input', 'seed004-linshu-2019.txt').toString('utf8');
const seed001 = fixture('corpus', 'input', 'seed001-chaoyang-2021.txt').toString('utf8');

test('decode: BOM, UTF-16 with and without BOM, GB18030, strict UTF-8', () => {
  const s = '三、收到和处理政府信息公开申请情况 abc 123';
  assert.deepEqual(decodeBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)])), { text: s, encoding: 'utf-8' });
  assert.deepEqual(decodeBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(s, 'utf-16le')])), { text: s, encoding: 'utf-16le' });
  assert.deepEqual(decodeBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(s, 'utf-16be')])), { text: s, encoding: 'utf-16be' });
  const ascii = 'report 2021 total 15 ' + s;
  assert.equal(decodeBytes(iconv.encode(ascii.repeat(3), 'utf-16le')).encoding, 'utf-16le');
  assert.deepEqual(decodeBytes(iconv.encode(s, 'gb18030')), { text: s, encoding: 'gb18030' });
  assert.deepEqual(decodeBytes(Buffer.from(s)), { text: s, encoding: 'utf-8' });
});

test('decode: empty, whitespace and binary inputs are refused clearly', () => {
  assert.throws(() => decodeBytes(new Uint8Array()), (e: unknown) => e instanceof InputError && /为空/.test(e.message));
  assert.throws(() => decodeBytes(Buffer.from('  \n\t ')), InputError);
  const binary = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256));
  assert.throws(() => decodeBytes(binary), (e: unknown) => e instanceof InputError && /二进制|编码/.test(e.message));
});

test('characters: full-width forms, ideographic space, NBSP, zero-width, CRLF', () => {
  const n = normalizeText('（一）予以公开\u00a015\u3000１６\u200b\r\n第二十条：');
  assert.equal(n.text, '(一)予以公开 15 16\n第二十条:');
  assert.equal(n.toOriginal.length, n.text.length + 1);
});

test('traditional → simplified, offsets kept', () => {
  const n = normalizeText('處理 規範性文件 區 關於 發佈');
  assert.equal(n.text, '处理 规范性文件 区 关于 发布');
  assert.equal(n.traditional, true);
  assert.equal(n.text.length, n.original.length);
  assert.equal(normalizeText('处理规范性文件').traditional, false);
});

test('pinyin annotations after characters are dropped, other brackets kept', () => {
  const n = normalizeText('番禺區(qū)以習近平 政務(wù)公開 (http) 第(一)項 (2021) 網(wǎng)站');
  assert.equal(n.text, '番禺区以习近平 政务公开 (http) 第(一)项 (2021) 网站');
  const line = seed003.split('\n').find((l) => l.includes('番禺區(qū)'))!;
  assert.ok(!/\((?:qū|wù|guān)\)/.test(normalizeText(line).text));
});

test('GBK byte-shift mojibake: the seed003 headings read again, normal text untouched', () => {
  const n = normalizeText(seed003);
  assert.ok(n.text.includes('(一)主动公开方面'));
  assert.ok(n.text.includes('(三)政府信息管理方面'));
  assert.ok(!n.text.includes('?。ㄒ唬'));
  assert.ok(n.repairs.some((r) => r.kind === 'mojibake' && r.original.startsWith('?。ㄒ唬')));
  for (const plain of [seed001, fixture('corpus', 'input', 'seed002-benge-2023.txt').toString('utf8')]) assert.deepEqual(findMojibake(plain), []);
  assert.deepEqual(findMojibake('政府信息公開工作年度報告，依申請公開，行政復議'), []);
});

test('web-page cruft: pipe runs, 【关闭窗口】, 点击数, page footers; 发布时间 kept', () => {
  const n = normalizeText(seed004.slice(0, 3000));
  assert.ok(!/\|{5,}/.test(n.text));
  assert.ok(!n.text.includes('点击数'));
  assert.ok(n.text.includes('2020-01-23'));
  const m = normalizeText('正文\n- 3 -\n第 4 页 共 9 页\n【关闭窗口】【打印本页】\n发布时间:2024-01-15');
  assert.equal(m.text.replace(/\n+/g, '\n'), '正文\n发布时间:2024-01-15');
});

test('the offset map points every kept character back to the same character', () => {
  for (const src of [seed001, seed003, seed004]) {
    const n = normalizeText(src);
    for (let i = 0; i < n.text.length; i += 7) {
      const a = n.text[i], b = n.original[n.toOriginal[i]];
      if (/[0-9\u4e00-\u9fff]/.test(b) && b.charCodeAt(0) < 0x3400 + 0x10000 && /[0-9]/.test(a)) assert.equal(a, b);
    }
  }
});

test('property: any string normalises without throwing, with a non-decreasing map of the right length', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
    const n = normalizeText(s);
    assert.equal(n.toOriginal.length, n.text.length + 1);
    for (let i = 1; i < n.toOriginal.length; i++) assert.ok(n.toOriginal[i] >= n.toOriginal[i - 1]);
    assert.ok(n.toOriginal[n.text.length] <= s.length);
  }), { numRuns: 300 });
});
