// The writers (src/write/): every fixture with truth — text, HTML, DOCX, PDF — parsed, rendered
// to .docx, HTML and text, and parsed back by Gongkai's own reader: every cell the original
// decides comes back the same and confident, every truth cell right, the meta the same, no
// finding the original did not have. Then what each format must be (official layout, plain
// markup, escaping), undecided cells never drawn as numbers, bad input refused, the CLI, and —
// with LibreOffice — the .docx converted to PDF, read back, and its first table page saved.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { parseDocument } from '../src/parse.js';
import type { Cell, Report } from '../src/types.js';
import { InputError } from '../src/types.js';
import { TEMPLATES, dataRowsOf } from '../src/template/index.js';
import { buildDocument, readRenderInput, renderDocx, renderHtml, renderReport, renderText, type OutputFormat } from '../src/write/index.js';
import { generateReport, mulberry32 } from '../src/generate/report.js';
import { FIXTURES, fixture, truthCells, type Truth } from './helpers.js';

const CONFIDENT = new Set(['read', 'blank', 'inferred']);
const FORMATS: OutputFormat[] = ['docx', 'html', 'text'];

interface Fixture { file: string[]; truth: [string, number | 'ambiguous'][] }

/** Every fixture that has a truth file, with its truth cells (two truth shapes are in use). */
function fixturesWithTruth(): Fixture[] {
  const out: Fixture[] = [];
  for (const f of readdirSync(join(FIXTURES, 'corpus', 'truth'))) {
    const t = JSON.parse(fixture('corpus', 'truth', f).toString('utf8')) as Truth;
    out.push({ file: ['corpus', 'input', t.input], truth: truthCells(t) });
  }
  for (const dir of ['html', 'docx', 'pdf']) {
    for (const f of readdirSync(join(FIXTURES, dir)).filter((n) => n.endsWith('.truth.json'))) {
      const t = JSON.parse(fixture(dir, f).toString('utf8')) as Truth & { cells?: Record<string, number> };
      const cells: [string, number | 'ambiguous'][] = t.cells ? Object.entries(t.cells) : truthCells(t);
      const stem = f.replace(/\.truth\.json$/, '');
      // A truth file may stand for the same report in several published forms (report-2021.docx, .pdf, .html).
      const inputs = t.input ? [t.input] : readdirSync(join(FIXTURES, dir)).filter((n) => n.startsWith(`${stem}.`) && !n.endsWith('.json'));
      for (const input of inputs) out.push({ file: [dir, input], truth: cells });
    }
  }
  return out;
}

function cellsOf(report: Report): Map<string, Cell> {
  const out = new Map<string, Cell>();
  for (const [t, rows] of Object.entries(report.tables)) {
    if (!rows) continue;
    for (const [r, cols] of Object.entries(rows)) for (const [c, cell] of Object.entries(cols)) out.set(`${t}.${r}.${c}`, cell);
  }
  return out;
}

const findingKeys = (r: Report) => new Set(r.findings.map((f) => `${f.rule} ${[...f.cells].sort().join(',')}`));
const facts = (r: Report) => r.narrative.facts.map((f) => `${f.kind}=${f.value}`).sort();

async function roundTrip(original: Report, format: OutputFormat): Promise<{ back: Report; bytes: Uint8Array }> {
  const { bytes } = await renderReport(readRenderInput(JSON.stringify(original)), format);
  const name = `rendered.${format === 'text' ? 'txt' : format}`;
  return { back: await parseDocument(bytes, { path: name }), bytes };
}

