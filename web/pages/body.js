// Page 机关详情 / A body: its reports year by year — every year from its first report to the
// corpus's latest, the years without a report shown as such —, charts of applications by
// applicant type, outcomes, and review and litigation over the years, and the findings that only
// show across years (carry-over, continuity, jumps, missing years).

import { h, splitMessage } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { lineChart } from '../lib/chart.js';
import { SEVERITY } from '../lib/report.js';
import { currentParams, displayLabel, pageHead, problemBadges, show } from '../lib/ui.js';

export default {
  title: '机关详情',
  mount(container) {
    const { id } = currentParams();
    const view = h('div', { className: 'body-page' });
    container.append(view);
    show(view, '机关', () => api.get(`/api/bodies/${encodeURIComponent(id ?? '')}`), (data) => draw(view, data));
  },
};

function draw(view, data) {
  const b = data.body;
  document.title = `${b.name} · gongkai`;
  const missing = new Set(data.years.filter((y) => !y.reports.length).map((y) => y.year));
  view.append(pageHead(b.name, 'Body',
    h('dl', { className: 'meta' },
      h('dt', {}, '层级'), h('dd', {}, b.level ?? '未识别'),
      h('dt', {}, '地区'), h('dd', {}, b.region ?? '未识别'),
      h('dt', {}, '区划代码'), h('dd', { className: 'mono' }, b.division_code ?? '—'),
      h('dt', {}, '报告'), h('dd', {}, `${b.reports} 份${missing.size ? `，缺 ${missing.size} 个年度` : ''}`)),
    data.same_code.length ? h('p', { className: 'muted small' }, '同一区划代码、同一层级的其他机关名称（可能是同一机关）：',
      data.same_code.map((o, i) => [i ? '、' : '', h('a', { href: `/body?id=${o.id}` }, o.name)])) : null));

  view.append(yearStrip(data.years));
  if (data.years.length) {
    const years = data.years.map((y) => y.year);
    view.append(h('section', { className: 'charts' }, data.charts.map((c) => lineChart({ ...c, series: c.series.map((s) => ({ ...s, label: displayLabel(s.label) })) }, years, missing))));
  }
  view.append(findingsBlock(data.findings));
}

function yearStrip(years) {
  const items = years.map((y, i) => {
    const prev = years[i - 1];
    if (!y.reports.length) {
      return h('li', { className: 'year-box missing-year', dataset: { year: y.year } }, h('strong', {}, String(y.year)), h('span', { className: 'muted' }, '无报告'));
    }
    const chosen = y.reports.find((r) => r.id === y.chosen) ?? y.reports[0];
    return h('li', { className: 'year-box', dataset: { year: y.year } },
      h('strong', {}, String(y.year)),
      y.reports.map((r) => h('a', { href: `/report?id=${r.id}`, title: r.file }, `${r.template} 版报告${y.reports.length > 1 ? ` #${r.id}` : ''}`)),
      problemBadges(chosen.errors, chosen.warnings),
      prev && prev.chosen ? h('a', { className: 'small', href: `/compare${api.qs({ a: prev.chosen, b: y.chosen })}` }, `与 ${prev.year} 年对比`) : null);
  });
  return h('section', { className: 'panel' }, h('h2', {}, '历年报告 ', h('span', { className: 'en' }, 'Reports by year')),
    items.length ? h('ol', { className: 'year-strip' }, items) : h('p', { className: 'muted' }, '这个机关的报告都没有识别出年度。'));
}

function findingsBlock(findings) {
  const list = findings.slice().sort((a, b) => (SEVERITY[a.severity]?.rank ?? 3) - (SEVERITY[b.severity]?.rank ?? 3) || (a.years[0] ?? 0) - (b.years[0] ?? 0));
  return h('section', { className: 'panel findings-block cross-year' },
    h('h2', {}, '跨年度检查 ', h('span', { className: 'en' }, `Across years (${list.length})`)),
    list.length ? h('ul', { className: 'findings' }, list.map((f) => {
      const [zh, en] = splitMessage(f.message);
      return h('li', { className: `finding sev-${f.severity}`, dataset: { rule: f.rule } },
        h('div', { className: 'finding-main' },
          h('span', { className: `badge sev-${f.severity}` }, SEVERITY[f.severity]?.zh ?? f.severity),
          h('span', { className: 'msg' }, h('span', { className: 'zh' }, zh), en ? h('span', { className: 'en' }, en) : null),
          h('code', { className: 'rule' }, f.rule)),
        f.report_ids.length === 2 ? h('div', { className: 'cell-links' }, h('a', { className: 'small', href: `/compare${api.qs({ a: f.report_ids[0], b: f.report_ids[1] })}` }, `对比 ${f.years.join(' 与 ')} 年报告`)) : null);
    })) : h('p', { className: 'muted' }, '没有跨年度的问题（或只有一个年度的报告）。'));
}
