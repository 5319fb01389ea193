// Page 报告库 / Reports: search and filter the stored reports (body name — also a department or a
// street —, region, parent region such as a city or district, level, year, template, with errors),
// one page at a time; tick two reports to compare them. Filters live in the URL, so a search
// can be bookmarked or sent.

import { h } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { currentParams, field, filterForm, input, pageHead, pager, problemBadges, select, show } from '../lib/ui.js';

const TEMPLATE_NAMES = { 2019: '2019 版', 2021: '2021 版', pre2019: '2019 年以前', unknown: '未识别' };

export default {
  title: '报告库',
  mount(container, { navigate }) {
    const params = currentParams();
    const form = filterForm({
      path: '/corpus', navigate, role: 'search',
      controls: (f) => {
        const years = (f?.years ?? []).slice().reverse().map((y) => [y.year, `${y.year} 年（${y.reports}）`]);
        const levels = (f?.levels ?? []).map((l) => [l.level, `${l.level}（${l.bodies}）`]);
        const templates = (f?.templates ?? []).map((t) => [t.template, `${TEMPLATE_NAMES[t.template] ?? t.template}（${t.reports}）`]);
        const errors = h('input', { type: 'checkbox', name: 'has_errors', checked: params.has_errors === '1' });
        return [
          field('机关名称', input('body', params.body, '如：教育局、街道')),
          field('所在地区', input('region', params.region, '如：番禺区 或 440113')),
          field('上级地区', input('parent', params.parent, '如：广州市、淮安市')),
          field('层级', select('level', params.level, levels)),
          field('年度', select('year', params.year, years)),
          field('模板', select('template', params.template, templates)),
          h('label', { className: 'field check' }, errors, h('span', {}, '只看有错误的')),
          h('div', { className: 'actions' }, h('button', { type: 'submit', className: 'button primary' }, '查找'), h('a', { href: '/corpus', className: 'button' }, '清除'))];
      },
    });
    const results = h('div', { className: 'results' });
    container.append(pageHead('报告库', 'Reports', h('p', { className: 'lead' }, '按机关名称（含部门、街道）、地区、上级地区（市、区县）、层级、年度、模板和是否有错误查找已入库的报告。')), form, results);

    const query = { ...params };
    show(results, '报告', () => api.get('/api/reports', query), (data) => drawResults(data));

    function drawResults(data) {
      if (!data.items.length) {
        results.append(h('p', { className: 'panel muted' }, '没有找到符合条件的报告。 / No reports match.'));
        return;
      }
      const picked = new Set();
      const compare = h('button', { type: 'button', className: 'button primary', disabled: true, on: { click: () => {
        const [a, b] = [...picked];
        navigate(`/compare${api.qs({ a, b })}`);
      } } }, '对比所选的两份');
      const hint = h('span', { className: 'muted small' }, '勾选两份报告进行对比');
      const rows = data.items.map((r) => {
        const box = h('input', { type: 'checkbox', 'aria-label': `选择报告 ${r.id}`, on: { change: (e) => {
          if (e.target.checked) picked.add(r.id); else picked.delete(r.id);
          if (picked.size > 2) { const first = picked.values().next().value; picked.delete(first); const other = results.querySelector(`input[data-id="${first}"]`); if (other) other.checked = false; }
          compare.disabled = picked.size !== 2;
        } }, dataset: { id: r.id } });
        return h('tr', { dataset: { report: r.id } },
          h('td', {}, box),
          h('td', {}, r.body_id ? h('a', { href: `/body?id=${r.body_id}` }, r.body) : h('span', { className: 'muted' }, '未识别机关')),
          h('td', {}, r.region ?? '—'),
          h('td', {}, r.level ?? '—'),
          h('td', { className: 'num' }, r.year ?? '—'),
          h('td', {}, TEMPLATE_NAMES[r.template] ?? r.template),
          h('td', {}, problemBadges(r.errors, r.warnings), r.undecided ? h('span', { className: 'chip cs st-ambiguous' }, `存疑 ${r.undecided}`) : null),
          h('td', {}, h('a', { href: `/report?id=${r.id}` }, '查看'), h('span', { className: 'muted small file' }, r.file)));
      });
      results.append(h('section', { className: 'panel' },
        h('div', { className: 'toolbar' }, h('strong', {}, `找到 ${data.total} 份报告`), hint, compare),
        h('div', { className: 'table-scroll' }, h('table', { className: 'list' },
          h('thead', {}, h('tr', {}, ['', '机关', '地区', '层级', '年度', '模板', '问题', '报告'].map((t) => h('th', {}, t)))),
          h('tbody', {}, rows))),
        pager('/corpus', params, data.total, data.page, data.per_page)));
    }
  },
};
