// One small interface over the embedded database (PGlite, in a data directory — nothing to
// install) and a PostgreSQL server (when DATABASE_URL is set): same SQL, same migrations.

import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { MIGRATIONS } from './schema.js';

export interface Db {
  kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction: all of it is stored, or none. */
  transaction<T>(fn: (q: Db['query']) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = 'gongkai-data';

export async function openDb(opts: { dataDir?: string; url?: string } = {}): Promise<Db> {
  const url = opts.url ?? process.env.DATABASE_URL;
  const db = url ? await openPostgres(url) : await openPglite(opts.dataDir ?? process.env.GONGKAI_DATA ?? DEFAULT_DATA_DIR);
  await migrate(db);
  return db;
}

async function openPglite(dir: string): Promise<Db> {
  mkdirSync(dir, { recursive: true });
  const lite = new PGlite(dir);
  await lite.waitReady;
  const query = async <T>(sql: string, params: unknown[] = []) => (await lite.query<T>(sql, params)).rows;
  return {
    kind: 'pglite',
    query,
    transaction: (fn) => lite.transaction(async (tx) => fn(async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows)),
    close: () => lite.close(),
  };
}

async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const query = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];
  return {
    kind: 'postgres',
    query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const out = await fn(async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[]);
        await client.query('commit');
        return out;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Ordered migrations, each applied once, recorded in schema_migrations. */
async function migrate(db: Db): Promise<void> {
  await db.query('create table if not exists schema_migrations (id int primary key, applied_at timestamptz not null default now())');
  const done = new Set((await db.query<{ id: number }>('select id from schema_migrations')).map((r) => Number(r.id)));
  for (const m of MIGRATIONS) {
    if (done.has(m.id)) continue;
    await db.transaction(async (q) => {
      for (const stmt of m.sql.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await q(stmt);
      await q('insert into schema_migrations (id) values ($1)', [m.id]);
    });
  }
}
