// The findings: a summary of the report's overall problems (counts and the most important
// findings in plain Chinese) and the full list. Each finding links to its cells.

import { h, splitMessage } from '../lib/dom.js';
import { SEVERITY, STATUS, pathText, severityCounts, sortedFindings, statusCounts } from '../lib/report.js';

function verdict(counts, cellCounts, tablesPresent) {
  if (!tablesPresent) return { cls: 'warn', text: '没有读到报告的统计表格，无法核对数字。' };
  if (counts.error) return { cls: 'bad', text: `发现 ${counts.error} 个错误：表格中有数字对不上或不符合模板要求，需要更正。` };
  if (counts.warning) return { cls: 'warn', text: `未发现计算错误，但有 ${counts.warning} 个警告需要核实${cellCounts.ambiguous ? `（其中 ${cellCounts.ambiguous} 个单元格的数值无法从原文确定）` : ''}。` };
  return { cls: 'good', text: '未发现问题：表格中的数字符合模板的勾稽关系。' };
}

export function renderSummary(tmpl, report, { onFinding }) {
  const counts = severityCounts(report);
  const cellCounts = statusCounts(report, tmpl);
  const tablesPresent = Object.values(report.tables ?? {}).some(Boolean);
  const v = verdict(counts, cellCounts, tablesPresent);
  const top = sortedFindings(report).filter(({ f }) => f.severity !== 'info').slice(0, 5);
  const el = h('section', { className: `summary verdict-${v.cls}`, 'aria-label': '概要 / summary' },
    h('p', { className: 'verdict' }, v.text),
    h('div', { className: 'chips' },
      h('span', { className: 'chip sev-error' }, `错误 ${counts.error}`),
      h('span', { className: 'chip sev-warning' }, `警告 ${counts.warning}`),
      h('span', { className: 'chip sev-info' }, `提示 ${counts.info}`),
      h('span', { className: 'sep' }),
      ...Object.entries(cellCounts).map(([k, n]) => h('span', { className: `chip cs st-${k}`, title: STATUS[k].hint }, `${STATUS[k].zh} ${n}`))),
    top.length
      ? h('ol', { className: 'top-findings' }, top.map(({ f, i }) => h('li', {},
        h('button', { type: 'button', className: `linklike sev-${f.severity}`, on: { click: () => onFinding(i) } },
          h('span', { className: `badge sev-${f.severity}` }, SEVERITY[f.severity]?.zh ?? f.severity), splitMessage(f.message)[0]))))
      : null);
  return el;
}

export function renderFindings(tmpl, report, { onFinding, onCell }) {
  const items = new Map();
  const sorted = sortedFindings(report);
  const list = h('ul', { className: 'findings' });
  for (const { f, i } of sorted) {
    const [zh, en] = splitMessage(f.message);
    const cells = Array.isArray(f.cells) ? f.cells : [];
    const li = h('li', { className: `finding sev-${f.severity}`, dataset: { index: i, rule: f.rule } },
      h('button', { type: 'button', className: 'finding-main', 'aria-label': `${SEVERITY[f.severity]?.zh ?? ''}：${zh}`, on: { click: () => onFinding(i) } },
        h('span', { className: `badge sev-${f.severity}` }, SEVERITY[f.severity]?.zh ?? String(f.severity)),
        h('span', { className: 'msg' }, h('span', { className: 'zh' }, zh), en ? h('span', { className: 'en' }, en) : null),
        h('code', { className: 'rule' }, String(f.rule ?? ''))),
      cells.length
        ? h('div', { className: 'cell-links' }, cells.slice(0, 12).map((p) =>
          h('button', { type: 'button', className: 'cell-chip', title: String(p), on: { click: (e) => { e.stopPropagation(); onCell(p); } } }, pathText(tmpl, p))),
        cells.length > 12 ? h('span', { className: 'muted small' }, `等 ${cells.length} 个单元格`) : null)
        : null);
    items.set(i, li);
    list.append(li);
  }
  const el = h('section', { className: 'findings-block' },
    h('h3', {}, `发现的问题 `, h('span', { className: 'en' }, `Findings (${sorted.length})`)),
    sorted.length ? list : h('p', { className: 'muted' }, '没有发现问题。 / No findings.'));
  return { el, items };
}
