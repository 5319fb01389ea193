// The web app shell: a router over page modules. Each page module exports
// `{ title, mount(container, ctx) → (unmount function | undefined) }`; a page reads its
// parameters from location.search. The server lists the same paths in PAGE_ROUTES
// (src/server/app.ts) so a reload finds the shell.

import { h, clear } from './lib/dom.js';
import checkPage from './pages/check.js';
import corpusPage from './pages/corpus.js';
import bodiesPage from './pages/bodies.js';
import bodyPage from './pages/body.js';
import reportPage from './pages/report.js';
import dashboardPage from './pages/dashboard.js';
import comparePage from './pages/compare.js';
import batchPage from './pages/batch.js';
import loginPage from './pages/login.js';
import mePage from './pages/me.js';
import { me, signOut } from './lib/api.js';

const ROUTES = [
  { path: '/', page: checkPage, nav: true },
  { path: '/check', page: checkPage },
  { path: '/corpus', page: corpusPage, nav: true },
  { path: '/bodies', page: bodiesPage, nav: true },
  { path: '/body', page: bodyPage },
  { path: '/report', page: reportPage },
  { path: '/dashboard', page: dashboardPage, nav: true },
  { path: '/compare', page: comparePage, nav: true },
  { path: '/batch', page: batchPage, nav: true },
  { path: '/login', page: loginPage },
  { path: '/me', page: mePage },
];

const notFound = {
  title: '页面不存在',
  mount(container) {
    container.append(h('section', { className: 'panel' }, h('h1', {}, '页面不存在 / Page not found'), h('p', {}, h('a', { href: '/' }, '返回检查报告 / back to Check a report'))));
  },
};

const app = document.getElementById('app');
const nav = document.getElementById('nav');
const account = document.getElementById('account');
let unmount;

function match(pathname) {
  return ROUTES.find((r) => r.path === pathname)?.page ?? notFound;
}

function render() {
  if (typeof unmount === 'function') unmount();
  unmount = undefined;
  const page = match(location.pathname);
  document.title = `${page.title} · gongkai`;
  for (const a of nav.querySelectorAll('a')) {
    if (match(a.getAttribute('href')) === page || (page === bodyPage && a.getAttribute('href') === '/bodies') || (page === reportPage && a.getAttribute('href') === '/corpus')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  clear(app);
  unmount = page.mount(app, { navigate, refreshAccount });
  window.scrollTo(0, 0);
}

function navigate(path) {
  history.pushState(null, '', path);
  render();
}

/** The top bar's account corner: 登录, or the user's name (to 我的账户) and 退出. */
async function refreshAccount() {
  let data = null;
  try {
    data = await me();
  } catch {
    /* the service is down: the pages say so */
  }
  clear(account);
  if (!data?.user) {
    account.append(h('a', { href: '/login', id: 'account-login' }, '登录'));
    return;
  }
  const out = h('button', { type: 'button', className: 'button small', id: 'account-logout' }, '退出');
  out.addEventListener('click', async () => {
    try {
      await signOut();
    } finally {
      await refreshAccount();
      navigate('/login');
    }
  });
  account.append(h('a', { href: '/me', id: 'account-me' }, data.user.display_name || data.user.name), out);
}

for (const r of ROUTES.filter((x) => x.nav)) nav.append(h('a', { href: r.path }, r.page.title));

document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a[href^="/"]') : null;
  if (!a || a.hasAttribute('download') || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', render);
refreshAccount().finally(render);