describe('round trip: parse → render → parse gives the same report', () => {
  for (const fx of fixturesWithTruth()) {
    const name = fx.file.join('/');
    test(name, async () => {
      const original = await parseDocument(fixture(...fx.file), { path: fx.file[fx.file.length - 1], includeText: true });
      assert.ok(original.meta.template === '2019' || original.meta.template === '2021', 'the fixture is in a known template');
      const before = cellsOf(original);
      for (const format of FORMATS) {
        const { back } = await roundTrip(original, format);
        const after = cellsOf(back);
        const wrong: string[] = [];
        for (const [path, cell] of before) {
          const got = after.get(path);
          if (CONFIDENT.has(cell.status)) {
            if (!got || !CONFIDENT.has(got.status) || got.value !== cell.value) wrong.push(`${path}: ${cell.value} → ${JSON.stringify(got)}`);
          } else if (got && CONFIDENT.has(got.status)) {
            // Undecided cells are checked apart (below): a known reader limit, not this loop's concern.
            continue;
          }
        }
        assert.deepEqual(wrong, [], `${format}: cells changed`);
        for (const t of ['active', 'requests', 'review_litigation'] as const) assert.equal(back.tables[t] === null, original.tables[t] === null, `${format}: table ${t} present in both or neither`);
        for (const [path, want] of fx.truth) {
          if (want === 'ambiguous' || !before.has(path) || !CONFIDENT.has(before.get(path)!.status)) continue;
          assert.equal(after.get(path)?.value, want, `${format}: truth cell ${path}`);
        }
        const had = findingKeys(original);
        assert.deepEqual([...findingKeys(back)].filter((k) => !had.has(k)), [], `${format}: no new finding`);
        for (const k of ['agency', 'year', 'published', 'template'] as const) assert.equal(back.meta[k], original.meta[k], `${format}: meta.${k}`);
        assert.deepEqual(facts(back), facts(original), `${format}: the prose restates the same figures`);
      }
    });
  }

  // Gongkai's reader has no undecided cell: a "?" or "缺" between pipes yields no value item, so
  // the slot vanishes — a row of them reads as blanks (0), one among numbers shifts the row's
  // other numbers into the wrong columns (reported to the reader's owners). Known failures until
  // the reader keeps such a cell as undecided.
  const READER_GAP = 'reader: a "?" / "缺" cell is dropped (blank 0, or the row shifts)';
  test('undecided cells come back undecided (seed001-chaoyang-2021: three ambiguous cells)', { todo: READER_GAP }, async () => {
    const original = await parseDocument(fixture('corpus', 'input', 'seed001-chaoyang-2021.txt'), { path: 'c.txt', includeText: true });
    const undecided = [...cellsOf(original)].filter(([, c]) => !CONFIDENT.has(c.status)).map(([p]) => p);
    assert.equal(undecided.length, 3);
    for (const format of FORMATS) {
      const after = cellsOf((await roundTrip(original, format)).back);
      for (const p of undecided) assert.ok(!CONFIDENT.has(after.get(p)?.status ?? 'missing'), `${format}: ${p} read back as ${JSON.stringify(after.get(p))}`);
    }
  });

  test('one missing cell among numbers: it comes back undecided and its row\'s numbers stay in their columns', { todo: READER_GAP }, async () => {
    const original = await parseDocument(fixture('docx', 'gov-2021.docx'), { path: 'g.docx', includeText: true });
    original.tables.requests!.new_received.total = { value: null, status: 'missing' };
    for (const format of FORMATS) {
      const after = cellsOf((await roundTrip(original, format)).back);
      const wrong = [...cellsOf(original)].filter(([p, c]) => (CONFIDENT.has(c.status) ? after.get(p)?.value !== c.value : CONFIDENT.has(after.get(p)?.status ?? 'missing'))).map(([p]) => `${p}: ${JSON.stringify(after.get(p))}`);
      assert.deepEqual(wrong, [], format);
    }
  });
});

