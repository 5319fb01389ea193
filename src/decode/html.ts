// HTML → text for the text pipeline.
//
//   bytes ─ encoding (BOM, <meta charset>, http-equiv, else UTF-8 when valid, else GB18030/Big5)
//         ─ unwrap (HTML kept in a JSON or JavaScript string: the string literal holding it)
//         ─ tree (htmlparser2's tokenizer, our own explicit stack: no recursion anywhere, O(1)
//           work per tag even 100 000 levels deep; nav, scripts, forms' controls, share bars,
//           hidden elements dropped while building)
//         ─ lines (block elements break lines; a data table becomes one line per <tr>, cells
//           joined with " | " on the colspan/rowspan grid: a cell spanning rows gives its text in
//           its first row and empty cells below, a cell spanning columns gives its text once and
//           empty cells after it; layout tables — nesting a table, one column, a prose cell —
//           are read as blocks)
//         ─ article (the deepest element holding every report heading / table marker, else the
//           one holding most of the Chinese text; the title and info bar just above it kept)
//
// Cell text joins its inner blocks (<br>, <p>, <span>) without a separator between CJK
// characters (结果<br>维持 → 结果维持) and with a space where a digit or letter meets the join,
// so numbers never run together.

import { Tokenizer } from 'htmlparser2';
import iconv from 'iconv-lite';
import { InputError } from '../types.js';
import type { DecodedDocument } from './types.js';
import { ARTICLE_MARKERS } from '../template/index.js';

// ---------------------------------------------------------------------------------------------
// Markup scanner: htmlparser2's tokenizer with a flat stack (htmlparser2's own Parser keeps its
// stack with Array#unshift, quadratic on deep nesting). Open/close events are always balanced.

export interface MarkupHandler {
  open(name: string, attrs: Record<string, string>): void;
  close(name: string): void;
  text(s: string): void;
}

