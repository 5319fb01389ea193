// Narrative facts: figures restated in the prose (output.md "Narrative facts", template.md §6.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFacts, parseChineseNumber } from '../src/narrative/index.js';
import type { Fact } from '../src/types.js';

/** test/fixtures/narrative in the source tree (tests run from dist/test). */
const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'narrative');
const fixture = (name: string): string => readFileSync(join(DIR, name), 'utf8');

/** kind → values, sorted, for whole-result comparisons. */
function byKind(facts: Fact[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const f of facts) (out[f.kind] ??= []).push(f.value);
  for (const v of Object.values(out)) v.sort((a, b) => a - b);
  return out;
}

const CN = '零〇一二两三四五六七八九十百千万';

/** Every fact: span inside the text and covering the figure read, unit, text ≤ 80 chars. */
function checkFacts(text: string, facts: Fact[]): void {
  for (const f of facts) {
    assert.ok(f.span[0] >= 0 && f.span[1] <= text.length && f.span[0] < f.span[1], `${f.kind}: span ${f.span}`);
    const covered = text.slice(f.span[0], f.span[1]).replace(/\s+/g, '');
    assert.equal(f.unit, f.kind === 'fees_yuan' ? '元' : '件', `${f.kind}: unit`);
    assert.ok(typeof f.text === 'string' && f.text.length > 0 && f.text.length <= 80, `${f.kind}: text ${f.text}`);
    if (/^litigation_(maintained|corrected|other|pending|total)$/.test(f.kind) && /;/.test(f.text ?? '')) continue; // a sum
    const digits = covered.match(/\d[\d,.]*/)?.[0];
    if (digits !== undefined) {
      const n = Number(digits.replace(/,/g, '')) * (/万/.test(covered) ? 10000 : 1);
      assert.equal(Math.round(n * 100) / 100, f.value, `${f.kind}: span ${JSON.stringify(covered)} vs ${f.value}`);
    } else if (new RegExp(`^[${CN}]+(?:件次|件|宗|个|次|条|例|起|元)$`).test(covered)) {
      assert.equal(parseChineseNumber(covered.replace(/[^零〇一二两三四五六七八九十百千万]/g, '')), f.value, `${f.kind}: ${covered}`);
    } else {
      assert.equal(f.value, 0, `${f.kind}: a phrase span stands for 0 only (${covered})`);
    }
  }
}

function run(text: string, exclude?: [number, number][]): Record<string, number[]> {
  const facts = extractFacts(text, exclude);
  checkFacts(text, facts);
  return byKind(facts);
}

// ---------------------------------------------------------------------------------------------
// corpus paragraphs

test('corpus: 番禺 2021 (traditional source, simplified by hand) — every figure of the prose, nothing else', () => {
  const text = fixture('seed003-panyu-2021.txt');
  const facts = extractFacts(text);
  checkFacts(text, facts);
  assert.deepEqual(byKind(facts), {
    requests_received: [455],
    carried_over: [9],
    requests_answered: [451],
    carried_forward: [13],
    review_total: [18],
    review_maintained: [15],
    review_corrected: [0],
    review_other: [2],
    review_pending: [1],
    litigation_total: [10],
    litigation_maintained: [3],
    litigation_corrected: [0],
    litigation_other: [4],
    litigation_pending: [3],
    fees_yuan: [20560],
  });
  const cell = (kind: string) => facts.find((f) => f.kind === kind)?.cell;
  assert.equal(cell('requests_received'), 'requests.new_received.total');
  assert.equal(cell('carried_over'), 'requests.carried_over.total');
  assert.equal(cell('requests_answered'), 'requests.total.total');
  assert.equal(cell('carried_forward'), 'requests.carried_forward.total');
  assert.equal(cell('review_total'), 'review_litigation.review.total');
  assert.equal(cell('review_pending'), 'review_litigation.review.pending');
  assert.equal(cell('litigation_total'), undefined);
  assert.equal(cell('fees_yuan'), undefined);
  const received = facts.find((f) => f.kind === 'requests_received')!;
  assert.equal(text.slice(received.span[0], received.span[1]), '455件');
  assert.ok(received.text!.includes('共受理政府信息公开申请455件'));
  // sorted by position
  for (let i = 1; i < facts.length; i++) assert.ok(facts[i - 1].span[0] <= facts[i].span[0]);
});

