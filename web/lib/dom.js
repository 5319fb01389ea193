// Safe DOM building. Report content is untrusted: text goes in through text nodes only, never
// parsed as markup; attributes are set one by one from a short list, never event handlers.

const PROPS = new Set(['className', 'id', 'title', 'type', 'name', 'value', 'placeholder', 'disabled', 'hidden', 'tabIndex', 'htmlFor', 'accept', 'download', 'colSpan', 'rowSpan', 'rows', 'checked', 'open', 'scope']);
const ATTRS = new Set(['role', 'aria-label', 'aria-live', 'aria-pressed', 'aria-expanded', 'aria-controls', 'aria-describedby', 'aria-hidden', 'aria-current', 'for', 'lang', 'spellcheck', 'autocomplete']);

/**
 * h('td', { className: 'cell', dataset: { cell: 'requests.total.total' }, on: { click } }, '63')
 * Children: strings and numbers become text nodes; nodes are appended; null/false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'href') el.setAttribute('href', safeHref(String(v)));
    else if (PROPS.has(k)) el[k] = v;
    else if (ATTRS.has(k) || k.startsWith('data-')) el.setAttribute(k, String(v));
    else throw new Error(`h(): attribute not allowed: ${k}`);
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Same-origin paths, blob: URLs we made, and #anchors only. */
function safeHref(href) {
  if (href.startsWith('/') && !href.startsWith('//')) return href;
  if (href.startsWith('#') || href.startsWith('blob:')) return href;
  return '#';
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** "中文 / English" → [zh, en]. */
export function splitMessage(message) {
  const s = String(message ?? '');
  const i = s.indexOf(' / ');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 3)];
}

/** Save a Blob under a name through a temporary link. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
