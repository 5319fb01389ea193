// Charset sniffing, one implementation for every decoder that starts from bytes (plain text,
// HTML): a byte-order mark, UTF-16 by its pattern of NUL bytes, strict UTF-8, the charset a
// page declares, and GB18030 or Big5 told apart by how common the characters they give are.

import iconv from 'iconv-lite';

export const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** How much of the input the statistics look at. */
export const SAMPLE = 1 << 16;

/** A byte-order mark: the encoding and the text after it. */
export function byBom(buf: Buffer): { text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' } | null {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8' };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: iconv.decode(buf.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: iconv.decode(buf.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  return null;
}

/** UTF-16 without a BOM: most text has ASCII (digits, newlines, markup), whose high byte is 0. */
export function utf16Guess(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, SAMPLE) & ~1;
  if (n < 4) return null;
  let evenZero = 0, oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  // the zeros sit on one side of the pairs (characters U+xx00 such as 一 put a few on the other)
  const pairs = n / 2;
  if (oddZero >= pairs * 0.03 && evenZero <= oddZero * 0.25) return 'utf-16le';
  if (evenZero >= pairs * 0.03 && oddZero <= evenZero * 0.25) return 'utf-16be';
  return null;
}

/** The bytes as UTF-8 when they are valid UTF-8, else null (GBK/Big5 Chinese practically never is). */
export function strictUtf8(buf: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

/**
 * A GB18030 reading is accepted when it reads as Chinese: almost no replacement characters, and
 * the non-ASCII characters mostly Chinese characters and CJK/full-width punctuation.
 */
export function readsAsChinese(text: string): boolean {
  let nonAscii = 0, chinese = 0, replaced = 0;
  const n = Math.min(text.length, SAMPLE);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    nonAscii++;
    if (c === 0xfffd) replaced++;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef) || (c >= 0x2010 && c <= 0x206f) || c === 0xb7) chinese++;
  }
  if (nonAscii === 0) return true;
  return replaced <= Math.max(1, nonAscii * 0.005) && chinese >= nonAscii * 0.85;
}

const GBK_FAMILY = /^(gb2312|gbk|gb18030|x-gbk|cp936|ms936|windows-936|euc-cn|csgb2312|chinese|iso-ir-58)$/;

/** A charset label as iconv-lite knows it (the GBK family read as its superset GB18030). */
export function normEncoding(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const l = label.toLowerCase().replace(/^["']|["']$/g, '');
  if (GBK_FAMILY.test(l)) return 'gb18030';
  if (/^utf-?8$/.test(l)) return 'utf-8';
  if (/^(big5|big5-hkscs|cn-big5|x-x-big5)$/.test(l)) return 'big5';
  if (/^utf-?16(le)?$/.test(l)) return 'utf-16le';
  if (/^utf-?16be$/.test(l)) return 'utf-16be';
  return iconv.encodingExists(l) ? l : undefined;
}

/** The charset a page declares: <meta charset>, <meta http-equiv content="…charset=…">, <?xml encoding?> (also escaped, inside JSON). */
export function declaredCharset(head: string): string | undefined {
  const meta = head.match(/(?:<|\\u003c|\\x3c)meta\b[^>]{0,400}?charset\s*=\s*\\?["']?\s*([\w.:-]+)/i);
  if (meta) return meta[1];
  return head.match(/<\?xml[^>]{0,200}encoding\s*=\s*["']([\w.:-]+)/i)?.[1];
}

// The 500 most common characters, simplified and traditional: the reading that gives far more of
// them is the right one.
const COMMON_HAN = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反明看原又利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往历市克何除消构府称太准精值号率族维划选标写存候毛亲快效院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严申请公开政府信息';
const COMMON = new Set([...COMMON_HAN]);
const TRAD_COMMON = new Set([...'的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而方後多定行學法所民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開它合還因由其些然前外天政四日那社義事平形相全表間樣與關各重新線內數正心反明看原又利比或但質氣第向道命此變條只沒結解問意建月公無系軍很情者最立代想已通並提直題黨程展五果料象員革位入常文總次品式活設及管特件長求老頭基資邊流路級少圖山統接知較將組見計別手角期根論運農指幾九區強放決西被幹做必戰先回則任取據處隊南給色光門即保治北造百規熱領七海口東導器壓志世金增爭濟階油思術極交受聯什認六共權收證改清己美再採轉更單風切打白教速花帶安場身車例真務具萬每目至達走積示議聲報鬥完類八離華名確才科張信馬節話米整空元況今集溫傳土許步群廣石記需段研界拉林律叫且究觀越織裝影算低持音眾書布復容兒須際商非驗連斷深難近礦千周委素技備半辦青省列習響約支般史感勞便團往歷市克何除消構府稱太準精值號率族維劃選標寫存候毛親快效院查江型眼王按格養易置派層片始卻專狀育廠京識適屬圓包火住調滿縣局照參紅細引聽該鐵價嚴申請公開政府信息']);

function score(text: string, set: Set<string>): number {
  let n = 0;
  for (const ch of text) if (set.has(ch)) n++;
  return n;
}

/** Undeclared Chinese bytes that are not UTF-8: GB18030 unless Big5 reads as far more common text. */
export function gbOrBig5(buf: Buffer): { text: string; encoding: 'gb18030' | 'big5' } {
  const sample = buf.subarray(0, 200_000);
  if (score(iconv.decode(sample, 'big5'), TRAD_COMMON) > 2 * score(iconv.decode(sample, 'gb18030'), COMMON) + 20) return { text: iconv.decode(buf, 'big5'), encoding: 'big5' };
  return { text: iconv.decode(buf, 'gb18030'), encoding: 'gb18030' };
}
