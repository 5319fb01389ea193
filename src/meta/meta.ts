// Report metadata from the normalised text: who reported, on which year, when it was published.

// Linear in the text (a title followed by 40,000 spaces once took 26 s): no two whitespace runs
// may match the same characters — `\s*(?:[(（]\s*)?`, not `\s*[(（]?\s*` — and the regexes over
// whole lines bound their windows.
const TITLE = /([\u3400-\u9fff()（）·]{2,40}?)\s*(?:[(（]\s*)?((?:19|20)\d{2})\s*年(?:度)?\s*(?:[(（][^)）]{0,8}[)）]\s*)?(?:政府信息公开|政务公开|信息公开)(?:[^\n。]{0,12}?年\s*(?:度\s*)?报\s*告|工作报告)/;
const TITLE_YEAR = /((?:19|20)\d{2})\s*年(?:度)?\s*(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:工作)?报告/;
const PERIOD = /统计(?:时限|期限|期间|时间)[^\n]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日/;

/** Words that show a self-reference rather than a body's name. */
const SELF = /^(我|本)(办|局|委|厅|部|院|会|中心|单位|机关|市|县|区|镇|乡|街道)/;

/** Suffixes that end the name of a government body. */
const BODY_END = /(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|管理委员会|局|厅|委|办|中心|院|署|会|街道办事处|办事处|乡|镇|街道|政府|实验区|开发区|高新区|新区|示范区|保税区|合作区)$/;

export interface Meta {
  agency: string | null;
  year: number | null;
  published: string | null;
}

function cleanAgency(raw: string): string | null {
  let name = raw.replace(/[()（）]/g, (c) => c).replace(/^[\s|·]+|[\s|·]+$/g, '');
  // drop leading words that belong to a page header (date lines, 首页 > 信息公开 …)
  name = name.replace(/^.*(?:星期[一二三四五六日天]|首页|当前位置|来源|标题|发布机构|发文机关)[\s:：]*/, '');
  // a sentence that announces the report is not part of the name (现公布…, 现将…予以公布)
  name = name.replace(/^(?:(?:现将|现予|现|特此|特)?(?:公布|发布|公开|印发|关于))+/, '');
  if (name.length < 2 || SELF.test(name)) return null;
  if (!BODY_END.test(name)) return null;
  return name;
}

/** The title line: `<agency><year>年政府信息公开工作年度报告`, anywhere (attachments repeat it at the end). */
function findTitles(text: string): { agency: string | null; year: number; index: number }[] {
  const out: { agency: string | null; year: number; index: number }[] = [];
  const re = new RegExp(TITLE.source, 'g');
  for (const m of text.matchAll(re)) out.push({ agency: cleanAgency(m[1]), year: Number(m[2]), index: m.index ?? 0 });
  // A title broken over two lines: agency alone on the line before "<year>年…报告".
  // (the line starts past its blanks and with a visible character, so no two runs overlap)
  const re2 = new RegExp(`(?:^|\\n)[^\\S\\n]*(\\S[^\\n]{1,29}?)[^\\S\\n]*\\n\\s*${TITLE_YEAR.source}`, 'g');
  for (const m of text.matchAll(re2)) out.push({ agency: cleanAgency(m[1]), year: Number(m[2]), index: m.index ?? 0 });
  return out.sort((a, b) => a.index - b.index);
}

function isoDate(y: string, m: string, d: string): string | null {
  const mm = Number(m), dd = Number(d);
  if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return null;
  return `${y}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

const DATE = /((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?/;

function findPublished(text: string, year: number | null): string | null {
  // 1. a labelled date: 发布时间 / 发布日期 / 成文日期 / 时间:
  const labelled = new RegExp(`(?:发布|公开|成文|印发)(?:时间|日期)\\s*(?:[:：]\\s*)?${DATE.source}`);
  const m = text.match(labelled);
  if (m) return isoDate(m[1], m[2], m[3]);
  // 2. a bare date on its own near the top (page header), in the year after the report year
  const head = text.slice(0, 600);
  for (const d of head.matchAll(new RegExp(DATE.source, 'g'))) {
    const y = Number(d[1]);
    const before = head.slice(Math.max(0, (d.index ?? 0) - 12), d.index);
    if (/统计|自|至|起|止|星期/.test(before)) continue;
    if (year === null || y === year + 1) return isoDate(d[1], d[2], d[3]);
  }
  // 3. the signature date at the end: "2022年1月20日"
  const tail = text.slice(-300);
  const sig = [...tail.matchAll(/((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/g)].pop();
  if (sig && (year === null || Number(sig[1]) === year + 1)) return isoDate(sig[1], sig[2], sig[3]);
  return null;
}

export function extractMeta(text: string): Meta {
  const titles = findTitles(text);
  let year: number | null = titles[0]?.year ?? null;
  if (year === null) {
    const p = text.match(PERIOD);
    if (p) year = Number(p[1]);
  }
  if (year === null) year = dominantYear(text);
  let agency = titles.find((t) => t.agency)?.agency ?? null;
  // The page's 来源 field names the body formally (朝阳市人民政府办公室 where the title abbreviates
  // it to 朝阳市政府办公室): use it when it is the same body, or when the title names none.
  const source = text.slice(0, 1500).match(/(?:(?:信息)?来源|发布机构|发文机关)\s*[:：]\s*([\u3400-\u9fff()（）]{2,30})/);
  const formal = source ? cleanAgency(source[1]) : null;
  if (formal && (agency === null || (formal !== agency && formal.replace(/人民/g, '') === agency.replace(/人民/g, '')))) agency = formal;
  // No body in the title: the preamble (本报告由…编制, 根据…) or the signature above the closing date.
  if (agency === null) {
    const pre = text.slice(0, 3000).match(/本(?:年度)?报告由\s*([\u3400-\u9fff()（）]{2,30}?)\s*(?:根据|依据|按照|依照|编制|负责)/);
    if (pre) agency = cleanAgency(pre[1]);
  }
  if (agency === null) {
    const sig = text.slice(-400).match(/\n\s*([\u3400-\u9fff()（）]{2,30})\s*\n\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$/);
    if (sig) agency = cleanAgency(sig[1]);
  }
  return { agency, year, published: findPublished(text, year) };
}

/**
 * Last resort for reports without a title: the year most mentioned as "YYYY年" (not as part of a
 * full date, which is more often the publication) in the opening of the report.
 */
function dominantYear(text: string): number | null {
  const counts = new Map<number, number>();
  for (const m of text.slice(0, 3000).matchAll(/((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)/g)) {
    const y = Number(m[1]);
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  let best: number | null = null;
  let n = 0;
  for (const [y, c] of counts) if (c > n || (c === n && best !== null && y > best)) { best = y; n = c; }
  return best;
}
