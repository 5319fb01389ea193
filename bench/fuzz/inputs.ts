// The fuzzer's inputs: fixed-seed, each one named so that a failure can be made again
// (`npm run fuzz -- --only NAME`). Bases are the test fixtures (text reports, HTML pages, DOCX, a
// small real PDF) and made-up PDFs and bytes; mutations are those the hostile-input issue lists.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { makePdf, nestedQPdf, textPdf } from './pdf-make.js';
import { deflateZeros, zipOf } from './zip-bomb.js';

export interface FuzzInput {
  /** `<index>:<base>:<mutation>` — the index and the seed make it again. */
  name: string;
  bytes: Uint8Array;
}

/** mulberry32: a small, well-mixed, seedable generator (the same numbers on every machine). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

interface Base {
  name: string;
  kind: 'text' | 'html' | 'docx' | 'pdf' | 'bytes';
  bytes: Uint8Array;
}

/** test/fixtures, from dist/bench/fuzz or bench/fuzz. */
export function fixturesDir(): string {
  const here = new URL('.', import.meta.url).pathname;
  return join(here, here.includes('/dist/') ? '../../../test/fixtures' : '../../test/fixtures');
}

let bases: Base[] | null = null;

function loadBases(): Base[] {
  if (bases) return bases;
  const dir = fixturesDir();
  const read = (...p: string[]) => new Uint8Array(readFileSync(join(dir, ...p)));
  const seed1 = read('corpus', 'input', 'seed001-chaoyang-2021.txt');
  bases = [
    ...['seed001-chaoyang-2021.txt', 'seed002-benge-2023.txt', 'seed003-panyu-2021.txt', 'seed004-linshu-2019.txt', 'huaian-city-2024-columns.txt']
      .map((f) => ({ name: f, kind: 'text' as const, bytes: read('corpus', 'input', f) })),
    { name: 'seed001.gbk', kind: 'text', bytes: new Uint8Array(iconv.encode(Buffer.from(seed1).toString('utf8'), 'gbk')) },
    { name: 'seed001.utf16', kind: 'text', bytes: new Uint8Array(iconv.encode(Buffer.from(seed1).toString('utf8'), 'utf-16le', { addBOM: true })) },
    ...['gov-2021.html', 'gov-2019.html', 'split-2023.html'].map((f) => ({ name: f, kind: 'html' as const, bytes: read('html', f) })),
    ...['gov-2021.docx', 'report-2021.docx'].map((f) => ({ name: f, kind: 'docx' as const, bytes: read('docx', f) })),
    { name: 'report-2021.pdf', kind: 'pdf', bytes: read('docx', 'report-2021.pdf') },
    { name: 'made.pdf', kind: 'pdf', bytes: textPdf(['Report 2021', 'Rules 1 2 3', 'Total 4 5 6 7 8 9', '| 1 | 2 | 3 |']) },
  ];
  return bases;
}

// ---- mutations: each takes the base bytes and the generator, returns the new bytes

const ascii = (s: string) => Buffer.from(s, 'utf8');

function insertAt(b: Uint8Array, at: number, piece: Uint8Array): Uint8Array {
  return Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
}

/** A position at a line start (or anywhere when there are none near). */
function somewhere(r: Rand, b: Uint8Array): number {
  const at = int(r, 0, b.length);
  const nl = b.indexOf(0x0a, at);
  return nl >= 0 && nl - at < 200 ? nl + 1 : at;
}

type Mutation = (b: Uint8Array, r: Rand, kind: Base['kind']) => Uint8Array;