test('round trip of generated tables: 2019 and 2021, every size, money with decimals, negative changes', async () => {
  const rng = mulberry32(16);
  let checked = 0;
  for (let i = 0; i < 12; i++) {
    const g = generateReport(rng, { version: i % 2 ? '2019' : '2021', size: (['zero', 'small', 'medium', 'large'] as const)[i % 4] });
    const tables: Record<string, Record<string, Record<string, Cell>>> = { active: {}, requests: {}, review_litigation: {} };
    for (const [path, value] of Object.entries(g.cells)) {
      const [t, r, c] = path.split('.');
      (tables[t][r] ??= {})[c] = { value, status: 'read' };
    }
    // The 2019 procurement amount has no unit in the template: the unit the report wrote is kept.
    if (tables.active.procurement) tables.active.procurement.amount.unit = '万元';
    const json = JSON.stringify({ schema: 'gongkai/report@1', meta: { agency: g.agency, year: g.year, published: null, template: g.version }, tables });
    for (const format of FORMATS) {
      const { bytes } = await renderReport(readRenderInput(json), format);
      const back = await parseDocument(bytes, { path: `g.${format === 'text' ? 'txt' : format}` });
      const after = cellsOf(back);
      const wrong = Object.entries(g.cells).filter(([p, v]) => after.get(p)?.value !== v || !CONFIDENT.has(after.get(p)!.status)).map(([p, v]) => `${p}: ${v} → ${JSON.stringify(after.get(p))}`);
      assert.deepEqual(wrong, [], `${g.version} ${format} #${i}`);
      assert.deepEqual([back.meta.agency, back.meta.year, back.meta.template], [g.agency, g.year, g.version]);
      assert.deepEqual(back.findings.filter((f) => f.severity !== 'info').map((f) => f.rule), [], `${format} #${i}: no warning or error`);
      checked += Object.keys(g.cells).length;
    }
  }
  assert.ok(checked > 12 * 3 * 150);
});

// ---- the formats ----

async function reportOf(...file: string[]): Promise<Report> {
  return parseDocument(fixture(...file), { path: file[file.length - 1], includeText: true });
}

describe('.docx in the official layout', () => {
  test('A4, the template fonts with fallbacks in the font table, bordered fixed tables, merged header cells', async () => {
    const doc = buildDocument(readRenderInput(JSON.stringify(await reportOf('docx', 'gov-2021.docx'))));
    const files = unzipSync(await renderDocx(doc));
    const xml = strFromU8(files['word/document.xml']);
    assert.match(xml, /<w:pgSz w:w="11906" w:h="16838"/);
    assert.match(xml, /w:eastAsia="方正小标宋简体"/);
    assert.match(xml, /w:eastAsia="仿宋_GB2312"/);
    assert.match(xml, /w:eastAsia="黑体"/);
    const fonts = strFromU8(files['word/fontTable.xml']);
    assert.match(fonts, /<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"\/><w:charset w:val="86"\/>/);
    assert.match(fonts, /<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"\/>/);
    assert.equal((xml.match(/<w:tbl>/g) ?? []).length, 3);
    assert.equal((xml.match(/<w:tblLayout w:type="fixed"\/>/g) ?? []).length, 3);
    assert.match(xml, /<w:insideV w:val="single"/);
    // Table 三: the corner note spans 3 columns and 3 rows, 申请人情况 spans the 7 applicant columns.
    assert.match(xml, /<w:gridSpan w:val="7"\/>/);
    assert.match(xml, /<w:gridSpan w:val="3"\/><w:vMerge w:val="restart"\/>/);
    // The vertical group 三、本年度办理结果 runs down every outcome row of the 2021 template.
    const outcomeRows = dataRowsOf(TEMPLATES['2021'].tables.requests).filter((r) => r.parent).length;
    const restartAt = xml.indexOf('三、本年度办理结果');
    assert.ok(restartAt > 0);
    const continues = (xml.slice(restartAt).match(/<w:vMerge w:val="continue"\/>/g) ?? []).length;
    assert.ok(continues >= outcomeRows - 1, `vMerge continues after the group: ${continues}`);
  });

  test('text is escaped, and characters XML cannot hold are dropped (the file opens)', async () => {
    const report = await reportOf('docx', 'gov-2021.docx');
    const input = { ...report, meta: { ...report.meta, agency: '某<局>&\u0001\ud800' }, sections: [{ key: 'problems', text: '一是\u000b“<b>”&amp;' }] };
    const xml = strFromU8(unzipSync(await renderDocx(buildDocument(readRenderInput(JSON.stringify(input)))))['word/document.xml']);
    assert.match(xml, /某&lt;局&gt;&amp;2021年政府信息公开工作年度报告/);
    assert.match(xml, /一是“&lt;b&gt;”&amp;amp;/);
    assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udfff]/.test(xml));
  });

  test('the 2019 template: its own rows and columns (采购项目数量, （六）其他处理 as one row)', async () => {
    const xml = strFromU8(unzipSync(await renderDocx(buildDocument(readRenderInput(JSON.stringify(await reportOf('docx', 'gov-2019.docx')))))) ['word/document.xml']);
    assert.match(xml, /采购项目数量/);
    assert.match(xml, /（六）其他处理/);
    assert.ok(!xml.includes('本年制发件数'));
  });
});

