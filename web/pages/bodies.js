// Page 机关 / Bodies: find a body by name (a department, a street office …), region or level; each
// row leads to the body's page with its years and charts.

import { h } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { currentParams, field, filterForm, input, pageHead, pager, select, show } from '../lib/ui.js';

export default {
  title: '机关',
  mount(container, { navigate }) {
    const params = currentParams();
    const form = filterForm({
      path: '/bodies', navigate, role: 'search',
      controls: (f) => [
        field('机关名称', input('q', params.q, '如：人民政府、教育局、街道')),
        field('所在地区', input('region', params.region, '如：洪泽区')),
        field('上级地区', input('parent', params.parent, '如：淮安市')),
        field('层级', select('level', params.level, (f?.levels ?? []).map((l) => [l.level, `${l.level}（${l.bodies}）`]))),
        h('div', { className: 'actions' }, h('button', { type: 'submit', className: 'button primary' }, '查找'), h('a', { href: '/bodies', className: 'button' }, '清除'))],
    });
    const results = h('div', { className: 'results' });
    container.append(pageHead('机关', 'Bodies', h('p', { className: 'lead' }, '查找发布报告的机关，查看它历年的报告、统计图和跨年度问题。')), form, results);

    show(results, '机关', () => api.get('/api/bodies', params), (data) => {
      if (!data.items.length) {
        results.append(h('p', { className: 'panel muted' }, '没有找到符合条件的机关。 / No bodies match.'));
        return;
      }
      results.append(h('section', { className: 'panel' },
        h('div', { className: 'toolbar' }, h('strong', {}, `找到 ${data.total} 个机关`)),
        h('div', { className: 'table-scroll' }, h('table', { className: 'list' },
          h('thead', {}, h('tr', {}, ['机关', '层级', '地区', '区划代码', '报告数', '年度', '有错误的报告'].map((t) => h('th', {}, t)))),
          h('tbody', {}, data.items.map((b) => h('tr', { dataset: { body: b.id } },
            h('td', {}, h('a', { href: `/body?id=${b.id}` }, b.name)),
            h('td', {}, b.level ?? '—'),
            h('td', {}, b.region ?? '—'),
            h('td', { className: 'mono' }, b.division_code ?? '—'),
            h('td', { className: 'num' }, b.reports),
            h('td', {}, b.first_year ? (b.first_year === b.last_year ? `${b.first_year}` : `${b.first_year}–${b.last_year}`) : '—'),
            h('td', { className: 'num' }, b.with_errors || '—')))))),
        pager('/bodies', params, data.total, data.page, data.per_page)));
    });
  },
};
