// DOCX reports: the fixtures LibreOffice made from the HTML reports (test/fixtures/html/make.mjs)
// give every truth cell through parseReport and parseDocument; the OOXML reader's own behaviour
// (gridSpan, vMerge, gridBefore, cell paragraphs, numbering, revisions, fields, hidden text,
// mc:Fallback, prefixes, the main part from _rels) on hand-built documents; legacy .doc.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { parseDocument, parseReport } from '../src/parse.js';
import { detectFormat } from '../src/decode/detect.js';
import { DEFAULT_LIMITS } from '../src/decode/types.js';
import { decodeDocx, decodeLegacyDoc } from '../src/decode/docx.js';
import { InputError, type Report } from '../src/types.js';
import { fixture, wrongCells } from './helpers.js';

interface FixtureTruth { input: string; format: string; encoding: string; agency: string; year: number; published: string; template: string; blank: string[]; cells: Record<string, number> }

function assertReport(r: Report, t: FixtureTruth) {
  assert.equal(r.source.format, 'docx');
  assert.equal(r.source.encoding, 'binary');
  assert.equal(r.meta.template, t.template);
  assert.equal(r.meta.year, t.year);
  assert.equal(r.meta.agency, t.agency);
  assert.equal(r.meta.published, t.published);
  assert.deepEqual(wrongCells(r, Object.entries(t.cells)), []);
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => f.rule), []);
}

describe('DOCX fixtures (LibreOffice from the HTML reports): every cell', () => {
  for (const name of ['gov-2021', 'gov-2019']) {
    const t = JSON.parse(fixture('docx', `${name}.truth.json`).toString('utf8')) as FixtureTruth;
    const bytes = fixture('docx', t.input);
    test(`${t.input} (${t.template}): parseReport`, () => {
      assert.equal(detectFormat(bytes), 'docx');
      assertReport(parseReport(bytes, { path: t.input }), t);
    });
    test(`${t.input}: parseDocument`, async () => {
      assertReport(await parseDocument(bytes, { path: t.input }), t);
    });
  }

  test('gov-2021.docx and gov-2021.html decode to the same table lines', async () => {
    const { decodeHtml } = await import('../src/decode/html.js');
    const rows = (text: string) => text.split('\n').filter((l) => l.includes('|')).map((l) => l.replace(/\s+/g, ' ').trim());
    const fromDocx = rows(decodeDocx(fixture('docx', 'gov-2021.docx'), DEFAULT_LIMITS).text);
    const fromHtml = rows(decodeHtml(fixture('html', 'gov-2021.html')).text);
    assert.ok(fromDocx.length > 40);
    assert.deepEqual(fromDocx, fromHtml);
  });
});

// ---- hand-built OOXML ----

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

interface DocOptions { prefix?: string; main?: string; store?: boolean; parts?: Record<string, string> }

function docx(body: string, o: DocOptions = {}): Uint8Array {
  const x = o.prefix ?? 'w';
  const main = o.main ?? 'word/document.xml';
  const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><${x}:document xmlns:${x}="${W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><${x}:body>${body.replace(/<(\/?)w:/g, `<$1${x}:`).replace(/ w:/g, ` ${x}:`)}</${x}:body></${x}:document>`;
  const files: Zippable = {
    '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    '_rels/.rels': strToU8(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${main}"/></Relationships>`),
    [main]: strToU8(xml),
  };
  for (const [name, text] of Object.entries(o.parts ?? {})) files[name] = strToU8(text);
  return zipSync(files, { level: o.store ? 0 : 6 });
}
const text = (body: string, o?: DocOptions) => decodeDocx(docx(body, o), DEFAULT_LIMITS).text;
const p = (...runs: string[]) => `<w:p>${runs.map((r) => (r.startsWith('<') ? r : `<w:r><w:t xml:space="preserve">${esc(r)}</w:t></w:r>`)).join('')}</w:p>`;
const tc = (content: string, pr = '') => `<w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/>${pr}</w:tcPr>${content.startsWith('<') ? content : p(content)}</w:tc>`;
const tr = (...cells: string[]) => `<w:tr>${cells.join('')}</w:tr>`;
const tbl = (...rows: string[]) => `<w:tbl><w:tblPr/><w:tblGrid/>${rows.join('')}</w:tbl>`;

