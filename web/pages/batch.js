// Page 批量对比 / Year on year for a region: every body with a report in both year N and N−1, the
// size of the change (Σ|Δ| over the cells both decide, totals and money left out), how many cells
// changed or cannot be judged, largest change first; each row opens the full comparison.

import { h } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { currentParams, displayLabel, field, filterForm, input, pageHead, problemBadges, select, show } from '../lib/ui.js';

export default {
  title: '批量对比',
  mount(container, { navigate }) {
    const params = currentParams();
    const form = filterForm({
      path: '/batch', navigate,
      controls: (f) => [
        field('上级地区', input('parent', params.parent, '如：淮安市、示例市')),
        field('所在地区', input('region', params.region, '如：洪泽区')),
        field('机关名称', input('body', params.body, '可选')),
        field('年度', select('year', params.year, (f?.years ?? []).slice().reverse().map((y) => [y.year, `${y.year} 与 ${y.year - 1}`]), '最新年度')),
        h('div', { className: 'actions' }, h('button', { type: 'submit', className: 'button primary' }, '对比'))],
    });
    const out = h('div', { className: 'batch' });
    container.append(pageHead('批量对比', 'Year on year', h('p', { className: 'lead' }, '一个地区内所有机关：本年度报告与上一年度报告逐格对比，按变化大小排序。')), form, out);
    show(out, '对比', () => api.get('/api/compare/pairs', params), (data) => {
      const note = h('p', { className: 'muted small' }, `${data.year} 年与 ${data.previous} 年都有报告的机关 ${data.pairs.length} 个；只有 ${data.previous} 年的 ${data.only_previous} 个，只有 ${data.year} 年的 ${data.only_current} 个。`);
      if (!data.pairs.length) {
        out.append(h('section', { className: 'panel' }, note, h('p', { className: 'muted' }, '没有可对比的机关。')));
        return;
      }
      out.append(h('section', { className: 'panel' }, note,
        h('div', { className: 'table-scroll' }, h('table', { className: 'list pairs' },
          h('thead', {}, h('tr', {}, ['机关', '地区', '变化合计 Σ|Δ|', '不同', '无法判断', '变化最大的单元格', `${data.previous} 年`, `${data.year} 年`, ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, data.pairs.map((p) => h('tr', { dataset: { body: p.body_id } },
            h('td', {}, h('a', { href: `/body?id=${p.body_id}` }, p.body)),
            h('td', {}, p.region ?? '—'),
            h('td', { className: 'num' }, String(p.summary.abs_change)),
            h('td', { className: 'num' }, p.summary.changed),
            h('td', { className: 'num' }, p.summary.undecided || '—'),
            h('td', {}, p.summary.largest ? `${displayLabel(p.summary.largest.label)}（${p.summary.largest.delta > 0 ? '+' : ''}${p.summary.largest.delta}）` : '—'),
            h('td', {}, problemBadges(p.a.errors, p.a.warnings)),
            h('td', {}, problemBadges(p.b.errors, p.b.warnings)),
            h('td', {}, h('a', { className: 'button small', href: `/compare${api.qs({ a: p.a.id, b: p.b.id })}` }, '逐格对比')))))))));
    });
  },
};
