// Page 我的账户 / My account: who is signed in, their roles, and the bodies they act for (each with
// what they may do there); sign out.

import { h } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { errorBox, pageHead, show } from '../lib/ui.js';

function scopeText(g) {
  if (g.body_id !== null) return g.body_name ?? `机关 ${g.body_id}`;
  const parts = [];
  if (g.division_prefix) parts.push(`区划代码 ${g.division_prefix} 开头的机关`);
  if (g.parent_body_id !== null) parts.push(`${g.parent_body_name ?? g.parent_body_id} 及其下属机关`);
  return parts.join('；') || '—';
}

export default {
  title: '我的账户',
  mount(container, { navigate, refreshAccount }) {
    const body = h('div', { className: 'results' });
    container.append(pageHead('我的账户', 'My account'), body);
    show(body, '账户', () => api.me(), async (data) => {
      if (!data.user) {
        navigate('/login');
        return;
      }
      const u = data.user;
      const out = h('button', { type: 'button', className: 'button', id: 'sign-out' }, '退出登录');
      out.addEventListener('click', async () => {
        try {
          await api.signOut();
          await refreshAccount();
          navigate('/login');
        } catch (err) {
          body.append(errorBox(err));
        }
      });
      const bodies = u.grants.filter((g) => g.body_id !== null || g.division_prefix || g.parent_body_id !== null);
      body.append(
        h('section', { className: 'panel account' },
          h('h2', {}, u.display_name ? `${u.display_name}（${u.name}）` : u.name),
          h('p', {}, '角色：', u.grants.length ? [...new Set(u.grants.map((g) => data.roles[g.role] ?? g.role))].join('、') : '（尚未分配角色）'),
          out),
        h('section', { className: 'panel my-bodies' },
          h('h2', {}, '我的机关 ', h('span', { className: 'en' }, 'My bodies')),
          bodies.length
            ? h('table', { className: 'list' },
              h('thead', {}, h('tr', {}, ['机关或范围', '角色', '可以'].map((t) => h('th', {}, t)))),
              h('tbody', {}, bodies.map((g) => {
                const may = h('td', { className: 'may' }, '……');
                if (g.body_id !== null) {
                  api.get(`/api/office/bodies/${g.body_id}`).then((r) => may.replaceChildren(r.may.map((m) => m.zh).join('、') || '—')).catch((err) => may.replaceChildren(err.message));
                } else may.replaceChildren('范围内各机关的报告和统计');
                return h('tr', { dataset: { grant: g.id } }, h('td', { className: 'scope' }, scopeText(g)), h('td', {}, data.roles[g.role] ?? g.role), may);
              })))
            : h('p', { className: 'muted' }, '您的账户还没有对应的机关。 / No body is assigned to your account.')));
    });
  },
};
