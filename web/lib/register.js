// What the register pages share: the API paths of a body's register, and the words people read
// for the keys the API answers in (applicant types and outcomes come from the template, the
// only place they are written down; event kinds and states are the register's own).

import { h } from './dom.js';
import * as api from './api.js';

export const registerPath = (body) => `/api/office/bodies/${encodeURIComponent(body)}/register`;

/** The template whose labels name applicant types and outcomes (2021: it has the finest outcomes). */
export const labels = () => api.template('2021').then((t) => {
  const req = t.tables.requests;
  const applicant = new Map(req.columns.filter((c) => !c.isTotal).map((c) => [c.key, c.label]));
  const byKey = new Map(req.rows.map((r) => [r.key, r]));
  const outcome = new Map();
  for (const r of req.rows) {
    if (r.group || r.isTotal || r.tally) continue;
    const parent = r.parent ? byKey.get(r.parent) : null;
    outcome.set(r.key, parent && parent.label ? `${parent.label} › ${r.label}` : r.label);
  }
  return { applicant, outcome };
});

export const STATES = { open: '办理中', answered: '已答复', withdrawn: '已撤回' };
export const STOPPED = { correction: '等待补正', consultation: '征求意见中', fee: '等待缴费' };
export const EVENT_KINDS = {
  correction_requested: '告知补正', correction_received: '收到补正', consultation_started: '开始征求意见',
  consultation_ended: '征求意见结束', extended: '延期答复', fee_notice: '发出收费通知', fee_paid: '已缴费',
  answered: '答复', withdrawn: '申请人撤回',
};
export const FLAGS = { late_correction_request: '补正告知逾期', repeated_extension: '重复延期', late_extension: '延期晚于到期日' };

/** The links between the register pages of one body. */
export function registerNav(body, current) {
  const links = [['/register', '登记列表'], ['/register/due', '本周到期'], ['/register/tables', '表三、表四']];
  return h('nav', { className: 'register-nav', 'aria-label': '登记 / register' },
    links.map(([p, t]) => h('a', { href: `${p}?body=${encodeURIComponent(body)}`, className: 'button small', 'aria-current': p === current ? 'page' : undefined }, t)));
}

/** The due date as people read it: the date, or why there is none, and late / soon. */
export function dueText(item) {
  if (item.state !== 'open') return item.due ? `${item.due}${item.late ? '（逾期答复）' : ''}` : '—';
  if (item.stopped) return `暂停：${STOPPED[item.stopped] ?? item.stopped}`;
  if (item.late) return `${item.due}（已逾期）`;
  if (item.due_soon) return `${item.due}（剩 ${item.working_days_left} 个工作日）`;
  return item.due ?? '—';
}
