// What the HTML and DOCX decoders share (src/decode/): the charset sniffer the plain-text decoder
// uses too, the table-grid builder, and the one list of web-page cruft.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { decodeBytes, decodeHtml } from '../../src/decode/index.js';
import { utf16Guess } from '../../src/decode/charset.js';
import { gridLines, type GridCell } from '../../src/decode/grid.js';
import { normalizeText } from '../../src/normalize/index.js';
import { fixture } from '../helpers.js';

const cell = (text: string, extra: Partial<GridCell> = {}): GridCell => ({ lines: text ? [text] : [], colspan: 1, rowspan: 1, len: text.replace(/\s/g, '').length, ...extra });

test('one UTF-16 sniffer: a page and a plain text in UTF-16 without a BOM are both recognised', () => {
  const page = fixture('html', 'gov-2021.html').toString('utf8');
  for (const enc of ['utf-16le', 'utf-16be'] as const) {
    const bytes = iconv.encode(page, enc);
    assert.equal(utf16Guess(bytes), enc);
    const html = decodeHtml(bytes);
    assert.equal(html.encoding, enc);
    assert.equal(html.text, decodeHtml(Buffer.from(page, 'utf8')).text);
    const text = fixture('corpus', 'input', 'seed001-chaoyang-2021.txt').toString('utf8');
    assert.deepEqual(decodeBytes(iconv.encode(text, enc)), { text, encoding: enc });
  }
  assert.equal(utf16Guess(Buffer.from(page, 'utf8')), null);
  assert.equal(utf16Guess(iconv.encode('中文报告', 'gb18030')), null);
});

test('grid: spans across rows and columns, Word continuations, leading empties', () => {
  assert.deepEqual(gridLines([
    { cells: [cell('项目', { rowspan: 2 }), cell('申请人情况', { colspan: 3 })] },
    { cells: [cell('自然人'), cell('法人'), cell('总计')] },
    { cells: [cell('新收'), cell('3'), cell('1'), cell('4')] },
  ]), ['项目 | 申请人情况 |  |  |', ' | 自然人 | 法人 | 总计 |', '新收 | 3 | 1 | 4 |']);
  assert.deepEqual(gridLines([
    { cells: [cell('行政复议', { colspan: 2 })] },
    { before: 1, cells: [cell('x', { continued: true }), cell('0')] },
  ]), ['行政复议 |  |', ' |  | 0 |']);
  // rowspan 0 reaches the end of the table
  assert.deepEqual(gridLines([{ cells: [cell('a', { rowspan: 0 }), cell('1')] }, { cells: [cell('2')] }, { cells: [cell('3')] }]), ['a | 1 |', ' | 2 |', ' | 3 |']);
});

test('grid: a prose row and a layout table are lines of text; a cell of several blocks joins without splitting numbers', () => {
  const note = '注：' + '本表数据的勾稽关系为第一项加第二项之和等于第三项加第四项之和。'.repeat(6);
  assert.deepEqual(gridLines([{ cells: [cell('结果', { lines: ['结果', '维持'] }), cell('12', { lines: ['12', '5'] })] }, { cells: [cell(note)] }]), ['结果维持 | 12 5 |', note]);
  assert.deepEqual(gridLines([{ cells: [cell('一、总体情况')] }, { cells: [cell('正文', { lines: ['第一段', '第二段'] })] }], { layout: true }), ['一、总体情况', '第一段', '第二段']);
  // hostile spans: past the cap they are not expanded
  assert.deepEqual(gridLines([{ cells: [cell('a', { colspan: 100, rowspan: 100 })] }], { maxArea: 50 }), ['a |']);
});

test('one list of cruft: the page decoder and the text stage drop the same buttons and counters', () => {
  const body = '某某局2021年政府信息公开工作年度报告\n一、总体情况\n本年新收政府信息公开申请 12 件。';
  const html = `<html><body><div class="article"><h1>某某局2021年政府信息公开工作年度报告</h1><p>【分享】</p><p>访问次数：35</p><p>一、总体情况</p><p>本年新收政府信息公开申请 12 件。</p><p>【关闭窗口】</p></div></body></html>`;
  assert.equal(decodeHtml(Buffer.from(html)).text, body);
  const copied = '某某局2021年政府信息公开工作年度报告 【分享】\n访问次数：35\n一、总体情况\n本年新收政府信息公开申请 12 件。【关闭窗口】';
  const n = normalizeText(copied);
  assert.deepEqual(n.repairs.filter((r) => r.kind === 'cruft').map((r) => r.original), ['【分享】', '访问次数:35', '【关闭窗口】']);
  assert.ok(!/分享|访问次数|关闭窗口/.test(n.text));
});