test('corpus: 朝阳 2021 — 66件次 received, 1 forward, 65 answered, litigation split direct / after review, fee 0', () => {
  const text = fixture('seed001-chaoyang-2021.txt');
  const expected = {
    requests_received: [66],
    carried_forward: [1],
    requests_answered: [65],
    litigation_after_review_pending: [1],
    litigation_direct_pending: [1],
    litigation_pending: [2],
    fees_yuan: [0],
  };
  assert.deepEqual(run(text), expected);
  // the same with the tables excluded, as the pipeline calls it
  const t3 = text.indexOf('三、收到和处理政府信息公开申请情况');
  const t5 = text.indexOf('五、存在的主要问题及改进情况');
  const t2 = text.indexOf('二、主动公开政府信息情况');
  assert.deepEqual(run(text, [[t2, t3], [t3, t5]]), expected);
  const facts = extractFacts(text);
  assert.equal(facts.find((f) => f.kind === 'litigation_direct_pending')!.cell, 'review_litigation.litigation_direct.pending');
  assert.equal(facts.find((f) => f.kind === 'litigation_after_review_pending')!.cell, 'review_litigation.litigation_after_review.pending');
  assert.equal(facts.find((f) => f.kind === 'litigation_pending')!.cell, undefined);
  // the 2020 case decided this year ("2020年度1件…经复议后诉讼…结果维持") is not this year's figure
  assert.ok(!facts.some((f) => f.kind.includes('maintained')));
  // excluding the paragraph removes its figures
  const p = text.indexOf('二是依申请公开情况');
  const pEnd = text.indexOf('三是政府信息管理');
  assert.deepEqual(run(text, [[p, pEnd]]), { fees_yuan: [0] });
});

test('corpus: 临沭 2019 — 共办理政府信息公开17件 is the answered count; 人大建议/政协提案 figures are not', () => {
  assert.deepEqual(run(fixture('seed004-linshu-2019.txt')), { requests_answered: [17] });
});

test('corpus: 淮安 2024 (PDF text, wrapped lines, page markers) — figures inside brackets and across line breaks', () => {
  const text = fixture('huaian-city-2024.txt');
  const facts = extractFacts(text);
  checkFacts(text, facts);
  assert.deepEqual(byKind(facts), {
    requests_received: [3119],
    requests_answered: [3050],
    carried_over: [34],
    carried_forward: [103],
    review_total: [351],
    review_maintained: [72],
    review_corrected: [64],
    review_other: [178],
    review_pending: [37],
    litigation_total: [46],
    litigation_maintained: [25],
    litigation_corrected: [5],
    litigation_other: [9],
    litigation_pending: [7],
    fees_yuan: [3940],
  });
  const lm = facts.find((f) => f.kind === 'litigation_maintained')!;
  assert.match(text.slice(lm.span[0], lm.span[1]), /^25\s+件$/); // "25\n\n件" in the source
});

test('corpus: 洪泽 2023 / 2024 (PDF text) — received and a 0 元 fee; table numbers and 信息 条 ignored', () => {
  const t23 = fixture('hongze-2023.txt');
  assert.deepEqual(run(t23), { requests_received: [21], fees_yuan: [0] });
  assert.deepEqual(run(fixture('hongze-2024.txt')), { requests_received: [17], fees_yuan: [0] });
  // the table region excluded: same facts, spans still point into the full text
  const a = t23.indexOf('四、政府信息公开行政复议');
  const b = t23.indexOf('五、存在的主要问题');
  const facts = extractFacts(t23, [[a, b]]);
  assert.equal(t23.slice(facts[0].span[0], facts[0].span[1]), '21 件');
});

// ---------------------------------------------------------------------------------------------
// phrasings

