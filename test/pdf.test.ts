// The PDF decoder: real reports (copies of the dev-corpus PDFs with their truth), broken inputs,
// and small PDFs written here byte by byte (ruled and unruled tables, page footers, no text,
// encryption).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDecoded, parseDocument } from '../src/parse.js';
import { decodePdf } from '../src/decode/pdf.js';
import { DEFAULT_LIMITS, type DecodeLimits } from '../src/decode/types.js';
import { InputError, type Cell, type Report } from '../src/types.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'pdf');
const pdfFixture = (name: string) => new Uint8Array(readFileSync(join(DIR, `${name}.pdf`)));

// ---- truth ----

interface Truth {
  template: string;
  year: number;
  agency: string;
  table2: Record<string, Record<string, number>>;
  table3: Record<string, number[]>;
  table4: number[];
  inferred_cells?: string[];
}
const truthOf = (name: string): Truth => JSON.parse(readFileSync(join(DIR, `${name}.truth.json`), 'utf8'));

const REQUEST_COLS = ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_service', 'other', 'total'];
const RL_GROUPS = ['review', 'litigation_direct', 'litigation_after_review'];
const RL_COLS = ['maintained', 'corrected', 'other', 'pending', 'total'];

function truthCells(t: Truth): [string, number][] {
  const out: [string, number][] = [];
  for (const [row, vals] of Object.entries(t.table3)) vals.forEach((v, i) => out.push([`requests.${row}.${REQUEST_COLS[i]}`, v]));
  t.table4.forEach((v, i) => out.push([`review_litigation.${RL_GROUPS[Math.floor(i / 5)]}.${RL_COLS[i % 5]}`, v]));
  for (const [row, cols] of Object.entries(t.table2)) for (const [c, v] of Object.entries(cols)) out.push([`active.${row}.${c}`, v]);
  return out;
}

const cellAt = (r: Report, path: string): Cell | undefined => {
  const [table, row, col] = path.split('.');
  return (r.tables as Record<string, Record<string, Record<string, Cell>> | null>)[table]?.[row]?.[col];
};
const CONFIDENT = new Set(['read', 'blank', 'inferred']);

/**
 * Truth cells that are wrong or unsure. The two （六） sub-rows the hongze reports do not print
 * (their single （六）其他处理 row is all 0, so the truth infers 0) are left `missing` by the core
 * extractor (template.other_single_row): allowed here as long as they are not confidently wrong.
 */
function check(name: string, r: Report): { wrong: string[]; silent: string[] } {
  const t = truthOf(name);
  const notPrinted = new Set((t.inferred_cells ?? []).map((s) => s.match(/^table3\.(\w+)/)?.[1]).filter(Boolean));
  const wrong: string[] = [];
  const silent: string[] = [];
  for (const [path, want] of truthCells(t)) {
    const got = cellAt(r, path);
    if (got && CONFIDENT.has(got.status) && got.value !== want) silent.push(`${path}: ${JSON.stringify(got)} want ${want}`);
    const row = path.split('.')[1];
    if (got?.status === 'missing' && notPrinted.has(row)) continue;
    if (!got || !CONFIDENT.has(got.status) || got.value !== want) wrong.push(`${path}: ${JSON.stringify(got)} want ${want}`);
  }
  return { wrong, silent };
}

// ---- the dev-corpus PDFs ----

const CORPUS = ['hongze-2023', 'hongze-2024', 'huaian-city-2024'];

for (const name of CORPUS) {
  test(`${name}.pdf: every truth cell right, no silent error, meta right`, async () => {
    const r = await parseDocument(pdfFixture(name), { path: `${name}.pdf` });
    const t = truthOf(name);
    assert.equal(r.source.format, 'pdf');
    assert.equal(r.source.encoding, 'binary');
    assert.equal(r.meta.template, t.template);
    assert.equal(r.meta.year, t.year);
    const { wrong, silent } = check(name, r);
    assert.deepEqual(silent, []);
    assert.deepEqual(wrong, []);
  });

  test(`${name}.pdf: the same cells from the line layout alone (tables read as if drawn without rules)`, async () => {
    const bytes = pdfFixture(name);
    const d = await decodePdf(bytes, DEFAULT_LIMITS, { useRules: false });
    const { wrong, silent } = check(name, parseDecoded(d, bytes));
    assert.deepEqual(silent, []);
    assert.deepEqual(wrong, []);
  });
}