describe('HTML for a CMS', () => {
  test('plain table markup with rowspan/colspan; no script, no external asset; text escaped', async () => {
    const report = await reportOf('html', 'gov-2021.html');
    const hostile = { ...report, meta: { ...report.meta, agency: '<script>alert(1)</script>局' }, preamble: '<img src=x onerror=alert(1)> & “引号”' };
    const html = renderHtml(buildDocument(readRenderInput(JSON.stringify(hostile))));
    assert.ok(!/<script/i.test(html), 'no script element');
    assert.ok(!/<(?:img|link|iframe|object|embed|style)\b/i.test(html), 'no asset');
    assert.ok(!/<[a-z][^>]*\s(?:src|href|on\w+)=/i.test(html), 'no reference out, no handler');
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;局/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; &amp; “引号”/);
    assert.match(html, /<th colspan="7" align="center">申请人情况<\/th>/);
    assert.match(html, /<th colspan="3" rowspan="3" align="left">（本列数据的勾稽关系为/);
    const outcomeRows = dataRowsOf(TEMPLATES['2021'].tables.requests).filter((r) => r.parent).length;
    assert.match(html, new RegExp(`<td rowspan="${outcomeRows}" align="center">三、本年度办理结果</td>`));
    assert.equal((html.match(/<table /g) ?? []).length, 3);
    assert.match(html, /^<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8">/);
    // --fragment: only the body's content, for a CMS's source view.
    const fragment = renderHtml(buildDocument(readRenderInput(JSON.stringify(report))), { fragment: true });
    assert.match(fragment, /^<h1 style="text-align:center">青山区教育局2021年政府信息公开工作年度报告<\/h1>\n/);
    assert.ok(!/<(?:html|head|body|title|meta)\b|<!DOCTYPE/i.test(fragment));
    assert.equal((fragment.match(/<table /g) ?? []).length, 3);
  });
});

describe('undecided cells', () => {
  test('drawn marked in every format, never as a number; listed with their places in words', async () => {
    const report = await reportOf('corpus', 'input', 'seed001-chaoyang-2021.txt');
    report.tables.requests!.carried_over.natural_person = { value: null, status: 'missing' };
    const doc = buildDocument(readRenderInput(JSON.stringify(report)));
    assert.deepEqual(doc.undecided.map((u) => [u.path, u.status]), [
      ['active.normative_documents.issued', 'ambiguous'], ['active.normative_documents.repealed', 'ambiguous'],
      ['active.normative_documents.in_force', 'ambiguous'], ['requests.carried_over.natural_person', 'missing'],
    ]);
    assert.deepEqual(doc.undecided[0].candidates, [6, 62, 623, 6231]);
    assert.equal(doc.undecided[3].place, '三、收到和处理政府信息公开申请情况 · 二、上年结转政府信息公开申请数量 · 自然人');
    const text = renderText(doc);
    assert.match(text, /^行政规范性文件 *\| \? *\| \? *\| \? *\|$/m);
    assert.match(text, /^二、上年结转政府信息公开申请数量 *\| *\| *\| 缺 *\| 0 *\|/m);
    assert.match(text, /“行政规范性文件”“本年制发件数”：原报告无法确定，须核实/);
    // The notes give no figure beside a row label (it would read as a table row).
    for (const line of text.split('\n').filter((l) => l.startsWith('“'))) assert.ok(!/\d/.test(line), line);
    const html = renderHtml(doc);
    assert.match(html, /<tr><td align="left">行政规范性文件<\/td><td align="center"><mark>\?<\/mark><\/td>/);
    const xml = strFromU8(unzipSync(await renderDocx(doc))['word/document.xml']);
    assert.match(xml, /<w:highlight w:val="yellow"\/>[\s\S]{0,400}<w:t xml:space="preserve">\?<\/w:t>/);
  });
});

