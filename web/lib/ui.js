// Small building blocks shared by the corpus pages: the page head, a loading line, an error box,
// a pager, problem badges, form fields. All text goes in as text nodes (lib/dom.js).

import { h, clear, splitMessage } from './dom.js';
import { get, qs } from './api.js';

export function pageHead(zh, en, ...extra) {
  return h('header', { className: 'page-head' }, h('h1', {}, zh, ' ', h('span', { className: 'en' }, en)), ...extra);
}

export function loading(el, what = '') {
  clear(el);
  el.append(h('p', { className: 'busy-line' }, h('span', { className: 'spinner', 'aria-hidden': 'true' }), `正在加载${what}…… / loading…`));
}

export function errorBox(err) {
  const [zh, en] = splitMessage(err?.message ?? String(err));
  return h('div', { className: 'alert', role: 'alert' }, h('strong', {}, '出错了：'), zh, en ? h('span', { className: 'en' }, en) : null, err?.code ? h('code', { className: 'rule' }, err.code) : null);
}

/** Runs `job` and draws its result into `el`, or an error box. */
export async function show(el, what, job, draw) {
  loading(el, what);
  try {
    const data = await job();
    clear(el);
    draw(data);
  } catch (err) {
    clear(el);
    el.append(errorBox(err));
  }
}

/** The current page's query parameters as an object. */
export function currentParams() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

/** Previous / next links over a paginated result; `path` plus the other parameters. */
export function pager(path, params, total, page, perPage) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const link = (p, label) => h('a', { className: 'button small', href: `${path}${qs({ ...params, page: p > 1 ? p : undefined })}` }, label);
  return h('nav', { className: 'pager', 'aria-label': '分页 / pages' },
    page > 1 ? link(page - 1, '‹ 上一页') : null,
    h('span', { className: 'muted small' }, `第 ${page} / ${pages} 页，共 ${total} 条`),
    page < pages ? link(page + 1, '下一页 ›') : null);
}

/** Error and warning counts as badges (nothing when both are 0). */
export function problemBadges(errors, warnings) {
  const out = [];
  if (errors) out.push(h('span', { className: 'chip sev-error' }, `错误 ${errors}`));
  if (warnings) out.push(h('span', { className: 'chip sev-warning' }, `警告 ${warnings}`));
  if (!errors && !warnings) out.push(h('span', { className: 'chip ok' }, '无错误'));
  return h('span', { className: 'badges' }, out);
}

/** A labelled form field. `control` is an input or select. */
export function field(label, control) {
  return h('label', { className: 'field' }, h('span', { className: 'field-label' }, label), control);
}

export function input(name, value, placeholder, type = 'text') {
  return h('input', { type, name, value: value ?? '', placeholder: placeholder ?? '' });
}

/** A select of [value, label] pairs with an empty "any" choice first. */
export function select(name, value, options, any = '全部') {
  const el = h('select', { name }, h('option', { value: '' }, any), options.map(([v, label]) => h('option', { value: String(v) }, label)));
  el.value = value ?? '';
  return el;
}

/**
 * A search page's filter form: its controls drawn once the corpus facets (years, levels,
 * templates) are known — without them when they cannot be had —, and a submit that navigates to
 * `path` with the form's values in the query (so a search can be bookmarked).
 */
export function filterForm({ path, navigate, role, controls }) {
  const form = h('form', { className: 'filters panel', ...(role ? { role } : {}) });
  get('/api/corpus').then((f) => f, () => null).then((facets) => {
    form.append(...controls(facets));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      navigate(`${path}${qs(formValues(form))}`);
    });
  });
  return form;
}

/** The form's non-empty values (checkboxes as 1). */
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') { if (el.checked) out[el.name] = '1'; continue; }
    const v = String(el.value ?? '').trim();
    if (v) out[el.name] = v;
  }
  return out;
}

export const displayLabel = (s) => String(s ?? '').replace(/\(/g, '（').replace(/\)/g, '）');