test('hongze-2023.pdf: the table-4 totals the source gets wrong are read as written and reported', async () => {
  const r = await parseDocument(pdfFixture('hongze-2023'));
  const review = r.tables.review_litigation!.review;
  assert.equal(review.maintained.value, 10);
  assert.equal(review.corrected.value, 1);
  assert.equal(review.total.value, 0);
  assert.equal(review.total.status, 'read');
  const broken = r.findings.filter((f) => f.rule === 'review_litigation.group_total');
  assert.ok(broken.some((f) => f.cells.includes('review_litigation.review.total')), JSON.stringify(broken));
  assert.ok(broken.some((f) => f.cells.includes('review_litigation.litigation_after_review.total')), JSON.stringify(broken));
});

test('huaian-city-2024.pdf: every read cell has its page and box; boxes point at the digits', async () => {
  const bytes = pdfFixture('huaian-city-2024');
  const r = await parseDocument(bytes, { includeText: true });
  let read = 0;
  for (const table of [r.tables.active, r.tables.requests, r.tables.review_litigation]) {
    for (const row of Object.values(table!)) {
      for (const cell of Object.values(row)) {
        if (cell.status !== 'read') continue;
        read++;
        assert.ok(cell.page && cell.page >= 1 && cell.page <= 6, JSON.stringify(cell));
        assert.ok(cell.box && cell.box.length === 4 && cell.box.every(Number.isFinite), JSON.stringify(cell));
        const [x, y, w, h] = cell.box!;
        assert.ok(x >= 0 && x + w <= 595 && y >= 0 && y + h <= 842 && w > 0 && h > 0, JSON.stringify(cell));
      }
    }
  }
  assert.ok(read >= 190, `read cells: ${read}`);
  // 3985758 (行政处罚) sits on page 4, near the top
  const penalty = r.tables.active!.penalty.decisions;
  assert.equal(penalty.value, 3985758);
  assert.equal(penalty.page, 4);
  assert.ok(penalty.box![1] < 200, JSON.stringify(penalty));
  // the table-3 page break: 2.没有现成信息需要另行制作 is on page 5
  assert.equal(r.tables.requests!.unable_need_creation.natural_person.page, 5);
});

test('decoded text: one line per table row, group labels before their rows, no page numbers', async () => {
  const d = await decodePdf(pdfFixture('huaian-city-2024'), DEFAULT_LIMITS);
  assert.equal(d.format, 'pdf');
  assert.equal(d.encoding, 'binary');
  assert.equal(d.pages, 6);
  const lines = d.text.split('\n');
  assert.ok(lines.includes('（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 447 | 7 | 0 | 0 | 0 | 0 | 454'));
  assert.ok(lines.includes('1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 67 | 3 | 0 | 0 | 1 | 0 | 71'));
  assert.ok(lines.includes('规章 | 1 | 0 | 11'));
  // the vertical 三、本年度办理结果 on its own line, right before （一）
  const i = lines.indexOf('三、本年度办理结果');
  assert.ok(i > 0 && lines[i + 1].startsWith('（一）予以公开'), lines.slice(i - 1, i + 2).join('\n'));
  // （四）无 / 法提供, cut by the page break, joined
  assert.ok(lines.some((l) => l.startsWith('（四）无法提供')));
  assert.ok(!lines.some((l) => /^-?\s*\d+\s*-?$/.test(l.trim())), 'page numbers dropped');
  // boxes: every digit of the text lies in a box
  const covered = new Array<boolean>(d.text.length).fill(false);
  for (const b of d.boxes!) for (let k = b.start; k < b.end; k++) covered[k] = true;
  for (let k = 0; k < d.text.length; k++) if (/\d/.test(d.text[k])) assert.ok(covered[k], `digit at ${k} without a box`);
});

// ---- broken inputs ----

const limits = (extra: Partial<DecodeLimits> = {}): DecodeLimits => ({ ...DEFAULT_LIMITS, timeoutMs: 20_000, ...extra });

