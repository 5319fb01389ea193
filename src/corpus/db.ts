// One small interface over the embedded database (PGlite in a data directory — nothing to
// install) and a PostgreSQL server (when DATABASE_URL is set): same SQL, same migrations.

import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate } from './migrations.js';

export type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface Db {
  kind: 'pglite' | 'postgres';
  query: Query;
  /** Runs `fn` in one transaction: all of it is stored, or none. */
  transaction<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = './gongkai-data';

export interface OpenOptions {
  /** PGlite data directory (default GONGKAI_DATA or ./gongkai-data). */
  dataDir?: string;
  /** PostgreSQL URL (default DATABASE_URL); pass '' to force PGlite. */
  url?: string;
}

export async function openDb(opts: OpenOptions = {}): Promise<Db> {
  const url = opts.url ?? process.env.DATABASE_URL;
  const db = url ? openPostgres(url) : await openPglite(opts.dataDir ?? process.env.GONGKAI_DATA ?? DEFAULT_DATA_DIR);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

async function openPglite(dir: string): Promise<Db> {
  mkdirSync(dir, { recursive: true });
  const lite = new PGlite(dir);
  await lite.waitReady;
  const query: Query = async <T>(sql: string, params: unknown[] = []) => (await lite.query<T>(sql, params)).rows;
  return {
    kind: 'pglite',
    query,
    transaction: (fn) => lite.transaction(async (tx) => fn(async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows)),
    close: () => lite.close(),
  };
}

function openPostgres(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // numeric comes back as a string in both drivers; callers convert with Number().
  const query: Query = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];
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
