// Page 表三、表四 (?body=ID&year=Y): the year's tables 三 and 四 counted from the register, drawn
// in the template's own layout (components/tables.js); a click on a cell lists the applications
// (or cases) it counts.

import { h, clear } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { pathText } from '../lib/report.js';
import { field, input, pageHead, show, currentParams } from '../lib/ui.js';
import { renderTables } from '../components/tables.js';
import { registerNav, registerPath } from '../lib/register.js';

/** The counted grids as a report's tables: every cell read (the register counts, nothing is guessed). */
const asTables = (grid) => Object.fromEntries(Object.entries(grid).map(([r, cs]) => [r, Object.fromEntries(Object.entries(cs).map(([c, v]) => [c, { value: v, status: 'read' }]))]));

export default {
  title: '表三、表四',
  mount(container, { navigate }) {
    const p = currentParams();
    const body = p.body ?? '';
    const main = h('div', { className: 'results', id: 'register-tables' });
    const form = h('form', { className: 'filter-form' }, field('年份', input('year', p.year ?? '', '如 2026')), h('button', { type: 'submit', className: 'button' }, '统计'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      navigate(`/register/tables${api.qs({ body, year: form.elements.year.value.trim() })}`);
    });
    container.append(pageHead('表三、表四', 'Tables 三 and 四 from the register'), registerNav(body, '/register/tables'), h('section', { className: 'panel' }, form), main);
    show(main, '统计', async () => {
      const data = await api.get(`${registerPath(body)}/counts`, p.year ? { year: p.year } : {});
      return [data, await api.template(data.template)];
    }, ([data, tmpl]) => {
      const only = { ...tmpl, layout: { ...tmpl.layout, tables: tmpl.layout.tables.filter((t) => t.key !== 'active') } };
      const detail = h('section', { className: 'panel', id: 'cell-detail', 'aria-live': 'polite' }, h('p', { className: 'muted' }, '点击表中的数字，查看它统计了哪些申请。 / Click a number to see what it counts.'));
      const report = { tables: { requests: asTables(data.requests), review_litigation: asTables(data.review_litigation) } };
      const { el } = renderTables(only, report, {
        onCell(path) {
          const ids = data.trace[path] ?? [];
          clear(detail);
          detail.append(h('h3', {}, pathText(tmpl, path)),
            ids.length
              ? h('ul', { className: 'cell-ids' }, ids.map((id) => h('li', {}, path.startsWith('requests.') ? h('a', { href: `/register/record${api.qs({ body, id })}` }, id) : id)))
              : h('p', { className: 'muted' }, '此格为 0，没有统计任何申请。 / zero: nothing counted.'));
        },
      });
      main.append(h('h2', {}, `${data.body} ${data.year} 年（${data.template} 版模板）`), el, detail);
    });
  },
};