async function rejectsWith(p: Promise<unknown>, code: string) {
  const started = Date.now();
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof InputError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, /[\u4e00-\u9fff].* \/ [A-Za-z]/, 'Chinese first, English after " / "');
    return true;
  });
  assert.ok(Date.now() - started < 10_000, 'bounded time');
}

test('truncated PDF (first half of the bytes): InputError, tables never guessed', async () => {
  const good = pdfFixture('hongze-2024');
  await rejectsWith(decodePdf(good.subarray(0, good.length >> 1), limits()), 'pdf_broken');
  await rejectsWith(parseDocument(good.subarray(0, good.length >> 1)), 'pdf_broken');
});

test('corrupted PDF (random bytes after the header), with and without an end marker: InputError', async () => {
  const junk = randomBytes(20_000);
  await rejectsWith(decodePdf(new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), junk])), limits()), 'pdf_broken');
  await rejectsWith(decodePdf(new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), junk, Buffer.from('\n%%EOF\n')])), limits()), 'pdf_broken');
  const good = pdfFixture('hongze-2023');
  const cut = Buffer.concat([good.subarray(0, good.length >> 1), Buffer.from('\nstartxref\n0\n%%EOF\n')]);
  await rejectsWith(decodePdf(new Uint8Array(cut), limits()), 'pdf_broken');
});

test('limits: too many pages, and a time limit that runs out', async () => {
  await rejectsWith(decodePdf(pdfFixture('hongze-2023'), limits({ maxPages: 2 })), 'too_many_pages');
  await rejectsWith(decodePdf(pdfFixture('huaian-city-2024'), limits({ timeoutMs: 1 })), 'timeout');
});

test('the input bytes are not detached or changed', async () => {
  const bytes = pdfFixture('hongze-2024');
  const before = createHash('sha256').update(bytes).digest('hex');
  await decodePdf(bytes, limits());
  assert.equal(bytes.byteLength, 240143);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), before);
});

// ---- PDFs written here ----

const hex = (s: string) => '<' + [...s].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('') + '>';
/** Text at (x, y) (PDF units, origin bottom-left): CJK in STSong-Light (UniGB-UCS2-H, not embedded), ASCII in Helvetica. */
const text = (s: string, x: number, y: number, size = 10) =>
  /^[\x20-\x7e]*$/.test(s) ? `BT /F2 ${size} Tf ${x} ${y} Td (${s}) Tj ET` : `BT /F1 ${size} Tf ${x} ${y} Td ${hex(s)} Tj ET`;
const hline = (x0: number, x1: number, y: number) => `${x0} ${y} m ${x1} ${y} l S`;
const vline = (x: number, y0: number, y1: number) => `${x} ${y0} m ${x} ${y1} l S`;

const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
    out[k] = data[k] ^ s[(s[i] + s[j]) & 255];
  }
  return out;
}
const padPw = (pw: string) => Buffer.concat([Buffer.from(pw, 'latin1'), PAD]).subarray(0, 32);

/**
 * A PDF with one page per content string (A4), with correct xref offsets. `encrypt`: the standard
 * security handler, revision 2 (RC4 40-bit), with the given user password (streams encrypted).
 */
