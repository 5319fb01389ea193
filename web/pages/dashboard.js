// Page 总览 / Dashboard: for each region (cut at a chosen level of divisions) and year, the reports
// stored, the applications received (本年新收, the sum over the reports that decide it) and the
// reports with errors. A region leads one level down; a year row leads to its year-on-year pairs.

import { h } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { lineChart } from '../lib/chart.js';
import { currentParams, field, formValues, input, pageHead, select, show } from '../lib/ui.js';

const DEPTHS = [[1, '省级'], [2, '市级'], [3, '县级'], [4, '乡镇级']];

export default {
  title: '总览',
  mount(container, { navigate }) {
    const params = currentParams();
    const depth = Number(params.depth) || 2;
    const form = h('form', { className: 'filters panel' },
      field('上级地区', input('parent', params.parent, '如：淮安市')),
      field('层级', input('level', params.level, '如：县、部门')),
      field('按哪一级地区汇总', select('depth', String(depth), DEPTHS.map(([v, l]) => [v, l]), '市级')),
      h('div', { className: 'actions' }, h('button', { type: 'submit', className: 'button primary' }, '汇总'), h('a', { href: '/dashboard', className: 'button' }, '清除')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      navigate(`/dashboard${api.qs(formValues(form))}`);
    });
    const out = h('div', { className: 'dashboard' });
    container.append(pageHead('总览', 'Dashboard', h('p', { className: 'lead' }, '各地区、各年度的报告数、收到的申请数和有错误的报告数。')), form, out);

    show(out, '汇总', () => api.get('/api/dashboard', params), (data) => {
      if (!data.rows.length) {
        out.append(h('p', { className: 'panel muted' }, '没有符合条件的报告。'));
        return;
      }
      const totals = h('section', { className: 'panel' }, h('h2', {}, '按年度 ', h('span', { className: 'en' }, 'By year')),
        h('div', { className: 'table-scroll' }, h('table', { className: 'list totals' },
          h('thead', {}, h('tr', {}, ['年度', '报告数', '收到申请（件）', '有错误的报告', ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, data.by_year.map((y) => h('tr', { dataset: { year: y.year } },
            h('th', {}, String(y.year)), h('td', { className: 'num' }, y.reports),
            h('td', { className: 'num' }, applications(y)), h('td', { className: 'num' }, y.with_errors),
            h('td', {}, h('a', { className: 'small', href: `/batch${api.qs({ parent: params.parent, level: params.level, year: y.year })}` }, '与上一年批量对比'))))))),
        lineChart({ key: 'applications', title: '收到申请（件） / applications received', cells: data.cell, series: [
          { key: 'applications', label: '收到申请', values: data.by_year.map((y) => y.applications), undecided: data.by_year.map(() => false) },
        ] }, data.years, new Set()));

      const regions = [...new Set(data.rows.map((r) => r.region))];
      const cellOf = (region, year) => data.rows.find((r) => r.region === region && r.year === year);
      const grid = h('section', { className: 'panel' }, h('h2', {}, '按地区和年度 ', h('span', { className: 'en' }, 'By region and year')),
        h('p', { className: 'muted small' }, '每格：报告数 · 收到申请 · 有错误的报告。点击地区看下一级。'),
        h('div', { className: 'table-scroll' }, h('table', { className: 'list region-grid' },
          h('thead', {}, h('tr', {}, h('th', {}, '地区'), data.years.map((y) => h('th', {}, String(y))))),
          h('tbody', {}, regions.map((region) => h('tr', {},
            h('th', {}, region ? h('a', { href: `/dashboard${api.qs({ parent: region, level: params.level, depth: Math.min(4, data.depth + 1) })}` }, region) : h('span', { className: 'muted' }, '未识别地区')),
            data.years.map((y) => {
              const c = cellOf(region, y);
              return h('td', { className: 'num' }, c ? [
                h('span', { title: '报告数' }, String(c.reports)), ' · ',
                h('span', { title: '收到申请' }, applications(c)), ' · ',
                h('span', { className: c.with_errors ? 'sev-error' : 'muted', title: '有错误的报告' }, String(c.with_errors))] : h('span', { className: 'muted' }, '—'));
            })))))));
      out.append(totals, grid);
    });
  },
};

/** The sum, with "+n?" when n reports do not decide it (the sum is then a lower bound). */
function applications(r) {
  return `${r.applications}${r.applications_undecided ? `（+${r.applications_undecided} 份未定）` : ''}`;
}