describe('OOXML reader', () => {
  test('w:gridSpan gives its text once, w:vMerge continuations are empty, w:gridBefore leads with empties', () => {
    const body = tbl(
      tr(tc('三、本年度办理结果', '<w:vMerge w:val="restart"/>'), tc('（一）予以公开', '<w:gridSpan w:val="2"/>'), tc('15'), tc('')),
      tr(tc('', '<w:vMerge/>'), tc('（三）不予公开', '<w:vMerge w:val="restart"/>'), tc('1.属于国家秘密'), tc('0'), tc('3')),
      tr(tc('', '<w:vMerge w:val="continue"/>'), tc('', '<w:vMerge/>'), tc('2.其他法律行政法规禁止公开'), tc('4'), tc('0')),
      `<w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>${tc('3.其他')}${tc('1')}${tc('2')}</w:tr>`,
    );
    assert.deepEqual(text(body).split('\n'), [
      '三、本年度办理结果 | （一）予以公开 | | 15 | |',
      '| （三）不予公开 | 1.属于国家秘密 | 0 | 3 |',
      '| | 2.其他法律行政法规禁止公开 | 4 | 0 |',
      '| | 3.其他 | 1 | 2 |',
    ]);
  });

  test('a cell\'s paragraphs and breaks join without a separator in CJK, with a space between numbers', () => {
    const body = tbl(tr(tc(p('结果') + p('维持')), tc(p('12') + p('5')), tc(p('结果', '<w:r><w:br/></w:r>', '纠正')), tc(p('7', '<w:r><w:tab/></w:r>', '件'))));
    assert.equal(text(body), '结果维持 | 12 5 | 结果纠正 | 7 件 |');
  });

  test('paragraphs: w:tab a space, w:br a new line, tab stops are not text, empty paragraphs collapse', () => {
    const body = `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>规章</w:t><w:tab/><w:t>3</w:t><w:br/><w:t>第二行</w:t></w:r></w:p><w:p/><w:p/><w:p/>${p('末行')}`;
    assert.equal(text(body), '规章 3\n第二行\n\n末行');
  });

  test('deleted text, moved-from text, field instructions, hidden runs and mc:Fallback copies are left out', () => {
    const body = [
      p('保留', '<w:del w:id="1" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>', '<w:ins w:id="2" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins>'),
      p('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE \\* MERGEFORMAT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>', '3', '<w:r><w:fldChar w:fldCharType="end"/></w:r>'),
      p('可见', '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>', '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>显示</w:t></w:r>'),
      p('<w:moveFrom w:id="3" w:author="a"><w:r><w:t>移走</w:t></w:r></w:moveFrom>', '留下'),
      p('<mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r></mc:Choice><mc:Fallback><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></mc:Fallback></mc:AlternateContent>', '正文'),
    ].join('');
    assert.equal(text(body), '保留插入\n3\n可见显示\n留下\n文本框\n正文');
  });

  test('automatic numbering is written out: 一、 （一） 1. from numbering.xml, directly and through a style', () => {
    const numbering = `<?xml version="1.0"?><w:numbering xmlns:w="${W_NS}">
      <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl></w:abstractNum>
      <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>`;
    const styles = `<?xml version="1.0"?><w:styles xmlns:w="${W_NS}"><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="MyHeading"><w:basedOn w:val="Heading1"/></w:style></w:styles>`;
    const np = (id: string, lvl: number, s: string) => `<w:p><w:pPr><w:numPr><w:ilvl w:val="${lvl}"/><w:numId w:val="${id}"/></w:numPr></w:pPr><w:r><w:t>${s}</w:t></w:r></w:p>`;
    const sp = (style: string, s: string) => `<w:p><w:pPr><w:pStyle w:val="${style}"/></w:pPr><w:r><w:t>${s}</w:t></w:r></w:p>`;
    const body = [np('1', 0, '总体情况'), np('1', 1, '主动公开'), np('1', 1, '依申请公开'), np('1', 0, '主动公开政府信息情况'), np('1', 1, '规章'), np('1', 2, '属于国家秘密'), np('1', 2, '其他法律行政法规禁止公开'), sp('Heading1', '收到和处理政府信息公开申请情况'), sp('MyHeading', '政府信息公开行政复议、行政诉讼情况'), np('2', 0, '要点'), np('0', 0, '不编号')].join('');
    assert.deepEqual(text(body, { parts: { 'word/numbering.xml': numbering, 'word/styles.xml': styles } }).split('\n'), [
      '一、总体情况', '（一）主动公开', '（二）依申请公开', '二、主动公开政府信息情况', '（一）规章', '1.属于国家秘密', '2.其他法律行政法规禁止公开',
      '三、收到和处理政府信息公开申请情况', '四、政府信息公开行政复议、行政诉讼情况', '要点', '不编号',
    ]);
  });

  test('any namespace prefix, the main part named by _rels/.rels, stored (uncompressed) entries', () => {
    const body = p('一、总体情况') + tbl(tr(tc('规章'), tc('1'), tc('2'), tc('30')));
    const want = '一、总体情况\n规章 | 1 | 2 | 30 |';
    assert.equal(text(body, { prefix: 'ns0' }), want);
    assert.equal(text(body, { main: 'word/document2.xml' }), want);
    assert.equal(text(body, { store: true }), want);
  });

  test('a table nesting a table is layout: its cells are lines, the inner table a grid', () => {
    const inner = tbl(tr(tc('规章'), tc('0'), tc('1'), tc('4')));
    assert.equal(text(tbl(tr(tc(p('一、总体情况') + p('全年收到申请5件。') + inner + p('二、主动公开政府信息情况'))))), '一、总体情况\n全年收到申请5件。\n规章 | 0 | 1 | 4 |\n二、主动公开政府信息情况');
  });

  test('not a Word document, no main part, no text', () => {
    const xlsx = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'xl/workbook.xml': strToU8('<workbook/>') });
    assert.throws(() => decodeDocx(xlsx, DEFAULT_LIMITS), (e: unknown) => e instanceof InputError && e.code === 'unsupported' && /不是 Word 文档 \/ /.test(e.message));
    const none = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/styles.xml': strToU8('<styles/>') });
    assert.throws(() => decodeDocx(none, DEFAULT_LIMITS), (e: unknown) => e instanceof InputError && e.code === 'docx_broken');
    assert.throws(() => decodeDocx(docx(p('   ')), DEFAULT_LIMITS), (e: unknown) => e instanceof InputError && e.code === 'empty');
  });
});

