// Locating sections, labels, versions; metadata; the rule checks; bad inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateSections } from '../src/locate/sections.js';
import { findApprox, labelKey, numberingStart, project } from '../src/locate/labels.js';
import { locateRows } from '../src/locate/rows.js';
import { detectVersion } from '../src/locate/version.js';
import { extractMeta } from '../src/meta/meta.js';
import { TEMPLATES } from '../src/template/index.js';
import { parseReport } from '../src/parse.js';
import { InputError } from '../src/types.js';

const SECTIONS = TEMPLATES['2021'].sections;

test('sections: numbered headings in order; the preamble list of contents and table rows are skipped', () => {
  const text = '本报告内容包括总体情况、主动公开政府信息情况等。\n一、总体情况\n文字\n二、主动公开政府信息情况\n表\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 1\n四、结转下年度继续办理 0\n四、政府信息公开行政复议、行政诉讼情况\n0\n五、存在的主要问题及改进情况\n无\n六、其他需要报告的事项\n无。';
  const hits = locateSections(text, SECTIONS);
  assert.deepEqual(hits.map((h) => h.key), ['overview', 'active', 'requests', 'review_litigation', 'problems', 'other_matters']);
  const rl = hits.find((h) => h.key === 'review_litigation')!;
  assert.ok(text.slice(rl.heading[0], rl.heading[1]).startsWith('四、政府信息公开行政复议'));
  const req = hits.find((h) => h.key === 'requests')!;
  assert.ok(text.slice(req.body[0], req.body[1]).includes('四、结转下年度继续办理'));
});

test('sections: heading variants and a sub-heading (一)主动公开 that is not section 二', () => {
  const text = '一、总体情况\n(一)主动公开情况。\n二、主动公开政府信息情况\nx\n三、收到和处理政府信息公开申请情况\ny\n四、因政府信息公开工作被申请行政复议、提起行政诉讼情况\nz\n五、存在的主要问题和改进情况\n六、其他需要报告的事项';
  const hits = locateSections(text, SECTIONS);
  assert.equal(hits.length, 6);
  assert.ok(text.slice(hits[1].heading[0]).startsWith('二、主动公开'));
});

test('labels: typos match approximately, short labels never do', () => {
  const proj = project('1.属于国家秘密 0 2.其他法律行政止公开 0 3.危及');
  const m = findApprox(proj.chars, labelKey('其他法律行政法规禁止公开'), 0, proj.chars.length);
  assert.ok(m && m.distance <= 3);
  assert.equal(findApprox('规章行政', '规草', 0, 4), null);
});

test('labels: the numbering is taken off the previous row\'s digits (…10000013.危及)', () => {
  const text = '禁止公开10000013.危及';
  const start = text.indexOf('危');
  assert.equal(numberingStart(text, start, '3.', 0), text.indexOf('3.'));
  assert.equal(numberingStart('予以公开', 0, '(一)', 0), 0);
  assert.equal(numberingStart('x(一)予以公开', 4, '(一)', 0), 1);
});

test('rows: labels with spaces, other brackets, traditional-style numbering and wrapped text are found', () => {
  const table = TEMPLATES['2021'].tables.requests;
  const text = '一、本年新收政府信息 公开申请数量 1 0 0 0 0 0 1\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n三、本年度办理结果\n（一）予以公开 1 0 0 0 0 0 1\n';
  const loc = locateRows(text, [0, text.length], table);
  const nr = loc.rows.find((r) => r.row.key === 'new_received')!;
  assert.ok(nr.label);
  assert.equal(nr.items.filter((i) => i.kind === 'num').length, 7);
  assert.equal(loc.rows.find((r) => r.row.key === 'granted')!.items.length, 7);
});

test('version: strong markers, mixed markers, the year fallback, pre-2019', () => {
  assert.equal(detectVersion('信息内容 本年制发件数 本年废止件数', null).template, '2021');
  assert.equal(detectVersion('本年新制作数量 本年新公开数量 对外公开总数量', 2021).template, '2019');
  assert.equal(detectVersion('(六)其他处理 0 0 0 0 0 0 0\n(七)总计 1', null).template, '2019');
  const mixed = detectVersion('本年制发件数 本年废止件数 上一年项目数量', null);
  assert.equal(mixed.basis, 'mixed');
  assert.deepEqual([detectVersion('', 2020).template, detectVersion('', 2022).template, detectVersion('', 2017).template, detectVersion('', null).template], ['2019', '2021', 'pre2019', 'unknown']);
  assert.equal(detectVersion('统计指标 计量单位 同意公开答复数', null).template, 'pre2019');
});

