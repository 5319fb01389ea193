// `gongkai check`: the report for people — metadata, the three tables in the template's layout
// with doubtful cells marked, then the findings. The tables follow the one walk of the template
// (src/layout/outline.ts) and cells read as `formatCell` says.

import type { Cell, Report } from '../types.js';
import { findingText, tableName, TEMPLATES, type TableDef } from '../template/index.js';
import { formatCell, rowLabel, tableOutline } from '../layout/index.js';

export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function makeStyle(color: boolean): Style {
  const wrap = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap('31'), yellow: wrap('33'), cyan: wrap('36'), dim: wrap('2'), bold: wrap('1') };
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s.replace(/\u001b\[[0-9;]*m/g, '')) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;

export function cellText(cell: Cell | undefined, st: Style): string {
  const look = formatCell(cell, { maxCandidates: 3 });
  switch (look.status) {
    case 'none': return st.dim(look.text);
    case 'read': return look.text;
    case 'blank': return st.dim(look.text);
    case 'inferred': return st.cyan(`${look.text}*`);
    case 'ambiguous': return st.yellow(look.text);
    case 'missing': return st.red(look.text);
  }
}

/** A table as aligned text: each sub-table caption, its column labels, then the rows indented by nesting. */
function renderTable(def: TableDef, cells: Report['tables']['active'], st: Style): string[] {
  if (!cells) return [st.red('  （原文中没有此表 / table absent）')];
  const lines: string[] = [];
  let grid: string[][] = [];
  const flush = () => {
    if (grid.length) lines.push(...formatGrid(grid));
    grid = [];
  };
  for (const entry of tableOutline(def)) {
    if (entry.kind === 'caption') {
      flush();
      lines.push(st.bold(`  ${entry.text}`));
    } else if (entry.kind === 'header') grid.push([def.labelHeader ?? '', ...entry.columns.map((c) => c.label)]);
    else {
      const label = `${'  '.repeat(entry.ancestors.length)}${rowLabel(def, entry.row, { short: true })}`;
      if (entry.kind === 'group') grid.push([label]);
      else grid.push([label, ...entry.columns.map((c) => cellText(cells[entry.row.key]?.[c.key], st))]);
    }
  }
  flush();
  return lines;
}

function formatGrid(grid: string[][]): string[] {
  const ncol = Math.max(...grid.map((r) => r.length));
  const widths = Array.from({ length: ncol }, (_, i) => Math.max(...grid.map((r) => (r[i] ? width(r[i]) : 0))));
  return grid.map((r) => '  ' + r.map((c, i) => (i === 0 ? padEnd(c, widths[0]) : padStart(c, Math.max(4, widths[i])))).join('  ').trimEnd());
}

export function renderCheck(report: Report, st: Style): string {
  const out: string[] = [];
  const m = report.meta;
  out.push(st.bold(`${report.source.path ?? '(stdin)'}`));
  out.push(`  机关 agency: ${m.agency ?? st.dim('未知')}   年度 year: ${m.year ?? st.dim('未知')}   发布 published: ${m.published ?? st.dim('未知')}   模板 template: ${m.template}`);
  if (m.level || m.region) out.push(`  层级 level: ${m.level ?? st.dim('未知')}   地区 region: ${m.region ?? st.dim('未知')}${m.division_code ? `（${m.division_code}）` : ''}   格式 format: ${report.source.format}`);
  const version = m.template === '2019' || m.template === '2021' ? TEMPLATES[m.template] : null;
  if (version) {
    for (const key of ['active', 'requests', 'review_litigation'] as const) {
      out.push('', st.bold(tableName(key)));
      out.push(...renderTable(version.tables[key], report.tables[key], st));
    }
    out.push('', st.dim('  图例 legend: 数字=原文读取 read · 灰色=空白按0 blank · *=按勾稽关系推算 inferred · ?a/b=存疑及候选值 ambiguous · 缺=原文缺失 missing'));
  }
  if (report.narrative.facts.length) {
    out.push('', st.bold('正文中的数字 / figures in the prose'));
    for (const f of report.narrative.facts) out.push(`  ${f.kind}: ${f.value} ${f.unit}${f.cell ? st.dim(`  ↔ ${f.cell}`) : ''}`);
  }
  out.push('', st.bold(`发现的问题 / findings (${report.findings.length})`));
  const order = { error: 0, warning: 1, info: 2 } as const;
  for (const f of [...report.findings].sort((a, b) => order[a.severity] - order[b.severity])) {
    const tag = f.severity === 'error' ? st.red('错误 error') : f.severity === 'warning' ? st.yellow('警告 warning') : st.dim('提示 info');
    const cells = f.cells.length ? st.dim(`  [${f.cells.slice(0, 6).join(', ')}${f.cells.length > 6 ? ', …' : ''}]`) : '';
    out.push(`  ${tag}  ${f.rule}: ${findingText(f)}${cells}`);
  }
  return out.join('\n');
}
