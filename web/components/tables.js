// The three tables drawn in the template's own layout (GET /api/template/:version → layout),
// each data cell showing its value and status. Cells are buttons: `onCell(path)` on click.

import { h } from '../lib/dom.js';
import { STATUS, cellOf, formatCell, pathText } from '../lib/report.js';

const fmt = (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');

function cellContent(cell) {
  const look = formatCell(cell, { maxCandidates: 3 });
  switch (look.status) {
    case 'inferred': return [h('span', { className: 'v' }, look.text), h('span', { className: 'mark', 'aria-hidden': 'true' }, '推')];
    case 'ambiguous': {
      const shown = look.shown.join(' / ') + (look.candidates.length > look.shown.length ? ' …' : '');
      return [h('span', { className: 'v' }, '?'), h('span', { className: 'cands' }, shown || '无候选')];
    }
    default: return [h('span', { className: 'v' }, look.text)];
  }
}

function cellTitle(tmpl, path, cell) {
  const where = pathText(tmpl, path);
  if (!cell) return `${where}：报告中没有此单元格`;
  const st = STATUS[cell.status];
  let s = `${where}\n${st ? `${st.zh}（${st.en}）：${st.hint}` : String(cell.status)}`;
  if (cell.status === 'ambiguous') s += `\n候选值 candidates：${(cell.candidates ?? []).join(' / ')}`;
  else if (cell.value !== null && cell.value !== undefined) s += `\n数值 value：${cell.value}${cell.unit ? `（原文单位 ${cell.unit}）` : ''}`;
  return s;
}

/**
 * @returns {{ el: HTMLElement, cells: Map<string, HTMLElement> }} the tables and the <td> of each cell path.
 */
export function renderTables(tmpl, report, { onCell }) {
  const cells = new Map();
  const wrap = h('div', { className: 'tables' });
  for (const layout of tmpl.layout.tables) {
    const data = report.tables?.[layout.key];
    const section = h('section', { className: `table-block tb-${layout.key}`, dataset: { table: layout.key } }, h('h3', {}, layout.title));
    wrap.append(section);
    if (!data) {
      section.append(h('p', { className: 'absent' }, '原文中没有此表（可能以图片或附件发布），表中数值为空。 / Table absent from the text (image or attachment?).'));
      continue;
    }
    const table = h('table', { className: `grid t-${layout.key}` });
    const thead = h('thead');
    const tbody = h('tbody');
    layout.rows.forEach((line, i) => {
      const tr = h('tr');
      for (const c of line) {
        const span = { ...(c.colspan ? { colSpan: c.colspan } : {}), ...(c.rowspan ? { rowSpan: c.rowspan } : {}) };
        if (c.kind === 'data') {
          const cell = cellOf(report, c.cell);
          const status = cell?.status ?? 'none';
          const td = h('td', {
            ...span,
            className: `cell st-${status in STATUS ? status : 'none'}${c.total ? ' total' : ''}`,
            dataset: { cell: c.cell, status },
            tabIndex: 0, role: 'button', title: cellTitle(tmpl, c.cell, cell),
            'aria-label': `${pathText(tmpl, c.cell)}：${cell?.status === 'ambiguous' ? STATUS.ambiguous.zh : fmt(cell?.value) || (STATUS[status]?.zh ?? '无')}`,
            on: {
              click: () => onCell(c.cell),
              keydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onCell(c.cell); } },
            },
          }, cellContent(cell));
          cells.set(c.cell, td);
          tr.append(td);
        } else {
          const cls = [`k-${c.kind}`];
          if (c.depth !== undefined) cls.push(`depth-${c.depth}`);
          if (c.vertical) cls.push('vertical');
          if (c.total) cls.push('total');
          const th = h('th', { ...span, className: cls.join(' '), ...(c.kind === 'head' ? { scope: c.colspan ? 'colgroup' : 'col' } : c.kind === 'label' ? { scope: 'row' } : {}), ...(c.row ? { dataset: { row: c.row } } : {}) },
            c.vertical ? h('span', { className: 'vtext' }, c.text ?? '') : (c.text ?? ''));
          tr.append(th);
        }
      }
      (i < layout.headerRows ? thead : tbody).append(tr);
    });
    if (layout.headerRows) table.append(thead);
    table.append(tbody);
    section.append(h('div', { className: 'table-scroll' }, table));
  }
  if (tmpl.layout.tables.some((t) => report.tables?.[t.key])) wrap.append(h('p', { className: 'legend' },
    '图例：', h('span', { className: 'lg st-read' }, '63'), ' 原文读取　',
    h('span', { className: 'lg st-blank' }, '0'), ' 空白按 0 计　',
    h('span', { className: 'lg st-inferred' }, '8', h('span', { className: 'mark' }, '推')), ' 按勾稽关系推算　',
    h('span', { className: 'lg st-ambiguous' }, '? 6 / 62'), ' 存疑（候选值）　',
    h('span', { className: 'lg st-missing' }, '缺'), ' 原文缺失。点击单元格查看原文位置。'));
  return { el: wrap, cells };
}
