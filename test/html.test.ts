// HTML reports as government sites publish them (test/fixtures/html, built by make.mjs): every
// truth cell comes out right through parseReport and parseDocument, with the source's format and
// encoding; and the decoder's own behaviour — encodings, the article inside a whole page, the
// colspan/rowspan grid, HTML kept in JSON or JavaScript strings, broken markup.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { parseDocument, parseReport } from '../src/parse.js';
import { detectFormat } from '../src/decode/detect.js';
import { decodeHtml, unwrapEscaped } from '../src/decode/html.js';
import { joinCellParts } from '../src/decode/markup.js';
import type { Report } from '../src/types.js';
import { cellAt, fixture, wrongCells } from './helpers.js';

interface FixtureTruth {
  input: string;
  format: string;
  encoding: string;
  agency: string;
  year: number;
  published: string;
  template: string;
  /** Cells the source leaves empty. */
  blank: string[];
  cells: Record<string, number>;
}

const truthOf = (dir: string, name: string): FixtureTruth => JSON.parse(fixture(dir, `${name}.truth.json`).toString('utf8'));

/** Every truth cell right with a confident status, the meta, and where the source came from. */
function assertReport(r: Report, t: FixtureTruth) {
  assert.equal(r.source.format, t.format);
  assert.equal(r.source.encoding, t.encoding);
  assert.equal(r.meta.template, t.template);
  assert.equal(r.meta.year, t.year);
  assert.equal(r.meta.agency, t.agency);
  assert.equal(r.meta.published, t.published);
  assert.deepEqual(wrongCells(r, Object.entries(t.cells)), []);
  // the fixtures' arithmetic holds, so nothing may be reported broken
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => f.rule), []);
}

/** Cells written in the source are `read`, cells left empty are `blank`. */
function statusMismatches(r: Report, t: FixtureTruth): string[] {
  const blank = new Set(t.blank);
  const out: string[] = [];
  for (const path of Object.keys(t.cells)) {
    const want = blank.has(path) ? 'blank' : 'read';
    const got = cellAt(r, path)?.status;
    if (got !== want) out.push(`${path}: ${got} want ${want}`);
  }
  return out;
}

const HTML_FIXTURES = ['gov-2021', 'gov-2019', 'split-2023', 'gbk-nocharset-2022', 'api-2024'];

describe('HTML fixtures: every cell, through parseReport and parseDocument', () => {
  for (const name of HTML_FIXTURES) {
    const t = truthOf('html', name);
    const bytes = fixture('html', t.input);
    test(`${t.input} (${t.template}, ${t.encoding}): parseReport`, () => {
      assert.equal(detectFormat(bytes), 'html');
      assertReport(parseReport(bytes, { path: t.input }), t);
    });
    test(`${t.input}: parseDocument`, async () => {
      assertReport(await parseDocument(bytes, { path: t.input }), t);
    });
    test(`${t.input}: written cells are read, empty cells blank`, () => {
      const strict = statusMismatches(parseReport(bytes), t);
      assert.deepEqual(strict, []);
    });
  }

  test('the split table: both <table> elements read as one table', () => {
    const text = decodeHtml(fixture('html', 'split-2023.html')).text.split('\n');
    const i = text.findIndex((l) => l.includes('4.保护第三方合法权益'));
    assert.ok(i > 0);
    assert.match(text[i + 1], /^ \| {2}\| 5\.属于三类内部事务信息 \| /);
  });

  test('a page read as text: nav, breadcrumb, sidebar, share bar, print/close, footer and scripts are gone', () => {
    const text = decodeHtml(fixture('html', 'gov-2021.html')).text;
    for (const cruft of ['首页', '当前位置', '信息公开目录', '分享到', '打印', '关闭', '上一篇', '主办', 'ICP', '_hmt', 'hm.js', '欢迎访问', '搜索', '无障碍', '索引号', '字体']) {
      assert.ok(!text.includes(cruft), `${cruft} left in the text`);
    }
    const lines = text.split('\n');
    assert.equal(lines[0], '青山区教育局2021年政府信息公开工作年度报告');
    assert.match(lines[1], /^发布时间：2022-01-20 09:30 来源：青山区教育局/);
    assert.equal(lines[lines.length - 1], '2022年1月20日');
    // the vertical group label, written one character per line, is one cell in its first row only
    assert.equal(lines.filter((l) => l.includes('三、本年度办理结果')).length, 1);
    assert.ok(lines.includes(' |  | 3.其他 | 0 | 27 | 9 | 0 | 0 | 0 | 36 |'));
  });
});

