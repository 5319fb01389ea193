// Page 依申请公开登记 (?body=ID): the body's register with its filters (state, due soon, late,
// applicant type, outcome, year), and a form to register a new application.

import { h, clear } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { errorBox, field, formValues, input, pageHead, select, show, currentParams } from '../lib/ui.js';
import { dueText, labels, registerNav, registerPath, STATES } from '../lib/register.js';

export default {
  title: '依申请公开登记',
  mount(container, { navigate }) {
    const p = currentParams();
    const body = p.body ?? '';
    container.append(pageHead('依申请公开登记', 'Request register'));
    if (!/^\d+$/.test(body)) {
      container.append(h('p', { className: 'alert' }, '请从“我的账户”选择机关。 / choose a body from My account.'));
      return;
    }
    const results = h('div', { className: 'results', id: 'register-list' });
    const addBox = h('section', { className: 'panel', id: 'register-add' });
    container.append(registerNav(body, '/register'), h('section', { className: 'panel filters' }), results, addBox);
    const filters = container.querySelector('.filters');
    labels().then(({ applicant, outcome }) => {
      const form = h('form', { className: 'filter-form', id: 'register-filter' },
        field('状态', select('state', p.state, Object.entries(STATES))),
        field('申请人', select('applicant_type', p.applicant_type, [...applicant])),
        field('处理结果', select('outcome', p.outcome, [...outcome])),
        field('收到年份', input('year', p.year, '如 2026')),
        h('label', { className: 'check' }, h('input', { type: 'checkbox', name: 'due_soon', checked: p.due_soon === '1' }), '即将到期'),
        h('label', { className: 'check' }, h('input', { type: 'checkbox', name: 'late', checked: p.late === '1' }), '已逾期'),
        h('button', { type: 'submit', className: 'button' }, '筛选'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        navigate(`/register${api.qs({ body, ...formValues(form) })}`);
      });
      filters.append(form, h('p', {}, h('a', { href: `${registerPath(body)}/export?format=xlsx`, download: 'register.xlsx', className: 'button small' }, '导出 Excel（不含个人信息）')));
      const { body: _b, ...query } = p;
      show(results, '登记', () => api.get(registerPath(body), query), (data) => {
        results.append(h('h2', {}, data.body, ' ', h('span', { className: 'muted small' }, `${data.items.length} 件，按 ${data.on} 计算期限`)));
        if (!data.items.length) {
          results.append(h('p', { className: 'muted' }, '没有符合条件的申请。 / No application matches.'));
          return;
        }
        results.append(h('table', { className: 'list register' },
          h('thead', {}, h('tr', {}, ['登记号', '收到日期', '申请人', '申请内容', '状态', '到期日', '处理结果'].map((t) => h('th', {}, t)))),
          h('tbody', {}, data.items.map((x) => h('tr', { dataset: { id: x.id }, className: x.late ? 'late' : x.due_soon ? 'soon' : undefined },
            h('td', {}, h('a', { href: `/register/record${api.qs({ body, id: x.id })}` }, x.id)),
            h('td', {}, x.received),
            h('td', {}, [applicant.get(x.applicant.type) ?? x.applicant.type, x.applicant.name ? `：${x.applicant.name}` : ''].join('')),
            h('td', {}, x.request ?? ''),
            h('td', {}, STATES[x.state] ?? x.state),
            h('td', { className: 'due' }, dueText(x)),
            h('td', {}, x.outcome ? outcome.get(x.outcome) ?? x.outcome : ''))))));
      });
      drawAdd(addBox, body, applicant, navigate);
    }).catch((err) => filters.append(errorBox(err)));
  },
};

function drawAdd(box, body, applicant, navigate) {
  clear(box);
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id: 'register-add-form', className: 'filter-form' },
    field('登记号', input('id', '', '如 2026-001')),
    field('收到日期', input('received', '', '', 'date')),
    field('申请人类型', select('type', '', [...applicant], '请选择')),
    field('申请人姓名或名称', input('name', '')),
    field('联系方式', input('contact', '')),
    field('申请内容', input('request', '')),
    h('button', { type: 'submit', className: 'button' }, '登记'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = formValues(form);
    msg.replaceChildren();
    try {
      await api.post(registerPath(body), { id: v.id, received: v.received, applicant: { type: v.type, name: v.name, contact: v.contact }, request: v.request });
      navigate(`/register/record${api.qs({ body, id: v.id })}`);
    } catch (err) {
      msg.append(errorBox(err));
    }
  });
  box.append(h('h2', {}, '登记新申请 ', h('span', { className: 'en' }, 'Register an application')), form, msg);
}
