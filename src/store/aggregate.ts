// The sum of all reports under a region or a parent body for a year, per cell and per template
// version, with the template's arithmetic (TEMPLATES[v].rules) checked again on the sums. A cell
// that some report leaves undecided (ambiguous, missing, or its table absent) makes its sum a lower
// bound: it is counted, and the rules that use it are not judged.
//
// Under a parent body (`--parent-body 某区人民政府`): a government body stands for its region, so
// the bodies under it are those whose region is its region or lies below it — the body itself,
// the departments of its region (某区教育局), and every body of the streets, towns and districts
// inside it. In SQL: `bodies.region_parts` holds every division of the parent's region. A
// department (部门) has no region of its own below it and is refused, as is a body whose region
// is unknown.

import { evaluate, holds, TEMPLATE_VERSIONS, TEMPLATES, type TableKey } from '../template/index.js';
import type { Severity, TemplateVersion } from '../types.js';
import { StoreError, type Db } from './db.js';
import { filterSql, type ReportFilter } from './export.js';
import { layoutRows, type SheetValue } from '../layout/index.js';
import { DECIDED_SQL, normaliseName } from './model.js';

export interface AggregateRule {
  id: string;
  severity: Severity;
  statement: string;
  cells: string[];
  /** Σ coef × sum; null when a cell of the rule is undecided somewhere. */
  difference: number | null;
  status: 'holds' | 'broken' | 'undecided';
}

export interface Aggregate {
  year: number;
  template: TemplateVersion;
  reports: number;
  bodies: number;
  /** path → sum over the reports whose cell is decided */
  sums: Record<string, number>;
  /** path → reports that leave the cell undecided (or lack it): the sum is a lower bound there */
  undecided: Record<string, number>;
  rules: AggregateRule[];
  /** With `parentBody`: the body the sums are under. */
  parent_body?: ParentBody;
}

export type AggregateFilter = Pick<ReportFilter, 'region' | 'parent' | 'body' | 'level'> & {
  year: number;
  /** A parent body's name (exact, or a part of it naming one government body): everything under it. */
  parentBody?: string;
};

export interface ParentBody {
  id: number;
  name: string;
  level: string | null;
  region: string;
  region_parts: string[];
}

/**
 * The body `--parent-body X` names: the one whose normalised name is X, else the only government
 * body (not a 部门) whose name contains X. Refused (StoreError `bad_option`, a message for people):
 * no such body, several, a department, a body without a known region.
 */