describe('encodings', () => {
  const page = (body: string, head = '') => `<html><head>${head}<title>t</title></head><body><div><p>${body}</p></div></body></html>`;
  const BODY = '某某县人民政府2021年政府信息公开工作年度报告 一、总体情况';

  test('UTF-8 with a BOM, and UTF-16 with BOMs', () => {
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(page(BODY))]);
    assert.deepEqual([decodeHtml(utf8).encoding, decodeHtml(utf8).text], ['utf-8', BODY]);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(page(BODY), 'utf-16le')]);
    assert.deepEqual([decodeHtml(le).encoding, decodeHtml(le).text], ['utf-16le', BODY]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(page(BODY), 'utf-16be')]);
    assert.deepEqual([decodeHtml(be).encoding, decodeHtml(be).text], ['utf-16be', BODY]);
  });

  test('<meta charset=gbk>, <meta http-equiv … charset=gb2312>, and nothing declared', () => {
    for (const head of ['<meta charset="gbk">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', '<META HTTP-EQUIV=Content-Type CONTENT="text/html;charset=GB18030">', '']) {
      const d = decodeHtml(iconv.encode(page(BODY, head), 'gbk'));
      assert.deepEqual([d.encoding, d.text], ['gb18030', BODY], head);
    }
  });

  test('declared GBK but actually UTF-8 (a common mislabel): the bytes win', () => {
    const d = decodeHtml(Buffer.from(page(BODY, '<meta charset="gb2312">')));
    assert.deepEqual([d.encoding, d.text], ['utf-8', BODY]);
  });

  test('Big5: declared, and undeclared (told from GB18030 by its common characters)', () => {
    const trad = '某某縣人民政府2021年政府信息公開工作年度報告 一、總體情況 二、主動公開政府信息情況 本機關全年共收到申請';
    const declared = decodeHtml(iconv.encode(page(trad, '<meta charset="big5">'), 'big5'));
    assert.deepEqual([declared.encoding, declared.text], ['big5', trad]);
    const undeclared = decodeHtml(iconv.encode(page(trad), 'big5'));
    assert.deepEqual([undeclared.encoding, undeclared.text], ['big5', trad]);
  });

  test('a string argument is read as it is', () => {
    assert.deepEqual(decodeHtml(page(BODY)), { format: 'html', encoding: 'utf-8', text: BODY });
  });
});

