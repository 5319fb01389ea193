// The normalise stage on real inputs (excerpts of the dev corpus in test/fixtures/normalize):
// decoding bytes, character forms, traditional → simplified, pinyin annotations, mojibake,
// web-page cruft, and the offset map back to the original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { decodeBytes } from '../src/decode/index.js';
import { findMojibake, normalizeText, type NormalizedText } from '../src/normalize/index.js';
import { InputError } from '../src/types.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'normalize');
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');

const seed001 = read('seed001-chaoyang-2021.head.txt'); // simplified, ordinary
const seed002 = read('seed002-benge-2023.head.txt'); // web page head: 发布时间, 来源, 阅读次数
const seed003 = read('seed003-panyu-2021.head.txt'); // traditional mirror: pinyin, GBK byte-shift mojibake
const seed003plain = read('seed003-panyu-2021.plain.txt'); // traditional mirror, no mojibake
const seed004 = read('seed004-linshu-2019.excerpt.txt'); // web page: pipe runs, 点击数, 【关闭窗口】

/** An InputError with the given code and a Chinese-first message with English after " / ". */
const inputError = (code: string) => (e: unknown) => {
  assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
  assert.equal(e.code, code);
  assert.match(e.message, /^[^\x00-\x7f].* \/ [A-Za-z]/);
  return true;
};

const lines = (n: NormalizedText) => n.text.split('\n');
const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

// ---------------------------------------------------------------------------------------------
// decode

test('decode: UTF-8 with and without BOM', () => {
  assert.deepEqual(decodeBytes(Buffer.from(seed001, 'utf8')), { text: seed001, encoding: 'utf-8' });
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(seed001, 'utf8')]);
  assert.deepEqual(decodeBytes(bom), { text: seed001, encoding: 'utf-8' });
  assert.deepEqual(decodeBytes(new Uint8Array(bom)), { text: seed001, encoding: 'utf-8' }, 'a plain Uint8Array works too');
});

test('decode: UTF-16 LE and BE, with and without BOM', () => {
  for (const text of [seed001, seed003plain]) {
    const le = iconv.encode(text, 'utf-16le');
    const be = iconv.encode(text, 'utf-16be');
    assert.deepEqual(decodeBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), le])), { text, encoding: 'utf-16le' });
    assert.deepEqual(decodeBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be])), { text, encoding: 'utf-16be' });
    assert.deepEqual(decodeBytes(le), { text, encoding: 'utf-16le' });
    assert.deepEqual(decodeBytes(be), { text, encoding: 'utf-16be' });
  }
});

test('decode: GB18030/GBK bytes (simplified and traditional) are read as GB18030', () => {
  for (const text of [seed001, seed003plain, seed002]) assert.deepEqual(decodeBytes(iconv.encode(text, 'gb18030')), { text, encoding: 'gb18030' });
  // GBK is GB18030's two-byte part (seed001 has a no-break space, which GBK lacks)
  for (const text of [seed003plain, seed002]) assert.deepEqual(decodeBytes(iconv.encode(text, 'gbk')), { text, encoding: 'gb18030' });
});

test('decode: empty, whitespace-only, binary and undecodable inputs are refused with InputError', () => {
  assert.throws(() => decodeBytes(new Uint8Array(0)), inputError('empty'));
  assert.throws(() => decodeBytes(Buffer.from(' \n\t\r\n  ')), inputError('empty'));
  assert.throws(() => decodeBytes(Buffer.from('\ufeff \u3000\n', 'utf8')), inputError('empty'));
  assert.throws(() => decodeBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('  \n ', 'utf-16le')])), inputError('empty'));
  // a PNG header and pseudo-random bytes with NULs
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256))]);
  assert.throws(() => decodeBytes(png), inputError('binary'));
  // no NUL, but mostly control characters
  assert.throws(() => decodeBytes(Buffer.from(Array.from({ length: 500 }, (_, i) => 1 + (i % 30)))), inputError('binary'));
  // Latin-1 text: not UTF-8, and not Chinese as GB18030
  const latin1 = Buffer.from('Rapport annuel sur la publication des informations: café, crème, à côté, élève, numéro 3 — été 2021.\n'.repeat(5), 'latin1');
  assert.throws(() => decodeBytes(latin1), inputError('encoding'));
});