describe('input', () => {
  const good = () => JSON.parse(JSON.stringify({ schema: 'gongkai/report@1', meta: { agency: '某局', year: 2022, published: null, template: '2021' }, tables: { active: null, requests: null, review_litigation: null } }));

  test('bad input is an InputError that says what is wrong', () => {
    const bad: [string, RegExp][] = [
      ['{', /不是有效的 JSON/],
      [JSON.stringify({ ...good(), schema: 'other' }), /schema/],
      [JSON.stringify({ ...good(), meta: { template: 'unknown', year: 2017 } }), /无法确定报告模板/],
      [JSON.stringify({ ...good(), tables: { active: { nonsense: { issued: { value: 1, status: 'read' } } } } }), /没有行「nonsense」/],
      [JSON.stringify({ ...good(), tables: { active: { regulations: { made: { value: 1, status: 'read' } } } } }), /规章：没有列「made」/],
      [JSON.stringify({ ...good(), tables: { active: { regulations: { issued: { value: null, status: 'read' } } } } }), /状态为确定但没有数值/],
      [JSON.stringify({ ...good(), tables: { active: { regulations: { issued: { value: 1, status: 'guessed' } } } } }), /tables\.active\.regulations\.issued\.status/],
    ];
    for (const [json, want] of bad) assert.throws(() => readRenderInput(json), (e: unknown) => e instanceof InputError && want.test(e.message), json);
  });

  test('the template from the year when the report does not say; absent tables said so; section texts written out', () => {
    const input = { ...good(), meta: { agency: '某局', year: 2020, published: '2021-01-15', template: 'unknown' }, sections: [{ key: 'problems', text: '一是……\n二是……' }] };
    const doc = buildDocument(readRenderInput(JSON.stringify(input)));
    assert.equal(doc.version, '2019');
    assert.equal(doc.title, '某局2020年政府信息公开工作年度报告');
    assert.deepEqual(doc.signature, { agency: '某局', date: '2021年1月15日' });
    const text = renderText(doc);
    assert.match(text, /五、存在的主要问题及改进情况\n一是……\n二是……\n六、/);
    assert.equal((text.match(/（本报告未提供此表）/g) ?? []).length, 3);
  });
});

// ---- the command line ----

const BIN = join(FIXTURES, '..', '..', 'bin', 'gongkai.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' });

describe('gongkai report render', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-write-'));
  const parsed = (file: string) => {
    const r = spawnSync(process.execPath, [BIN, 'parse', '--json', '--text', file], { encoding: 'utf8' });
    const out = join(dir, `${file.split('/').pop()}.json`);
    writeFileSync(out, r.stdout);
    return out;
  };

  test('text on stdout, .docx with --out; exit 0 when every cell is decided', () => {
    const json = parsed(join(FIXTURES, 'html', 'gov-2021.html'));
    const text = run(['report', 'render', '--format', 'text', json]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^青山区教育局2021年政府信息公开工作年度报告\n/);
    assert.equal(text.stderr, '');
    const out = join(dir, 'r.docx');
    const docx = run(['report', 'render', '--format', 'docx', json, '--out', out]);
    assert.equal(docx.status, 0, docx.stderr);
    assert.equal(docx.stdout, '');
    assert.ok(strFromU8(unzipSync(readFileSync(out))['word/document.xml']).includes('青山区教育局'));
    const stdin = run(['report', 'render', '--format', 'html', '-'], readFileSync(json, 'utf8'));
    assert.equal(stdin.status, 0);
    assert.match(stdin.stdout, /^<!DOCTYPE html>/);
  });

  test('undecided cells: the document is written, stderr names them in words, exit 1', () => {
    const json = parsed(join(FIXTURES, 'corpus', 'input', 'seed001-chaoyang-2021.txt'));
    const r = run(['report', 'render', '--format', 'html', json, '--out', join(dir, 'c.html')]);
    assert.equal(r.status, 1);
    assert.ok(existsSync(join(dir, 'c.html')));
    assert.match(r.stderr, /3 个单元格原报告未确定/);
    assert.match(r.stderr, /二、主动公开政府信息情况 · 行政规范性文件 · 本年制发件数：存疑，候选 6 \/ 62 \/ 623 \/ 6231/);
    assert.ok(!/normative_documents|active\./.test(r.stderr), 'no internal key shown');
  });

  test('bad input or arguments: one line, exit 2, no output file', () => {
    const out = join(dir, 'never.docx');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema":"gongkai/report@1","meta":{"template":"2021"},"tables":{"active":{"x":{}}}}');
    for (const args of [
      ['report', 'render', '--format', 'docx', bad, '--out', out],
      ['report', 'render', '--format', 'docx', join(dir, 'no-such.json'), '--out', out],
      ['report', 'render', '--format', 'rtf', bad],
      ['report', 'render', '--format', 'text', '--fragment', bad],
      ['report', 'render', bad],
      ['report', 'draw', bad],
    ]) {
      const r = run(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /^gongkai: .+ \/ /);
      assert.equal(r.stdout, '');
    }
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });
});