describe('tables', () => {
  const lines = (html: string) => decodeHtml(html).text.split('\n');

  test('rowspan: text in the first row, empty cells below; colspan: text once, empty cells after', () => {
    assert.deepEqual(lines(`<table>
      <tr><td rowspan="3">三、本年度<br>办理结果</td><td colspan="2"><p><span>（一）</span><span>予以公开</span></p></td><td>15</td><td>&nbsp;</td></tr>
      <tr><td colspan="2">（二）部分公开<br>（区分处理的）</td><td><p>1</p></td><td>0</td></tr>
      <tr><td>（三）不予公开</td><td>1.属于<span>国家</span>秘密</td><td>0</td><td>0</td></tr></table>`), [
      '三、本年度办理结果 | （一）予以公开 |  | 15 |  |',
      ' | （二）部分公开（区分处理的） |  | 1 | 0 |',
      ' | （三）不予公开 | 1.属于国家秘密 | 0 | 0 |',
    ]);
  });

  test('cell parts: CJK joined without a separator, digits and letters kept apart', () => {
    assert.equal(joinCellParts(['结果', '维持']), '结果维持');
    assert.equal(joinCellParts(['12', '5']), '12 5');
    assert.equal(joinCellParts(['合计', '12']), '合计 12');
    assert.equal(joinCellParts(['  商业 ', '', ' 企业']), '商业企业');
    assert.deepEqual(lines('<table><tr><td>结果<br>维持</td><td><p>12</p><p>5</p></td><td><div>7</div>件</td></tr></table>'), ['结果维持 | 12 5 | 7 件 |']);
  });

  test('the review table: a 3-row header of spans over a 15-number row', () => {
    const head = ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'];
    const html = `<table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
      <tr>${head.map((h) => `<td rowspan="2">${h.slice(0, 2)}<br>${h.slice(2)}</td>`).join('')}<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
      <tr>${[...head, ...head].map((h) => `<td>${h}</td>`).join('')}</tr>
      <tr>${[3, 1, 0, 2, 6, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0].map((n) => `<td>${n}</td>`).join('')}</tr></table>`;
    const out = lines(html);
    const row = (...cells: string[]) => `${cells.join(' | ')} |`;
    const blanks = (n: number) => Array<string>(n).fill('');
    assert.equal(out[0], row('行政复议', ...blanks(4), '行政诉讼', ...blanks(9)));
    assert.equal(out[1], row(...head, '未经复议直接起诉', ...blanks(4), '复议后起诉', ...blanks(4)));
    assert.equal(out[2], row(...blanks(5), ...head, ...head));
    assert.equal(out[3], '3 | 1 | 0 | 2 | 6 | 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |');
  });

  test('omitted </td> and </tr>, rowspan past the last row, rowspan="0", huge spans', () => {
    assert.deepEqual(lines('<table><tr><td>a<td>b<tr><td>1<td><p>2</table>'), ['a | b |', '1 | 2 |']);
    assert.deepEqual(lines('<table><tr><td rowspan="9">x</td><td>1</td></tr><tr><td>2</td></tr></table>'), ['x | 1 |', ' | 2 |']);
    assert.deepEqual(lines('<table><tr><td rowspan="0">x</td><td>1</td></tr><tr><td>2</td></tr></table>'), ['x | 1 |', ' | 2 |']);
    const wide = lines('<table><tr><td colspan="100000">x</td><td>1</td></tr><tr><td rowspan="99999">y</td><td>2</td></tr></table>');
    assert.equal(wide.length, 2);
    assert.ok(wide[0].startsWith('x |') && wide[0].endsWith(' | 1 |'));
  });

  test('layout tables (one column, nesting a table) are read as blocks; the data table inside as a grid', () => {
    const html = `<table width="1000"><tr><td><font size="5">某某镇人民政府2022年政府信息公开工作年度报告</font></td></tr>
      <tr><td><p>一、总体情况</p><p>全年共收到申请5件。</p>
        <table border="1"><tr><td>规章</td><td>0</td><td>1</td><td>4</td></tr></table>
        <p>二、主动公开政府信息情况</p></td></tr></table>`;
    assert.deepEqual(lines(html), ['某某镇人民政府2022年政府信息公开工作年度报告', '一、总体情况', '全年共收到申请5件。', '规章 | 0 | 1 | 4 |', '二、主动公开政府信息情况']);
  });

  test('a row with a prose cell (a note) is written as text, the other rows as a grid', () => {
    const note = `注：${'本表数据统计口径为本机关全年收到并办结的政府信息公开申请，'.repeat(8)}`;
    assert.deepEqual(lines(`<table><tr><td>规章</td><td>1</td></tr><tr><td colspan="2">${note}</td></tr><tr><td>行政许可</td><td>3</td></tr></table>`), ['规章 | 1 |', note, '行政许可 | 3 |']);
  });

  test('entities and whitespace: &nbsp; is a space, &amp; &#x4e00; decoded, <pre> keeps its lines', () => {
    assert.deepEqual(lines('<p>A&amp;B&nbsp;&nbsp;&#x4e00;&#20108;</p><pre>1  2\n3</pre>'), ['A&B 一二', '1 2', '3']);
  });
});