const MUTATIONS: Record<string, Mutation> = {
  flip1: (b, r) => { const c = Buffer.from(b); c[int(r, 0, c.length - 1)] ^= 1 << int(r, 0, 7); return c; },
  flips: (b, r) => { const c = Buffer.from(b); for (let k = int(r, 2, 40); k > 0; k--) c[int(r, 0, c.length - 1)] = int(r, 0, 255); return c; },
  truncate: (b, r) => b.subarray(0, int(r, 0, b.length - 1)),
  cutChar: (b, r) => { const at = int(r, 1, b.length - 2); return Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]); },
  spaces: (b, r) => insertAt(b, somewhere(r, b), ascii(' '.repeat(int(r, 1000, 100_000)))),
  newlines: (b, r) => insertAt(b, somewhere(r, b), ascii(pick(r, ['\n', '\r\n', '\n \n', '\t\n']).repeat(int(r, 1000, 100_000)))),
  ideographicSpaces: (b, r) => insertAt(b, somewhere(r, b), ascii('\u3000'.repeat(int(r, 1000, 40_000)))),
  digits: (b, r) => { const unit = pick(r, ['9', '1 ', '0|', '12345.']); return insertAt(b, somewhere(r, b), ascii(unit.repeat(Math.ceil(int(r, 1000, 40_000) / unit.length)))); },
  // (a line repeated up to about 2 MB: the size of a large real page, not of a denial of service)
  repeatLines: (b, r) => { const s = Buffer.from(b).toString('utf8'); const lines = s.split('\n'); const l = pick(r, lines).slice(0, 2000); return ascii(s + ('\n' + l).repeat(Math.min(int(r, 100, 3000), Math.floor(2_000_000 / (l.length + 1))))); },
  shuffleLines: (b, r) => { const lines = Buffer.from(b).toString('utf8').split('\n'); for (let i = lines.length - 1; i > 0; i--) { const j = int(r, 0, i); [lines[i], lines[j]] = [lines[j], lines[i]]; } return ascii(lines.join('\n')); },
  deepHtml: (b, r) => { const tag = pick(r, ['<div>', '<span>', '<table><tr><td>', '<p><b>', '<ul><li>']); const n = int(r, 1000, 50_000); return insertAt(b, somewhere(r, b), ascii(tag.repeat(n))); },
  spans: (b, r) => insertAt(b, somewhere(r, b), ascii(`<table>${`<tr><td rowspan="${int(r, 1, 1e9)}" colspan="${int(r, 1, 1e6)}">1</td><td colspan="${int(r, 1, 65535)}">2</td></tr>`.repeat(int(r, 10, 2000))}</table>`)),
  deepJson: (b, r) => { const n = int(r, 1000, 100_000); return ascii(`${'['.repeat(n)}"${Buffer.from(b).toString('utf8').slice(0, 5000).replace(/["\\]/g, '').replace(/</g, '\\u003c').replace(/\n/g, '\\n')}"${']'.repeat(n)}`); },
  nul: (b, r) => insertAt(b, somewhere(r, b), new Uint8Array(int(r, 1, 2000))),
  splice: (b, r) => { const other = pick(r, loadBases()).bytes; const at = int(r, 0, other.length); return Buffer.concat([b.subarray(0, int(r, 0, b.length)), other.subarray(at)]); },
  // DOCX: the XML inside mutated and zipped again, so the XML reader sees the damage
  docxXml: (b, r, kind) => {
    if (kind !== 'docx') return b;
    try {
      const files = unzipSync(b);
      const xml = Buffer.from(files['word/document.xml'] ?? new Uint8Array()).toString('utf8');
      const at = int(r, 0, xml.length);
      const piece = pick(r, ['<w:tbl><w:tr><w:tc>'.repeat(int(r, 100, 5000)), '<w:sdt><w:sdtContent>'.repeat(int(r, 100, 50_000)), '<w:gridSpan w:val="99999999"/>', '<w:vMerge w:val="restart"/>'.repeat(1000), '</w:tc></w:tr>'.repeat(500), '\u0000', ' '.repeat(100_000)]);
      files['word/document.xml'] = strToU8(xml.slice(0, at) + piece + xml.slice(at));
      return zipSync(files, { level: 1 });
    } catch {
      return b;
    }
  },
  // PDF: the structure damaged where pdf.js is known to throw from background promises
  pdfLength: (b, r, kind) => {
    if (kind !== 'pdf') return b;
    const s = Buffer.from(b).toString('latin1');
    return Buffer.from(s.replace(/\/Length (\d+)/g, (m, n) => (r() < 0.5 ? `/Length ${Math.max(0, Number(n) + int(r, -50, 50))}` : m)), 'latin1');
  },
  pdfXref: (b, r, kind) => {
    if (kind !== 'pdf') return b;
    const s = Buffer.from(b).toString('latin1');
    const at = s.lastIndexOf('xref');
    if (at < 0) return b;
    const junk = Array.from({ length: int(r, 1, 40) }, () => String.fromCharCode(int(r, 32, 126))).join('');
    return Buffer.from(s.slice(0, at + 5) + junk + s.slice(at + 5 + junk.length), 'latin1');
  },
  pdfNumbers: (b, r, kind) => {
    if (kind !== 'pdf') return b;
    const s = Buffer.from(b).toString('latin1');
    return Buffer.from(s.replace(/\b\d+\b/g, (m) => (r() < 0.05 ? pick(r, ['-', '1e99', '9'.repeat(30), '.', '--1', 'NaN']) : m)), 'latin1');
  },
};

