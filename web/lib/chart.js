// Line charts drawn as inline SVG through DOM calls (createElementNS, setAttribute, textContent).
// Why hand-drawn rather than a chart library: the app bundles every asset (no CDN — many users
// sit on government intranets), runs under a strict CSP (no inline script or style, no eval),
// and only needs one kind of chart (a few series over a few years); a library would add far more
// code than the ~150 lines here. Labels are set as text, never parsed as markup.

import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const ATTRS = new Set(['viewBox', 'width', 'height', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'd', 'class', 'text-anchor', 'dominant-baseline', 'role', 'aria-label', 'preserveAspectRatio', 'data-series', 'data-year', 'data-value', 'focusable']);

/** An SVG element with attributes from a short list; strings become text. */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (!ATTRS.has(k)) throw new Error(`chart: attribute not allowed: ${k}`);
    el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** A round upper bound and tick step for values up to `max`. */
function niceScale(max) {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) ?? 10 * mag;
  return { top: Math.ceil(max / step) * step, step };
}

const fmt = (v) => (Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100));

/**
 * chart: { key, title, cells, series: [{ key, label, values: (number|null)[], undecided: boolean[] }] }
 * years: number[]; missing: Set of years with no report (shaded and labelled).
 */
export function lineChart(chart, years, missing) {
  const W = 640, H = 260, L = 52, R = 12, T = 14, B = 40;
  const all = chart.series.flatMap((x) => x.values).filter((v) => typeof v === 'number');
  const { top, step } = niceScale(Math.max(0, ...all));
  const x = (i) => L + (years.length <= 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (years.length - 1));
  const y = (v) => T + (H - T - B) * (1 - v / top);
  const band = years.length <= 1 ? 40 : (W - L - R) / (years.length - 1);

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': chart.title, preserveAspectRatio: 'xMidYMid meet', focusable: 'false' });
  // missing years first, behind everything
  years.forEach((yr, i) => {
    if (!missing.has(yr)) return;
    svg.append(s('rect', { class: 'gap', x: x(i) - band / 2, y: T, width: band, height: H - T - B, 'data-year': yr }));
    svg.append(s('text', { class: 'gap-label', x: x(i), y: T + 12, 'text-anchor': 'middle' }, '无报告'));
  });
  for (let v = 0; v <= top + 1e-9; v += step) {
    svg.append(s('line', { class: 'grid-line', x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    svg.append(s('text', { class: 'axis', x: L - 6, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fmt(v)));
  }
  years.forEach((yr, i) => svg.append(s('text', { class: 'axis', x: x(i), y: H - B + 18, 'text-anchor': 'middle' }, String(yr))));

  chart.series.forEach((ser, k) => {
    const g = s('g', { class: `series s${k % 8}`, 'data-series': ser.key });
    // one path per run of years with a value: a missing or undecided year breaks the line
    let d = '';
    ser.values.forEach((v, i) => {
      if (typeof v !== 'number') return;
      d += `${i > 0 && typeof ser.values[i - 1] === 'number' ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
    });
    if (d) g.append(s('path', { class: 'line', d: d.trim() }));
    ser.values.forEach((v, i) => {
      if (typeof v === 'number') {
        g.append(s('circle', { class: 'pt', cx: x(i), cy: y(v), r: 3.5, 'data-year': years[i], 'data-value': v }, s('title', {}, `${years[i]} 年 · ${ser.label}：${fmt(v)}`)));
      } else if (ser.undecided?.[i]) {
        g.append(s('text', { class: 'undecided-mark', x: x(i), y: H - B - 4, 'text-anchor': 'middle', 'data-year': years[i] }, '?', s('title', {}, `${years[i]} 年 · ${ser.label}：原文无法确定 / undecided`)));
      }
    });
    svg.append(g);
  });

  const legend = h('ul', { className: 'chart-legend' }, chart.series.map((ser, k) => h('li', { className: `s${k % 8}` }, h('span', { className: 'swatch', 'aria-hidden': 'true' }), ser.label)));
  const table = h('details', { className: 'chart-data' }, h('summary', {}, '数据表 / data'),
    h('table', { className: 'data-table' },
      h('thead', {}, h('tr', {}, h('th', {}, '年度'), chart.series.map((ser) => h('th', {}, ser.label)))),
      h('tbody', {}, years.map((yr, i) => h('tr', {}, h('th', {}, String(yr)),
        chart.series.map((ser) => h('td', {}, typeof ser.values[i] === 'number' ? fmt(ser.values[i]) : missing.has(yr) ? '无报告' : ser.undecided?.[i] ? '?' : '—')))))));
  return h('figure', { className: 'chart', dataset: { chart: chart.key } },
    h('figcaption', {}, chart.title), svg, legend,
    h('p', { className: 'muted small' }, `数据来自单元格 ${chart.cells}；某年有多份报告时取错误最少、单元格最多的一份；“?”表示原文无法确定。`),
    table);
}