describe('the article inside a page', () => {
  test('the title above the article and its info bar are kept; without one, the page <title>', () => {
    const body = '<div class="content"><p>一、总体情况</p><p>本年度……</p><p>二、主动公开政府信息情况</p></div>';
    const withTitle = decodeHtml(`<html><body><div class="nav">首页</div><div class="box"><h2>某某局2021年政府信息公开工作年度报告</h2><div class="info">发布日期：2022-01-10</div>${body}</div><div class="footer">主办单位</div></body></html>`);
    assert.deepEqual(withTitle.text.split('\n'), ['某某局2021年政府信息公开工作年度报告', '发布日期：2022-01-10', '一、总体情况', '本年度……', '二、主动公开政府信息情况']);
    const noTitle = decodeHtml(`<html><head><title>某某局2021年政府信息公开工作年度报告_某某市人民政府</title></head><body><div class="nav">首页</div>${body}<div class="related"><a>其他新闻</a></div></body></html>`);
    assert.deepEqual(noTitle.text.split('\n'), ['某某局2021年政府信息公开工作年度报告', '一、总体情况', '本年度……', '二、主动公开政府信息情况']);
  });

  test('without report headings the element with most of the Chinese text is the article', () => {
    const text = decodeHtml(`<body><div id="top"><a>网站首页</a><a>机构概况</a></div><div id="main"><p>${'这是正文内容，'.repeat(40)}</p><p>第二段</p></div><div id="links"><a>友情链接</a></div></body>`).text;
    assert.deepEqual(text.split('\n'), ['这是正文内容，'.repeat(40), '第二段']);
  });

  test('an article named like cruft is kept: id="printContent", and a class word that misjudges the site', () => {
    const report = '<p>某某局2021年政府信息公开工作年度报告</p><p>一、总体情况</p><p>二、主动公开政府信息情况</p>';
    assert.equal(decodeHtml(`<body><div class="nav">首页 政务公开</div><div id="printContent">${report}</div><div class="btns">【打印】【关闭】</div></body>`).text,
      '某某局2021年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况');
    // this site calls its article "share-box": more text dropped for a class than kept → classes ignored
    assert.equal(decodeHtml(`<body><div class="share-box">${report}</div><div class="foot">版权所有</div></body>`).text,
      '某某局2021年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况');
  });

  test('a <head> never closed, no <body>: the body starts at the first element that cannot be in <head>', () => {
    assert.equal(decodeHtml('<html><head><meta charset="utf-8"><title>某某局2021年政府信息公开工作年度报告</title><link rel="stylesheet"><div><p>一、总体情况</p><p>二、主动公开政府信息情况</p></div></html>').text,
      '某某局2021年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况');
  });

  test('hidden elements, forms controls, scripts and styles never reach the text', () => {
    const text = decodeHtml('<body><p>一、总体情况</p><div style="display: none">隐藏</div><p hidden>也隐藏</p><form><input value="关键词"><select><option>选项</option></select><button>提交</button><label>正文</label></form><script>var a="<p>脚本</p>"</script><style>p{}</style><noscript>请启用</noscript><p>二、主动公开政府信息情况</p></body>').text;
    assert.deepEqual(text.split('\n'), ['一、总体情况', '正文', '二、主动公开政府信息情况']);
  });
});

describe('HTML inside JSON or JavaScript strings', () => {
  const t = truthOf('html', 'api-2024');
  const json = fixture('html', 'api-2024.json').toString('utf8');
  const content = (JSON.parse(json) as { data: { content: string; title: string } }).data;

  test('the fixture is JSON whose content is escaped HTML (\\u003c, \\", \\u003d)', () => {
    assert.match(json.slice(0, 400), /\\u003cp style\\u003d\\"/);
    const text = decodeHtml(fixture('html', 'api-2024.json')).text;
    assert.equal(text.split('\n')[0], content.title); // the title field, put above the content
    assert.ok(!text.includes('\\u003c') && !text.includes('"code"'));
  });

  test('JSONP, PHP-style escapes (\\/), a JavaScript variable, document.write, and a page whose article is in a script', () => {
    const php = JSON.stringify({ status: 1, data: { title: content.title, body: content.content } }).replace(/\//g, '\\/');
    const forms = {
      jsonp: `jQuery1830_1700000000({"rows":[${php}]});`,
      php,
      variable: `var article = ${JSON.stringify(`<h1>${content.title}</h1>${content.content}`)};\nrender(article);`,
      write: `<html><body><div id="c"></div><script>document.write('<h1>${content.title}</h1>' +\n '${content.content.replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/<\//g, '<\\/')}');</script><div class="footer">版权所有</div></body></html>`,
    };
    for (const [form, src] of Object.entries(forms)) {
      const r = parseReport(Buffer.from(src), { path: form });
      assert.equal(r.source.format, 'html', form);
      assert.deepEqual(wrongCells(r, Object.entries(t.cells)), [], form);
      assert.equal(r.meta.agency, t.agency, form);
    }
  });

  test('a page showing its article is not replaced by a small string in its scripts', () => {
    const html = '<html><body><div><p>一、总体情况</p><p>正文正文正文正文正文</p><p>二、主动公开政府信息情况</p></div><script>var tip = "<p>欢迎访问本网站</p>";</script></body></html>';
    assert.equal(unwrapEscaped(html), html);
    assert.equal(decodeHtml(html).text, '一、总体情况\n正文正文正文正文正文\n二、主动公开政府信息情况');
  });
});
