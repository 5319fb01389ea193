// Page 登录 / Sign in: user name and password (and the six-digit code when the account has a
// second factor); on success to 我的账户. The password goes only into the JSON body of the
// sign-in request, never into the address.

import { h } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { errorBox, field, input, pageHead } from '../lib/ui.js';

export default {
  title: '登录',
  mount(container, { navigate, refreshAccount }) {
    const message = h('div', { className: 'login-message', 'aria-live': 'polite' });
    const code = field('验证码（身份验证器中的六位数字）', input('code', '', '123456'));
    code.hidden = true;
    const form = h('form', { className: 'panel login-form', id: 'login-form' },
      field('用户名', input('name', '', '')),
      field('密码', input('password', '', '', 'password')),
      code,
      h('div', { className: 'actions' }, h('button', { type: 'submit', className: 'button primary' }, '登录')));
    form.querySelector('input[name="name"]').setAttribute('autocomplete', 'username');
    form.querySelector('input[name="password"]').setAttribute('autocomplete', 'current-password');
    form.querySelector('input[name="code"]').setAttribute('autocomplete', 'one-time-code');
    container.append(pageHead('登录', 'Sign in', h('p', { className: 'lead' }, '机关工作人员登录后可查看本机关的工作区。已公开的报告库无需登录。')), form, message);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = Object.fromEntries(new FormData(form));
      message.replaceChildren();
      try {
        await api.signIn(String(v.name ?? ''), String(v.password ?? ''), String(v.code ?? ''));
        await refreshAccount();
        navigate('/me');
      } catch (err) {
        if (err.code === 'totp_required') code.hidden = false;
        form.querySelector('input[name="password"]').value = err.code === 'totp_required' ? v.password : '';
        message.append(errorBox(err));
      }
    });
    form.querySelector('input[name="name"]').focus();
  },
};
