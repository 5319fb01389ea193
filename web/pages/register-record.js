// Page 一条登记 (?body=ID&id=X): the application, its timeline of events, the due date explained
// step by step (the clock's own steps), and a form to add an event — the clock recomputed at once.

import { h, clear } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { errorBox, field, formValues, input, pageHead, select, show, currentParams } from '../lib/ui.js';
import { dueText, EVENT_KINDS, FLAGS, labels, registerNav, registerPath, STATES } from '../lib/register.js';

export default {
  title: '登记详情',
  mount(container) {
    const p = currentParams();
    const body = p.body ?? '';
    const id = p.id ?? '';
    container.append(pageHead('登记详情', 'Application'), registerNav(body, ''));
    const main = h('div', { className: 'results', id: 'register-record' });
    container.append(main);
    const path = `${registerPath(body)}/applications/${encodeURIComponent(id)}`;
    const load = () => show(main, '登记', async () => [await api.get(path), await labels()], ([data, l]) => draw(main, data, l, path, load));
    load();
  },
};

function draw(main, data, { applicant, outcome }, path, reload) {
  const a = data.application;
  const k = data.clock;
  const item = { ...k, state: k.state };
  main.append(
    h('section', { className: 'panel' },
      h('h2', {}, `登记号 ${a.id}`),
      h('dl', { className: 'facts' },
        h('dt', {}, '收到日期'), h('dd', {}, a.received),
        h('dt', {}, '申请人'), h('dd', {}, [applicant.get(a.applicant.type) ?? a.applicant.type, a.applicant.name ? `：${a.applicant.name}` : ''].join('')),
        a.applicant.contact ? [h('dt', {}, '联系方式'), h('dd', {}, a.applicant.contact)] : null,
        a.request ? [h('dt', {}, '申请内容'), h('dd', {}, a.request)] : null,
        h('dt', {}, '状态'), h('dd', { id: 'record-state' }, STATES[k.state] ?? k.state),
        h('dt', {}, '到期日'), h('dd', { id: 'record-due' }, dueText(item)),
        k.flags.length ? [h('dt', {}, '提示'), h('dd', {}, k.flags.map((f) => FLAGS[f] ?? f).join('、'))] : null)),
    h('section', { className: 'panel' },
      h('h2', {}, '到期日如何计算 ', h('span', { className: 'en' }, 'How the due date came about')),
      h('ol', { id: 'record-steps' }, k.steps.map((s) => h('li', {}, s))),
      h('p', { className: 'muted small' }, `按 ${data.on} 计算；节假日日历覆盖 ${data.calendar[0]}–${data.calendar[1]} 年。`)),
    h('section', { className: 'panel' },
      h('h2', {}, '办理经过 ', h('span', { className: 'en' }, 'Timeline')),
      h('table', { className: 'list', id: 'record-events' },
        h('thead', {}, h('tr', {}, ['日期', '事项', '说明'].map((t) => h('th', {}, t)))),
        h('tbody', {},
          h('tr', {}, h('td', {}, a.received), h('td', {}, '收到申请'), h('td', {}, '')),
          (a.events ?? []).map((e) => h('tr', {}, h('td', {}, e.date), h('td', {}, EVENT_KINDS[e.kind] ?? e.kind),
            h('td', {}, [e.kind === 'answered' ? outcome.get(e.outcome) ?? e.outcome : '', e.note ?? ''].filter(Boolean).join('；')))))),
      h('p', { className: 'muted small' }, data.history.map((x) => `第 ${x.version} 版 ${x.at.slice(0, 16)} ${x.actor}`).join('；'))),
    addEventForm(path, outcome, k.state === 'open', reload));
}

function addEventForm(path, outcome, open, reload) {
  const box = h('section', { className: 'panel', id: 'record-add-event' }, h('h2', {}, '登记办理事项 ', h('span', { className: 'en' }, 'Add an event')));
  if (!open) {
    box.append(h('p', { className: 'muted' }, '此申请已办结。 / This application is closed.'));
    return box;
  }
  const msg = h('div', { 'aria-live': 'polite' });
  const outcomeField = field('处理结果', select('outcome', '', [...outcome], '请选择'));
  outcomeField.hidden = true;
  const kind = select('kind', '', Object.entries(EVENT_KINDS), '请选择');
  kind.addEventListener('change', () => { outcomeField.hidden = kind.value !== 'answered'; });
  const form = h('form', { className: 'filter-form', id: 'event-form' },
    field('日期', input('date', '', '', 'date')), field('事项', kind), outcomeField, field('说明', input('note', '')),
    h('button', { type: 'submit', className: 'button' }, '登记'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = formValues(form);
    if (v.kind !== 'answered') delete v.outcome;
    clear(msg);
    try {
      await api.post(`${path}/events`, v);
      reload();
    } catch (err) {
      msg.append(errorBox(err));
    }
  });
  box.append(form, msg);
  return box;
}
