// A store damaged outside PostgreSQL (a table file cut short or emptied, a disk error) is refused
// on open with one line, rather than read as if it were fine — an export of reports without
// cells, a corpus check over nothing.
//
//   reports   the count the database keeps of its committed reports (`manifest`, migration 5)
//             against the rows the table yields;
//   cells     the oldest and the newest reports that have cells: their rows in `cells` against
//             `reports.cell_count` (a file cut short loses its last pages — the newest reports —
//             and an emptied one all); an index entry pointing past the end of the file is an
//             error from PostgreSQL itself, which counts as damage too.
// Bounded: one count over reports and 2 × PROBES index lookups, whatever the size of the store.

import type { Db } from './db.js';

const PROBES = 8;

export interface IntegrityProblem {
  /** For people: what does not add up (Chinese / English). */
  message: string;
}

export async function checkIntegrity(db: Db): Promise<IntegrityProblem | null> {
  const s = db.schema;
  try {
    const [kept] = await db.query<{ n: string }>(`select n::text as n from ${s}.manifest where tbl = 'reports'`);
    const [{ n: have }] = await db.query<{ n: string }>(`select count(*)::text as n from ${s}.reports`);
    if (!kept) return { message: `清单记录缺失 / the manifest row is missing` };
    if (kept.n !== have) {
      return { message: `reports 表应有 ${kept.n} 行，实际只读到 ${have} 行 / the reports table should have ${kept.n} rows, ${have} were read` };
    }
    const probes = await db.query<{ id: number; cell_count: number }>(
      `(select id, cell_count from ${s}.reports where cell_count > 0 order by id limit ${PROBES})
       union (select id, cell_count from ${s}.reports where cell_count > 0 order by id desc limit ${PROBES})`);
    if (!probes.length) return null;
    const counts = await db.query<{ report_id: number; n: number }>(
      `select report_id, count(*)::int as n from ${s}.cells where report_id = any($1::int[]) group by report_id`, [probes.map((p) => p.id)]);
    const found = new Map(counts.map((c) => [Number(c.report_id), Number(c.n)]));
    const short = probes.filter((p) => (found.get(Number(p.id)) ?? 0) !== Number(p.cell_count));
    if (short.length) {
      const p = short[0];
      return { message: `报告 ${p.id} 应有 ${p.cell_count} 个单元格，实际读到 ${found.get(Number(p.id)) ?? 0} 个（cells 表受损） / report ${p.id} should have ${p.cell_count} cells, ${found.get(Number(p.id)) ?? 0} were read (the cells table is damaged)` };
    }
    return null;
  } catch (err) {
    const why = ((err as Error)?.message ?? String(err)).split('\n')[0].slice(0, 160);
    return { message: `读取时数据库报错：${why} / the database failed reading it: ${why}` };
  }
}
