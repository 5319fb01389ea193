// Narrative facts: figures restated in the prose of a report (output.md "Narrative facts", template.md §6.4).
//
// The normalised text may still carry PDF line wrapping ("答\n复 3050 件"), so the extractor works on a
// compact view of it: whitespace is dropped (kept as one space only between two ASCII letters/digits, so
// numbers on separate lines never merge), page markers ("- 3 -") are dropped, and each excluded (table)
// region becomes one sentence break. Every compact character remembers its offset in the original text.
//
// Figures are read from "number + unit" tokens. Each token is judged by the words of its own clause
// (text between , ; 。 …), split at neighbouring tokens: the keyword before it ("受理…申请 455 件"), or the
// words right after it ("451件按时办结", "13件结转下年度"). Review / litigation result labels
// ("其中结果维持 15 宗") take their topic (行政复议 / 行政诉讼) from the sentence. Anything not clearly
// matched is dropped: a missed figure is better than a made-up one.

import type { Fact, Span } from '../types.js';
import { FACT_CELLS } from '../template/index.js';

// ---------------------------------------------------------------------------------------------
// Compact view

interface Compact {
  s: string;
  /** map[i] = offset in the original text of s[i]. */
  map: Int32Array;
}

const PAGE_MARK_RE = /(^|\n)[ \t\u3000\u00a0]*(?:[-—–][ \t\u3000\u00a0]*\d{1,4}[ \t\u3000\u00a0]*[-—–]|第[ \t\u3000\u00a0]*\d{1,4}[ \t\u3000\u00a0]*页(?:[ \t\u3000\u00a0]*[,，/]?[ \t\u3000\u00a0]*共[ \t\u3000\u00a0]*\d{1,4}[ \t\u3000\u00a0]*页)?)[ \t\u3000\u00a0]*(?=\r?\n|$)/g;
const isWs = (c: number): boolean =>
  c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b || c === 0x3000 || c === 0xa0 ||
  c === 0x200b || c === 0xfeff || c === 0x2028 || c === 0x2029;
const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function buildCompact(text: string, exclude: [number, number][]): Compact {
  // ranges to skip entirely: page markers (treated as whitespace) and excluded regions (one break)
  const skips: { start: number; end: number; brk: boolean }[] = [];
  for (const [a, b] of exclude) {
    const start = Math.max(0, Math.min(a, text.length));
    const end = Math.max(start, Math.min(b, text.length));
    if (end > start) skips.push({ start, end, brk: true });
  }
  PAGE_MARK_RE.lastIndex = 0;
  for (let m = PAGE_MARK_RE.exec(text); m; m = PAGE_MARK_RE.exec(text)) {
    const start = m.index + m[1].length;
    skips.push({ start, end: m.index + m[0].length, brk: false });
    if (m[0].length === 0) PAGE_MARK_RE.lastIndex++;
  }
  skips.sort((x, y) => x.start - y.start || y.end - x.end);

  const out: string[] = [];
  const map = new Int32Array(text.length + 1);
  let n = 0;
  let pendingWs = -1;
  let k = 0;
  let i = 0;
  while (i < text.length) {
    while (k < skips.length && skips[k].end <= i) k++;
    if (k < skips.length && skips[k].start <= i) {
      const sk = skips[k];
      if (sk.brk) {
        if (n === 0 || out[n - 1] !== '。') {
          out.push('。');
          map[n++] = sk.start;
        }
        pendingWs = -1;
      } else if (pendingWs < 0) pendingWs = i;
      i = Math.max(i + 1, sk.end);
      continue;
    }
    const c = text.charCodeAt(i);
    if (isWs(c)) {
      if (pendingWs < 0) pendingWs = i;
      i++;
      continue;
    }
    if (pendingWs >= 0 && n > 0 && isAlnum(out[n - 1].charCodeAt(0)) && isAlnum(c)) {
      out.push(' ');
      map[n++] = pendingWs;
    }
    pendingWs = -1;
    out.push(text[i]);
    map[n++] = i;
    i++;
  }
  return { s: out.join(''), map: map.subarray(0, n) };
}