// ---- Word 97 .doc ----

const hasSoffice = spawnSync('soffice', ['--version'], { timeout: 30_000 }).status === 0;

describe('legacy .doc', () => {
  const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]);

  test('without LibreOffice: refused with what to do (Chinese first)', () => {
    const path = process.env.PATH;
    const empty = mkdtempSync(join(tmpdir(), 'gk-nopath-'));
    process.env.PATH = empty;
    try {
      assert.equal(detectFormat(OLE), 'doc');
      for (const run of [() => decodeLegacyDoc(OLE, DEFAULT_LIMITS), () => parseReport(OLE)]) {
        assert.throws(run, (e: unknown) => e instanceof InputError && e.code === 'doc_unsupported' && e.message.startsWith('不支持旧版 .doc 文件') && e.message.includes(' / legacy .doc is not supported without LibreOffice'));
      }
    } finally {
      process.env.PATH = path;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('with LibreOffice: a .doc is converted and read like the DOCX', { skip: hasSoffice ? false : 'soffice not on PATH (install libreoffice-writer)' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gk-doc-'));
    try {
      writeFileSync(join(dir, 'gov-2021.docx'), fixture('docx', 'gov-2021.docx'));
      spawnSync('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'doc:MS Word 97', '--outdir', dir, join(dir, 'gov-2021.docx')], { timeout: 120_000, stdio: 'ignore' });
      assert.ok(existsSync(join(dir, 'gov-2021.doc')), 'LibreOffice made no .doc');
      const doc = readFileSync(join(dir, 'gov-2021.doc'));
      assert.equal(detectFormat(doc), 'doc');
      const t = JSON.parse(fixture('docx', 'gov-2021.truth.json').toString('utf8')) as FixtureTruth;
      assertReport(parseReport(doc, { path: 'gov-2021.doc' }), t);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
