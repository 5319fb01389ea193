// The markup scanner shared by the HTML and DOCX decoders (HTML pages and OOXML parts alike), and
// how the text pieces of one table cell join into the cell's text.

import { Tokenizer } from 'htmlparser2';

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