// ---------------------------------------------------------------------------------------------
// Numbers

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Chinese numerals: 十二, 一百零五, 两, 三千零五十, 一二〇 (positional). null when not a number. */
export function parseChineseNumber(s: string): number | null {
  if (!/[一二两三四五六七八九十]/.test(s)) return null;
  if (!/[十百千万]/.test(s)) {
    if (s.length > 1 && s.includes('两')) return null;
    let v = 0;
    for (const ch of s) v = v * 10 + CN_DIGIT[ch];
    return v;
  }
  let total = 0;
  let section = 0;
  let num = -1;
  let lastUnit = Infinity;
  for (const ch of s) {
    if (ch in CN_DIGIT) {
      if (num > 0) return null; // two digits in a row (一二十): not a well-formed numeral
      num = CN_DIGIT[ch];
    } else if (ch === '万') {
      const sec = section + Math.max(num, 0);
      if (sec === 0 || total > 0) return null;
      total = sec * 10000;
      section = 0;
      num = -1;
      lastUnit = Infinity;
    } else {
      const u = ch === '十' ? 10 : ch === '百' ? 100 : 1000;
      if (u >= lastUnit) return null;
      let d = num;
      if (d < 0) {
        if (u !== 10 || section !== 0) return null;
        d = 1; // 十二
      }
      if (d === 0) return null;
      section += d * u;
      num = -1;
      lastUnit = u;
    }
  }
  return total + section + Math.max(num, 0);
}

// number + unit. ASCII numbers may carry 万/千 (4.16万条, 2.056万元); Chinese numerals include their own 万.
const CN_NUM_CHARS = '零〇一二两三四五六七八九十百千万';
const UNIT = '(件次|件|宗|个|次|条|例|起|元)';
const TOKEN_RE = new RegExp(
  `(?<![0-9A-Za-z.\\-/~～_@#%第])(\\d{1,3}(?:,\\d{3})+(?![\\d.])|\\d+)(?:\\.(\\d+))?([万千]?)${UNIT}` +
    `|(?<![${CN_NUM_CHARS}第每逐这那哪某任唯统同单之数几若些])([${CN_NUM_CHARS}]+)${UNIT}`,
  'g',
);

interface Token {
  start: number; // compact offsets
  end: number;
  value: number;
  unit: string; // as written (元 for 万元 too)
  cn: boolean;
}

/** After 个/次/条/起/例 a CJK character usually means the number counts something else (3个工作日, 4次会议). */
const LOOSE_UNIT_NEXT_OK = /^(?:[,，;；。!！?？)）、:：]|$|均|已|全部|都|被|予以|按时|依法|结转|顺延|转入|维持|纠正|尚未|未审结|其他|其余|经|未经|系|为|属|中|申请|政府信息|依申请|行政|复议|诉讼|案件)/;