function buildPdf(pages: string[], encrypt?: { user: string; owner: string }): Uint8Array {
  const objs: { body: string; stream?: Buffer }[] = [];
  const add = (body: string, stream?: Buffer) => (objs.push({ body, stream }), objs.length);
  const catalog = add(''), pagesId = add('');
  const fontCjk = add('');
  const fontLatin = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  // a font whose codes A–F map to private-use glyphs: text that cannot be decoded
  const fontPua = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding /Differences [65 /uniE001 /uniE002 /uniE003 /uniE004 /uniE005 /uniE006] >> >>');
  const descendant = add('');
  const descriptor = add('<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>');
  objs[fontCjk - 1].body = `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [${descendant} 0 R] >>`;
  objs[descendant - 1].body = `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 /FontDescriptor ${descriptor} 0 R >>`;
  const kids = pages.map((content) => {
    const stream = add('', Buffer.from(content, 'latin1'));
    return add(`<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${fontCjk} 0 R /F2 ${fontLatin} 0 R /F3 ${fontPua} 0 R >> >> /Contents ${stream} 0 R >>`);
  });
  objs[catalog - 1].body = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`;
  objs[pagesId - 1].body = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  let key: Buffer | null = null;
  let trailerExtra = '';
  if (encrypt) {
    const o = rc4(md5(padPw(encrypt.owner)).subarray(0, 5), padPw(encrypt.user));
    const p = Buffer.alloc(4);
    p.writeInt32LE(-44);
    key = md5(padPw(encrypt.user), o, p, id).subarray(0, 5);
    const u = rc4(key, PAD);
    const enc = add(`<< /Filter /Standard /V 1 /R 2 /O <${o.toString('hex')}> /U <${u.toString('hex')}> /P -44 >>`);
    trailerExtra = ` /Encrypt ${enc} 0 R`;
  }
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let size = chunks[0].length;
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(size);
    let data = o.stream;
    let body = o.body;
    if (key && !body.startsWith('<< /Filter /Standard')) {
      // strings and streams of an encrypted file are encrypted with the object's key
      const objKey = md5(key, Buffer.from([(i + 1) & 255, ((i + 1) >> 8) & 255, 0, 0, 0])).subarray(0, 10);
      if (data) data = rc4(objKey, data);
      body = body.replace(/\(([^()\\]*)\)/g, (_, str: string) => `<${rc4(objKey, Buffer.from(str, 'latin1')).toString('hex')}>`);
    }
    const head = data ? `${i + 1} 0 obj\n<< /Length ${data.length} >>\nstream\n` : `${i + 1} 0 obj\n${body}\n`;
    const parts = data ? [Buffer.from(head, 'latin1'), data, Buffer.from('\nendstream\nendobj\n', 'latin1')] : [Buffer.from(`${head}endobj\n`, 'latin1')];
    for (const part of parts) { chunks.push(part); size += part.length; }
  });
  const xref = `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}` +
    `trailer\n<< /Size ${objs.length + 1} /Root ${catalog} 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>]${trailerExtra} >>\nstartxref\n${size}\n%%EOF\n`;
  chunks.push(Buffer.from(xref, 'latin1'));
  return new Uint8Array(Buffer.concat(chunks));
}

test('a PDF with no text layer (a page that only draws a rectangle): no_text_layer finding, null tables', async () => {
  const scan = buildPdf(['0.2 0.2 0.2 rg 50 50 495 742 re f', '0 0 0 rg 60 60 100 100 re f']);
  const d = await decodePdf(scan, limits());
  assert.equal(d.text, '');
  assert.equal(d.pages, 2);
  assert.deepEqual(d.findings?.map((f) => f.rule), ['pdf.no_text_layer']);
  const r = await parseDocument(scan, { path: 'scan.pdf' });
  assert.deepEqual(r.tables, { active: null, requests: null, review_litigation: null });
  const f = r.findings.find((x) => x.rule === 'pdf.no_text_layer');
  assert.ok(f && f.severity === 'warning' && f.message.includes(' / '));
  const withOcr = await decodePdf(scan, limits({ ocr: true }));
  assert.ok(withOcr.findings?.some((x) => x.rule === 'pdf.ocr_unavailable'));
});

test('a text layer that cannot be decoded (private-use characters) counts as no text layer', async () => {
  const page = [1, 2, 3, 4].map((k) => `BT /F3 12 Tf 72 ${700 - 20 * k} Td (ABCDEF ABCDEF) Tj ET`).join('\n');
  const d = await decodePdf(buildPdf([page]), limits());
  assert.equal(d.text, '');
  assert.equal(d.findings?.[0]?.rule, 'pdf.no_text_layer');
  assert.match(d.findings![0].message, /无法解码/);
});

test('encrypted PDF: a user password → pdf_encrypted; an owner password only → read normally', async () => {
  const page = [text('Annual report 2023', 100, 700, 14), text('年度报告', 100, 660, 14)].join('\n');
  await rejectsWith(decodePdf(buildPdf([page], { user: 'secret', owner: 'owner' }), limits()), 'pdf_encrypted');
  const open = await decodePdf(buildPdf([page], { user: '', owner: 'owner' }), limits());
  assert.equal(open.text, 'Annual report 2023\n年度报告\n');
});

/**
 * A small table in the shape of table 三: a vertical group label (one character per line) in the
 * first column over all rows, a group label （三）不予公开 centred on its three rows, a row label that
 * wraps with its numbers centred between the halves, and empty cells first, in the middle and last.
 */
function tablePage(ruled: boolean): string {
  const parts: string[] = [];
  if (ruled) {
    parts.push('0.5 w');
    parts.push(hline(60, 480, 700), hline(60, 480, 680), hline(90, 480, 660), hline(170, 480, 640), hline(170, 480, 610), hline(60, 480, 590));
    parts.push(vline(60, 590, 700), vline(90, 590, 680), vline(170, 590, 660), vline(330, 590, 700), vline(380, 590, 700), vline(430, 590, 700), vline(480, 590, 700));
  }
  parts.push(text('项目', 65, 686), text('甲', 350, 686), text('乙', 400, 686), text('丙', 450, 686));
  parts.push(text('办', 70, 662), text('理', 70, 647), text('结', 70, 632), text('果', 70, 617));
  parts.push(text('（一）予以公开', 95, 666), text('5', 352, 666), text('6', 402, 666), text('11', 450, 666));
  parts.push(text('（三）不予公开', 95, 621, 9));
  parts.push(text('1.', 175, 646), text('属于国家秘密', 185, 646), text('3', 402, 646), text('3', 452, 646));
  parts.push(text('2.', 175, 628), text('其他法律行政法规', 185, 628), text('禁止公开', 175, 615), text('4', 352, 621), text('4', 452, 621));
  parts.push(text('3.', 175, 596), text('危及三安全一稳定', 185, 596), text('1', 352, 596), text('1', 402, 596));
  return parts.join('\n');
}

test('ruled table: one line per row, group labels first on their own line, empty cells kept in place', async () => {
  const d = await decodePdf(buildPdf([tablePage(true)]), limits());
  assert.deepEqual(d.text.split('\n').filter(Boolean), [
    '项目 | 甲 | 乙 | 丙',
    '办理结果',
    '（一）予以公开 | 5 | 6 | 11',
    '（三）不予公开',
    '1.属于国家秘密 | — | 3 | 3',
    '2.其他法律行政法规禁止公开 | 4 | — | 4',
    '3.危及三安全一稳定 | 1 | 1 | —',
  ]);
  // a box for each digit, y from the page top
  const five = d.text.indexOf('5');
  const box = d.boxes!.find((b) => b.start <= five && five < b.end)!.box;
  assert.equal(box.page, 1);
  assert.ok(Math.abs(box.x - 352) < 0.5 && box.y > 842 - 680 && box.y < 842 - 660, JSON.stringify(box));
});

test('the same table without rules: vertical and group labels dropped, labels whole, numbers in reading order', async () => {
  const d = await decodePdf(buildPdf([tablePage(false)]), limits());
  const lines = d.text.split('\n').filter(Boolean);
  assert.ok(!d.text.includes('办') && !d.text.includes('不予公开'), d.text);
  assert.ok(lines.includes('（一）予以公开 | 5 | 6 | 11'), d.text);
  assert.ok(lines.includes('1.属于国家秘密 | 3 | 3'), d.text);
  // the wrapped label around its numbers: first part, numbers, second part
  const k = lines.indexOf('2.其他法律行政法规');
  assert.deepEqual(lines.slice(k, k + 3), ['2.其他法律行政法规', '4 | 4', '禁止公开'], d.text);
});

test('running header and page numbers are dropped; pages joined in order', async () => {
  const page = (n: number, body: string) => [text('某某局2023年政府信息公开工作年度报告', 180, 810, 9), text(body, 72, 700, 12), text(`- ${n} -`, 285, 30, 9)].join('\n');
  const d = await decodePdf(buildPdf([page(1, '第一页正文'), page(2, '第二页正文'), page(3, '第三页正文')]), limits());
  assert.equal(d.text, '第一页正文\n第二页正文\n第三页正文\n');
  assert.equal(d.boxes!.length, 3);
  assert.deepEqual(d.boxes!.map((b) => b.box.page), [1, 2, 3]);
});

test('text drawn twice at almost the same place (fake bold) is read once', async () => {
  const d = await decodePdf(buildPdf([[text('二、主动公开政府信息情况', 72, 700, 16), text('二、主动公开政府信息情况', 72.3, 700, 16)].join('\n')]), limits());
  assert.equal(d.text, '二、主动公开政府信息情况\n');
});
