// Page 报告 / A stored report: the same view as 检查报告 (overall problems first, the tables in the
// template's layout, findings linked to cells, the source), read from the corpus, with links to
// its body and to the body's report of the year before.

import { h, clear } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { isVersion } from '../lib/report.js';
import { currentParams, errorBox, show } from '../lib/ui.js';
import { showReport } from './check.js';

export default {
  title: '报告',
  mount(container) {
    const { id } = currentParams();
    const head = h('div', { className: 'report-nav' });
    const status = h('div', { className: 'status' });
    const view = h('div', { className: 'report-view' });
    container.append(head, status, view);
    show(head, '报告', async () => {
      const data = await api.get(`/api/reports/${encodeURIComponent(id ?? '')}`, { text: 1 });
      const tmpl = isVersion(data.report?.meta?.template) ? await api.template(data.report.meta.template) : null;
      const body = data.item.body_id ? await api.get(`/api/bodies/${data.item.body_id}`).catch(() => null) : null;
      return { ...data, tmpl, body };
    }, ({ item, report, tmpl, text_note, body }) => {
      document.title = `${item.body ?? '报告'} ${item.year ?? ''} · gongkai`;
      const years = body?.years ?? [];
      const i = years.findIndex((y) => y.reports.some((r) => r.id === item.id));
      const prev = i > 0 ? years[i - 1] : null;
      head.append(h('nav', { className: 'crumbs' },
        h('a', { href: '/corpus' }, '报告库'), ' › ',
        item.body_id ? h('a', { href: `/body?id=${item.body_id}` }, item.body) : '未识别机关', ' › ',
        `${item.year ?? '?'} 年度报告`,
        prev?.chosen ? h('a', { className: 'button small', href: `/compare${api.qs({ a: prev.chosen, b: item.id })}` }, `与 ${prev.year} 年报告对比`) : null,
        prev && !prev.chosen ? h('span', { className: 'muted small' }, `（${prev.year} 年无报告）`) : null));
      if (text_note) head.append(h('p', { className: 'muted small' }, text_note));
      showReport(view, report, tmpl, (err) => { clear(status); status.append(errorBox(err)); });
    });
  },
};