// ---------------------------------------------------------------------------------------------
// character forms

test('characters: full-width forms, Unicode spaces, zero-width characters, line ends', () => {
  const src = '（一）主动公开：１２３，４５６／７８．\u3000共\u00a0计\u2003１\u202f2\u205f3\t4\u200b5\u200c6\u200d7\u20608\ufeff9\u00ad0、。“”《》\r\n下一行\r再一行\n';
  const n = normalizeText(src);
  assert.equal(n.text, '(一)主动公开:123,456/78. 共 计 1 2 3\t4567890、。“”《》\n下一行\n再一行\n');
  assert.equal(n.traditional, false);
  assert.equal(n.toOriginal.length, n.text.length + 1);
  assert.equal(n.toOriginal[n.text.length], src.length);
  // after the removed zero-width characters the map skips them
  const five = n.text.indexOf('\t4') + 2;
  assert.equal(n.text[five], '5');
  assert.equal(src[n.toOriginal[five]], '5');
  assert.equal(src[n.toOriginal[five - 1]], '4');
  assert.equal(src[n.toOriginal[n.text.indexOf('0、')]], '0');
  // \r\n became one \n that points at the \r
  assert.equal(src[n.toOriginal[n.text.indexOf('\n下')]], '\r');
  assert.equal(src[n.toOriginal[n.text.indexOf('下')]], '下');
  // the one ideographic space of a real report
  assert.equal(normalizeText(seed001).text, seed001.replace(/[\u3000\u00a0]/g, ' '));
});

// ---------------------------------------------------------------------------------------------
// traditional → simplified

test('traditional → simplified, one character for one', () => {
  const src = '處理 規範性文件 區 關於 政務公開 發佈 網站 條例 行政復議 辦結';
  const n = normalizeText(src);
  assert.equal(n.text, '处理 规范性文件 区 关于 政务公开 发布 网站 条例 行政复议 办结');
  assert.equal(n.traditional, true);
  assert.equal(n.text.length, src.length);
  for (let i = 0; i <= n.text.length; i++) assert.equal(n.toOriginal[i], i);
  // simplified text stays as it is
  const s = normalizeText(seed001);
  assert.equal(s.traditional, false);
  // the traditional mirror page: no traditional characters left
  const t = normalizeText(seed003plain);
  assert.equal(t.traditional, true);
  assert.doesNotMatch(t.text, /[區處規範關務發網條國時會與當體機經號價應類]/);
  for (const word of ['政务公开纳入我区', '绩效考核', '门户网站', '处理政府信息公开申请', '诉讼']) assert.ok(t.text.includes(word), word);
});

// ---------------------------------------------------------------------------------------------
// pinyin

test('pinyin annotations after characters are dropped (real seed003 lines), other brackets kept', () => {
  const line = seed003.split('\n')[2];
  assert.ok(line.startsWith('2021年,番禺區(qū)以習近平'));
  const n = normalizeText(line);
  assert.ok(n.text.startsWith('2021年,番禺区以习近平新时代中国特色社会主义思想为指导'));
  const pinyin = n.repairs.filter((r) => r.kind === 'pinyin');
  assert.ok(pinyin.length >= 5);
  assert.deepEqual(pinyin[0], { kind: 'pinyin', span: [9, 9], original: '(qū)', replacement: '' });

  const page = normalizeText(seed003);
  assert.doesNotMatch(page.text, /[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)/);
  assert.ok(page.repairs.filter((r) => r.kind === 'pinyin').length > 100);
  for (const word of ['政务公开', '关于', '发布', '网站', '设置']) assert.ok(page.text.includes(word), word);

  // full-width brackets too
  assert.equal(normalizeText('政務（wù）公開').text, '政务公开');
  // not pinyin: after ASCII, not latin, not a syllable
  const keep = '详见网站(http)与 link(http) 第(一)项 (2021)年 文件(pdf) 附件(a) 下载(app)';
  assert.equal(normalizeText(keep).text, keep);
});

// ---------------------------------------------------------------------------------------------
// mojibake