// ---- LibreOffice ----

const hasSoffice = spawnSync('soffice', ['--version'], { timeout: 30_000 }).status === 0;
const hasPdftoppm = spawnSync('pdftoppm', ['-v'], { timeout: 30_000 }).status === 0;
const SHOTS = join(FIXTURES, '..', '..', 'test-output', 'write');

test('with LibreOffice: --format pdf (the .docx converted), read back to the same cells, its first table page saved', { skip: hasSoffice ? false : 'soffice not on PATH (install libreoffice-writer-nogui)' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-write-pdf-'));
  const originals: Record<string, Report> = { 'gov-2021': await reportOf('docx', 'gov-2021.docx'), 'gov-2019': await reportOf('html', 'gov-2019.html') };
  for (const [name, original] of Object.entries(originals)) {
    const { bytes: pdf } = await renderReport(readRenderInput(JSON.stringify(original)), 'pdf');
    assert.equal(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
    writeFileSync(join(dir, `${name}.pdf`), pdf);
    const back = await parseDocument(pdf, { path: `${name}.pdf` });
    const before = cellsOf(original);
    const after = cellsOf(back);
    const wrong = [...before].filter(([p, c]) => after.get(p)?.value !== c.value || !CONFIDENT.has(after.get(p)?.status ?? 'missing')).map(([p]) => p);
    assert.deepEqual(wrong, [], `${name}: cells read back from the PDF`);
    for (const k of ['agency', 'year', 'template'] as const) assert.equal(back.meta[k], original.meta[k], `${name}: meta.${k}`);
    if (hasPdftoppm) {
      // The page that holds table 二 (the first table), where its first cell was read.
      const page = after.get(name === 'gov-2019' ? 'active.regulations.made' : 'active.regulations.issued')?.page ?? 1;
      mkdirSync(SHOTS, { recursive: true });
      const shot = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', String(page), '-l', String(page), '-singlefile', join(dir, `${name}.pdf`), join(SHOTS, `${name}-table-page`)], { timeout: 60_000 });
      assert.equal(shot.status, 0);
      assert.ok(existsSync(join(SHOTS, `${name}-table-page.png`)));
    }
  }
});

test('without LibreOffice: --format pdf is refused with what to do, exit 2, no file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-write-nopdf-'));
  const json = join(dir, 'r.json');
  writeFileSync(json, JSON.stringify({ schema: 'gongkai/report@1', meta: { agency: '某局', year: 2022, template: '2021' }, tables: { active: null, requests: null, review_litigation: null } }));
  const r = spawnSync(process.execPath, [BIN, 'report', 'render', '--format', 'pdf', json, '--out', join(dir, 'r.pdf')], { encoding: 'utf8', env: { ...process.env, PATH: '' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /生成 PDF 需要 LibreOffice/);
  assert.ok(!existsSync(join(dir, 'r.pdf')));
});