const POSITIVE: [string, Record<string, number[]>][] = [
  ['2021年,本机关共受理政府信息公开申请455件。', { requests_received: [455] }],
  ['全年共收到政府信息公开申请66件次。', { requests_received: [66] }],
  ['本年新收政府信息公开申请数量为12件,其中自然人申请10件,法人或其他组织申请2件。', { requests_received: [12] }],
  ['2023年全区受理政府信息公开申请 21 件,均在法定期限答复。', { requests_received: [21] }],
  ['收到公民、法人或其他组织提出的政府信息公开申请20件。', { requests_received: [20] }],
  ['本机关收到的12件申请全部按时答复。', { requests_received: [12] }],
  ['全年共受理依申请公开12件,按时办结12件,办结率100%。', { requests_received: [12], requests_answered: [12] }],
  ['上年结转政府信息公开申请3件。', { carried_over: [3] }],
  ['结转上年度政府信息公开申请9件。', { carried_over: [9] }],
  ['结转下年度继续办理13件。', { carried_forward: [13] }],
  ['共受理申请20件,其中13件结转下年度继续办理。', { requests_received: [20], carried_forward: [13] }],
  [
    '结转上年度的申请2件,本年度新收申请20件,共办结21件,另有1件结转至下一年度。',
    { carried_over: [2], requests_received: [20], requests_answered: [21], carried_forward: [1] },
  ],
  [
    '全市共受理政府信息公开申请 3119 件,答\n复 3050 件(含上年度结转申请 34 件,另有 103 件顺延到下年度\n答复),均在法定期限内予以答复。',
    { requests_received: [3119], requests_answered: [3050], carried_over: [34], carried_forward: [103] },
  ],
  ['全年收到政府信息依申请公开66件次,1件次结转至下一年度办理,其余65件次均在法定期限内予以答复。', { requests_received: [66], carried_forward: [1], requests_answered: [65] }],
  ['依申请公开方面,已办结申请451件。', { requests_answered: [451] }],
  ['共收到申请3,119件,办结3,050件。', { requests_received: [3119], requests_answered: [3050] }],
  // Chinese numerals
  ['本年度共收到政府信息公开申请十二件,办结十二件。', { requests_received: [12], requests_answered: [12] }],
  ['共收到政府信息公开申请一百零五件,已全部办结。', { requests_received: [105] }],
  ['全年收到依申请公开两件。', { requests_received: [2] }],
  ['本年度受理政府信息公开申请三件,结转下年度继续办理一件。', { requests_received: [3], carried_forward: [1] }],
  // review / litigation
  [
    '所作信息公开申请答复被行政复议共18件,其中结果维持15宗,结果纠正0宗,其他结果2宗,尚未审结1宗;被行政诉讼10件,其中结果维持3宗,结果纠正0宗,其他结果4宗,尚未审结3宗。',
    {
      review_total: [18], review_maintained: [15], review_corrected: [0], review_other: [2], review_pending: [1],
      litigation_total: [10], litigation_maintained: [3], litigation_corrected: [0], litigation_other: [4], litigation_pending: [3],
    },
  ],
  [
    '政府信息公开行政复议 351\n件,其中结果维持 72 件,结果纠正 64 件,其他结果 178 件,尚\n未审结 37 件;政府信息公开行政诉讼 46 件,其中结果维持 25\n件,结果纠正 5 件,其他结果 9 件,尚未审结 7 件。',
    {
      review_total: [351], review_maintained: [72], review_corrected: [64], review_other: [178], review_pending: [37],
      litigation_total: [46], litigation_maintained: [25], litigation_corrected: [5], litigation_other: [9], litigation_pending: [7],
    },
  ],
  ['因政府信息公开工作被申请行政复议2件,被提起行政诉讼1件。', { review_total: [2], litigation_total: [1] }],
  ['行政复议、行政诉讼各1件。', { review_total: [1], litigation_total: [1] }],
  ['行政复议和行政诉讼均为0件。', { review_total: [0], litigation_total: [0] }],
  ['被提起行政诉讼的3件案件中,2件维持,1件尚在审理中。', { litigation_total: [3], litigation_maintained: [2], litigation_pending: [1] }],
  [
    '行政诉讼5件(其中未经复议直接起诉3件、复议后起诉2件)。',
    { litigation_total: [5], litigation_direct_total: [3], litigation_after_review_total: [2] },
  ],
  [
    '其中1件次经省政府行政复议后产生行政诉讼,目前尚未审结;1件次未经行政复议直接产生行政诉讼,目前尚未审结。',
    { litigation_after_review_pending: [1], litigation_direct_pending: [1], litigation_pending: [2] },
  ],
  ['本年度未发生因政府信息公开引起的行政复议、行政诉讼。', { review_total: [0], litigation_total: [0] }],
  ['全年无政府信息公开行政复议、行政诉讼案件。', { review_total: [0], litigation_total: [0] }],
  ['没有因政府信息公开而被申请行政复议或提起行政诉讼的情况。', { review_total: [0], litigation_total: [0] }],
  ['政府信息公开行政复议、行政诉讼情况均为零。', { review_total: [0], litigation_total: [0] }],
  ['被申请行政复议1件,未发生行政诉讼。', { review_total: [1], litigation_total: [0] }],
  // no applications
  ['本年度未收到政府信息公开申请。', { requests_received: [0] }],
  ['2023年度,蚌峨乡未收到和处理政府信息公开申请情况。', { requests_received: [0] }],
  ['未收到公民、法人或其他组织的政府信息公开申请。', { requests_received: [0] }],
  // fees
  ['收取信息处理费0元。', { fees_yuan: [0] }],
  ['2021年,全区共收取政府信息公开信息处理费20560元(均由区住房城乡建设局收取)。', { fees_yuan: [20560] }],
  ['全年收取政府信息公开信息处理费 3940 元。', { fees_yuan: [3940] }],
  ['共收取信息处理费2.056万元。', { fees_yuan: [20560] }],
  ['本年度未收取信息处理费。', { fees_yuan: [0] }],
  ['本机关依申请提供政府信息,未收取任何费用。', { fees_yuan: [0] }],
  ['六、其他需要报告的事项\n本年度未收取任何费用。', { fees_yuan: [0] }],
  ['信息处理费收取金额为0。', { fees_yuan: [0] }],
];