test('GBK byte-shift mojibake: the seed003 runs are repaired exactly', () => {
  const n = normalizeText(seed003);
  const moj = n.repairs.filter((r) => r.kind === 'mojibake').map((r) => [r.original, r.replacement]);
  assert.deepEqual(moj, [
    ['?。ㄒ唬┲鲃庸_', '　（一）主動公開'],
    ['?!胺W', '。“番禺網'],
    ['?!睂m椆ぷ鲗n}', '保”專項工作專題'],
    ['?。ㄈ┱畔⒐芾矸矫?', '　（三）政府信息管理方面'],
    ['?!保瑖腊颜侮P', '校”，嚴把政治關'],
    ['?。ㄋ模┢脚_', '　（四）平臺'],
    ['?。ㄎ澹┍O', '　（五）監'],
  ]);
  const heads = lines(n).map((l) => l.trim());
  for (const h of ['(一)主动公开方面', '(三)政府信息管理方面/span>', '(四)平台建设方面', '(五)监督保障方面']) assert.ok(heads.includes(h), h);
  assert.ok(n.text.includes('共发布各类信息4.16万条。“番禺网”微信公众号推送各类信息849条'));
  assert.ok(n.text.includes('“六稳”“六保”专项工作专题,'));
  assert.ok(n.text.includes('必须经过“三审三校”,严把政治关。'));
  assert.ok(!/[ㄒ唬┲鲃庸]/.test(n.text));
  // the spans point at the repaired text, and back to the damaged run in the original
  for (const r of n.repairs.filter((x) => x.kind === 'mojibake')) {
    assert.equal(n.text.slice(r.span[0], r.span[1]), normalizeText(r.replacement).text);
    assert.ok(n.original.slice(n.toOriginal[r.span[0]]).startsWith(r.original));
  }
});

test('mojibake: ordinary simplified and traditional text (real question marks included) is left alone', () => {
  assert.deepEqual(findMojibake(seed001), []);
  assert.deepEqual(findMojibake(seed003plain), []);
  assert.deepEqual(findMojibake(seed002), []);
  const asked = '是否需要公开?是。本机关不掌握相关政府信息?否\n公開?是\n收到申请15件?其中予以公开9件\ufffd部分公开3件';
  assert.deepEqual(findMojibake(asked), []);
  for (const text of [seed001, seed003plain]) {
    const n = normalizeText(text);
    assert.equal(n.repairs.filter((r) => r.kind === 'mojibake').length, 0);
  }
  // a ? inside every line of an ordinary report changes nothing either
  const withMarks = seed001.split('\n').map((l) => (l.length > 6 ? l.slice(0, 5) + '?' + l.slice(5) : l)).join('\n');
  assert.deepEqual(findMojibake(withMarks), []);
});

test('mojibake: UTF-8 shown as GBK is repaired (made with iconv-lite)', () => {
  const line = '（一）主动公开政府信息情况';
  const shown = iconv.decode(Buffer.from(line, 'utf8'), 'gbk');
  assert.equal(shown, '锛堜竴锛変富鍔ㄥ叕寮€鏀垮簻淇℃伅鎯呭喌');
  const src = `${seed001.split('\n').slice(0, 3).join('\n')}\n${shown}\n`;
  const n = normalizeText(src);
  assert.ok(lines(n).includes('(一)主动公开政府信息情况'));
  const r = n.repairs.find((x) => x.kind === 'mojibake');
  assert.deepEqual(r && [r.original, r.replacement], [shown, line]);
});

// ---------------------------------------------------------------------------------------------
// cruft