export async function findParentBody(db: Db, name: string): Promise<ParentBody> {
  const norm = normaliseName(name);
  type Row = { id: number; name: string; level: string | null; region: string | null; region_parts: string[] };
  const cols = 'id, name, level, region, region_parts';
  let rows = await db.query<Row>(`select ${cols} from bodies where norm_name = $1`, [norm]);
  if (!rows.length) {
    const like = `%${norm.replace(/[\\%_]/g, '\\$&')}%`;
    const found = await db.query<Row & { norm_name: string }>(
      `select ${cols}, norm_name from bodies where norm_name like $1 and level is distinct from '部门' order by length(norm_name), name limit 21`, [like]);
    // 栖洲区人民政府 means the government, not also its 办公室: names ending with X come first
    const ending = found.filter((r) => r.norm_name.endsWith(norm));
    rows = ending.length ? ending : found;
    if (rows.length > 1) {
      const names = rows.slice(0, 5).map((r) => r.name).join('、');
      throw new StoreError(`“${name}”对应多个机关：${names}${rows.length > 5 ? ' 等' : ''}，请写全称 / several bodies match "${name}": give the full name`, 'bad_option');
    }
  }
  if (!rows.length) throw new StoreError(`没有名为“${name}”的机关 / no body named "${name}"`, 'bad_option');
  const b = rows[0];
  if (b.level === '部门') throw new StoreError(`${b.name} 是部门，其下没有地区；请用 --region 或 --parent 指定地区 / ${b.name} is a department, with no region below it: use --region or --parent`, 'bad_option');
  const parts = (b.region_parts ?? []).filter(Boolean);
  if (!parts.length || !b.region) throw new StoreError(`${b.name} 的所在地区未知，无法确定其下属机关 / the region of ${b.name} is unknown: no bodies can be placed under it`, 'bad_option');
  return { id: Number(b.id), name: b.name, level: b.level, region: b.region, region_parts: parts };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Per-cell sums of the matching reports of a year, one Aggregate per template version present. */
export async function aggregate(db: Db, f: AggregateFilter): Promise<Aggregate[]> {
  const params: unknown[] = [];
  const { parentBody, ...rest } = f;
  const parent = parentBody ? await findParentBody(db, parentBody) : undefined;
  const where = filterSql({ ...rest, year: f.year, ...(parent ? { underParts: parent.region_parts } : {}) }, params);
  const counts = await db.query<{ template: string; reports: number; bodies: number }>(
    `select r.template, count(*)::int as reports, count(distinct r.body_id)::int as bodies
     from reports r left join bodies b on b.id = r.body_id ${where} group by r.template`, params);
  const rows = await db.query<{ template: string; cell: number; sum: string | null; n: number; undecided: number }>(
    `select r.template, c.cell, sum(c.value) filter (where c.status in ${DECIDED_SQL} and c.value is not null) as sum,
            count(*)::int as n, count(*) filter (where c.status not in ${DECIDED_SQL} or c.value is null)::int as undecided
     from reports r left join bodies b on b.id = r.body_id join cells c on c.report_id = r.id
     ${where} group by r.template, c.cell`, params);
  const pathOf = new Map([...db.cellIds].map(([p, id]) => [id, p]));
  const out: Aggregate[] = [];
  for (const template of TEMPLATE_VERSIONS) {
    const count = counts.find((c) => c.template === template);
    if (!count) continue;
    const n = Number(count.reports);
    const sums: Record<string, number> = {};
    const undecided: Record<string, number> = {};
    for (const r of rows.filter((x) => x.template === template)) {
      const path = pathOf.get(Number(r.cell));
      if (!path) continue;
      sums[path] = round(Number(r.sum ?? 0));
      const u = Number(r.undecided) + (n - Number(r.n));
      if (u) undecided[path] = u;
    }
    // a template cell no report has at all: every report leaves it undecided
    for (const rule of TEMPLATES[template].rules) for (const t of rule.terms) if (!(t.cell in sums)) { sums[t.cell] = 0; undecided[t.cell] = n; }
    const rules: AggregateRule[] = TEMPLATES[template].rules.map((rule) => {
      const cells = rule.terms.map((t) => t.cell);
      if (cells.some((c) => undecided[c])) return { id: rule.id, severity: rule.severity, statement: rule.statement, cells, difference: null, status: 'undecided' as const };
      const difference = round(evaluate(rule.terms, (c) => sums[c])!.difference);
      return { id: rule.id, severity: rule.severity, statement: rule.statement, cells, difference, status: holds(difference) ? ('holds' as const) : ('broken' as const) };
    });
    out.push({ year: f.year, template, reports: n, bodies: Number(count.bodies), sums, undecided, rules, ...(parent ? { parent_body: parent } : {}) });
  }
  return out;
}

/** An aggregate as text: the template's tables with the sums (`+n?` where n reports leave the cell undecided), then the rules. */
export function renderAggregate(a: Aggregate, title = ''): string {
  const lines: string[] = [`${title}${a.year}年合计 / sums for ${a.year} — 模板 template ${a.template}：${a.reports} 份报告 reports，${a.bodies} 个机关 bodies`];
  const value = (p: string): SheetValue => (p in a.sums ? (a.undecided[p] ? `${a.sums[p]}(+${a.undecided[p]}?)` : a.sums[p]) : null);
  const present = (tk: TableKey) => Object.keys(a.sums).some((p) => p.startsWith(`${tk}.`) && (a.undecided[p] ?? 0) < a.reports);
  for (const row of layoutRows(a.template, value, present)) lines.push(row.map((c) => (c === null ? '' : String(c))).join('\t'));
  const holds = a.rules.filter((r) => r.status === 'holds').length;
  const broken = a.rules.filter((r) => r.status === 'broken');
  const undecided = a.rules.filter((r) => r.status === 'undecided').length;
  lines.push(`勾稽关系：成立 ${holds} 条，不成立 ${broken.length} 条，无法判断 ${undecided} 条（有报告的单元格未确定） / rules on the sums: ${holds} hold, ${broken.length} broken, ${undecided} not judged (undecided cells)`);
  for (const b of broken) lines.push(`  不成立 broken: ${b.id} — ${b.statement}（差 difference ${b.difference}）`);
  return lines.join('\n');
}