test('phrasings: each sentence gives exactly the expected facts, spans on the figure', () => {
  for (const [text, expected] of POSITIVE) {
    assert.deepEqual(run(text), expected, text);
  }
});

const NEGATIVE: string[] = [
  // percentages, years, dates, phone numbers, document numbers
  '受理政府信息公开申请同比增长12%。',
  '2021年1月1日至2021年12月31日,依申请公开办结率100%。',
  '如对本报告有疑问,请联系(电话:0517-83605210,邮编:223001)。',
  '按照《通知》(辽政办发〔2021〕30号)要求,规范依申请公开答复文书。',
  '依据国办公开办函〔2021〕30号文件,在15个工作日内答复。',
  // counts of other things
  '市政府网站主动公开各类政府信息 5500 余条,公开信息 5500 条。',
  '2021年共召开新闻发布会13次,发布信息2660条。',
  '政务新媒体2个,全年共发布2660条政务信息。',
  '全年办理人大代表建议45件、政协提案60件,办结率100%。',
  '2019年全县共收到人大建议、政协提案253件,办结253件,办结率100%,公开发布17件。',
  '12345热线受理群众诉求3000件,办结2990件。',
  '受理行政许可申请5000件,办结4990件。',
  '收到群众来信来访200件,均已办结。',
  '全年答复网民留言300条。',
  '网站累计访问量1200万次,政务服务事项办结3000件。',
  '全年开展培训3次,近300人次参训。',
  '其中予以公开200件,部分公开30件,不予公开5件,无法提供12件。',
  '行政处罚决定3985758件。',
  '行政事业性收费 96171.6万元。',
  // approximate, delta, not a number
  '全年共收到申请近500件。',
  '受理政府信息公开申请较上年增加12件。',
  '收到申请零件若干。',
  // review / litigation that is not a figure of this year's disclosure decisions
  '市政府作为行政复议机关,受理行政复议申请120件。',
  '全年行政应诉案件45件。',
  '2020年度1件政府信息依申请公开,经复议后诉讼,于本年度经有管辖权的人民法院审理后为结果维持。',
  '未发生行政复议被纠错情况。',
  '无行政诉讼败诉案件。',
  '行政复议和行政诉讼案件共3件。',
  '其中结果维持2件,尚未审结1件。',
  // partial "no applications", fees that are rates or other charges
  '依申请公开方面,不予受理3件。',
  '被申请行政复议的申请人中,自然人2人,法人或其他组织1件。',
  '2022年,我办未收到自然人依申请公开政府信息。',
  '除上年结转申请外,未收到新的政府信息公开申请。',
  '信息处理费收费标准为每件100元,超过10页的每页0.1元。',
  '政府公报免费赠阅,未收取任何费用。',
  '无需缴纳信息处理费。',
];

