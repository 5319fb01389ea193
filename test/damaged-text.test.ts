// Text inputs with local damage and adversarial shapes: a flipped byte, a cut character, titles
// followed by long whitespace runs, pages of mojibake. Each is read (with a finding saying what
// happened) or refused with a clear message, with bounded work.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { parseReport } from '../src/parse.js';
import { decodeBytes } from '../src/decode/index.js';
import { findMojibake, MAX_SEARCHES, type MojibakeBudget } from '../src/normalize/mojibake.js';
import { extractMeta } from '../src/meta/meta.js';
import { fixture } from './helpers.js';

const SEED = fixture('corpus', 'input', 'seed001-chaoyang-2021.txt');

describe('UTF-8 with local damage', () => {
  test('a byte flipped inside a character: read as UTF-8 with U+FFFD there, a warning, and the tables as before', () => {
    const clean = parseReport(SEED);
    const at = SEED.indexOf(Buffer.from('总体情况'));
    const damaged = Buffer.from(SEED);
    damaged[at + 1] = 0x41; // the second byte of 总 is no longer a continuation byte
    const r = parseReport(damaged);
    assert.equal(r.source.encoding, 'utf-8');
    const f = r.findings.find((x) => x.rule === 'encoding.damaged');
    assert.ok(f, 'a finding says the bytes were damaged');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /UTF-8.* \/ .*invalid UTF-8/);
    // the same numbers (spans move by the width of the replacement)
    const values = (t: typeof r.tables) => JSON.stringify(t, (k, v) => (k === 'span' ? undefined : v));
    assert.equal(values(r.tables), values(clean.tables));
    assert.equal(r.meta.year, clean.meta.year);
  });

  test('a character cut in two (a byte dropped) in a large report: UTF-8, not mojibake read as GB18030', () => {
    const big = Buffer.concat(Array.from({ length: 20 }, () => SEED));
    const mid = big.indexOf(Buffer.from('政府'), big.length >> 1);
    const cut = Buffer.concat([big.subarray(0, mid + 1), big.subarray(mid + 2)]);
    const d = decodeBytes(cut);
    assert.equal(d.encoding, 'utf-8');
    assert.ok(d.replaced && d.replaced <= 3, `replaced ${d.replaced}`);
    assert.ok(d.text.includes('政府信息公开'));
  });

  test('GBK text is still GBK, and a file whose every character is broken is still refused', () => {
    const text = SEED.toString('utf8');
    const gbk = iconv.encode(text, 'gbk');
    assert.equal(decodeBytes(gbk).encoding, 'gb18030');
    assert.equal(decodeBytes(gbk).replaced, undefined);
    // UTF-8 lead bytes with no continuation anywhere: nothing decodes, it is not "local" damage
    const broken = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i % 2 ? 0x20 : 0xe4)));
    assert.throws(() => decodeBytes(broken));
  });

  test('a U+FFFD written in a valid file is not counted as damage', () => {
    const r = parseReport(Buffer.concat([SEED, Buffer.from('\n\ufffd\n')]));
    assert.equal(r.findings.some((f) => f.rule === 'encoding.damaged'), false);
  });
});

describe('titles and whitespace runs (regexes that do not backtrack)', () => {
  test('the title forms still read: spaces, a line break, parentheses, a spaced 年 度 报 告', () => {
    for (const [text, agency, year] of [
      ['某某县人民政府 2021 年政府信息公开工作年度报告', '某某县人民政府', 2021],
      ['某某县人民政府（2021年政府信息公开工作年 度 报 告）', '某某县人民政府', 2021],
      ['某某县人民政府2022年度（全年）政府信息公开工作年度报告', '某某县人民政府', 2022],
      ['  某某市教育局  \n\n  2023年政府信息公开工作年度报告', '某某市教育局', 2023],
    ] as const) {
      const m = extractMeta(text);
      assert.equal(m.agency, agency, text);
      assert.equal(m.year, year, text);
    }
    assert.equal(extractMeta('某某县人民政府\n发布时间 ：  2022-01-20\n2021年政府信息公开工作年度报告').published, '2022-01-20');
  });

  test('a title followed by 40,000 spaces, 100,000 newlines or tabs, and a name then spaces: read, not hung', () => {
    const title = '某某县人民政府2021年政府信息公开工作年度报告';
    for (const tail of [' '.repeat(40_000), '\n'.repeat(100_000), '\t \n'.repeat(30_000), '\u3000'.repeat(40_000)]) {
      const m = extractMeta(title + tail);
      assert.equal(m.year, 2021);
      assert.equal(m.agency, '某某县人民政府');
      assert.equal(extractMeta('某某县人民政府' + tail + '发布时间' + tail).year, null);
    }
  });
});

describe('the mojibake search has a budget', () => {
  test('random bytes read as GBK: the search stops after its budget of beam searches, and the report says so', () => {
    let seed = 12345; // mulberry32: fixed, well-mixed bytes
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) & 0xff;
    };
    const bytes = Buffer.from(Array.from({ length: 200_000 }, () => rnd()));
    const text = iconv.decode(bytes, 'gb18030');
    const budget: MojibakeBudget = { searches: MAX_SEARCHES, stopped: false };
    findMojibake(text, budget);
    assert.equal(budget.stopped, true);
    assert.equal(budget.searches, 0, 'no search past the budget');
    // in a report: the text pipeline goes on and a warning names the stop
    const report = parseReport(`某某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n${text.replace(/\u0000/g, '')}`);
    assert.ok(report.findings.some((f) => f.rule === 'normalize.mojibake_budget'));
  });

  test('the dev corpus page with mojibake needs far fewer searches than the budget', () => {
    const budget: MojibakeBudget = { searches: MAX_SEARCHES, stopped: false };
    const page = fixture('corpus', 'input', 'seed003-panyu-2021.txt').toString('utf8');
    assert.ok(findMojibake(page, budget).length > 0);
    assert.equal(budget.stopped, false);
    assert.ok(MAX_SEARCHES - budget.searches < 50, `${MAX_SEARCHES - budget.searches} searches`);
  });
});

describe('what is not a report', () => {
  const notAReport = (e: unknown) => (e as { code?: string }).code === 'not_a_report' && / \/ not an annual report/.test((e as Error).message);

  test('prose that only mentions an annual report, and a notice about writing one, are refused', () => {
    assert.throws(() => parseReport('本文介绍了如何阅读政府信息公开工作年度报告。今天天气晴朗，气温二十度。'), notAReport);
    assert.throws(() => parseReport('关于印发2021年政府信息公开工作年度报告编写要求的通知\n各单位：请按时报送。'), notAReport);
  });

  test('a title on its own line is a report whose tables are absent (with the reason), not a refusal', () => {
    const r = parseReport('某某县人民政府2021年政府信息公开工作年度报告\n今年的表格见附件。');
    assert.equal(r.meta.year, 2021);
    assert.deepEqual(r.tables, { active: null, requests: null, review_litigation: null });
    assert.equal(r.findings.filter((f) => f.rule === 'table.absent').length, 3);
  });
});
