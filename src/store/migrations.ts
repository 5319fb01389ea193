// Applies the migrations of schema.ts that a database has not had yet, each in order and recorded
// in `schema_migrations`, all in one transaction (on a server under an advisory lock, so that
// several processes opening at once migrate once). Refuses a schema that is not ours or is newer.

import type { Db, Queryable } from './db.js';
import { StoreError } from './db.js';
import { cellPaths } from './model.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

const LOCK_KEY = 734_100_501;

export async function migrate(db: Db, opts: { create?: boolean } = {}): Promise<void> {
  await db.transaction(async (q) => {
    if (db.kind === 'postgres') await q.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const [{ has_schema }] = await q.query<{ has_schema: boolean }>('select exists (select 1 from pg_namespace where nspname = $1) as has_schema', [db.schema]);
    const tables = has_schema
      ? (await q.query<{ name: string }>(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind in ('r', 'v', 'p')`, [db.schema])).map((r) => r.name)
      : [];
    const where = db.kind === 'postgres' ? `${db.location}（模式 schema ${db.schema}）` : db.location;
    if (tables.length && !tables.includes('schema_migrations')) {
      throw new StoreError(`${where} 里已有别的表（${tables.slice(0, 5).join(', ')}），不是 gongkai 的语料库，未作任何改动 / not a gongkai corpus: it has other tables; nothing was changed`, 'not_ours');
    }
    if (!tables.length && !opts.create) {
      throw new StoreError(`${where} 里还没有语料库（请先运行 gongkai ingest） / no corpus there yet: run gongkai ingest first`, 'missing');
    }
    await q.query(`create schema if not exists ${db.schema}`);
    await q.query(`create table if not exists ${db.schema}.schema_migrations (id int primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = await q.query<{ id: number; name: string }>(`select id, name from ${db.schema}.schema_migrations order by id`);
    for (const d of done) {
      const m = MIGRATIONS.find((x) => x.id === Number(d.id));
      if (Number(d.id) > SCHEMA_VERSION) {
        throw new StoreError(`${where} 由更新版本的 gongkai 建立（迁移 ${d.id} ${d.name}），请升级 / made by a newer gongkai (migration ${d.id}): upgrade`, 'newer');
      }
      if (!m || m.name !== d.name) {
        throw new StoreError(`${where} 的迁移记录与 gongkai 不符（${d.id} ${d.name}），不是 gongkai 的语料库 / not a gongkai corpus (unknown migration ${d.id} ${d.name})`, 'not_ours');
      }
    }
    const applied = new Set(done.map((d) => Number(d.id)));
    for (const m of MIGRATIONS) {
      if (applied.has(m.id)) continue;
      await q.query(`set local search_path to ${db.schema}`);
      for (const stmt of splitSql(m.sql)) await q.query(stmt);
      await q.query(`insert into ${db.schema}.schema_migrations (id, name) values ($1, $2)`, [m.id, m.name]);
    }
    await ensureCellKeys(db, q, cellPaths());
    await restoreCellsKey(db, q);
  });
}

// ---------------------------------------------------------------- the cells key, deferred in bulk loads

/**
 * A large ingest into PGlite leaves out the primary key of `cells` and builds it once at the end:
 * kept up row by row it doubles the cost of writing a report's 200 cells, built at once over
 * the whole table it costs a quarter of that. Only on PGlite, which one process uses at a time,
 * so nothing reads the table meanwhile. A run killed before the end leaves the key out: the next
 * open of the store (any command) builds it again, here.
 */
export async function hasCellsKey(db: Db, q: Queryable): Promise<boolean> {
  const rows = await q.query(`select 1 from pg_constraint where conname = 'cells_pkey' and conrelid = '${db.schema}.cells'::regclass`);
  return rows.length > 0;
}

export async function dropCellsKey(db: Db, q: Queryable): Promise<void> {
  await q.query(`alter table ${db.schema}.cells drop constraint if exists cells_pkey`);
}

export async function restoreCellsKey(db: Db, q: Queryable): Promise<void> {
  if (await hasCellsKey(db, q)) return;
  await q.query(`alter table ${db.schema}.cells add constraint cells_pkey primary key (report_id, cell)`);
}

function splitSql(sql: string): string[] {
  return sql.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean);
}

/**
 * Numbers the cell paths not in `cell_keys` yet and loads the whole table into `db.cellIds`.
 * On a server, callers outside `migrate` take the same advisory lock first.
 */
export async function ensureCellKeys(db: Db, q: Queryable, paths: string[]): Promise<void> {
  const rows = await q.query<{ id: number; path: string }>(`select id, path from ${db.schema}.cell_keys`);
  for (const r of rows) db.cellIds.set(r.path, Number(r.id));
  const missing = paths.filter((p) => !db.cellIds.has(p));
  if (!missing.length) return;
  if (db.kind === 'postgres') await q.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
  const again = await q.query<{ id: number; path: string }>(`select id, path from ${db.schema}.cell_keys`);
  let next = 1;
  for (const r of again) {
    db.cellIds.set(r.path, Number(r.id));
    next = Math.max(next, Number(r.id) + 1);
  }
  const rowsToAdd: unknown[][] = [];
  for (const p of missing) {
    if (db.cellIds.has(p)) continue;
    const [tbl, row, ...col] = p.split('.');
    rowsToAdd.push([next, p, tbl, row ?? '', col.join('.')]);
    next++;
  }
  if (next > 32767) throw new Error('cell_keys: too many cell paths');
  await q.insertRows(`${db.schema}.cell_keys`, [['id', 'smallint'], ['path', 'text'], ['tbl', 'text'], ['row_key', 'text'], ['col_key', 'text']], rowsToAdd);
  for (const r of rowsToAdd) db.cellIds.set(r[1] as string, r[0] as number);
}