function findTokens(s: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(s); m; m = TOKEN_RE.exec(s)) {
    let value: number | null;
    let unit: string;
    const cn = m[5] !== undefined;
    if (!cn) {
      const int = m[1].replace(/,/g, '');
      value = Number(m[2] ? `${int}.${m[2]}` : int);
      if (m[3] === '万') value *= 10000;
      else if (m[3] === '千') value *= 1000;
      value = Math.round(value * 100) / 100;
      unit = m[4];
    } else {
      unit = m[6];
      value = parseChineseNumber(m[5]);
      if (value === null && /^[零〇]$/.test(m[5]) && unit === '元') value = 0; // 零元 (零件 is a word, not 0 件)
    }
    if (value === null || !Number.isFinite(value)) continue;
    const end = m.index + m[0].length;
    if (/^(?:个|次|条|起|例)$/.test(unit) && !LOOSE_UNIT_NEXT_OK.test(s.slice(end, end + 4))) continue;
    if (unit !== '元' && !Number.isInteger(value)) continue;
    tokens.push({ start: m.index, end, value, unit, cn });
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const CLAUSE_BREAK = /[,，;；。!！?？]/;
const SENT_BREAK = /[。!！?？]/;

/** Approximate figures are not restated table values. */
const APPROX_BEFORE = /(?:近|约|逾|超过|超|大约|将近|接近|不到|不足|上下)$/;
const APPROX_AFTER = /^(?:左右|以上|以下|上下|之多)/;
/** Change against last year: the number is a difference, not a count. */
const DELTA = /同比|环比|增加|增长|减少|下降|上升|增幅|降幅|提高|降低|较|比上|比去|多出|少了/;

// request keywords, last one before the number wins
const REQ_KW_RE = new RegExp(
  [
    '(上一?年度?(?:的)?(?:结转|转结|遗留|未办结)|结转(?:自)?上一?年度?|从上一?年度?结转|上一?年度?转入)', // 1 carried over
    '((?:结转|转入|顺延|延期|转)(?:至|到|入)?(?:下一?|次)(?:个)?年度?|跨年度?办理|下一?年度?继续办理)', // 2 carried forward
    '((?<!未|尚未|没有|待|不予|正在|尚在|仍在|继续|需)(?:办结|答复|办理完毕|处理完毕|办理完成|办理))', // 3 answered
    '((?<!不予|不|未|没有|暂不)(?:新收|收到|受理|接收|接到|收悉))', // 4 received
  ].join('|'),
  'g',
);
const POST_CF = /^(?:均|已|需|将|被|并|予以|依法|因故|因|需要){0,3}(?:(?:结转|转入|顺延|延期|转)(?:至|到|入)?(?:下一?|次)(?:个)?年度?|跨年度?办理)/;
const POST_CO = /^(?:为|系|是|属|属于)?(?:上一?年度?(?:的)?(?:结转|遗留)|结转自上一?年度?)/;
const POST_ANS = /^(?:均|都|已|已经|全部|并|按时|按期|依法|及时|如期|按规定|在法定期限内|在规定期限内|于法定期限内|法定期限内|均在法定期限内){0,4}(?:予以|作出|完成|进行)?(?:办结|答复|办理完毕|处理完毕|办理完成)/;
/** Things that are not information-disclosure applications. */
const NOT_APPLICATION = /建议|提案|信访|投诉|举报|咨询|留言|来信|来访|来电|热线|12345|诉求|工单|政务服务|办件|审批|许可|不动产|舆情|网民/;
/** What may stand between 答复/办结/办理 and the number: "答复 3050 件", "办结申请 451 件", "办理政府信息公开 17 件". */
const ANS_GAP_OK = /^(?:了|的)?(?:各类|全部|所有|本年度?|上述)?(?:的)?(?:政府信息公开|信息公开|依申请公开|政府信息)?(?:的)?(?:申请)?(?:共|总计|合计|共计|累计)?(?:数量|数)?(?:为|是|达)?$/;
/** An answered figure already stated earlier in the sentence ("共办结455件,其中按时办结451件"). */
const ANSWERED_BEFORE = /(?:办结|答复|办理完毕|处理完毕|办理)[^,，;；。]{0,15}?(?:\d+|[零〇一二两三四五六七八九十百千]+)(?:件次|件|宗)/;
/** "公民、法人或其他组织" names all applicants, not a part. */
const ALL_APPLICANTS = /公民[、,，和及或]*法人[、,，和及或]*(?:其他组织)?/g;
/** Part of the applications only (by applicant or channel). */
const PARTIAL_RECEIVED = /自然人|法人|企业|机构|组织|网上|网络|在线|信函|邮寄|当面|现场|邮件|传真|电话|窗口/;

// review / litigation mentions: 1 direct litigation, 2 litigation after review, 3 review, 4 litigation
const TOPIC_RE = new RegExp(
  [
    '(未经(?:行政)?复议(?:直接)?(?:向法院)?(?:提起|产生|进入|引发|发生)?(?:了)?(?:行政)?(?:诉讼|起诉)|直接(?:向法院)?(?:提起|产生)?(?:了)?(?:行政)?(?:诉讼|起诉))',
    '(复议后(?:又|再)?(?:向法院)?(?:提起|产生|进入|引发|发生)?(?:了)?(?:行政)?(?:诉讼|起诉)|经(?:过)?复议(?:后)?(?:的)?(?:行政)?(?:诉讼|起诉))',
    '(复议)',
    '(诉讼|起诉)',
  ].join('|'),
  'g',
);
type Group = 'review' | 'litigation' | 'litigation_direct' | 'litigation_after_review';
const TOPIC_GROUPS: Group[] = ['litigation_direct', 'litigation_after_review', 'review', 'litigation'];

const LABEL_RE = /(结果维持|维持)|(结果纠正|纠正|纠错)|(其他结果|其他(?!组织|方式|形式|渠道|类|情形|事项|部门|单位))|(尚未审结|未审结|尚在审理|正在审理|审理中|尚未结案|未结案|尚未判决|未审理终结)/g;
const LABELS = ['maintained', 'corrected', 'other', 'pending'] as const;
type Label = (typeof LABELS)[number] | 'total';
const NEXT_CLAUSE_LABEL = new RegExp(`^(?:目前|现|现已|已|均|仍|尚|至今|截至目前|截至报告期末)?(?:处于)?(?:${LABEL_RE.source})`);
const REVIEW_BODY = /复议机关|复议委员会|复议案件审理|受理[^,，;；。]{0,8}复议申请|办理[^,，;；。]{0,8}复议案件|应诉/;
const PRIOR_YEAR = /上年|上一年|去年|往年|以前年度|历年/;

const FEE_WORD = /处理费/;
const FEE_REJECT = /减免|免收|免除|免予|退还|退回|应收|标准|每|不超过|超过|以上|按件|按量|起收|收费通知|缴纳|未缴/;

// ---------------------------------------------------------------------------------------------

interface Ctx {
  s: string;
  tok: Token;
  pre: string;
  post: string;
  clause: string;
  sentence: string;
  sentPrefix: string;
  nextClause: string;
}

interface Hit {
  kind: string;
  value: number;
  unit: string;
  start: number; // compact
  end: number;
  textStart: number;
  textEnd: number;
  /** read from a phrase ("未收取任何费用"), not from a written number */
  phrase?: boolean;
}

function lastMatch(re: RegExp, s: string): RegExpExecArray | null {
  re.lastIndex = 0;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    last = m;
    if (m[0].length === 0) re.lastIndex++;
  }
  return last;
}