// ---- inputs that are hostile by construction, not mutations of a base

const MADE: Record<string, (r: Rand) => Uint8Array> = {
  randomBytes: (r) => Uint8Array.from({ length: int(r, 1, 200_000) }, () => int(r, 0, 255)),
  htmlRandom: (r) => Buffer.concat([ascii('<html><body><p>'), Uint8Array.from({ length: int(r, 1000, 150_000) }, () => int(r, 0, 255))]),
  titleSpaces: (r) => ascii(`某某县人民政府${pick(r, ['2021年政府信息公开工作年度报告', '', '（'])}${pick(r, [' ', '\n', '\t', '\u3000', ' \n'])
    .repeat(int(r, 1000, 100_000))}${pick(r, ['', 'x', '发布时间', '2021年'])}`),
  proseMention: (r) => ascii(`本文介绍了如何阅读政府信息公开工作年度报告。${'今天天气晴朗。'.repeat(int(r, 1, 500))}`),
  emptyTemplate: () => ascii('某某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n'),
  zipBomb: (r) => { const n = int(r, 17, 48) * 1024 * 1024; return zipOf(deflateZeros(n), r() < 0.5 ? n : 2048); },
  nestedQ: (r) => nestedQPdf(r() < 0.9 ? int(r, 10, 2000) : int(r, 10_000, 30_000)),
  pdfManyOps: (r) => makePdf(`BT /F1 10 Tf ${'40 800 Td (1 2 3) Tj '.repeat(int(r, 100, 20_000))} ET`),
  pdfBadStream: (r) => makePdf(Uint8Array.from({ length: int(r, 10, 5000) }, () => int(r, 0, 255)).reduce((s, c) => s + String.fromCharCode(c), '')),
  hugeNumberRows: (r) => ascii(`某某县人民政府2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n${`（一）予以公开 ${'9'.repeat(int(r, 10, 5000))} 1 2 3 4 5 6\n`.repeat(int(r, 1, 50))}`),
};

/**
 * Input number `i` of the run with `seed`: a base and a mutation (most inputs), or a made-up
 * hostile input. The slow kinds (a large real PDF, deep pdf.js nesting) are a small share.
 */
export function fuzzInput(seed: number, i: number): FuzzInput {
  const r = prng(seed * 1_000_003 + i);
  const all = loadBases();
  if (r() < 0.18) {
    const kind = pick(r, Object.keys(MADE));
    return { name: `${i}:made:${kind}`, bytes: MADE[kind](r) };
  }
  const base = pick(r, all);
  const names = Object.keys(MUTATIONS);
  // one or two mutations in a row
  let bytes = base.bytes;
  const used: string[] = [];
  for (let k = r() < 0.25 ? 2 : 1; k > 0; k--) {
    const m = pick(r, names);
    used.push(m);
    bytes = MUTATIONS[m](bytes, r, base.kind);
  }
  return { name: `${i}:${base.name}:${used.join('+')}`, bytes };
}
