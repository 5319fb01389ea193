// Page 本周到期 (?body=ID): the open applications due by Sunday of this week, late ones first,
// and those whose clock is stopped (waiting for a correction, a third party, a payment).

import { h } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { pageHead, show, currentParams } from '../lib/ui.js';
import { dueText, labels, registerNav, registerPath } from '../lib/register.js';

const rows = (body, items, applicant) => h('table', { className: 'list register' },
  h('thead', {}, h('tr', {}, ['登记号', '收到日期', '申请人', '到期日'].map((t) => h('th', {}, t)))),
  h('tbody', {}, items.map((x) => h('tr', { dataset: { id: x.id }, className: x.late ? 'late' : undefined },
    h('td', {}, h('a', { href: `/register/record${api.qs({ body, id: x.id })}` }, x.id)),
    h('td', {}, x.received),
    h('td', {}, [applicant.get(x.applicant.type) ?? x.applicant.type, x.applicant.name ? `：${x.applicant.name}` : ''].join('')),
    h('td', { className: 'due' }, dueText(x))))));

export default {
  title: '本周到期',
  mount(container) {
    const body = currentParams().body ?? '';
    const main = h('div', { className: 'results', id: 'register-due' });
    container.append(pageHead('本周到期', 'Due this week'), registerNav(body, '/register/due'), main);
    show(main, '到期清单', async () => [await api.get(`${registerPath(body)}/due`), await labels()], ([data, { applicant }]) => {
      main.append(h('h2', {}, `${data.week.from} 至 ${data.week.to}`, ' ', h('span', { className: 'muted small' }, `（今天 ${data.on}）`)));
      main.append(data.items.length ? rows(body, data.items, applicant) : h('p', { className: 'muted' }, '本周没有到期的申请。 / Nothing falls due this week.'));
      if (data.stopped.length) main.append(h('h2', {}, '期限暂停中 ', h('span', { className: 'en' }, 'Clock stopped')), rows(body, data.stopped, applicant));
    });
  },
};
