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
];

const notFound = {
  title: '页面不存在',
  mount(container) {
    container.append(h('section', { className: 'panel' }, h('h1', {}, '页面不存在 / Page not found'), h('p', {}, h('a', { href: '/' }, '返回检查报告 / back to Check a report'))));
  },
};

const app = document.getElementById('app');
const nav = document.getElementById('nav');
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
  unmount = page.mount(app, { navigate });
  window.scrollTo(0, 0);
}

function navigate(path) {
  history.pushState(null, '', path);
  render();
}

for (const r of ROUTES.filter((x) => x.nav)) nav.append(h('a', { href: r.path }, r.page.title));

document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a[href^="/"]') : null;
  if (!a || a.hasAttribute('download') || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', render);
render();