const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const CLOSES_P = ['address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'ul'];
const IMPLIES_CLOSE = new Map<string, Set<string>>([
  ['li', new Set(['li', 'p'])],
  ['dd', new Set(['dd', 'dt', 'p'])],
  ['dt', new Set(['dd', 'dt', 'p'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['a', new Set(['a'])],
  ['body', new Set(['head', 'link', 'script'])],
]);
for (const t of CLOSES_P) IMPLIES_CLOSE.set(t, new Set(t.startsWith('h') && t.length === 2 ? ['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'] : ['p']));
/** What may stand in <head>: anything else closes an unclosed <head> (as browsers do). */
const HEAD_CONTENT = new Set(['title', 'meta', 'link', 'style', 'script', 'base', 'noscript', 'template', 'object', 'basefont', 'bgsound']);
/** How far down the stack an end tag or a table part looks for its element (bounded work per tag). */
const SEARCH = 512;

export function scanMarkup(src: string, xml: boolean, h: MarkupHandler): void {
  const stack: string[] = [];
  let tag = '';
  let attrs: Record<string, string> | null = null;
  let attrName = '';
  let attrValue = '';
  const name = (a: number, b: number) => (xml ? src.slice(a, b) : src.slice(a, b).toLowerCase());
  const pop = () => h.close(stack.pop()!);
  /** Index of the nearest open element named in `names` above the nearest `stop`, or -1. */
  const nearest = (names: Set<string>, stop: string) => {
    for (let i = stack.length - 1, k = 0; i >= 0 && k < SEARCH; i--, k++) {
      if (names.has(stack[i])) return i;
      if (stack[i] === stop) return -1;
    }
    return -1;
  };
  const TR = new Set(['tr']);
  const SECTION = new Set(['tbody', 'thead', 'tfoot', 'table']);
  const CELL = new Set(['td', 'th']);
  const finishOpen = (selfClosing: boolean) => {
    const t = tag;
    const a = attrs ?? {};
    tag = '';
    attrs = null;
    if (!t) return;
    h.open(t, a);
    if (xml ? selfClosing : VOID.has(t)) h.close(t);
    else stack.push(t);
  };
  const tokenizer = new Tokenizer({ xmlMode: xml, decodeEntities: true }, {
    onopentagname(start, end) {
      tag = name(start, end);
      attrs = {};
      if (xml) return;
      // a new cell or row ends the open cell or row (and whatever was left open inside it)
      if (CELL.has(tag)) {
        const i = nearest(CELL, 'table');
        if (i >= 0 && nearest(TR, 'table') < i) while (stack.length > i) pop();
      } else if (tag === 'tr') {
        const i = nearest(SECTION, 'table');
        if (i >= 0) while (stack.length > i + 1) pop();
      }
      if (!HEAD_CONTENT.has(tag)) {
        // <head> sits at the bottom of the stack (html > head): only the first entries are looked at
        const head = stack[0] === 'head' ? 0 : stack[1] === 'head' ? 1 : stack[2] === 'head' ? 2 : -1;
        if (head >= 0) while (stack.length > head) pop();
      }
      const implied = IMPLIES_CLOSE.get(tag);
      if (implied) while (stack.length && implied.has(stack[stack.length - 1])) pop();
    },
    onattribname(start, end) { attrName = name(start, end); },
    onattribdata(start, end) { attrValue += src.slice(start, end); },
    onattribentity(cp) { attrValue += String.fromCodePoint(cp); },
    onattribend() {
      if (attrs && !Object.hasOwn(attrs, attrName)) attrs[attrName] = attrValue;
      attrValue = '';
    },
    onopentagend() { finishOpen(false); },
    onselfclosingtag() { finishOpen(true); },
    onclosetag(start, end) {
      const t = name(start, end);
      if (!xml && VOID.has(t)) {
        if (t === 'br') { h.open('br', {}); h.close('br'); }
        return;
      }
      for (let i = stack.length - 1, k = 0; i >= 0 && k < SEARCH; i--, k++) {
        if (stack[i] === t) {
          while (stack.length > i) pop();
          return;
        }
      }
      if (!xml && t === 'p') { h.open('p', {}); h.close('p'); }
    },
    ontext(start, end) { h.text(src.slice(start, end)); },
    ontextentity(cp) { h.text(String.fromCodePoint(cp)); },
    oncdata(start, end, offset) { if (xml) h.text(src.slice(start, end - offset)); },
    oncomment() {},
    ondeclaration() {},
    onprocessinginstruction() {},
    onend() { while (stack.length) pop(); },
  });
  tokenizer.write(src);
  tokenizer.end();
}

// ---------------------------------------------------------------------------------------------
// Cell text

const ALNUM = /[0-9A-Za-z]/;

/**
 * The lines of one table cell as one cell text: joined directly where CJK text meets CJK text or
 * punctuation (结果 / 维持 → 结果维持), with a space where a digit or letter is on either side.
 */
export function joinCellParts(parts: string[]): string {
  let out = '';
  for (const raw of parts) {
    const p = raw.replace(/\s+/g, ' ').trim();
    if (!p) continue;
    if (out && (ALNUM.test(out[out.length - 1]) || ALNUM.test(p[0]))) out += ' ';
    out += p;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoding

const COMMON_HAN = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反明看原又利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往历市克何除消构府称太准精值号率族维划选标写存候毛亲快效院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严申请公开政府信息';
const COMMON = new Set([...COMMON_HAN]);
const TRAD_COMMON = new Set([...'的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而方後多定行學法所民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開它合還因由其些然前外天政四日那社義事平形相全表間樣與關各重新線內數正心反明看原又利比或但質氣第向道命此變條只沒結解問意建月公無系軍很情者最立代想已通並提直題黨程展五果料象員革位入常文總次品式活設及管特件長求老頭基資邊流路級少圖山統接知較將組見計別手角期根論運農指幾九區強放決西被幹做必戰先回則任取據處隊南給色光門即保治北造百規熱領七海口東導器壓志世金增爭濟階油思術極交受聯什認六共權收證改清己美再採轉更單風切打白教速花帶安場身車例真務具萬每目至達走積示議聲報鬥完類八離華名確才科張信馬節話米整空元況今集溫傳土許步群廣石記需段研界拉林律叫且究觀越織裝影算低持音眾書布復容兒須際商非驗連斷深難近礦千周委素技備半辦青省列習響約支般史感勞便團往歷市克何除消構府稱太準精值號率族維劃選標寫存候毛親快效院查江型眼王按格養易置派層片始卻專狀育廠京識適屬圓包火住調滿縣局照參紅細引聽該鐵價嚴申請公開政府信息']);

function score(text: string, set: Set<string>): number {
  let n = 0;
  for (const ch of text) if (set.has(ch)) n++;
  return n;
}

const GBK_FAMILY = /^(gb2312|gbk|gb18030|x-gbk|cp936|ms936|windows-936|euc-cn|csgb2312|chinese|iso-ir-58)$/;

function normEncoding(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const l = label.toLowerCase().replace(/^["']|["']$/g, '');
  if (GBK_FAMILY.test(l)) return 'gb18030';
  if (/^utf-?8$/.test(l)) return 'utf-8';
  if (/^(big5|big5-hkscs|cn-big5|x-x-big5)$/.test(l)) return 'big5';
  if (/^utf-?16(le)?$/.test(l)) return 'utf-16le';
  if (/^utf-?16be$/.test(l)) return 'utf-16be';
  return iconv.encodingExists(l) ? l : undefined;
}

/** The charset the page declares: <meta charset>, <meta http-equiv content="…charset=…">, <?xml encoding?> (also escaped, inside JSON). */
function declaredCharset(head: string): string | undefined {
  const meta = head.match(/(?:<|\\u003c|\\x3c)meta\b[^>]{0,400}?charset\s*=\s*\\?["']?\s*([\w.:-]+)/i);
  if (meta) return meta[1];
  return head.match(/<\?xml[^>]{0,200}encoding\s*=\s*["']([\w.:-]+)/i)?.[1];
}

function utf16Guess(buf: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(buf.length, 2000) & ~1;
  if (n < 8) return null;
  let even = 0, odd = 0;
  for (let i = 0; i < n; i += 2) { if (buf[i] === 0) even++; if (buf[i + 1] === 0) odd++; }
  if (odd > n / 2 * 0.3 && even < n / 2 * 0.05) return 'utf-16le';
  if (even > n / 2 * 0.3 && odd < n / 2 * 0.05) return 'utf-16be';
  return null;
}

/** Bytes → markup: BOM, then valid UTF-8, then the declared charset, then GB18030 or Big5 by content. */
export function decodeMarkupBytes(bytes: Uint8Array): { html: string; encoding: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { html: buf.subarray(3).toString('utf8'), encoding: 'utf-8' };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { html: iconv.decode(buf.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { html: iconv.decode(buf.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  const u16 = utf16Guess(buf);
  if (u16) return { html: iconv.decode(buf, u16), encoding: u16 };
  const declared = normEncoding(declaredCharset(buf.subarray(0, 32_768).toString('latin1')));
  let ascii = true;
  for (let i = 0; i < buf.length; i++) if (buf[i] >= 0x80) { ascii = false; break; }
  if (ascii) return { html: buf.toString('latin1'), encoding: declared ?? 'utf-8' };
  // GBK/Big5 Chinese is practically never valid UTF-8: valid UTF-8 wins over a wrong declaration
  try {
    return { html: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
  } catch { /* not UTF-8 */ }
  if (declared && declared !== 'utf-8' && !declared.startsWith('utf-16')) return { html: iconv.decode(buf, declared), encoding: declared };
  // undeclared (or declared UTF-8 but not): GB18030 unless Big5 reads as far more common text
  const gb = iconv.decode(buf, 'gb18030');
  const sample = buf.subarray(0, 200_000);
  const big5 = iconv.decode(sample, 'big5');
  if (score(big5, TRAD_COMMON) > 2 * score(iconv.decode(sample, 'gb18030'), COMMON) + 20) return { html: iconv.decode(buf, 'big5'), encoding: 'big5' };
  return { html: gb, encoding: 'gb18030' };
}

// ---------------------------------------------------------------------------------------------
// HTML kept inside JSON or JavaScript strings

const MARKUP = /<\s*(p|div|table|tbody|tr|td|th|span|br|h[1-6]|section|article|font|strong|ul|li|html|body)\b[^>]*>/i;
const ESCAPED = /\\u003c\s*\/?\s*[a-z]|\\x3c\s*\/?\s*[a-z]|<\\\/[a-z]+\s*>|\\u002f/i;

function countCjk(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)) n++;
  }
  return n;
}

/** JavaScript/JSON string escapes resolved. */
export function unescapeJs(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '\\' || i + 1 >= s.length) { out += ch; continue; }
    const e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '0': out += '\0'; break;
      case '\r': if (s[i + 1] === '\n') i++; break; // line continuation
      case '\n': case '\u2028': case '\u2029': break;
      case 'x': {
        const hex = s.slice(i + 1, i + 3);
        if (/^[0-9a-f]{2}$/i.test(hex)) { out += String.fromCharCode(parseInt(hex, 16)); i += 2; } else out += 'x';
        break;
      }
      case 'u': {
        if (s[i + 1] === '{') {
          const close = s.indexOf('}', i);
          const hex = close > 0 ? s.slice(i + 2, close) : '';
          if (/^[0-9a-f]{1,6}$/i.test(hex) && parseInt(hex, 16) <= 0x10ffff) { out += String.fromCodePoint(parseInt(hex, 16)); i = close; } else out += 'u';
        } else {
          const hex = s.slice(i + 1, i + 5);
          if (/^[0-9a-f]{4}$/i.test(hex)) { out += String.fromCharCode(parseInt(hex, 16)); i += 4; } else out += 'u';
        }
        break;
      }
      default: out += e;
    }
  }
  return out;
}

/** String literals of a script ("…", '…', `…`), with runs joined by + as one. */
function scriptLiterals(src: string, from: number, to: number): string[] {
  const out: string[] = [];
  let lastEnd = -1;
  let i = from;
  while (i < to) {
    const ch = src[i];
    if (ch === '/' && src[i + 1] === '/') { const nl = src.indexOf('\n', i); i = nl < 0 || nl > to ? to : nl; continue; }
    if (ch === '/' && src[i + 1] === '*') { const e = src.indexOf('*/', i + 2); i = e < 0 || e > to ? to : e + 2; continue; }
    if (ch !== '"' && ch !== "'" && ch !== '`') { i++; continue; }
    let j = i + 1;
    while (j < to && src[j] !== ch) {
      if (src[j] === '\\') j++;
      else if (ch !== '`' && src[j] === '\n') break;
      j++;
    }
    if (j >= to || src[j] !== ch) { i = j; continue; }
    const lit = src.slice(i + 1, j);
    if (lastEnd >= 0 && /^\s*\+\s*$/.test(src.slice(lastEnd, i)) && out.length) out[out.length - 1] += unescapeJs(lit);
    else if (lit.length >= 20) out.push(unescapeJs(lit));
    else out.push('');
    lastEnd = j + 1;
    i = j + 1;
  }
  return out.filter((s) => s.length >= 20);
}

/** Every string inside a parsed JSON value, with the key it sits under (iterative). */
function jsonStrings(value: unknown): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  const stack: [string, unknown][] = [['', value]];
  let budget = 1_000_000;
  while (stack.length && budget-- > 0) {
    const [key, v] = stack.pop()!;
    if (typeof v === 'string') out.push({ key, value: v });
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push([key, v[i]]);
    else if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i]);
    }
  }
  return out;
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The best string of a JSON document: the markup (or plain text) with the most Chinese, and a title beside it. */
function fromJsonStrings(strings: { key: string; value: string }[]): string | null {
  let best: { key: string; value: string } | null = null;
  let bestScore = 0;
  for (const s of strings) {
    const cjk = countCjk(s.value);
    if (cjk > bestScore) { best = s; bestScore = cjk; }
  }
  if (!best || bestScore < 2) return null;
  let html = MARKUP.test(best.value) ? best.value : `<div>${escapeText(best.value).replace(/\r?\n/g, '<br>')}</div>`;
  const title = strings.find((s) => s !== best && /title|标题|subject|name|bt/i.test(s.key) && /报告/.test(s.value) && s.value.length <= 150 && !s.value.includes('<'));
  if (title && !best.value.includes(title.value.trim())) html = `<h1>${escapeText(title.value)}</h1>${html}`;
  return html;
}

/** HTML stored in a JSON document, a JSONP call or a script's string literals, unwrapped; else the input. */
export function unwrapEscaped(raw: string): string {
  let cur = raw;
  for (let round = 0; round < 3; round++) {
    const next = unwrapOnce(cur);
    if (next === null || next === cur) break;
    cur = next;
    if (!ESCAPED.test(cur.slice(0, 200_000)) && MARKUP.test(cur)) break;
  }
  return cur;
}

function unwrapOnce(raw: string): string | null {
  const trimmed = raw.trimStart();
  // 1. a JSON document, or a JSONP call around one
  if (/^[[{"]/.test(trimmed) || /^[\w$.]+\s*\(\s*[[{]/.test(trimmed)) {
    const body = /^[[{"]/.test(trimmed) ? trimmed : trimmed.replace(/^[\w$.]+\s*\(/, '').replace(/\)\s*;?\s*$/, '');
    try {
      const value = JSON.parse(body) as unknown;
      const found = fromJsonStrings(jsonStrings(value));
      if (found !== null) return found;
    } catch { /* not JSON: fall through to string literals */ }
  }
  // 2. string literals: in scripts of a page, or anywhere in a script file / broken JSON
  const isPage = /^(?:\s|<!--[\s\S]*?-->)*</.test(raw) && /<(html|body|head|div|p|table)[\s>]/i.test(raw.slice(0, 100_000));
  const regions: [number, number][] = [];
  if (isPage) {
    for (const m of raw.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi)) {
      const start = (m.index ?? 0) + m[0].indexOf('>') + 1;
      regions.push([start, start + m[1].length]);
    }
  } else regions.push([0, raw.length]);
  let best = '';
  let bestCjk = 0;
  for (const [a, b] of regions) {
    if (!/<|\\u003c|\\x3c/i.test(raw.slice(a, b))) continue;
    for (const lit of scriptLiterals(raw, a, b)) {
      if (!MARKUP.test(lit)) continue;
      const n = countCjk(lit);
      if (n > bestCjk) { best = lit; bestCjk = n; }
    }
  }
  if (!best) return null;
  if (!isPage) return best;
  // a page: only when the string holds more of the text than the page shows outside its scripts
  let visible = raw;
  for (const [a, b] of [...regions].reverse()) visible = visible.slice(0, a) + visible.slice(b);
  return bestCjk >= 0.5 * countCjk(visible) ? best : null;
}

// ---------------------------------------------------------------------------------------------
// Tree

interface El {
  id: number;
  tag: string;
  parent: El | null;
  kids: (El | string)[];
  depth: number;
  colspan: number;
  rowspan: number;
  /** Owning table of a tr/td/th. */
  table: El | null;
  /** Tables: a table nested inside; most cells in one row. */
  nested: boolean;
  maxCells: number;
  rowCells: number;
  ownCjk: number;
  ownLen: number;
  cjk: number;
  len: number;
}

const SKIP_TAGS = new Set(['script', 'style', 'noscript', 'iframe', 'frame', 'frameset', 'template', 'svg', 'math', 'canvas', 'object', 'embed', 'applet', 'select', 'option', 'optgroup', 'datalist', 'textarea', 'button', 'input', 'nav', 'aside', 'footer', 'head', 'map', 'audio', 'video', 'dialog']);
const BLOCK = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'main', 'header', 'footer', 'blockquote', 'pre', 'address', 'center', 'hr', 'form', 'fieldset', 'legend', 'figure', 'figcaption', 'caption', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'body', 'html', 'details', 'summary', 'root', 'title', 'marquee']);
/**
 * class/id words of navigation, breadcrumbs, share bars, page footers, sidebars. Not "print":
 * CMSs name the printable article itself so (printContent); 【打印】【关闭】 go by their text.
 */
const CRUFT_WORDS = new Set(['nav', 'navbar', 'navigation', 'menu', 'menubar', 'submenu', 'topmenu', 'mainnav', 'subnav', 'breadcrumb', 'breadcrumbs', 'crumb', 'crumbs', 'bread', 'location', 'dqwz', 'weizhi', 'share', 'bdshare', 'fenxiang', 'jiathis', 'social', 'footer', 'foot', 'copyright', 'banquan', 'sidebar', 'toolbar', 'related', 'xgwz', 'xglj', 'pagination', 'pager', 'search', 'searchbox', 'login', 'skip', 'qrcode', 'ewm', 'erweima', 'wza', 'accessibility']);
const MAX_DEPTH = 2000;
const LONG_CELL = 150;

const cruftCache = new Map<string, boolean>();

function isCruft(attrs: Record<string, string>): boolean {
  const { style, class: cls, id } = attrs;
  if (style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  if ('hidden' in attrs) return true;
  if (!cls && !id) return false;
  const key = `${cls ?? ''} ${id ?? ''}`;
  let out = cruftCache.get(key);
  if (out === undefined) {
    out = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).some((w) => CRUFT_WORDS.has(w));
    if (cruftCache.size > 10_000) cruftCache.clear();
    cruftCache.set(key, out);
  }
  return out;
}

/** A line break standing for a block element flattened past the depth limit. */
const BREAK: El = {
  id: -1, tag: 'br', parent: null, kids: [], depth: 0, colspan: 1, rowspan: 1, table: null, nested: false, maxCells: 0, rowCells: 0, ownCjk: 0, ownLen: 0, cjk: 0, len: 0,
};

function span(v: string | undefined): number {
  const n = parseInt(v ?? '', 10);
  return Number.isFinite(n) ? n : 1;
}

interface Tree {
  root: El;
  all: El[];
  title: string;
  /** Most Chinese characters inside one element dropped for its class or id. */
  classDropped: number;
}

function buildTree(html: string, byClass = true): Tree {
  const mk = (tag: string, parent: El | null, depth: number): El => ({
    id: 0, tag, parent, kids: [], depth, colspan: 1, rowspan: 1, table: null, nested: false, maxCells: 0, rowCells: 0, ownCjk: 0, ownLen: 0, cjk: 0, len: 0,
  });
  const root = mk('root', null, 0);
  const all: El[] = [root];
  // one entry per open element: the element, or a marker for one not in the tree
  const SKIPPED = 1, FLAT = 2;
  const stack: (El | number)[] = [];
  const tables: El[] = [];
  let cur = root;
  let skip = 0;
  let depth = 0;
  let inTitle = 0;
  let title = '';
  let inArticle = 0;
  let classDropped = 0;
  let dropping = -1; // Chinese characters inside the class-dropped element being skipped, or -1
  scanMarkup(html, false, {
    open(tag, attrs) {
      if (tag === 'title') inTitle++;
      if (skip) { stack.push(0); return; }
      const byTag = SKIP_TAGS.has(tag) || (tag === 'header' && !inArticle);
      if (byTag || (byClass && tag !== 'body' && tag !== 'html' && isCruft(attrs))) {
        if (!byTag) dropping = 0;
        skip++;
        stack.push(SKIPPED);
        return;
      }
      if (depth >= MAX_DEPTH) {
        // past the depth limit the structure is flattened: blocks still break lines
        if (BLOCK.has(tag)) cur.kids.push(BREAK);
        stack.push(FLAT);
        return;
      }
      const el = mk(tag, cur, depth + 1);
      el.id = all.length;
      all.push(el);
      cur.kids.push(el);
      if (tag === 'article' || tag === 'main') inArticle++;
      if (tag === 'table') {
        if (tables.length) tables[tables.length - 1].nested = true;
        tables.push(el);
      } else if (tag === 'tr' && tables.length) {
        el.table = tables[tables.length - 1];
        el.table.rowCells = 0;
      } else if ((tag === 'td' || tag === 'th') && tables.length) {
        const t = tables[tables.length - 1];
        el.table = t;
        el.colspan = Math.min(Math.max(span(attrs.colspan), 1), 100);
        el.rowspan = Math.min(Math.max(span(attrs.rowspan), 0), 10_000);
        t.rowCells += el.colspan;
        t.maxCells = Math.max(t.maxCells, t.rowCells);
      }
      stack.push(el);
      cur = el;
      depth++;
    },
    close(tag) {
      if (tag === 'title') inTitle--;
      const top = stack.pop();
      if (top === SKIPPED) {
        if (--skip === 0 && dropping >= 0) { classDropped = Math.max(classDropped, dropping); dropping = -1; }
        return;
      }
      if (typeof top === 'number') {
        if (top === FLAT && !skip && BLOCK.has(tag)) cur.kids.push(BREAK);
        return;
      }
      if (!top) return;
      if (top.tag === 'table' && tables[tables.length - 1] === top) tables.pop();
      if (top.tag === 'article' || top.tag === 'main') inArticle--;
      cur = top.parent ?? root;
      depth--;
    },
    text(s) {
      if (inTitle) { title += s; return; }
      if (skip) {
        if (dropping >= 0) dropping += countCjk(s);
        return;
      }
      const last = cur.kids.length - 1;
      if (last >= 0 && typeof cur.kids[last] === 'string') cur.kids[last] += s;
      else cur.kids.push(s);
      cur.ownCjk += countCjk(s);
      cur.ownLen += s.replace(/\s+/g, '').length;
    },
  });
  // subtree sums, children before parents (creation order reversed)
  for (let i = all.length - 1; i >= 0; i--) {
    const el = all[i];
    el.cjk += el.ownCjk;
    el.len += el.ownLen;
    if (el.parent) { el.parent.cjk += el.cjk; el.parent.len += el.len; }
  }
  return { root, all, title: title.replace(/\s+/g, ' ').trim(), classDropped };
}

// ---------------------------------------------------------------------------------------------
// Rendering

class Sink {
  lines: string[] = [];
  private cur = '';
  text(s: string) { this.cur += s; }
  flush() {
    const t = this.cur.replace(/\s+/g, ' ').trim();
    if (t) this.lines.push(t);
    this.cur = '';
  }
  line(s: string) { this.flush(); this.lines.push(s); }
}

/** A data table is rendered as a grid; tables nesting a table or one column wide are layout. */
function isDataTable(t: El): boolean {
  return !t.nested && t.maxCells >= 2;
}

interface Ranges { start: Int32Array; end: Int32Array }

/** Block flow of an element's subtree, iteratively; data tables become grid lines. */
function renderFlow(rootEl: El, sink: Sink, ranges?: Ranges): void {
  const stack: { el: El; i: number }[] = [{ el: rootEl, i: -1 }];
  let pre = 0;
  while (stack.length) {
    const top = stack[stack.length - 1];
    const el = top.el;
    if (top.i < 0) {
      const block = BLOCK.has(el.tag);
      if (block) sink.flush();
      if (ranges) ranges.start[el.id] = sink.lines.length;
      if (el.tag === 'table' && isDataTable(el)) {
        renderTable(el, sink);
        if (ranges) ranges.end[el.id] = sink.lines.length;
        stack.pop();
        continue;
      }
      if (el.tag === 'pre') pre++;
      top.i = 0;
    }
    if (top.i < el.kids.length) {
      const k = el.kids[top.i++];
      if (typeof k !== 'string') { stack.push({ el: k, i: -1 }); continue; }
      if (pre && k.includes('\n')) {
        const parts = k.split('\n');
        parts.forEach((p, n) => { if (n) sink.flush(); sink.text(p); });
      } else sink.text(k);
      continue;
    }
    if (BLOCK.has(el.tag)) sink.flush();
    if (el.tag === 'pre') pre--;
    if (ranges) ranges.end[el.id] = sink.lines.length;
    stack.pop();
  }
}

/** Rows (cells in order) of a data table: its own tr/td/th, found without entering the cells. */
function tableRows(table: El): { rows: El[][]; captions: El[] } {
  const rows: El[][] = [];
  const captions: El[] = [];
  let row: El[] | null = null;
  const stack: El[] = [table];
  while (stack.length) {
    const el = stack.pop()!;
    if (el !== table) {
      if (el.tag === 'caption') { captions.push(el); continue; }
      if (el.tag === 'tr' && el.table === table) { row = []; rows.push(row); }
      else if ((el.tag === 'td' || el.tag === 'th') && el.table === table) {
        if (!row) { row = []; rows.push(row); }
        row.push(el);
        continue;
      } else if (el.tag === 'table') continue;
    }
    for (let i = el.kids.length - 1; i >= 0; i--) {
      const k = el.kids[i];
      if (typeof k !== 'string') stack.push(k);
    }
  }
  return { rows, captions };
}

function cellLines(cell: El): string[] {
  const s = new Sink();
  renderFlow(cell, s);
  s.flush();
  return s.lines;
}

/**
 * One line per row on the expanded grid: "a | b | c |". A cell spanning rows gives its text in
 * its first row and "" below; a cell spanning columns gives its text once and "" after it. A row
 * with a prose cell (a note, a paragraph) is written as lines of text instead.
 */
/**
 * Grid cells one table may expand to. A report's largest table has a few hundred; two million
 * empty cells from a 90 KB page of rowspan="10000" made 6 MB of text that every later stage
 * had to read (seconds), so the expansion stops far earlier.
 */
const MAX_GRID = 100_000;

function renderTable(table: El, sink: Sink): void {
  sink.flush();
  const { rows, captions } = tableRows(table);
  for (const c of captions) for (const l of cellLines(c)) sink.line(l);
  const grid: string[][] = rows.map(() => []);
  const prose: boolean[] = rows.map((cells) => cells.some((c) => c.len > LONG_CELL));
  let area = 0;
  rows.forEach((cells, r) => {
    let c = 0;
    for (const cell of cells) {
      while (grid[r][c] !== undefined) c++;
      let rs = cell.rowspan === 0 ? rows.length - r : Math.min(cell.rowspan, rows.length - r);
      let cs = cell.colspan;
      // hostile spans: past MAX_GRID cells, spans are no longer expanded
      if (area + rs * cs > MAX_GRID) rs = cs = 1;
      area += rs * cs;
      const text = prose[r] ? '' : joinCellParts(cellLines(cell));
      for (let i = 0; i < rs; i++) for (let j = 0; j < cs; j++) grid[r + i][c + j] = i === 0 && j === 0 ? text : '';
      c += cs;
    }
  });
  rows.forEach((cells, r) => {
    if (prose[r]) {
      for (const cell of cells) for (const l of cellLines(cell)) sink.line(l);
      return;
    }
    const row = grid[r];
    if (!row.length) return;
    const out: string[] = [];
    for (let c = 0; c < row.length; c++) out.push(row[c] ?? '');
    sink.line(`${out.join(' | ')} |`);
  });
}

// ---------------------------------------------------------------------------------------------
// Article

const TRAD: Record<string, string> = {
  總: '总', 體: '体', 況: '况', 動: '动', 開: '开', 處: '处', 請: '请', 復: '复', 議: '议', 訴: '诉', 訟: '讼', 問: '问', 題: '题', 報: '报', 項: '项', 結: '结', 轉: '转', 經: '经', 辦: '办', 條: '条', 進: '进', 關: '关', 僅: '仅', 與: '与', 須: '须', 歲: '岁', 數: '数', 請求: '请求',
};
const TRAD_RE = new RegExp(`[${Object.keys(TRAD).filter((k) => k.length === 1).join('')}]`, 'g');
const simplify = (s: string) => s.replace(TRAD_RE, (c) => TRAD[c] ?? c);

/** Text-only cruft: print/close links, breadcrumbs, share bars, font-size pickers. */
const CRUFT_TOKEN = /【\s*(?:打印(?:本页|此页|文章)?|关闭(?:窗口|本页)?|返回(?:顶部)?|收藏(?:本页)?|保存|分享|字体|字号|纠错)[^】]{0,12}】|\[\s*(?:打印|关闭)(?:本页|窗口)?\s*\]/g;
const CRUFT_LINE = /^(?:当前位置|您现在的位置|您当前的位置|您所在的位置|所在位置|现在位置)\s*[:：]|^(?:分享到|扫一扫|上一篇|下一篇|上一条|下一条|打印本页|关闭窗口|返回顶部|字号\s*[:：]|【?\s*字体\s*[:：]|浏览次数|访问次数|阅读次数|点击数)|^(?:打印|关闭|大|中|小|\s)+$/;

function cleanLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const t = l.replace(CRUFT_TOKEN, '').trim();
    if (!t) continue;
    if (t.length <= 60 && CRUFT_LINE.test(t)) continue;
    out.push(l.includes('|') ? l.replace(CRUFT_TOKEN, '') : t);
  }
  return out;
}

/**
 * The article: the deepest element holding every line with a report heading or table marker
 * (at least two different ones); else the deepest of two lines or more holding 70% of the
 * Chinese text. The title (and the info bar under it) from just above is kept; lacking one, the
 * page <title>.
 */
function article(tree: Tree, lines: string[], ranges: Ranges): string[] {
  const hits: number[] = [];
  const kinds = new Set<number>();
  lines.forEach((l, i) => {
    const compact = simplify(l.replace(/\s+/g, ''));
    ARTICLE_MARKERS.forEach((re, k) => { if (re.test(compact)) { hits.push(i); kinds.add(k); } });
  });
  let chosen: El | null = null;
  if (kinds.size >= 2) {
    let lo = Infinity, hi = -1;
    for (const h of hits) { if (h < lo) lo = h; if (h > hi) hi = h; }
    for (const el of tree.all) {
      if (ranges.start[el.id] < 0 || ranges.start[el.id] > lo || ranges.end[el.id] <= hi) continue;
      if (!chosen || el.depth > chosen.depth) chosen = el;
    }
  } else if (tree.root.cjk > 0) {
    // a container (two lines at least, unless the page has one), not a single dominant paragraph
    const minLines = Math.min(2, lines.length);
    for (const el of tree.all) {
      if (ranges.start[el.id] < 0 || ranges.end[el.id] - ranges.start[el.id] < minLines || el.cjk < 0.7 * tree.root.cjk) continue;
      if (!chosen || el.depth > chosen.depth) chosen = el;
    }
  }
  if (!chosen || chosen === tree.root) return lines;
  const a = ranges.start[chosen.id];
  const b = ranges.end[chosen.id];
  const body = lines.slice(a, b);
  // the title line above the article (and whatever short lines sit between them: date, source)
  let from = a;
  for (let i = a - 1; i >= Math.max(0, a - 15); i--) {
    if (lines[i].length > 150) break;
    if (/报告|報告/.test(lines[i]) && countCjk(lines[i]) >= 6) { from = i; break; }
  }
  const head = lines.slice(from, a);
  if (!head.length && !body.slice(0, 5).some((l) => /报告|報告/.test(l)) && /报告|報告/.test(tree.title)) {
    const part = tree.title.split(/\s*[_|｜]\s*|\s+[-—–]+\s+/).find((p) => /报告|報告/.test(p));
    if (part) head.push(part);
  }
  return [...head, ...body];
}

// ---------------------------------------------------------------------------------------------

/** HTML markup (already a string) → the text lines of its article. */
export function htmlToText(html: string): string {
  let tree = buildTree(html);
  // an element dropped for its class held more text than all that was kept: the class words
  // misjudged this site (its article is called "share-content" or the like) — keep classes
  if (tree.classDropped > tree.root.cjk) tree = buildTree(html, false);
  const ranges: Ranges = { start: new Int32Array(tree.all.length).fill(-1), end: new Int32Array(tree.all.length).fill(-1) };
  const sink = new Sink();
  renderFlow(tree.root, sink, ranges);
  sink.flush();
  let lines = article(tree, sink.lines, ranges);
  lines = cleanLines(lines);
  if (!lines.length && tree.title) lines = [tree.title];
  return lines.join('\n');
}

export function decodeHtml(input: Uint8Array | string): DecodedDocument {
  const { html: raw, encoding } = typeof input === 'string' ? { html: input, encoding: 'utf-8' } : decodeMarkupBytes(input);
  if (raw.trim() === '') throw new InputError('HTML 文件为空 / the HTML is empty', 'empty');
  const text = htmlToText(unwrapEscaped(raw));
  if (text.trim() === '') throw new InputError('HTML 中没有可读的正文 / no readable text in the HTML', 'empty');
  return { format: 'html', encoding, text };
}
