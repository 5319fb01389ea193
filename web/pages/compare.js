// Page 对比 / Compare two reports side by side: each report's overall problems first, then every
// cell of the templates with both values; differences are marked, and a cell either side cannot
// decide (ambiguous, missing, table absent) is marked as such rather than counted as a change.

import { h, splitMessage } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { SEVERITY, STATUS, formatCell } from '../lib/report.js';
import { currentParams, displayLabel, field, formValues, input, pageHead, problemBadges, show } from '../lib/ui.js';

const KIND = {
  changed: '不同', same: '相同', undecided: '无法判断', only_a: '仅甲有', only_b: '仅乙有',
};

export default {
  title: '对比',
  mount(container, { navigate }) {
    const params = currentParams();
    const form = h('form', { className: 'filters panel' },
      field('报告甲（编号）', input('a', params.a, '如：12', 'number')),
      field('报告乙（编号）', input('b', params.b, '如：13', 'number')),
      h('div', { className: 'actions' }, h('button', { type: 'submit', className: 'button primary' }, '对比')),
      h('p', { className: 'muted small' }, '也可以在报告库中勾选两份报告，或在机关页面点“与上一年对比”。'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      navigate(`/compare${api.qs(formValues(form))}`);
    });
    const out = h('div', { className: 'compare' });
    container.append(pageHead('对比两份报告', 'Compare two reports'), form, out);
    if (!params.a || !params.b) return;
    show(out, '对比', () => api.get('/api/compare', { a: params.a, b: params.b }), (data) => draw(out, data));
  },
};

function sideHead(label, r) {
  const p = r.problems;
  return h('section', { className: `panel side side-${label === '甲' ? 'a' : 'b'}` },
    h('h2', {}, `${label}：`, r.body_id ? h('a', { href: `/body?id=${r.body_id}` }, r.body) : '未识别机关', ` ${r.year ?? '?'} 年`),
    h('p', { className: 'muted small' }, `${r.template} 版 · `, h('a', { href: `/report?id=${r.id}` }, `报告 #${r.id}`), ` · ${r.file}`),
    h('p', {}, problemBadges(p.errors, p.warnings), p.undecided ? h('span', { className: 'chip cs st-ambiguous' }, `存疑/缺失单元格 ${p.undecided}`) : null),
    p.top.length ? h('ol', { className: 'top-findings' }, p.top.map((f) => h('li', {}, h('span', { className: `badge sev-${f.severity}` }, SEVERITY[f.severity]?.zh ?? f.severity), splitMessage(f.message)[0]))) : h('p', { className: 'muted small' }, '报告本身没有错误或警告。'));
}

function value(side) {
  if (!side) return h('span', { className: 'muted' }, '（无此格）');
  if (side.status === 'absent') return h('span', { className: 'st-missing' }, '表缺');
  const look = formatCell(side);
  if (look.status === 'ambiguous') return h('span', { className: 'st-ambiguous' }, `? ${look.candidates.join(' / ')}`);
  if (look.status === 'missing') return h('span', { className: 'st-missing' }, look.text);
  return h('span', { className: `st-${side.status}` }, String(side.value));
}

function draw(out, data) {
  const s = data.summary;
  out.append(h('div', { className: 'sides' }, sideHead('甲', data.a), sideHead('乙', data.b)));
  const onlyDiff = h('input', { type: 'checkbox', checked: true, id: 'only-diff' });
  const rows = data.cells.map((c) => h('tr', { className: `diff-${c.kind}`, dataset: { cell: c.cell, kind: c.kind } },
    h('th', { scope: 'row' }, displayLabel(c.label)),
    h('td', { className: `num${c.undecided_in.includes('a') ? ' undecided' : ''}` }, value(c.a)),
    h('td', { className: `num${c.undecided_in.includes('b') ? ' undecided' : ''}` }, value(c.b)),
    h('td', { className: 'num delta' }, c.delta === null ? '' : c.delta > 0 ? `+${c.delta}` : String(c.delta)),
    h('td', {}, h('span', { className: `kind kind-${c.kind}` }, KIND[c.kind] ?? c.kind),
      c.undecided_in.length ? h('span', { className: 'muted small' }, `（${c.undecided_in.map((x) => (x === 'a' ? '甲' : '乙')).join('、')}${STATUS.ambiguous.zh}或缺失）`) : null)));
  const tbody = h('tbody', {}, rows);
  const table = h('table', { className: 'list diff only-diff' },
    h('thead', {}, h('tr', {}, ['单元格', '甲', '乙', '乙 − 甲', ''].map((t) => h('th', {}, t)))), tbody);
  onlyDiff.addEventListener('change', () => table.classList.toggle('only-diff', onlyDiff.checked));
  out.append(h('section', { className: 'panel' },
    h('h2', {}, '逐格对比 ', h('span', { className: 'en' }, 'Cell by cell')),
    h('p', { className: 'chips summary-chips' },
      h('span', { className: 'chip diff-changed' }, `不同 ${s.changed}`),
      h('span', { className: 'chip' }, `相同 ${s.same}`),
      h('span', { className: 'chip cs st-ambiguous' }, `无法判断 ${s.undecided}`),
      s.only_a || s.only_b ? h('span', { className: 'chip' }, `模板不同：仅甲有 ${s.only_a}，仅乙有 ${s.only_b}`) : null,
      h('span', { className: 'chip' }, `变化合计 Σ|Δ| ${s.abs_change}（不含合计与金额）`),
      s.largest ? h('span', { className: 'chip' }, `变化最大：${displayLabel(s.largest.label)} ${s.largest.delta > 0 ? '+' : ''}${s.largest.delta}`) : null),
    h('label', { className: 'field check', htmlFor: 'only-diff' }, onlyDiff, h('span', {}, '只看不同和无法判断的单元格')),
    h('div', { className: 'table-scroll' }, table)));
}