test('web-page cruft: seed004 pipe lines and runs, 点击数, 【关闭窗口】 removed; dates kept', () => {
  const n = normalizeText(seed004);
  const out = lines(n);
  assert.equal(out[0].trimEnd(), '临沭县人民政府2019年政府信息公开工作年度报告');
  assert.equal(out[1].trimEnd(), '2020-01-23');
  assert.ok(out[2].startsWith('县人民政府办公室按照《中华人民共和国政府信息公开条例》'));
  assert.ok(!out.some((l) => /^[ \t]*\|[ \t|]*$/.test(l)), 'no line of pipes only');
  assert.doesNotMatch(n.text, /\|[ \t]*\|/);
  assert.ok(!n.text.includes('点击数'));
  assert.ok(!n.text.includes('【关闭窗口】'));
  assert.ok(out.some((l) => l.startsWith('附件【临沭县人民政府2019年政府信息公开工作年报(1).docx】 |')), 'a single pipe in a line is kept');
  const cruft = n.repairs.filter((r) => r.kind === 'cruft');
  assert.ok(cruft.some((r) => r.original.startsWith('点击数:')));
  assert.ok(cruft.some((r) => r.original.includes('【关闭窗口】')));
  assert.ok(cruft.every((r) => r.replacement === '' && r.span[0] === r.span[1]));

  // seed002: 阅读次数 goes, 发布时间 and 来源 stay, no lines joined
  const m = normalizeText(seed002);
  assert.equal(lines(m).length, seed002.split('\n').length);
  assert.equal(lines(m)[2].trimEnd(), '发布时间:2024-01-15 19:53:00     来源:蚌峨乡');
  assert.deepEqual(m.repairs.map((r) => [r.kind, r.original]), [['cruft', '阅读次数:4025']]);

  const page = normalizeText('正文第一段\n字号:大 中 小\n【打印本页】【关闭】\n浏览次数: 123\n全年网站浏览次数:3421万次\n第 3 页 共 9 页\n- 4 -\n发布日期:2024-01-15 来源:县政府办');
  assert.equal(page.text, '正文第一段\n\n\n\n全年网站浏览次数:3421万次\n\n\n发布日期:2024-01-15 来源:县政府办');
});

// ---------------------------------------------------------------------------------------------
// offsets

test('toOriginal: every character maps back to the character it came from', () => {
  for (const src of [seed001, seed002, seed003, seed004, seed003plain]) {
    const n = normalizeText(src);
    assert.equal(n.original, src);
    assert.equal(n.toOriginal.length, n.text.length + 1);
    assert.equal(n.toOriginal[n.text.length], src.length);
    const inRepair = (i: number) => n.repairs.some((r) => r.kind === 'mojibake' && r.span[0] <= i && i < r.span[1]);
    let seed = 7;
    for (let k = 0; k < 400; k++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const i = seed % n.text.length;
      if (inRepair(i)) continue;
      const t = n.text[i];
      const o = src[n.toOriginal[i]];
      // unchanged characters are equal; changed ones are their half-width or simplified form
      if (o !== t) assert.ok(t === toSimplified(o) || t === normalizeText(o).text, `at ${i}: ${JSON.stringify(o)} → ${JSON.stringify(t)}`);
    }
    for (let i = 1; i < n.toOriginal.length; i++) assert.ok(n.toOriginal[i] >= n.toOriginal[i - 1]);
  }
});

test('property: any string normalises without throwing; the map is non-decreasing, of the right length', () => {
  const pieces = fc.constantFrom('?', '\ufffd', '|', '||||||||||||||||||||||', '\r\n', '\r', '\n', ' ', '\t', '（', '）', '１', '\u3000', '\u00a0', '\u200b', '\ufeff',
    '區(qū)', '務（wù）', '(http)', '(一)', '(2021)', '。ㄒ唬┲鲃庸_', '!胺W', '锛堜竴锛', '鏀垮簻', '點擊數:12', '【关闭窗口】', '字号:大 中 小', '- 3 -', '政府信息公开', '處理', 'a', '1', '😀');
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(pieces, { maxLength: 40 }).map((a) => a.join('')));
  fc.assert(
    fc.property(text, (s) => {
      const n = normalizeText(s);
      assert.equal(n.original, s);
      assert.equal(n.toOriginal.length, n.text.length + 1);
      assert.equal(n.toOriginal[n.text.length], s.length);
      for (let i = 1; i < n.toOriginal.length; i++) assert.ok(n.toOriginal[i] >= n.toOriginal[i - 1]);
      for (const r of n.repairs) assert.ok(0 <= r.span[0] && r.span[0] <= r.span[1] && r.span[1] <= n.text.length);
    }),
    { numRuns: 400 },
  );
});

test('a 20 KB report of repeated text normalises to the same text as its parts', () => {
  // its speed is measured in `npm run bench:stages`
  for (const src of [seed001, seed003plain]) {
    const one = normalizeText(src + '\n').text;
    assert.equal(normalizeText((src + '\n').repeat(3)).text, one.repeat(3));
  }
});