test('negatives: percentages, years, phone and document numbers, other counts produce no fact', () => {
  for (const text of NEGATIVE) {
    assert.deepEqual(extractFacts(text), [], text);
  }
});

test('same kind twice: one fact for the same value, both for different values', () => {
  const same = extractFacts('共受理政府信息公开申请12件。……本年度共收到政府信息公开申请12件。');
  assert.equal(same.filter((f) => f.kind === 'requests_received').length, 1);
  assert.deepEqual(same[0].span, [11, 14]); // the first statement
  const diff = extractFacts('共受理政府信息公开申请12件。……本年度共收到政府信息公开申请13件。');
  assert.deepEqual(diff.map((f) => f.value), [12, 13]);
  // a number and a phrase saying the same: the number is kept
  const fee = extractFacts('收取信息处理费0元。本年度未收取信息处理费。');
  assert.equal(fee.length, 1);
  assert.equal(fee[0].span[1] - fee[0].span[0], 2);
});

test('exclude: numbers in the table regions are skipped; clauses do not run across them', () => {
  const text = '依申请公开情况:共受理政府信息公开申请\n一、本年新收 12件 3件\n结束。收取信息处理费5元。';
  const a = text.indexOf('一、本年新收');
  const b = text.indexOf('结束');
  assert.deepEqual(run(text, [[a, b]]), { fees_yuan: [5] });
  assert.deepEqual(run(text), { requests_received: [12], fees_yuan: [5] });
  // overlapping and out-of-range ranges are tolerated
  assert.deepEqual(run(text, [[a, b], [a + 2, b - 1], [b + 1000, b + 2000]]), { fees_yuan: [5] });
});

test('line breaks and spaces inside sentences; numbers on separate lines never merge', () => {
  const text = '全市共受理政府信息公开申\n\n请 3119\n\n件,答\n复 30 50 件。';
  const facts = extractFacts(text);
  assert.deepEqual(byKind(facts), { requests_received: [3119] });
  assert.equal(text.slice(facts[0].span[0], facts[0].span[1]), '3119\n\n件');
  // a page marker line between a number and its unit
  const t2 = '政府信息公开行政诉讼 46\n- 3 -\n件,其中结果维持 25 件。';
  assert.deepEqual(run(t2), { litigation_total: [46], litigation_maintained: [25] });
});

test('parseChineseNumber', () => {
  assert.equal(parseChineseNumber('十二'), 12);
  assert.equal(parseChineseNumber('三'), 3);
  assert.equal(parseChineseNumber('两'), 2);
  assert.equal(parseChineseNumber('二十'), 20);
  assert.equal(parseChineseNumber('一百零五'), 105);
  assert.equal(parseChineseNumber('三千零五十'), 3050);
  assert.equal(parseChineseNumber('一万二千'), 12000);
  assert.equal(parseChineseNumber('一二〇'), 120);
  assert.equal(parseChineseNumber('零'), null);
  assert.equal(parseChineseNumber('万'), null);
  assert.equal(parseChineseNumber('十十'), null);
});

test('punctuation-free input: facts are still read, and each one once', () => {
  // its speed (linear in the input) is measured in `npm run bench:stages`
  const flat = '受理申请1件'.repeat(50) + '无'.repeat(100) + '行政复议'.repeat(20);
  const facts = extractFacts(flat);
  // the first sentence is read; a run of 无 before 行政复议 reads as "no review cases"
  assert.deepEqual(facts.map((f) => [f.kind, f.value]), [['requests_received', 1], ['review_total', 0]]);
});
