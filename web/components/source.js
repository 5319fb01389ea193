// The source pane: the normalised text every span points into, with marks for the selection,
// and an inspector that says what is selected.

import { h, clear, append } from '../lib/dom.js';
import { validSpan } from '../lib/report.js';

export function createSourcePane(report) {
  const text = typeof report.text === 'string' ? report.text : '';
  const inspector = h('div', { className: 'inspector', 'aria-live': 'polite' },
    h('p', { className: 'muted' }, '点击表格中的单元格或下方的问题，原文中的位置会在这里高亮。 / Click a cell or a finding to see it in the source.'));
  const pre = h('pre', { className: 'source-text', lang: 'zh-CN' }, text || '（没有原文 / no text）');
  const scroller = h('div', { className: 'source-scroll' }, pre);
  const el = h('aside', { className: 'source-pane', 'aria-label': '原文 / source text' },
    h('div', { className: 'source-head' }, h('h2', {}, '原文 ', h('span', { className: 'en' }, 'Source text')), h('span', { className: 'muted small' }, `${text.length} 字`)),
    inspector, scroller);

  /** marks: [{ span: [s, e], kind: 'primary' | 'cell' | 'approx' }]; scrolls the first into view. */
  function setMarks(marks) {
    const list = marks.filter((m) => validSpan(report, m.span)).sort((a, b) => a.span[0] - b.span[0]);
    clear(pre);
    let pos = 0;
    let first = null;
    for (const m of list) {
      const s = Math.max(m.span[0], pos);
      const e = m.span[1];
      if (e <= s) continue;
      if (s > pos) pre.append(text.slice(pos, s));
      const mark = h('mark', { className: `src-${m.kind}` }, text.slice(s, e));
      if (!first || m.kind === 'primary' && !first.classList.contains('src-primary')) first = mark;
      pre.append(mark);
      pos = e;
    }
    if (pos < text.length) pre.append(text.slice(pos));
    if (first) {
      const target = first;
      requestAnimationFrame(() => {
        scroller.scrollTop = Math.max(0, target.offsetTop - scroller.clientHeight / 3);
      });
    }
    return list.length;
  }

  function inspect(...children) {
    clear(inspector);
    append(inspector, children);
  }

  return { el, setMarks, inspect };
}