function allMatches(re: RegExp, s: string): RegExpExecArray[] {
  re.lastIndex = 0;
  const out: RegExpExecArray[] = [];
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(m);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

const groupOf = (m: RegExpExecArray): Group => TOPIC_GROUPS[[1, 2, 3, 4].find((g) => m[g] !== undefined)! - 1];
const labelOf = (m: RegExpExecArray): Label => LABELS[[1, 2, 3, 4].find((g) => m[g] !== undefined)! - 1];

/** Review / litigation figure; `undefined` when the token is not about review or litigation at all. */
function classifyReviewLitigation(c: Ctx): string[] | null | undefined {
  const preMentions = allMatches(TOPIC_RE, c.pre);
  // the government as review body or in general court work, not reviews of its own disclosure decisions
  if (REVIEW_BODY.test(c.clause)) return null;
  // after the number only a mention that follows closely counts: "3件被申请行政复议",
  // "1件次经省政府行政复议后产生行政诉讼" (not "12件无行政复议")
  let postMentions = preMentions.length ? [] : allMatches(TOPIC_RE, c.post).slice(0, 1);
  if (postMentions.length) {
    const lead = c.post.slice(0, postMentions[0].index);
    if (lead.length > 8 || /无|未|没|不|非/.test(lead)) postMentions = [];
  }
  const local = [...preMentions, ...postMentions].map(groupOf);
  let groups: Group[] = [];
  let fromSentence = false;
  const specific = local.filter((g) => g === 'litigation_direct' || g === 'litigation_after_review');
  if (specific.length) {
    if (new Set(specific).size > 1) return null;
    groups = [specific[0]];
  } else if (preMentions.length) {
    const set = new Set(preMentions.map(groupOf));
    if (set.size > 1) {
      if (!/(?:各|均为|都为|均是|都是|均)$/.test(c.pre)) return null;
      groups = ['review', 'litigation'];
    } else groups = [groupOf(preMentions[preMentions.length - 1])];
  } else if (postMentions.length) {
    groups = [groupOf(postMentions[0])];
  }

  // result label: in the words before, right after, or a short following clause ("…行政诉讼,目前尚未审结")
  let label: Label | null = null;
  const preLabel = lastMatch(LABEL_RE, c.pre);
  if (preLabel) label = labelOf(preLabel);
  else {
    const postLabel = allMatches(LABEL_RE, c.post)[0];
    if (postLabel && !/未$|不$/.test(c.post.slice(0, postLabel.index))) label = labelOf(postLabel);
    else if (groups.length && c.nextClause.length <= 14 && !/[\d零〇一二两三四五六七八九十]/.test(c.nextClause)) {
      const nm = NEXT_CLAUSE_LABEL.exec(c.nextClause);
      if (nm) label = LABELS[[1, 2, 3, 4].find((g) => nm[g] !== undefined)! - 1];
    }
  }

  if (!groups.length) {
    if (!label) return undefined;
    // topic from the sentence: the last review / litigation mention before this clause
    const sm = lastMatch(TOPIC_RE, c.sentPrefix);
    if (!sm) return undefined;
    groups = [groupOf(sm)];
    fromSentence = true;
  }
  if (groups.length > 1 && label) return null;
  if (PRIOR_YEAR.test(c.pre)) return null;
  const gap = preLabel ? c.pre.slice(preLabel.index + preLabel[0].length) : preMentions.length ? c.pre.slice(preMentions[preMentions.length - 1].index) : c.pre;
  if (DELTA.test(gap)) return null;
  if (fromSentence && !label) return null;
  if (!label && /其中|含|包括/.test(c.pre)) {
    // "行政复议2件,其中市政府复议1件": a part of a figure already given for the same group
    const before = allMatches(TOPIC_RE, c.sentPrefix).map(groupOf);
    if (groups.some((g) => before.includes(g))) return null;
  }
  return groups.map((g) => `${g}_${label ?? 'total'}`);
}

function classifyRequest(c: Ctx): string | null {
  const inClause = /申请/.test(c.clause);
  // 结转上年度 / 结转下年度 are request words by themselves; the others need applications in view
  const ctx = inClause || /申请/.test(c.sentence) || (/信息公开/.test(c.clause) && !/主动/.test(c.clause));
  if (NOT_APPLICATION.test(c.clause) || (!inClause && NOT_APPLICATION.test(c.sentence))) return null;

  const m = lastMatch(REQ_KW_RE, c.pre);
  if (m) {
    const gap = c.pre.slice(m.index + m[0].length);
    if (DELTA.test(gap)) return null;
    if (m[1] !== undefined) return 'carried_over';
    if (m[2] !== undefined) return 'carried_forward';
    if (!ctx) return null;
    if (m[3] !== undefined) {
      if (!ANS_GAP_OK.test(gap)) return null;
      if (/其中/.test(c.pre) && ANSWERED_BEFORE.test(c.sentPrefix)) return null; // a subset of a figure already given
      return 'requests_answered';
    }
    // received
    if (!/申请/.test(c.pre) && !/^(?:的)?(?:政府信息公开|信息公开|依申请公开)?申请/.test(c.post)) return null;
    if (PARTIAL_RECEIVED.test(c.pre.replace(ALL_APPLICANTS, ''))) return null;
    if (/其中/.test(c.pre) && m[4] !== '新收') return null;
    if (/结转|上一?年度?|下一?年度|公开了|予以|不予|无法/.test(gap)) return null;
    if (/^[(（]?(?:含|包括|包含|其中含?)上一?年度?(?:的)?结转/.test(c.post)) return null; // a total with the carried-over ones
    return 'requests_received';
  }
  if (DELTA.test(c.pre)) return null;
  if (POST_CF.test(c.post)) return 'carried_forward';
  if (POST_CO.test(c.post)) return 'carried_over';
  if (!ctx) return null;
  if (POST_ANS.test(c.post)) {
    if (/其中/.test(c.pre) && ANSWERED_BEFORE.test(c.sentPrefix)) return null;
    return 'requests_answered';
  }
  return null;
}

function classifyFee(c: Ctx): boolean {
  if (c.tok.unit !== '元') return false;
  const feeInPre = FEE_WORD.test(c.pre);
  if (!feeInPre && !(/收取|收费|费用/.test(c.pre) && FEE_WORD.test(c.sentence))) return false;
  if (/行政事业性收费/.test(c.pre)) return false;
  if (FEE_REJECT.test(c.pre) || DELTA.test(c.pre)) return false;
  if (/^(?:\/|每|以上|以下|起)/.test(c.post)) return false;
  return true;
}

// zero statements -----------------------------------------------------------------------------

const ZERO_FEE_RE = new RegExp(
  '(?:未|没有|均未|并未|从未|未曾)(?:向申请人)?(?:收取|产生|发生)(?:过)?(?:任何)?(?:政府信息公开)?(?:的)?(?:信息处理费|处理费|任何费用|费用)' +
    '|(?:无|没有)(?:收取)?(?:任何)?(?:政府信息公开)?(?:信息)?处理费' +
    '|(?:信息)?处理费(?:收取|收费)?(?:金额|总额|合计|共计)?(?:为|是|:|：)?(?:0|零)(?![\\d.])(?:元)?',
  'g',
);
const OTHER_FREE = /免费|赠阅|公报|查阅|培训|讲座|门票|资料|停车|场所|服务大厅|办事|证照|登记|复印/;
const ZERO_RECEIVED_RE = new RegExp(
  '(?:未|没有|并未)(?:收到|接到|受理|接收)(?:过)?(?:任何)?(?:和处理|和办理|及处理|或处理)?(?:任何)?' +
    '(?:公民[、,，]?法人(?:或|和|及|、)?其他组织(?:的|提出的)?)?' +
    '(?:(?:政府信息公开|信息公开|依申请公开|公开政府信息)(?:的)?申请(?!人|书|表|材料|费|内容|方式)|申请(?!人|书|表|材料|费|内容|方式)|依申请公开(?:政府信息)?(?:的)?(?:申请|事项|情况)?)' +
    '|(?:本年度?内?|全年|年内|报告期内|今年)[,，]?(?:本机关|我办|我局|我委|本单位|本部门)?(?:无|没有)(?:任何)?(?:政府信息公开|依申请公开|信息公开)(?:的)?申请(?!人|书|表|材料|费|内容|方式)',
  'g',
);
const ZERO_RL_NEG_RE = /(?:未发生|没有发生|未出现|没有出现|未产生|没有产生|未涉及|未有|不存在|没有|无(?!法|正当|需|论|偿|理由|效|关|意|误|异)|未被(?:提起|申请)?)/g;
const ZERO_RL_BOTH_RE = /(?:行政)?复议[、和及与或]?(?:行政)?诉讼(?:案件|情况|数量|案件数量)?(?:均|都|皆)(?:为)?(?:零|0|无|没有|未发生)(?![\d.])(?:件|起|宗)?/g;
const RL_QUALIFIER = /纠|败诉|撤销|违法|维持|结果|其他|审结|除|经|直接|后|以外|另/;

/** Clause and sentence limits of every position, computed once (O(n)); windows are capped so that a text
 * without punctuation cannot make the per-token work quadratic. */
class Bounds {
  private readonly cStart: Int32Array;
  private readonly cEnd: Int32Array;
  private readonly sStart: Int32Array;
  private readonly sEnd: Int32Array;
  constructor(s: string) {
    const n = s.length;
    this.cStart = new Int32Array(n + 1);
    this.cEnd = new Int32Array(n + 1);
    this.sStart = new Int32Array(n + 1);
    this.sEnd = new Int32Array(n + 1);
    let c = 0;
    let st = 0;
    for (let i = 0; i <= n; i++) {
      this.cStart[i] = c;
      this.sStart[i] = st;
      if (i < n && CLAUSE_BREAK.test(s[i])) {
        c = i + 1;
        if (SENT_BREAK.test(s[i])) st = i + 1;
      }
    }
    c = n;
    st = n;
    for (let i = n; i >= 0; i--) {
      if (i < n && CLAUSE_BREAK.test(s[i])) {
        c = i;
        if (SENT_BREAK.test(s[i])) st = i;
      }
      this.cEnd[i] = c;
      this.sEnd[i] = st;
    }
  }
  /** [start, end) of the clause around pos, at most `cap` characters either side. */
  clause(pos: number, cap = CLAUSE_CAP): [number, number] {
    return [Math.max(this.cStart[pos], pos - cap), Math.min(this.cEnd[pos], pos + cap)];
  }
  sentence(pos: number, cap = SENTENCE_CAP): [number, number] {
    return [Math.max(this.sStart[pos], pos - cap), Math.min(this.sEnd[pos], pos + cap)];
  }
}
const CLAUSE_CAP = 160;
const SENTENCE_CAP = 400;

function zeroFacts(s: string, bounds: Bounds): Hit[] {
  const hits: Hit[] = [];
  const push = (kind: string, start: number, end: number, unit: string) => {
    const [a, b] = bounds.clause(start);
    hits.push({ kind, value: 0, unit, start, end, textStart: a, textEnd: b, phrase: true });
  };

  ZERO_FEE_RE.lastIndex = 0;
  for (let m = ZERO_FEE_RE.exec(s); m; m = ZERO_FEE_RE.exec(s)) {
    const [a, b] = bounds.clause(m.index);
    const clause = s.slice(a, b);
    const [sa, sb] = bounds.sentence(m.index);
    const sentence = s.slice(sa, sb);
    if (/除|以外|外[,，]|部分|个别|减免|免收/.test(clause)) continue;
    if (!/处理费/.test(m[0])) {
      // "未收取任何费用": only where the sentence is about disclosure fees, never about other free services
      if (OTHER_FREE.test(sentence)) continue;
      if (!/处理费|申请|信息公开|政府信息|收费|需要报告的事项/.test(sentence) && sentence.length > 24) continue;
    }
    push('fees_yuan', m.index, m.index + m[0].length, '元');
  }

  ZERO_RECEIVED_RE.lastIndex = 0;
  for (let m = ZERO_RECEIVED_RE.exec(s); m; m = ZERO_RECEIVED_RE.exec(s)) {
    const [a, b] = bounds.clause(m.index);
    const clause = s.slice(a, b);
    if (/除|以外|另|其他|结转|复议|诉讼|投诉|举报|建议|提案/.test(clause.replace(ALL_APPLICANTS, ''))) continue;
    if (/[\d]/.test(s.slice(m.index + m[0].length, b))) continue;
    push('requests_received', m.index, m.index + m[0].length, '件');
  }

  ZERO_RL_NEG_RE.lastIndex = 0;
  for (let m = ZERO_RL_NEG_RE.exec(s); m; m = ZERO_RL_NEG_RE.exec(s)) {
    const negEnd = m.index + m[0].length;
    const [, b] = bounds.clause(m.index, 60);
    const rest = s.slice(negEnd, b);
    const mentions = allMatches(TOPIC_RE, rest);
    if (!mentions.length) continue;
    const lead = rest.slice(0, mentions[0].index);
    if (lead.length > 20 || /[\d零〇一二两三四五六七八九十]/.test(lead.replace(/[一]例/, '')) || RL_QUALIFIER.test(lead)) continue;
    // consecutive mentions joined by short connectors only
    const used: RegExpExecArray[] = [mentions[0]];
    for (let j = 1; j < mentions.length; j++) {
      const prev = used[used.length - 1];
      const between = rest.slice(prev.index + prev[0].length, mentions[j].index);
      if (between.length <= 8 && !RL_QUALIFIER.test(between) && !/\d/.test(between)) used.push(mentions[j]);
      else break;
    }
    const last = used[used.length - 1];
    const tail = rest.slice(last.index + last[0].length);
    if (RL_QUALIFIER.test(tail) || /\d/.test(tail)) continue;
    const groups = new Set(used.map(groupOf));
    if (groups.has('litigation_direct') || groups.has('litigation_after_review')) continue;
    const end = negEnd + last.index + last[0].length;
    if (groups.has('review')) push('review_total', m.index, end, '件');
    if (groups.has('litigation')) push('litigation_total', m.index, end, '件');
    ZERO_RL_NEG_RE.lastIndex = end;
  }

  ZERO_RL_BOTH_RE.lastIndex = 0;
  for (let m = ZERO_RL_BOTH_RE.exec(s); m; m = ZERO_RL_BOTH_RE.exec(s)) {
    const [a] = bounds.clause(m.index);
    if (RL_QUALIFIER.test(s.slice(a, m.index))) continue;
    push('review_total', m.index, m.index + m[0].length, '件');
    push('litigation_total', m.index, m.index + m[0].length, '件');
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------

/**
 * Figures restated in the prose of a report. `text` is the normalised report text; `exclude` lists
 * [start, end) ranges to skip (the table regions). Spans are offsets into `text`.
 */
export function extractFacts(text: string, exclude: [number, number][] = []): Fact[] {
  const { s, map } = buildCompact(text, exclude);
  const tokens = findTokens(s);
  const bounds = new Bounds(s);
  const hits: Hit[] = [];

  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    const [cs, ce] = bounds.clause(tok.start);
    const prev = tokens[t - 1];
    const next = tokens[t + 1];
    const preStart = prev && prev.end > cs ? prev.end : cs;
    const postEnd = next && next.start < ce ? next.start : ce;
    const pre = s.slice(preStart, tok.start);
    const post = s.slice(tok.end, postEnd);
    if (APPROX_BEFORE.test(pre) || APPROX_AFTER.test(post)) continue;
    const [ss, se] = bounds.sentence(tok.start);
    let nextClause = '';
    if (ce < se && CLAUSE_BREAK.test(s[ce]) && !SENT_BREAK.test(s[ce])) {
      const [, nce] = bounds.clause(ce + 1, 20);
      nextClause = s.slice(ce + 1, nce);
    }
    const c: Ctx = {
      s,
      tok,
      pre,
      post,
      clause: s.slice(cs, ce),
      sentence: s.slice(ss, se),
      sentPrefix: s.slice(ss, cs),
      nextClause,
    };
    const add = (kind: string, unit: string) =>
      hits.push({ kind, value: tok.value, unit, start: tok.start, end: tok.end, textStart: cs, textEnd: ce });

    if (tok.unit === '元') {
      if (classifyFee(c)) add('fees_yuan', '元');
      continue;
    }
    const rl = classifyReviewLitigation(c);
    if (rl !== undefined) {
      if (rl) for (const kind of rl) add(kind, '件');
      continue;
    }
    const kind = classifyRequest(c);
    if (kind) add(kind, '件');
  }

  hits.push(...zeroFacts(s, bounds));
  // a written number is the better source than a phrase saying the same
  hits.sort((x, y) => Number(x.phrase ?? false) - Number(y.phrase ?? false) || x.start - y.start);

  // same kind + same value once; different values are kept (the checker reports the disagreement)
  const seen = new Set<string>();
  const facts: Fact[] = [];
  const toSpan = (a: number, b: number): Span => [map[a], map[b - 1] + 1];
  for (const h of hits) {
    const key = `${h.kind}\u0000${h.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    facts.push(makeFact(h.kind, h.value, h.unit, toSpan(h.start, h.end), clauseText(s, h)));
  }

  // litigation split into direct + after review and both stated: the plain litigation figure is their sum
  for (const col of ['maintained', 'corrected', 'other', 'pending', 'total']) {
    if (facts.some((f) => f.kind === `litigation_${col}`)) continue;
    const d = facts.filter((f) => f.kind === `litigation_direct_${col}`);
    const r = facts.filter((f) => f.kind === `litigation_after_review_${col}`);
    if (d.length !== 1 || r.length !== 1) continue;
    const span: Span = [Math.min(d[0].span[0], r[0].span[0]), Math.max(d[0].span[1], r[0].span[1])];
    const joined = `${d[0].text ?? ''};${r[0].text ?? ''}`;
    facts.push(makeFact(`litigation_${col}`, d[0].value + r[0].value, '件', span, joined.length > 80 ? joined.slice(0, 80) : joined));
  }
  facts.sort((x, y) => x.span[0] - y.span[0] || x.span[1] - y.span[1]);
  return facts;
}

function clauseText(s: string, h: Hit): string {
  let a = h.textStart;
  let b = h.textEnd;
  if (b - a > 80) {
    a = Math.max(a, Math.min(h.start - 40, b - 80));
    b = Math.min(b, a + 80);
  }
  return s.slice(a, b);
}

function makeFact(kind: string, value: number, unit: string, span: Span, text: string): Fact {
  const fact: Fact = { kind, value, unit, span };
  const cell = cellOf(kind);
  if (cell) fact.cell = cell;
  fact.text = text;
  return fact;
}

function cellOf(kind: string): string | undefined {
  return Object.hasOwn(FACT_CELLS, kind) ? FACT_CELLS[kind] : undefined;
}