test('meta: a crawled page\'s header lines, 年度…工作报告 titles, no leading verb phrase, development zones', () => {
  assert.equal(extractMeta('标题:福州市教育局2022年度政府信息公开工作报告\n发布机构:福州市教育局\n').agency, '福州市教育局');
  assert.equal(extractMeta('首页 > 政务公开 > 年度报告\n发布机构:平潭综合实验区管理委员会\n2021年政府信息公开工作年度报告\n').agency, '平潭综合实验区管理委员会');
  assert.equal(extractMeta('现公布平潭综合实验区2021年度政府信息公开工作年度报告\n一、总体情况').agency, '平潭综合实验区');
  assert.equal(extractMeta('关于印发北京市朝阳区人民政府2021年政府信息公开工作年度报告').agency, '北京市朝阳区人民政府');
  const zone = extractMeta('平潭综合实验区2021年政府信息公开工作年度报告');
  assert.equal(zone.agency, '平潭综合实验区'); // not 平潭县人民政府
});

test('version: a report on 2018 or before is pre-2019 unless the 2019 tables are there', () => {
  // one new-template word in the old table (or the prose) does not make a 2019-template report
  assert.equal(detectVersion('主动公开政府信息数 本年新制作数量 12 依申请公开', 2018).template, 'pre2019');
  assert.equal(detectVersion('本年度办理结果 说明', 2017).template, 'pre2019');
  // the 2019 tables themselves (late filers used the new template)
  assert.equal(detectVersion('本年新制作数量 本年新公开数量 对外公开总数量 本年度办理结果 结转下年度继续办理', 2018).template, '2019');
});

test('meta: title agency, year, labelled publication date; self-references are not agencies', () => {
  const m = extractMeta('首页\n北京市朝阳区人民政府2021年政府信息公开工作年度报告\n发布日期：2022-01-20\n');
  assert.deepEqual(m, { agency: '北京市朝阳区人民政府', year: 2021, published: '2022-01-20' });
  assert.equal(extractMeta('我办2022年政府信息公开工作年度报告').agency, null);
  assert.equal(extractMeta('淮安市人民政府\n2024 年政府信息公开工作年度报告\n').agency, '淮安市人民政府');
  assert.equal(extractMeta('本报告统计期限自2023年1月1日至2023年12月31日。').year, 2023);
});

test('checks: a printed 0 total under non-zero parts is read as 0 and reported; pipes read as written', () => {
  const rows = TEMPLATES['2021'].tables.requests.rows.filter((r) => !r.group);
  const lines = rows.map((r) => `${r.numbering}${r.label} | ${r.key === 'granted' ? '1 | 0 | 0 | 0 | 0 | 0 | 0' : r.key === 'new_received' || r.key === 'total' ? '1 | 0 | 0 | 0 | 0 | 0 | 1' : '0 | 0 | 0 | 0 | 0 | 0 | 0'} |`);
  const text = `某某局2021年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n${lines.join('\n')}\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项`;
  const r = parseReport(text);
  assert.equal(r.tables.requests!.granted.total.value, 0);
  assert.equal(r.tables.requests!.granted.total.status, 'read');
  const f = r.findings.find((x) => x.rule === 'requests.row_total');
  assert.ok(f && f.cells.includes('requests.granted.total') && f.severity === 'error');
  assert.match(f.message, /勾稽关系不成立/);
});

test('bad inputs: empty, binary and non-report text are refused with a clear InputError', () => {
  assert.throws(() => parseReport(new Uint8Array()), InputError);
  assert.throws(() => parseReport('   \n '), InputError);
  assert.throws(() => parseReport(new Uint8Array([0, 1, 2, 3, 0, 0, 255, 254, 0, 9, 0, 0, 0, 7])), InputError);
  assert.throws(() => parseReport('今天天气很好，我们去公园散步。'), (e: unknown) => e instanceof InputError && /不是政府信息公开工作年度报告/.test(e.message));
});

test('sections: a table of contents at the top is skipped, the real headings are used', () => {
  const toc = '目录\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n';
  const body = '一、总体情况\n本年度工作正常开展。\n二、主动公开政府信息情况\n表一\n三、收到和处理政府信息公开申请情况\n表二\n四、政府信息公开行政复议、行政诉讼情况\n表三\n五、存在的主要问题及改进情况\n问题\n六、其他需要报告的事项\n无。';
  const text = toc + body;
  const hits = locateSections(text, SECTIONS);
  assert.equal(hits.length, 6);
  assert.ok(hits[0].heading[0] >= toc.length);
  assert.equal(text.slice(hits[2].body[0], hits[2].body[1]).trim(), '表二');
});
